"""The key store: real files under tmp_path, mode 0600, rotation keeps old keys."""

import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from issuer.errors import Conflict, KeyUnavailable
from issuer.keys.store import KeyStore

T0 = datetime(2026, 1, 1, tzinfo=UTC)
T1 = datetime(2026, 6, 1, tzinfo=UTC)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_ensure_creates_one_key_once(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys")
    first = store.ensure(now=T0)
    assert store.ensure(now=T1) == first
    assert [k.id for k in store.all()] == ["key-1"]
    assert first.status == "active"
    assert first.created == T0


def test_private_key_files_are_0600_and_the_index_holds_no_secret(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys")
    key = store.ensure()
    key_file = tmp_path / "keys" / f"{key.id}.json"
    assert _mode(key_file) == 0o600
    assert _mode(tmp_path / "keys") == 0o700
    assert "secretKeyMultibase" in json.loads(key_file.read_text())
    index = (tmp_path / "keys" / "index.json").read_text()
    assert "secretKeyMultibase" not in index
    assert store.key_pair(key.id).secret_multibase not in index
    assert not list((tmp_path / "keys").glob("*.tmp"))


def test_key_pair_matches_the_indexed_public_key(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys")
    key = store.ensure()
    assert KeyStore(tmp_path / "keys").key_pair(key.id).public_multibase == key.public_multibase


def test_rotate_retires_the_active_key_and_keeps_it(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys")
    old = store.ensure(now=T0)
    new = store.rotate(now=T1)
    assert store.active() == new
    assert new.id == "key-2"
    keys = {k.id: k for k in store.all()}
    assert keys["key-1"].status == "retired"
    assert keys["key-1"].retired == T1
    assert keys["key-1"].public_multibase == old.public_multibase
    assert store.key_pair("key-1").public_multibase == old.public_multibase


def test_generate_refuses_when_a_key_exists(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys")
    store.generate()
    with pytest.raises(Conflict):
        store.generate()


def test_an_empty_store_has_no_active_key_and_cannot_rotate(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys")
    assert store.all() == []
    with pytest.raises(KeyUnavailable):
        store.active()
    with pytest.raises(KeyUnavailable):
        store.rotate()


def test_a_key_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys")
    key = store.ensure()
    (tmp_path / "keys" / f"{key.id}.json").chmod(0o644)
    with pytest.raises(KeyUnavailable, match="chmod 600"):
        KeyStore(tmp_path / "keys").key_pair(key.id)


@pytest.mark.parametrize("key_id", ["../index", "key-0", "index", "key-1/../x"])
def test_key_ids_cannot_name_other_files(tmp_path: Path, key_id: str) -> None:
    with pytest.raises(KeyUnavailable):
        KeyStore(tmp_path / "keys").key_pair(key_id)


def test_a_leftover_key_file_is_never_overwritten(tmp_path: Path) -> None:
    keys_dir = tmp_path / "keys"
    keys_dir.mkdir()
    (keys_dir / "key-1.json").write_text("{}")
    key = KeyStore(keys_dir).ensure()
    assert key.id == "key-2"
    assert (keys_dir / "key-1.json").read_text() == "{}"


def test_a_corrupt_index_is_reported(tmp_path: Path) -> None:
    keys_dir = tmp_path / "keys"
    keys_dir.mkdir()
    (keys_dir / "index.json").write_text("not json")
    with pytest.raises(KeyUnavailable):
        KeyStore(keys_dir).all()


def test_a_rotation_by_another_process_shows_at_the_next_call(tmp_path: Path) -> None:
    serving, cli = KeyStore(tmp_path / "keys"), KeyStore(tmp_path / "keys")
    first = serving.ensure(now=T0)
    assert serving.active() == first  # read once, then kept while the index is unchanged
    second = cli.rotate(now=T1)
    assert serving.active() == second
    assert [k.status for k in serving.all()] == ["retired", "active"]
    (tmp_path / "keys" / "index.json").write_text("not json")
    with pytest.raises(KeyUnavailable):
        serving.active()
