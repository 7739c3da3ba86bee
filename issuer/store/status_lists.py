"""Bitstring status lists: index allocation (random, never reused) and the stored bits.

Each *set* N holds two lists of the same length: `revocation-N` and `suspension-N`. A
credential gets one index in set N and an entry in both lists at that index. An index
is reserved in `status_allocations` (primary key set+index) before the credential is
signed, so no index is ever used twice, whatever the number of concurrent workers.
"""

import random
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from issuer.store.database import status_allocations_table, status_lists_table

PURPOSES = ("revocation", "suspension")
DEFAULT_LIST_LENGTH = 131_072
_CHUNK = 500
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


def list_id(purpose: str, set_number: int) -> str:
    """Return the id of the `purpose` list of set `set_number`, e.g. `revocation-1`."""
    return f"{purpose}-{set_number}"


class StatusListStore:
    """Allocates status indices and keeps the lists' bits and signed documents."""

    def __init__(self, engine: Engine, *, length: int = DEFAULT_LIST_LENGTH) -> None:
        self._engine = engine
        self.length = length

    def allocate(
        self, count: int, *, now: datetime, rng: random.Random | None = None
    ) -> list[StatusSlot]:
        """Reserve `count` random unused indices (opening new sets as lists fill up)."""
        rng = rng or random.SystemRandom()
        slots: list[StatusSlot] = []
        attempts = 0
        while len(slots) < count:
            try:
                with self._engine.begin() as conn:
                    set_number, used = self._open_set(conn, now)
                    free = self.length - used
                    wanted = min(count - len(slots), free)
                    candidates = self._candidates(conn, set_number, wanted, used, rng)
                    reserved = self._reserve(conn, set_number, candidates, wanted, now)
            except DBAPIError as err:
                # Concurrent workers may deadlock on overlapping candidates; the database
                # rolled this transaction back, so trying again reserves nothing twice.
                attempts += 1
                if not _is_transient(err) or attempts > _MAX_RETRIES:
                    raise
                time.sleep(rng.uniform(0, 0.05 * attempts))
                continue
            slots.extend(StatusSlot(set_number, index) for index in reserved)
        return slots

    def _open_set(self, conn: Connection, now: datetime) -> tuple[int, int]:
        """Return the newest set with free indices (creating it if needed) and its used count."""
        table = status_allocations_table
        newest = conn.execute(select(func.max(table.c.set_number))).scalar() or 1
        used = conn.execute(
            select(func.count()).select_from(table).where(table.c.set_number == newest)
        ).scalar_one()
        if used >= self.length:
            newest, used = newest + 1, 0
        self._ensure_lists(conn, newest, now)
        return newest, used

    def _candidates(
        self, conn: Connection, set_number: int, wanted: int, used: int, rng: random.Random
    ) -> list[int]:
        if used < self.length // 2:
            return rng.sample(range(self.length), min(self.length, wanted + wanted // 4 + 8))
        table = status_allocations_table
        taken = set(
            conn.execute(
                select(table.c.status_index).where(table.c.set_number == set_number)
            ).scalars()
        )
        free = [i for i in range(self.length) if i not in taken]
        return rng.sample(free, min(len(free), wanted))

    def _reserve(
        self, conn: Connection, set_number: int, candidates: list[int], wanted: int, now: datetime
    ) -> list[int]:
        """Insert free candidates, in order, until `wanted` are reserved; return those."""
        reserved: list[int] = []
        insert = _insert_for(conn)
        table = status_allocations_table
        position = 0
        while len(reserved) < wanted and position < len(candidates):
            size = min(_CHUNK, wanted - len(reserved))
            rows = [  # ascending, so concurrent transactions lock rows in one order
                {"set_number": set_number, "status_index": i, "allocated_at": now}
                for i in sorted(candidates[position : position + size])
            ]
            position += size
            # executemany (one compiled statement, batched by SQLAlchemy's insertmanyvalues)
            statement = insert(table).on_conflict_do_nothing().returning(table.c.status_index)
            reserved.extend(conn.execute(statement, rows).scalars())
        return reserved

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
        statement = select(status_lists_table).where(status_lists_table.c.id == status_list_id)
        if conn is not None:
            row = conn.execute(statement).first()
        else:
            with self._engine.connect() as own:
                row = own.execute(statement).first()
        return StoredStatusList(**row._mapping) if row else None

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


def _is_transient(err: DBAPIError) -> bool:
    """Return whether `err` is a deadlock, serialization failure or busy SQLite database."""
    sqlstate = getattr(err.orig, "sqlstate", None)
    return sqlstate in ("40P01", "40001") or "database is locked" in str(err.orig)


def _insert_for(conn: Connection):  # type: ignore[no-untyped-def]
    """Return the dialect's INSERT (which has ON CONFLICT DO NOTHING)."""
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
