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
from datetime import datetime

from issuer.errors import NotFound
from issuer.services.batch_planning import (
    CRYPTOSUITES,
    BatchOptions,
    BatchPlanner,
    CheckReport,
    Plan,
    PlannedCredential,
    RosterProblems,
)
from issuer.services.batch_results import BatchResults, RowResult
from issuer.services.batch_running import (
    CHUNK_SIZE,
    INLINE_BELOW,
    BatchExecutor,
    ProgressCallback,
)
from issuer.services.roster import Roster, RosterRow
from issuer.store.batches import BatchStore, StoredBatch

__all__ = [
    "CHUNK_SIZE",
    "CRYPTOSUITES",
    "INLINE_BELOW",
    "BatchOptions",
    "BatchService",
    "CheckReport",
    "Plan",
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

    def plan(self, roster: Roster) -> Plan:
        """Return every credential the roster calls for, and every problem of every row."""
        return self._planner.plan(roster)

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
        plan: Plan | None = None,
    ) -> tuple[StoredBatch, bool]:
        """Store a new batch (status `queued`), or return the unfinished batch of the same
        roster and options (True: to be resumed). Raise `RosterProblems` if any row is bad.

        `plan`: the roster's plan, if the caller made it (to hand it on to `run`)."""
        plan = plan or self._planner.plan(roster)
        if plan.problems:
            raise RosterProblems(plan.problems)
        digest = roster.digest(options.to_json())
        unfinished = self._batches.find_unfinished(digest)
        if unfinished is not None:
            return unfinished, True
        batch = StoredBatch(
            id=str(uuid.uuid4()),
            status="queued",
            source_name=source_name,
            digest=digest,
            options=options.to_json(),
            actor=actor,
            row_count=len(roster.rows),
            credential_count=len(plan.credentials),
            created_at=now,
            updated_at=now,
        )
        self._batches.create(batch, (row.to_json() for row in roster.rows))
        return batch, False

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

    def roster(self, batch_id: str) -> Roster:
        """Return the roster stored with the batch."""
        self.get(batch_id)
        return Roster([RosterRow.from_json(r) for r in self._batches.rows(batch_id)])

    def run(
        self,
        batch_id: str,
        *,
        actor: str | None = None,
        workers: int | None = None,
        chunk_size: int = CHUNK_SIZE,
        progress: ProgressCallback | None = None,
        now: datetime | None = None,
        plan: Plan | None = None,
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
            plan=plan,
        )

    def results(self, batch_id: str) -> list[RowResult]:
        """Return each roster row with the learner's active credentials it called for."""
        return self._results.results(self.get(batch_id), self.roster(batch_id))
