"""The issuer's keys on disk (`ISSUER_KEYS_DIR`), with an index of active and retired keys.

    keys/index.json   public metadata: which key is active, when each was created/retired
    keys/key-1.json   one key per file: id, created, publicKeyMultibase, secretKeyMultibase

Key files are created atomically with mode 0600 (and never overwritten);
files readable by others are refused. Changes hold an exclusive lock on
`keys/.lock`, so two `ler-issuer init` runs cannot both create a first key.
"""

import fcntl
import json
import os
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from issuer.errors import Conflict, InvalidInput, KeyUnavailable
from issuer.keys.ed25519 import KeyPair

INDEX_FILE = "index.json"
LOCK_FILE = ".lock"
PRIVATE_MODE = 0o600
DIRECTORY_MODE = 0o700
_KEY_ID = re.compile(r"key-[1-9][0-9]*")


def _link_new(source: Path, target: Path) -> None:
    """Give `source` the name `target`, failing if `target` exists (hard link, else rename)."""
    try:
        os.link(source, target)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links; we hold the store's lock
        if target.exists():
            raise FileExistsError(target) from None
        os.replace(source, target)


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass(frozen=True)
class IssuerKey:
    """Public facts about one issuer key (never its private half)."""

    id: str
    created: datetime
    public_multibase: str
    retired: datetime | None = None

    @property
    def status(self) -> Literal["active", "retired"]:
        """ "active" for the signing key, "retired" for keys kept only to verify."""
        return "retired" if self.retired else "active"

    def to_json(self) -> dict[str, Any]:
        """Return the index entry for this key."""
        entry: dict[str, Any] = {
            "id": self.id,
            "created": _timestamp(self.created),
            "status": self.status,
            "publicKeyMultibase": self.public_multibase,
        }
        if self.retired:
            entry["retired"] = _timestamp(self.retired)
        return entry

    @classmethod
    def from_json(cls, entry: dict[str, Any]) -> "IssuerKey":
        """Return the key described by an index entry."""
        retired = entry.get("retired")
        return cls(
            id=entry["id"],
            created=_parse_time(entry["created"]),
            public_multibase=entry["publicKeyMultibase"],
            retired=_parse_time(retired) if retired else None,
        )


class KeyStore:
    """The issuer's keys in `keys_dir`: one active signing key, and retired ones."""

    def __init__(self, keys_dir: Path) -> None:
        self.keys_dir = Path(keys_dir)
        self._index_path = self.keys_dir / INDEX_FILE  # (stat'ed on every read of a key)
        self._pairs: dict[str, KeyPair] = {}
        self._pairs_lock = threading.Lock()
        self._index: tuple[tuple[int, int, int], list[IssuerKey]] | None = None

    def all(self) -> list[IssuerKey]:
        """Return every key, oldest first, retired keys included."""
        return self._read_index()

    def active(self) -> IssuerKey:
        """Return the signing key; raise `KeyUnavailable` if there is none."""
        for key in self._read_index():
            if key.status == "active":
                return key
        raise KeyUnavailable(f"no issuer key in {self.keys_dir}; run `ler-issuer init`")

    def get(self, key_id: str) -> IssuerKey:
        """Return the key `key_id`; raise `KeyUnavailable` if unknown."""
        for key in self._read_index():
            if key.id == key_id:
                return key
        raise KeyUnavailable(f"no issuer key {key_id!r}")

    def ensure(self, *, now: datetime | None = None) -> IssuerKey:
        """Return the active key, creating the first one if the store is empty."""
        with self._locked():
            keys = self._read_index()
            if keys:
                return self.active()
            return self._add(keys, now or datetime.now(UTC))

    def generate(self, *, now: datetime | None = None) -> IssuerKey:
        """Create the first key; raise `Conflict` if a key exists already."""
        with self._locked():
            keys = self._read_index()
            if keys:
                raise Conflict("an issuer key exists already; use `ler-issuer keys rotate`")
            return self._add(keys, now or datetime.now(UTC))

    def rotate(self, *, now: datetime | None = None) -> IssuerKey:
        """Retire the active key and create a new active one; return the new key."""
        now = now or datetime.now(UTC)
        with self._locked():
            keys = self._read_index()
            if not keys:
                raise KeyUnavailable("there is no issuer key to rotate; run `ler-issuer init`")
            keys = [k if k.retired else replace(k, retired=now) for k in keys]
            return self._add(keys, now)

    def key_pair(self, key_id: str) -> KeyPair:
        """Return the private key pair of `key_id`, read from its file (refused if not 0600)."""
        with self._pairs_lock:
            if key_id in self._pairs:
                return self._pairs[key_id]
        if not _KEY_ID.fullmatch(key_id):
            raise KeyUnavailable(f"{key_id!r} is not an issuer key id")
        path = self.keys_dir / f"{key_id}.json"
        try:
            mode = path.stat().st_mode & 0o777
            if mode & 0o077:
                raise KeyUnavailable(f"{path} is readable by others; run `chmod 600 {path}`")
            data = json.loads(path.read_text(encoding="utf-8"))
            pair = KeyPair.from_secret_multibase(data["secretKeyMultibase"])
        except (OSError, ValueError, KeyError, TypeError, InvalidInput) as err:
            raise KeyUnavailable(f"cannot read the issuer key {key_id}") from err
        if pair.public_multibase != self.get(key_id).public_multibase:
            raise KeyUnavailable(f"the key file of {key_id} does not match the index")
        with self._pairs_lock:
            self._pairs[key_id] = pair
        return pair

    def _add(self, keys: list[IssuerKey], now: datetime) -> IssuerKey:
        pair = KeyPair.generate()
        taken = {k.id for k in keys} | {p.stem for p in self.keys_dir.glob("key-*.json")}
        number = 1 + max((int(t.split("-")[1]) for t in taken if _KEY_ID.fullmatch(t)), default=0)
        key = IssuerKey(id=f"key-{number}", created=now, public_multibase=pair.public_multibase)
        private = {
            "id": key.id,
            "type": "Multikey",
            "created": _timestamp(now),
            "publicKeyMultibase": pair.public_multibase,
            "secretKeyMultibase": pair.secret_multibase,
        }
        index = {"active": key.id, "keys": [k.to_json() for k in [*keys, key]]}
        try:
            self._write(
                self.keys_dir / f"{key.id}.json", private, PRIVATE_MODE, replace_existing=False
            )
            self._write(self._index_path, index, 0o644, replace_existing=True)
        except OSError as err:
            raise KeyUnavailable(f"cannot write the issuer key in {self.keys_dir}: {err}") from err
        return key

    def _read_index(self) -> list[IssuerKey]:
        """Return the index's keys, parsed again only when the file changed (it is replaced
        whole, so a rotation by another process shows at the next call: one stat)."""
        path = self._index_path
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            return []
        except OSError as err:
            raise KeyUnavailable(f"cannot read {path}") from err
        signature = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        cached = self._index
        if cached is not None and cached[0] == signature:
            return list(cached[1])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as err:
            raise KeyUnavailable(f"cannot read {path}") from err
        try:
            keys = [IssuerKey.from_json(entry) for entry in data["keys"]]
        except (KeyError, TypeError, ValueError) as err:
            raise KeyUnavailable(f"{path} is not a key index") from err
        self._index = (signature, keys)
        return list(keys)

    def _write(
        self, path: Path, data: dict[str, Any], mode: int, *, replace_existing: bool
    ) -> None:
        """Write JSON atomically: a temporary file created with `mode`, then linked or renamed."""
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=2)
                handle.write("\n")
                handle.flush()
                os.fsync(handle.fileno())
            if replace_existing:
                os.replace(temporary, path)
            else:
                _link_new(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.keys_dir.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
        descriptor = os.open(self.keys_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, PRIVATE_MODE)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
            os.close(descriptor)
