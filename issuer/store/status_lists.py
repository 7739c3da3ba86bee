"""Bitstring status lists: index allocation (random-looking, never reused) and the stored bits.

Each *set* N holds two lists of the same length: `revocation-N` and `suspension-N`. A
credential gets one index in set N and an entry in both lists at that index. A set hands
out its indices in the order of a keyed permutation of `range(length)`
(`issuer.status.permutation`, keyed by the set's secret `seed`): only a cursor
(`status_sets.next_position`) is stored, and reserving `count` indices moves it by
`count` under the set's row lock (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: `FOR UPDATE`),
so no index is handed out twice, whatever the number of concurrent workers, and the cost
does not grow as the list fills. A full set is left as it is and set N+1 opened.

Sets made before the cursor (migration 0007) were closed as full: their credentials keep
their indices and the lists keep being served and updated; new indices come from new sets.
"""

import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from random import Random
from typing import Any

from sqlalchemy import Connection, Engine, Row, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from issuer.status.permutation import IndexPermutation
from issuer.store.database import (
    read_connection,
    status_lists_table,
    status_sets_table,
    write_transaction,
)

PURPOSES = ("revocation", "suspension")
DEFAULT_LIST_LENGTH = 131_072
_MAX_RETRIES = 8


@dataclass(frozen=True)
class StatusSlot:
    """One allocated index in status-list set `set_number`."""

    set_number: int
    index: int


@dataclass(frozen=True)
class StoredStatusList:
    """A status list row: its bits (uncompressed, MSB first) and its signed credential, if any."""

    id: str
    set_number: int
    purpose: str
    length: int
    bits: bytes
    document: str | None
    version: int
    updated_at: datetime

    def bit(self, index: int) -> bool:
        """Return bit `index` (MSB first)."""
        return bool(self.bits[index // 8] & (0x80 >> (index % 8)))


@dataclass
class _SetCursor:
    """A locked set row: its number, length, seed and the next position to hand out."""

    set_number: int
    length: int
    seed: str
    position: int

    @classmethod
    def of(cls, row: Row[Any]) -> "_SetCursor":
        return cls(row.set_number, row.length, row.seed, row.next_position)


def list_id(purpose: str, set_number: int) -> str:
    """Return the id of the `purpose` list of set `set_number`, e.g. `revocation-1`."""
    return f"{purpose}-{set_number}"


class StatusListStore:
    """Allocates status indices and keeps the lists' bits and signed documents."""

    def __init__(self, engine: Engine, *, length: int = DEFAULT_LIST_LENGTH) -> None:
        self._engine = engine
        self.length = length

    def allocate(self, count: int, *, now: datetime, rng: Random | None = None) -> list[StatusSlot]:
        """Reserve `count` unused indices in a transaction of its own (committed at once),
        opening new sets as lists fill up. `rng` draws the seeds of new sets."""
        attempts = 0
        while True:
            try:
                with write_transaction(self._engine) as conn:
                    return self.allocate_in(conn, count, now=now, rng=rng)
            except DBAPIError as err:
                # A busy SQLite database past its timeout, or a PostgreSQL deadlock with a
                # caller's own locks: rolled back, so trying again reserves nothing twice.
                attempts += 1
                if not _is_transient(err) or attempts > _MAX_RETRIES:
                    raise
                time.sleep(0.01 * attempts)

    def allocate_in(
        self, conn: Connection, count: int, *, now: datetime, rng: Random | None = None
    ) -> list[StatusSlot]:
        """Reserve `count` unused indices in the caller's write transaction (see
        `write_transaction`): they are handed out again only if it rolls back."""
        slots: list[StatusSlot] = []
        if count <= 0:
            return slots
        row = conn.execute(_NEWEST_SET).first()
        current = _SetCursor.of(row) if row is not None else None
        while len(slots) < count:
            if current is None or current.position >= current.length:
                number = current.set_number + 1 if current else 1
                current = _SetCursor.of(self._open_set(conn, number, now, rng))
                continue
            take = min(count - len(slots), current.length - current.position)
            permutation = IndexPermutation(bytes.fromhex(current.seed), current.length)
            slots.extend(
                StatusSlot(current.set_number, index)
                for index in permutation.take(current.position, take)
            )
            current.position += take
            conn.execute(_ADVANCE, {"set": current.set_number, "position": current.position})
        return slots

    def _open_set(
        self, conn: Connection, set_number: int, now: datetime, rng: Random | None
    ) -> Row[Any]:
        """Create set `set_number` and its lists (unless a concurrent caller just did), lock
        its row and return it."""
        seed = rng.randbytes(32) if rng is not None else secrets.token_bytes(32)
        values = {
            "set_number": set_number,
            "length": self.length,
            "seed": seed.hex(),
            "next_position": 0,
            "created_at": now,
        }
        conn.execute(_insert_for(conn)(status_sets_table).values(values).on_conflict_do_nothing())
        self._ensure_lists(conn, set_number, now)
        table = status_sets_table
        return conn.execute(
            select(table).where(table.c.set_number == set_number).with_for_update()
        ).one()

    def _ensure_lists(self, conn: Connection, set_number: int, now: datetime) -> None:
        insert = _insert_for(conn)
        rows = [
            {
                "id": list_id(purpose, set_number),
                "set_number": set_number,
                "purpose": purpose,
                "length": self.length,
                "bits": bytes(self.length // 8),
                "document": None,
                "version": 0,
                "updated_at": now,
            }
            for purpose in PURPOSES
        ]
        conn.execute(insert(status_lists_table).values(rows).on_conflict_do_nothing())

    def get(self, status_list_id: str, conn: Connection | None = None) -> StoredStatusList | None:
        """Return the list `status_list_id`, or None."""
        if conn is not None:
            row = conn.execute(_LIST, {"id": status_list_id}).first()
        else:
            with self._engine.connect() as own:
                row = own.execute(_LIST, {"id": status_list_id}).first()
        return StoredStatusList(**row._mapping) if row else None

    def current_version(self, status_list_id: str) -> tuple[int, datetime] | None:
        """Return the list's version and when its bits last changed (one small read, for
        serving a cached signed document until they change), or None if there is no list."""
        with read_connection(self._engine) as conn:
            row = conn.execute(_VERSION, {"id": status_list_id}).first()
        return (row.version, row.updated_at) if row else None

    def set_bit(
        self, conn: Connection, status_list_id: str, index: int, value: bool, now: datetime
    ) -> StoredStatusList:
        """Set one bit (locking the row) and return the updated list; the caller re-signs it."""
        table = status_lists_table
        row = conn.execute(
            select(table).where(table.c.id == status_list_id).with_for_update()
        ).first()
        if row is None:
            raise KeyError(status_list_id)
        bits = bytearray(row.bits)
        mask = 0x80 >> (index % 8)
        bits[index // 8] = bits[index // 8] | mask if value else bits[index // 8] & ~mask
        conn.execute(
            update(table)
            .where(table.c.id == status_list_id)
            .values(bits=bytes(bits), version=row.version + 1, updated_at=now)
        )
        return StoredStatusList(
            **{**row._mapping, "bits": bytes(bits), "version": row.version + 1, "updated_at": now}
        )

    def set_bits(
        self, conn: Connection, status_list_id: str, indices: list[int], now: datetime
    ) -> None:
        """Set many bits at once (locking the row); the list is re-signed when next read."""
        table = status_lists_table
        row = conn.execute(
            select(table).where(table.c.id == status_list_id).with_for_update()
        ).first()
        if row is None:
            raise KeyError(status_list_id)
        bits = bytearray(row.bits)
        for index in indices:
            bits[index // 8] |= 0x80 >> (index % 8)
        conn.execute(
            update(table)
            .where(table.c.id == status_list_id)
            .values(bits=bytes(bits), version=row.version + 1, updated_at=now, document=None)
        )

    def save_document(
        self, conn: Connection, status_list_id: str, document: str, version: int
    ) -> None:
        """Store the signed list credential for `version` of the bits."""
        table = status_lists_table
        conn.execute(
            update(table)
            .where(table.c.id == status_list_id, table.c.version == version)
            .values(document=document)
        )


# Statements of the hot paths (an issue, a verification) built once: SQLAlchemy then skips
# building them and computing their cache keys on every call (about 80 us a statement).
_NEWEST_SET = (
    select(status_sets_table)
    .order_by(status_sets_table.c.set_number.desc())
    .limit(1)
    .with_for_update()
)
_ADVANCE = (
    update(status_sets_table)
    .where(status_sets_table.c.set_number == bindparam("set"))
    .values(next_position=bindparam("position"))
)
_LIST = select(status_lists_table).where(status_lists_table.c.id == bindparam("id"))
_VERSION = select(status_lists_table.c.version, status_lists_table.c.updated_at).where(
    status_lists_table.c.id == bindparam("id")
)


def _is_transient(err: DBAPIError) -> bool:
    """Return whether `err` is a deadlock, serialization failure or busy SQLite database."""
    sqlstate = getattr(err.orig, "sqlstate", None)
    return sqlstate in ("40P01", "40001") or "database is locked" in str(err.orig)


def _insert_for(conn: Connection):  # type: ignore[no-untyped-def]
    """Return the dialect's INSERT (which has ON CONFLICT DO NOTHING)."""
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
