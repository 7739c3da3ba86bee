"""Cohort issuance: a roster becomes credentials, on every core, resumable after a kill.

Each roster row names a framework, a learner and what they demonstrated; it becomes the
same credentials `POST /awards` would issue (one per statement, plus one per complete
level). A credential is identified by framework, achievement and recipient (the
`dedupe_key`), and is issued at most once:

- default policy `skip`: a credential already active (from an award, or another batch)
  is skipped and counted as such;
- policy `replace` (`options.replace`): it is revoked and issued anew in the same
  transaction.

Work goes in chunks. Per chunk: look up what is already issued, reserve status indices
in bulk, sign in worker processes, then store the credentials, wallets, audit events
and the batch's counters in one transaction. A killed run loses at most the chunks in
flight (their reserved indices stay unused); running the same roster again resumes the
unfinished batch and finds what is done. Two runs racing on the same credential cannot
both store it (the unique index on active `dedupe_key`): the loser re-checks and skips.
"""

import logging
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from issuer.credentials.compose import Recipient
from issuer.errors import InvalidInput, NotFound
from issuer.frameworks.mapping import FrameworkAchievements, achieved_level_result
from issuer.frameworks.structure import Framework
from issuer.model.achievement import Achievement, Profile
from issuer.model.credential import Evidence, Result
from issuer.services.awards import (
    dedupe_key,
    recipient_key,
    resolve_demonstrated,
    selections_for,
)
from issuer.services.batch_signing import (
    ChunkContext,
    CredentialSpec,
    SignedCredential,
    SignerRef,
    default_workers,
    sign_chunk,
    signing_pool,
)
from issuer.services.frameworks import FrameworkCatalog
from issuer.services.roster import Roster, RosterRow, RowProblem
from issuer.services.signing import new_credential_id
from issuer.services.status import revoke_in_transaction
from issuer.store.audit import record_events
from issuer.store.batches import BatchStore, StoredBatch
from issuer.store.credentials import CredentialStore, StoredCredential, ensure_wallets
from issuer.store.database import write_transaction
from issuer.store.status_lists import StatusListStore, StatusSlot

log = logging.getLogger(__name__)

CHUNK_SIZE = 200
INLINE_BELOW = 50
"""Batches with fewer credentials to sign than this are signed in-process (no pool start-up)."""
CRYPTOSUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022")


class RosterProblems(InvalidInput):
    """The roster has problems; nothing was issued. `problems` lists every one, by row."""

    code = "invalid-roster"
    title = "The roster has problems"

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        more = len(problems) - 1
        suffix = f" (and {more} more: a dry run lists them all)" if more else ""
        super().__init__(f"{problems[0]}{suffix}")


@dataclass(frozen=True)
class BatchOptions:
    """How to run a batch."""

    replace: bool = False
    cryptosuite: str = "eddsa-rdfc-2022"

    def __post_init__(self) -> None:
        if self.cryptosuite not in CRYPTOSUITES:
            raise InvalidInput(f"cryptosuite must be one of {', '.join(CRYPTOSUITES)}")

    def to_json(self) -> dict[str, Any]:
        """Return the options as stored with the batch."""
        return {"replace": self.replace, "cryptosuite": self.cryptosuite}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "BatchOptions":
        """Return the options stored by `to_json`."""
        return cls(
            replace=bool(data.get("replace")),
            cryptosuite=data.get("cryptosuite", "eddsa-rdfc-2022"),
        )


@dataclass(frozen=True)
class PlannedCredential:
    """One credential a roster row calls for."""

    row: RosterRow
    framework_id: str
    achievement: Achievement
    kind: str
    recipient_key: str
    dedupe_key: str
    results: tuple[Result, ...] = ()
    duplicate_of: int | None = None
    """The earlier row that already calls for the same credential, if any."""


@dataclass(frozen=True)
class Plan:
    """Every credential of a roster, and the rows' problems (found with the database)."""

    rows: list[RosterRow]
    credentials: list[PlannedCredential]
    problems: list[RowProblem]

    @property
    def unique(self) -> list[PlannedCredential]:
        """The credentials to issue, each once (rows with problems left out)."""
        bad = {p.row for p in self.problems}
        return [c for c in self.credentials if c.duplicate_of is None and c.row.number not in bad]


@dataclass(frozen=True)
class CheckReport:
    """What a dry run found: what would be issued, skipped or replaced, and every problem."""

    rows: int
    credentials: int
    to_issue: int
    skipped: int
    to_replace: int
    problems: list[RowProblem]


@dataclass(frozen=True)
class RowResult:
    """A roster row after the batch: the learner's active credentials it called for."""

    row: RosterRow
    credentials: list[StoredCredential]
    issued_here: int
    wallet_id: str | None
    error: str | None = None


@dataclass
class _Run:
    """Counters and errors of one run of a batch."""

    batch_id: str
    options: BatchOptions
    now: datetime
    actor: str
    total: int
    issued: int = 0
    skipped: int = 0
    failed_credentials: int = 0
    errors: dict[int, str] = field(default_factory=dict)

    @property
    def done(self) -> int:
        return self.issued + self.skipped + self.failed_credentials


@dataclass
class _Chunk:
    """A chunk on its way: what to sign, what to revoke when it is stored."""

    planned: dict[str, PlannedCredential]
    specs: list[CredentialSpec]
    slots: dict[str, StatusSlot]
    replaced: list[StoredCredential]


ProgressCallback = Callable[[int, int], None]
"""Called after each chunk with (credentials done, credentials in the batch)."""


class BatchService:
    """Checks rosters, creates batches, runs them and reports their results."""

    def __init__(
        self,
        *,
        engine: Engine,
        base_url: str,
        catalog: FrameworkCatalog,
        credentials: CredentialStore,
        status_lists: StatusListStore,
        batches: BatchStore,
        issuer_profile: Callable[[], Profile],
        issuer_id: Callable[[], str],
        signer_ref: Callable[[], SignerRef],
    ) -> None:
        self._engine = engine
        self._base_url = base_url
        self._catalog = catalog
        self._credentials = credentials
        self._status_lists = status_lists
        self._batches = batches
        self._issuer_profile = issuer_profile
        self._issuer_id = issuer_id
        self._signer_ref = signer_ref
        self._plans: dict[str, Plan] = {}
        """Plans of batches submitted by this process, kept until run (at most a few)."""

    # Planning ----------------------------------------------------------------------------

    def plan(self, roster: Roster) -> Plan:
        """Return every credential the roster calls for, and every problem of every row."""
        problems = list(roster.problems)
        bad = {p.row for p in problems}
        frameworks: dict[str, tuple[Framework, FrameworkAchievements] | str] = {}
        level_results: dict[tuple[str, str], Result] = {}
        planned: list[PlannedCredential] = []
        first_row: dict[str, int] = {}
        for row in roster.rows:
            if not row.framework:
                continue  # reported by the roster reader
            resolved = self._framework(frameworks, row.framework)
            if isinstance(resolved, str):
                problems.append(RowProblem(row.number, resolved))
                continue
            framework, achievements = resolved
            chosen, found = resolve_demonstrated(framework, row.statements, row.levels)
            problems.extend(RowProblem(row.number, message) for message in found)
            if found or row.number in bad:
                continue
            recipient = recipient_key(Recipient(email=row.email, did=row.did))
            for selection in selections_for(framework, achievements, chosen):
                key = dedupe_key(framework.id, selection.achievement.id, recipient)
                results: tuple[Result, ...] = ()
                if selection.level is not None:
                    cache_key = (framework.id, selection.level.key)
                    if cache_key not in level_results:
                        level_results[cache_key] = achieved_level_result(
                            framework, selection.level, self._base_url
                        )
                    results = (level_results[cache_key],)
                planned.append(
                    PlannedCredential(
                        row=row,
                        framework_id=framework.id,
                        achievement=selection.achievement,
                        kind=selection.kind,
                        recipient_key=recipient,
                        dedupe_key=key,
                        results=results,
                        duplicate_of=first_row.get(key),
                    )
                )
                first_row.setdefault(key, row.number)
        problems.sort(key=lambda p: p.row or 0)
        return Plan(rows=roster.rows, credentials=planned, problems=problems)

    def _framework(
        self, cache: dict[str, tuple[Framework, FrameworkAchievements] | str], reference: str
    ) -> tuple[Framework, FrameworkAchievements] | str:
        """Return the framework and its achievements, or the problem (looked up once each)."""
        if reference not in cache:
            try:
                framework = self._catalog.get(reference)
                cache[reference] = (framework, self._catalog.achievements(framework.id))
            except NotFound as err:
                cache[reference] = str(err)
        return cache[reference]

    def check(self, roster: Roster, options: BatchOptions) -> CheckReport:
        """Dry run: what the roster would issue, skip and replace; every problem, by row."""
        plan = self.plan(roster)
        unique = plan.unique
        existing = self._credentials.find_active([c.dedupe_key for c in unique])
        duplicates = sum(1 for c in plan.credentials if c.duplicate_of is not None)
        already = len(existing)
        return CheckReport(
            rows=len(roster.rows),
            credentials=len(plan.credentials),
            to_issue=len(unique) if options.replace else len(unique) - already,
            skipped=duplicates + (0 if options.replace else already),
            to_replace=already if options.replace else 0,
            problems=plan.problems,
        )

    # Batches -----------------------------------------------------------------------------

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
        roster and options (True: to be resumed). Raise `RosterProblems` if any row is bad."""
        plan = self.plan(roster)
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
        self._batches.create(batch, [row.to_json() for row in roster.rows])
        while len(self._plans) >= 4:
            self._plans.pop(next(iter(self._plans)))
        self._plans[batch.id] = plan
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

    # Running -----------------------------------------------------------------------------

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

        `workers`: signing processes (default: one per core; 0 signs in this process).
        `actor`: who the audit log names (default: who submitted the batch).
        """
        batch = self.get(batch_id)
        if batch.status == "finished":
            return batch
        now = now or datetime.now(UTC)
        plan = self._plans.pop(batch_id, None) or self.plan(self.roster(batch_id))
        self._batches.start(batch_id, now)
        run = _Run(
            batch_id=batch_id,
            options=BatchOptions.from_json(batch.options),
            now=now,
            actor=actor or batch.actor,
            total=len(plan.credentials),
        )
        try:
            self._issue(plan, run, workers, chunk_size, progress)
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
        return self.get(batch_id)

    def _issue(
        self,
        plan: Plan,
        run: _Run,
        workers: int | None,
        chunk_size: int,
        progress: ProgressCallback | None,
    ) -> None:
        for problem in plan.problems:  # e.g. a framework removed since the batch was made
            run.errors.setdefault(problem.row or 0, problem.message)
        bad = {p.row for p in plan.problems}
        run.failed_credentials = sum(1 for c in plan.credentials if c.row.number in bad)
        run.skipped = sum(
            1 for c in plan.credentials if c.duplicate_of is not None and c.row.number not in bad
        )
        unique = plan.unique
        chunks = [unique[i : i + chunk_size] for i in range(0, len(unique), chunk_size)]
        if workers is None:
            workers = default_workers()
        if len(unique) < INLINE_BELOW:
            workers = 0
        context = ChunkContext(
            base_url=self._base_url,
            issuer=self._issuer_profile(),
            cryptosuite=run.options.cryptosuite,
            now=run.now,
        )
        if progress:
            progress(run.done, run.total)
        in_flight: deque[tuple[_Chunk, Future[list[SignedCredential]]]] = deque()
        with signing_pool(self._signer_ref(), workers=workers) as pool:
            for planned in chunks:
                chunk = self._prepare(planned, run)
                future = pool.submit(sign_chunk, context, chunk.specs)
                in_flight.append((chunk, future))
                while len(in_flight) > max(workers, 1) * 2:
                    self._store(*in_flight.popleft(), run, progress)
            while in_flight:
                self._store(*in_flight.popleft(), run, progress)

    def _prepare(self, planned: list[PlannedCredential], run: _Run) -> _Chunk:
        """Find what is issued already, reserve status indices and build the specs."""
        by_key = {c.dedupe_key: c for c in planned}
        existing = self._credentials.find_active(list(by_key))
        replaced = []
        for key, stored in existing.items():
            if stored.batch_id == run.batch_id:
                run.issued += 1  # issued by an earlier, interrupted run of this batch
                del by_key[key]
            elif run.options.replace:
                replaced.append(stored)
            else:
                run.skipped += 1
                del by_key[key]
        slots = self._status_lists.allocate(len(by_key), now=run.now)
        specs = []
        slot_by_key = {}
        for (key, credential), slot in zip(by_key.items(), slots, strict=True):
            row = credential.row
            slot_by_key[key] = slot
            specs.append(
                CredentialSpec(
                    credential_id=new_credential_id(),
                    achievement=credential.achievement,
                    recipient=Recipient(email=row.email, did=row.did, name=row.name),
                    slot=slot,
                    results=credential.results,
                    evidence=(Evidence(id=row.evidence),) if row.evidence else (),
                    narrative=row.narrative,
                )
            )
        return _Chunk(planned=by_key, specs=specs, slots=slot_by_key, replaced=replaced)

    def _store(
        self,
        chunk: _Chunk,
        future: Future[list[SignedCredential]],
        run: _Run,
        progress: ProgressCallback | None,
    ) -> None:
        """Store a signed chunk in one transaction (retrying without what others stored)."""
        rows: list[StoredCredential] = []
        issuer_id = self._issuer_id()
        for (key, planned), result in zip(chunk.planned.items(), future.result(), strict=True):
            if result.document is None:
                run.errors.setdefault(planned.row.number, result.error or "could not be signed")
                run.failed_credentials += 1
                continue
            slot = chunk.slots[key]
            rows.append(
                StoredCredential(
                    id=result.credential_id,
                    url=f"{self._base_url}/credentials/{result.credential_id}",
                    document=result.document,
                    cryptosuite=run.options.cryptosuite,
                    issuer_id=issuer_id,
                    issued_at=run.now,
                    framework_id=planned.framework_id,
                    achievement_id=planned.achievement.id,
                    recipient_key=planned.recipient_key,
                    dedupe_key=key,
                    batch_id=run.batch_id,
                    status_set=slot.set_number,
                    status_index=slot.index,
                    status_purpose="revocation",
                )
            )
        replaced = chunk.replaced
        for attempt in range(3):
            try:
                self._commit(rows, replaced, run)
                run.issued += len(rows)
                break
            except IntegrityError:
                if attempt == 2:
                    raise
                log.warning(
                    "batch %s: another run stored some of a chunk; re-checking", run.batch_id
                )
                rows, replaced = self._without_stored_meanwhile(rows, replaced, run)
        if progress:
            progress(run.done, run.total)

    def _commit(
        self, rows: list[StoredCredential], replaced: list[StoredCredential], run: _Run
    ) -> None:
        with write_transaction(self._engine) as conn:  # replacing revokes: read-modify-write
            wallets = ensure_wallets(
                conn, [r.recipient_key for r in rows if r.recipient_key], run.now
            )
            rows[:] = [
                StoredCredential(**{**r.__dict__, "wallet_id": wallets.get(r.recipient_key or "")})
                for r in rows
            ]  # (dataclasses.replace costs ten times as much)
            if replaced:
                revoke_in_transaction(
                    conn,
                    replaced,
                    lists=self._status_lists,
                    store=self._credentials,
                    now=run.now,
                    actor=run.actor,
                    reason=f"replaced by batch {run.batch_id}",
                )
            self._credentials.insert(conn, rows)
            record_events(
                conn,
                [
                    {
                        "at": run.now,
                        "actor": run.actor,
                        "action": "issue",
                        "subject": r.url,
                        "detail": {
                            "achievement": r.achievement_id,
                            "cryptosuite": r.cryptosuite,
                            "batch": run.batch_id,
                        },
                    }
                    for r in rows
                ],
            )
            self._batches.set_progress(
                conn, run.batch_id, issued=run.issued + len(rows), skipped=run.skipped, now=run.now
            )

    def _without_stored_meanwhile(
        self, rows: list[StoredCredential], replaced: list[StoredCredential], run: _Run
    ) -> tuple[list[StoredCredential], list[StoredCredential]]:
        """Another run stored some of these credentials meanwhile: skip (or replace) those."""
        existing = self._credentials.find_active([r.dedupe_key for r in rows if r.dedupe_key])
        replaced_ids = {c.id for c in replaced}
        keep = []
        for row in rows:
            other = existing.get(row.dedupe_key or "")
            if other is None:
                keep.append(row)
            elif other.batch_id == run.batch_id:
                run.issued += 1
            elif run.options.replace:
                keep.append(row)
                if other.id not in replaced_ids:
                    replaced = [*replaced, other]
            else:
                run.skipped += 1
        return keep, replaced

    # Results -----------------------------------------------------------------------------

    def results(self, batch_id: str) -> list[RowResult]:
        """Return each roster row with the learner's active credentials it called for."""
        batch = self.get(batch_id)
        plan = self.plan(self.roster(batch_id))
        active = self._credentials.find_active([c.dedupe_key for c in plan.credentials])
        by_row: dict[int, list[PlannedCredential]] = {}
        for credential in plan.credentials:
            by_row.setdefault(credential.row.number, []).append(credential)
        errors = {e["row"]: e["detail"] for e in batch.errors}
        errors.update({p.row: p.message for p in plan.problems})
        out = []
        for row in plan.rows:
            found = [
                active[c.dedupe_key] for c in by_row.get(row.number, []) if c.dedupe_key in active
            ]
            wallet = next((c.wallet_id for c in found if c.wallet_id), None)
            out.append(
                RowResult(
                    row=row,
                    credentials=found,
                    issued_here=sum(1 for c in found if c.batch_id == batch_id),
                    wallet_id=wallet,
                    error=errors.get(row.number),
                )
            )
        return out
