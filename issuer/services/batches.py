"""Cohort issuance: check a roster, submit it as a batch, read its progress and results.

The work is split in modules: `batch_planning` (roster -> planned credentials, dry run),
`batch_running` (chunks through the issuance pipeline, resumable), `batch_results`
(summary CSV, wallets zip) and `batch_runners` (where a submitted batch runs: a thread of
this process, or the Redis queue; chosen in `issuer.wiring`). A credential is identified
by framework, achievement and recipient (the `dedupe_key`) and issued at most once:
default policy `skip` counts one already active as skipped; `replace` (`options.replace`)
revokes it and issues anew in the same transaction.
"""

import uuid
from collections.abc import Container, Iterator
from datetime import datetime

from issuer.errors import NotFound
from issuer.services.batch_planning import (
    CRYPTOSUITES,
    EVERYONE,
    BatchOptions,
    BatchPlanner,
    CheckReport,
    PlannedCredential,
    RosterProblems,
    RosterTally,
    learner_key,
)
from issuer.services.batch_results import BatchResults, RowResult
from issuer.services.batch_running import (
    CHUNK_SIZE,
    INLINE_BELOW,
    BatchExecutor,
    ProgressCallback,
)
from issuer.services.roster import Roster, RosterDigest
from issuer.store.batches import BatchStore, StoredBatch

__all__ = [
    "CHUNK_SIZE",
    "CRYPTOSUITES",
    "INLINE_BELOW",
    "BatchOptions",
    "BatchService",
    "CheckReport",
    "PlannedCredential",
    "ProgressCallback",
    "RosterProblems",
    "RowResult",
]


class BatchService:
    """Checks rosters, stores batches and reads them back; runs them through `executor`."""

    def __init__(
        self,
        *,
        planner: BatchPlanner,
        executor: BatchExecutor,
        results: BatchResults,
        batches: BatchStore,
    ) -> None:
        self._planner = planner
        self._executor = executor
        self._results = results
        self._batches = batches

    def check(self, roster: Roster, options: BatchOptions) -> CheckReport:
        """Dry run: what the roster would issue, skip and replace; every problem, by row."""
        return self._planner.check(roster, options)

    def submit(
        self,
        roster: Roster,
        *,
        options: BatchOptions,
        source_name: str,
        actor: str,
        now: datetime,
    ) -> tuple[StoredBatch, bool]:
        """Store a new batch (status `queued`), or return the unfinished batch of the same
        roster and options (True: to be resumed). Raise `RosterProblems` if any row is bad.

        One pass over the roster: each row is planned (its problems, its credentials
        counted), hashed and stored as it passes, a chunk at a time, in one transaction that
        keeps nothing if a row has a problem or the batch is found unfinished."""
        digest = RosterDigest(options.to_json())
        tally = self._planner.tally()
        batch_id = str(uuid.uuid4())
        found: list[StoredBatch] = []

        def batch() -> StoredBatch | None:
            if tally.problem_count:
                raise RosterProblems(tally.problems, tally.problem_count)
            unfinished = self._batches.find_unfinished(digest.hexdigest())
            if unfinished is not None:
                found.append(unfinished)
                return None
            return StoredBatch(
                id=batch_id,
                status="queued",
                source_name=source_name,
                digest=digest.hexdigest(),
                options=options.to_json(),
                actor=actor,
                row_count=tally.rows,
                credential_count=tally.credentials,
                created_at=now,
                updated_at=now,
            )

        made = self._batches.create(batch_id, _stored_rows(roster, digest, tally), batch)
        return (made, False) if made is not None else (found[0], True)

    def get(self, batch_id: str) -> StoredBatch:
        """Return the batch; raise `NotFound`."""
        batch = self._batches.get(batch_id)
        if batch is None:
            raise NotFound(f"there is no batch {batch_id!r}")
        return batch

    def recent(self, *, limit: int = 20) -> list[StoredBatch]:
        """Return the newest batches."""
        return self._batches.recent(limit=limit)

    def mark_queued(self, batch_id: str, now: datetime) -> None:
        """Record that the batch waits in the worker queue."""
        self._batches.set_status(batch_id, "queued", now)

    def run(
        self,
        batch_id: str,
        *,
        actor: str | None = None,
        workers: int | None = None,
        chunk_size: int = CHUNK_SIZE,
        progress: ProgressCallback | None = None,
        now: datetime | None = None,
    ) -> StoredBatch:
        """Run (or resume) the batch here until it finishes (see `BatchExecutor.run`); the
        runners call this, the web routes and the CLI go through a runner."""
        return self._executor.run(
            batch_id,
            actor=actor,
            workers=workers,
            chunk_size=chunk_size,
            progress=progress,
            now=now,
        )

    def results(self, batch_id: str) -> Iterator[RowResult]:
        """Yield each roster row with the learner's active credentials it called for (read
        and looked up a chunk of rows at a time)."""
        return self._results.results(self.get(batch_id))

    def repeated_learners(self, batch_id: str) -> Container[str]:
        """Return the keys (`learner_key`) of the batch's learners found in more than one row
        (every learner, for a batch stored before rows had learner keys)."""
        repeated = self._batches.repeated_learners(batch_id)
        return EVERYONE if repeated is None else repeated


def _stored_rows(
    roster: Roster, digest: RosterDigest, tally: RosterTally
) -> Iterator[tuple[int, str, str]]:
    """Count, hash and yield each row as the batch stores it (none after a row with a
    problem: nothing will be stored)."""
    for entry in roster.entries():
        tally.add(entry)
        if entry.row is not None:
            text = digest.add(entry.row)
            if not tally.problem_count:
                yield entry.row.number, learner_key(entry.row), text
