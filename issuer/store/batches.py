"""Batches (cohort issuance from a roster): the roster as given, options, progress and errors.

A batch's roster rows are stored with it (in `batch_rows`, one row a roster row, apart
from the batch row itself), so a batch interrupted half-way (a killed process, a lost
worker) can be resumed from the database alone. Each row keeps its learner's key, so the
learners with more than one row (the only ones that can have duplicates) are found by the
database, not by holding every learner in memory. Progress counters are small columns of
the batch row, updated in the same transaction as the credentials they count.
"""

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any, Literal

from sqlalchemy import Connection, Engine, func, insert, select, update

from issuer.store.bulk import BulkInsert
from issuer.store.database import batch_rows_table, batches_table

BatchStatus = Literal["queued", "running", "finished", "failed"]
UNFINISHED: tuple[BatchStatus, ...] = ("queued", "running", "failed")


@dataclass(frozen=True)
class StoredBatch:
    """A batch row without its roster (see `BatchStore.iter_rows`)."""

    id: str
    status: str
    source_name: str
    digest: str
    options: dict[str, Any]
    actor: str
    row_count: int
    credential_count: int
    created_at: datetime
    updated_at: datetime
    issued: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    started_at: datetime | None = None
    finished_at: datetime | None = None


_COLUMNS = list(batches_table.c)
ROWS_CHUNK = 2000
"""Roster rows inserted (and read back) together."""
_NEW_ROWS = BulkInsert(batch_rows_table, ["batch_id", "number", "learner", "data"])


def _batch(row: Any) -> StoredBatch:
    values = dict(row._mapping)
    values["options"] = json.loads(values["options"])
    values["errors"] = json.loads(values["errors"])
    return StoredBatch(**values)


class BatchStore:
    """Reads and writes batches."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def create(
        self,
        batch_id: str,
        rows: Iterable[tuple[int, str, str]],
        batch: Callable[[], StoredBatch | None],
    ) -> StoredBatch | None:
        """Store the roster rows of new batch `batch_id`, each `(number, learner key, row as
        JSON text)` (`rows` may be a generator: it is read once, a chunk at a time), then the
        batch row `batch()` returns once they have all passed; all in one transaction.
        Nothing is stored if `batch()` returns None or anything raises. Return the batch."""
        with self._engine.connect() as conn, conn.begin() as transaction:
            items = iter(rows)
            while chunk := list(islice(items, ROWS_CHUNK)):
                _NEW_ROWS.execute(conn, [(batch_id, *row) for row in chunk])
            made = batch()
            if made is None:
                transaction.rollback()
                return None
            values = {**made.__dict__}
            values["options"] = json.dumps(made.options, sort_keys=True)
            values["errors"] = json.dumps(made.errors, ensure_ascii=False)
            conn.execute(insert(batches_table).values(**values))
        return made

    def get(self, batch_id: str) -> StoredBatch | None:
        """Return the batch `batch_id`, or None."""
        with self._engine.connect() as conn:
            row = conn.execute(select(*_COLUMNS).where(batches_table.c.id == batch_id)).first()
        return _batch(row) if row else None

    def iter_rows(self, batch_id: str) -> Iterator[dict[str, Any]]:
        """Yield the roster rows of batch `batch_id` in order, read a chunk at a time."""
        table = batch_rows_table
        after = None
        while True:
            query = select(table.c.number, table.c.data).where(table.c.batch_id == batch_id)
            if after is not None:
                query = query.where(table.c.number > after)
            with self._engine.connect() as conn:
                chunk = conn.execute(query.order_by(table.c.number).limit(ROWS_CHUNK)).all()
            for _, data in chunk:
                yield json.loads(data)
            if len(chunk) < ROWS_CHUNK:
                return
            after = chunk[-1].number

    def repeated_learners(self, batch_id: str) -> set[str] | None:
        """Return the learner keys found in more than one row of the batch; None if its rows
        were stored without keys (before migration 0011: then any learner may repeat)."""
        table = batch_rows_table
        with self._engine.connect() as conn:
            keys: set[str | None] = set(
                conn.execute(
                    select(table.c.learner)
                    .where(table.c.batch_id == batch_id)
                    .group_by(table.c.learner)
                    .having(func.count() > 1)
                ).scalars()
            )
        if None in keys:
            return None
        return {key for key in keys if key is not None}

    def find_unfinished(self, digest: str) -> StoredBatch | None:
        """Return the newest batch of the same roster and options that did not finish."""
        table = batches_table
        with self._engine.connect() as conn:
            row = conn.execute(
                select(*_COLUMNS)
                .where(table.c.digest == digest, table.c.status.in_(UNFINISHED))
                .order_by(table.c.created_at.desc())
                .limit(1)
            ).first()
        return _batch(row) if row else None

    def recent(self, *, limit: int = 20) -> list[StoredBatch]:
        """Return the newest batches first."""
        table = batches_table
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(*_COLUMNS).order_by(table.c.created_at.desc(), table.c.id).limit(limit)
            ).all()
        return [_batch(row) for row in rows]

    def start(self, batch_id: str, now: datetime) -> None:
        """Mark the batch running, its counters reset (a resumed batch counts again)."""
        self._update(
            batch_id,
            status="running",
            issued=0,
            skipped=0,
            failed=0,
            errors="[]",
            started_at=now,
            updated_at=now,
            finished_at=None,
        )

    def set_progress(
        self, conn: Connection, batch_id: str, *, issued: int, skipped: int, now: datetime
    ) -> None:
        """Record the run's counters so far, in the caller's transaction."""
        conn.execute(
            update(batches_table)
            .where(batches_table.c.id == batch_id)
            .values(issued=issued, skipped=skipped, updated_at=now)
        )

    def record_errors(
        self, batch_id: str, errors: list[dict[str, Any]], failed: int, now: datetime
    ) -> None:
        """Replace the batch's errors (by row) and its count of failed rows."""
        self._update(
            batch_id,
            errors=json.dumps(errors, ensure_ascii=False),
            failed=failed,
            updated_at=now,
        )

    def finish(self, batch_id: str, *, status: BatchStatus, now: datetime, **counters: int) -> None:
        """Mark the batch finished (or failed), with its final counters."""
        self._update(batch_id, status=status, finished_at=now, updated_at=now, **counters)

    def set_status(self, batch_id: str, status: BatchStatus, now: datetime) -> None:
        """Change the status only (e.g. back to queued when re-enqueued)."""
        self._update(batch_id, status=status, updated_at=now)

    def _update(self, batch_id: str, **values: Any) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                update(batches_table).where(batches_table.c.id == batch_id).values(**values)
            )
