"""Running a batch: its planned credentials, chunk after chunk, through the issuance pipeline.

Per chunk, `Issuer.issue_chunks` looks up what is already issued (policy `skip`, or
`replace` with `options.replace`), reserves status indices, signs in worker processes
(`PoolSigning`) and stores the credentials, wallets, audit events and the batch's
counters in one unit of work. A killed run loses at most the chunks in flight (their
reserved indices stay unused); running the batch again resumes it: what an earlier run
of the same batch issued is found and counted as issued, not issued twice. The roster is
read back from the batch's rows and planned chunk by chunk: memory stays flat however
long the roster.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain, islice

from issuer.credentials.compose import Recipient
from issuer.errors import NotFound
from issuer.model.achievement import Profile
from issuer.model.credential import Evidence
from issuer.services.batch_planning import (
    EVERYONE,
    BatchOptions,
    BatchPlanner,
    PlannedCredential,
    RowPlan,
)
from issuer.services.batch_signing import (
    CredentialSpec,
    PoolSigning,
    SignerRef,
    default_workers,
    signing_pool,
)
from issuer.services.issuing import Draft, IssuedRecord, Issuer
from issuer.services.roster import RosterEntry, RosterRow
from issuer.services.signing import new_credential_id
from issuer.store.batches import BatchStore, StoredBatch
from issuer.store.protocols import CredentialReader, Transaction

CHUNK_SIZE = 500
"""Credentials signed together and stored in one transaction (per-chunk costs amortized)."""
INLINE_BELOW = 50
"""Batches with fewer credentials to sign than this are signed in-process (no pool start-up)."""

ProgressCallback = Callable[[int, int], None]
"""Called after each chunk with (credentials done, credentials in the batch)."""


@dataclass
class _Run:
    """Counters and errors of one run of a batch."""

    batch_id: str
    total: int
    issued: int = 0
    skipped: int = 0
    failed_credentials: int = 0
    errors: dict[int, str] = field(default_factory=dict)

    @property
    def done(self) -> int:
        return self.issued + self.skipped + self.failed_credentials

    def counts(self, records: list[IssuedRecord]) -> tuple[int, int]:
        """Return (issued, skipped) after `records`: found from this batch counts as issued."""
        skipped = sum(1 for r in records if r.existing and r.stored.batch_id != self.batch_id)
        return self.issued + len(records) - skipped, self.skipped + skipped


class BatchExecutor:
    """Runs (or resumes) stored batches in this process."""

    def __init__(
        self,
        *,
        base_url: str,
        planner: BatchPlanner,
        issuer: Issuer,
        batches: BatchStore,
        credentials: CredentialReader,
        issuer_profile: Callable[[], Profile],
        signer_ref: Callable[[], SignerRef],
    ) -> None:
        self._base_url = base_url
        self._planner = planner
        self._issuer = issuer
        self._batches = batches
        self._credentials = credentials
        self._issuer_profile = issuer_profile
        self._signer_ref = signer_ref

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
        """Issue what the batch calls for and is not issued yet; return the finished batch.

        The rows are read back from the batch a chunk at a time and planned as they come;
        only the chunks in flight and the credentials of learners with more than one row
        (to skip duplicates) are held.
        `workers`: signing processes (default: one per core; 0 signs in this process).
        `actor`: who the audit log names (default: who submitted the batch).
        """
        batch = self._get(batch_id)
        if batch.status == "finished":
            return batch
        now = now or datetime.now(UTC)
        repeated = self._batches.repeated_learners(batch_id)
        self._batches.start(batch_id, now)
        run = _Run(batch_id=batch_id, total=batch.credential_count)
        entries = (
            RosterEntry(data["number"], RosterRow.from_json(data))
            for data in self._batches.iter_rows(batch_id)
        )
        planned = self._planner.plan(entries, EVERYONE if repeated is None else repeated)
        try:
            self._issue(
                planned,
                run,
                BatchOptions.from_json(batch.options),
                now,
                actor or batch.actor,
                workers,
                chunk_size,
                progress,
            )
        except BaseException as err:
            if isinstance(err, Exception):
                self._batches.finish(batch_id, status="failed", now=datetime.now(UTC))
                self._batches.record_errors(
                    batch_id,
                    [{"row": None, "detail": f"the batch stopped: {err}"}],
                    len(run.errors),
                    datetime.now(UTC),
                )
            raise
        finished = datetime.now(UTC)
        errors = [{"row": row, "detail": run.errors[row]} for row in sorted(run.errors)]
        self._batches.record_errors(batch_id, errors, len(run.errors), finished)
        self._batches.finish(
            batch_id,
            status="finished",
            now=finished,
            issued=self._credentials.count_in_batch(batch_id),
            skipped=run.skipped,
        )
        return self._get(batch_id)

    def _get(self, batch_id: str) -> StoredBatch:
        batch = self._batches.get(batch_id)
        if batch is None:
            raise NotFound(f"there is no batch {batch_id!r}")
        return batch

    def _issue(
        self,
        planned: Iterable[RowPlan],
        run: _Run,
        options: BatchOptions,
        now: datetime,
        actor: str,
        workers: int | None,
        chunk_size: int,
        progress: ProgressCallback | None,
    ) -> None:
        to_issue = _to_issue(planned, run)
        head = list(islice(to_issue, INLINE_BELOW))
        if workers is None:
            workers = default_workers()
        if len(head) < INLINE_BELOW:
            workers = 0
        if progress:
            progress(run.done, run.total)

        def counters(tx: Transaction, records: list[IssuedRecord]) -> None:
            issued, skipped = run.counts(records)
            tx.batches.set_progress(run.batch_id, issued=issued, skipped=skipped, now=now)

        rows: dict[str, RosterRow] = {}
        with signing_pool(self._signer_ref(), workers=workers) as pool:
            signing = PoolSigning(pool, base_url=self._base_url, issuer=self._issuer_profile())
            outcomes = self._issuer.issue_chunks(
                _chunks(chain(head, to_issue), run.batch_id, chunk_size, rows),
                cryptosuite=options.cryptosuite,
                status_purpose="revocation",
                policy="replace" if options.replace else "skip",
                now=now,
                actor=actor,
                signing=signing,
                ahead=max(workers, 1) * 2,
                in_transaction=counters,
            )
            for outcome in outcomes:
                run.issued, run.skipped = run.counts(outcome.records)
                for failed in outcome.failed:
                    row = rows.pop(failed.draft.credential_id)
                    run.errors.setdefault(row.number, failed.error)
                    run.failed_credentials += 1
                for record in outcome.records:  # only the chunks in flight are kept
                    rows.pop(record.draft.credential_id, None)
                if progress:
                    progress(run.done, run.total)


def _to_issue(planned: Iterable[RowPlan], run: _Run) -> Iterator[PlannedCredential]:
    """Yield the credentials to issue, each once; count duplicates as skipped and note the
    problems of rows (e.g. a framework removed since the batch was made) as they pass."""
    for plan in planned:
        if plan.problems:
            run.errors.setdefault(plan.number, plan.problems[0].message)
        for credential in plan.credentials:
            if credential.duplicate_of is None:
                yield credential
            else:
                run.skipped += 1


def _chunks(
    planned: Iterator[PlannedCredential],
    batch_id: str,
    chunk_size: int,
    rows: dict[str, RosterRow],
) -> Iterator[list[Draft]]:
    """Yield the drafts of `planned`, `chunk_size` at a time (noting each draft's row)."""
    while chunk := list(islice(planned, chunk_size)):
        drafts = [_draft(c, batch_id) for c in chunk]
        rows.update((d.credential_id, c.row) for d, c in zip(drafts, chunk, strict=True))
        yield drafts


def _draft(credential: PlannedCredential, batch_id: str) -> Draft:
    row = credential.row
    spec = CredentialSpec(
        credential_id=new_credential_id(),
        achievement=credential.achievement,
        recipient=Recipient(email=row.email, did=row.did, name=row.name),
        results=credential.results,
        evidence=(Evidence(id=row.evidence),) if row.evidence else (),
        narrative=row.narrative,
        valid_until=row.valid_until_at,
    )
    return Draft(
        compose=spec,
        credential_id=spec.credential_id,
        framework_id=credential.framework_id,
        achievement_id=credential.achievement.id,
        recipient_key=credential.recipient_key,
        dedupe_key=credential.dedupe_key,
        batch_id=batch_id,
        valid_until=spec.valid_until,
    )
