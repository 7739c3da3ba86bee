"""Batch planning: a roster becomes the credentials it calls for, and every row's problems.

Each roster row names a framework, a learner and what they demonstrated; it becomes the
same credentials `POST /awards` would issue (one per statement, plus one per complete
level), each identified by its `dedupe_key` (framework, achievement, recipient).

Planning streams: rows go in one at a time and come out planned, so a roster of any
length is planned in flat memory. A credential an earlier row already calls for is a
duplicate (`duplicate_of`); only learners with more than one row can have duplicates, so
only theirs are remembered (a stored batch finds them with its database, a dry run with a
fixed-size filter: `repeated_learners`).
"""

from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from issuer.credentials.compose import Recipient
from issuer.errors import InvalidInput, NotFound
from issuer.frameworks.mapping import FrameworkAchievements, achieved_level_result
from issuer.frameworks.structure import Framework
from issuer.model.achievement import Achievement
from issuer.model.credential import Result
from issuer.proofs.suites import DEFAULT_SUITE, SIGNING_SUITES
from issuer.services.awards import (
    Selection,
    dedupe_key,
    recipient_key,
    resolve_demonstrated,
    selections_for,
)
from issuer.services.frameworks import FrameworkCatalog
from issuer.services.roster import ProblemList, Roster, RosterEntry, RosterRow, RowProblem
from issuer.store.protocols import CredentialReader

CRYPTOSUITES = SIGNING_SUITES


class RosterProblems(InvalidInput):
    """The roster has problems; nothing was issued. `problems` lists every one, by row."""

    code = "invalid-roster"
    title = "The roster has problems"

    def __init__(self, problems: list[RowProblem], count: int | None = None) -> None:
        self.problems = problems
        self.count = len(problems) if count is None else count
        more = self.count - 1
        suffix = f" (and {more} more: a dry run lists them all)" if more else ""
        super().__init__(f"{problems[0]}{suffix}")


@dataclass(frozen=True)
class BatchOptions:
    """How to run a batch."""

    replace: bool = False
    cryptosuite: str = DEFAULT_SUITE
    notify: bool = False
    """Email each learner (with an email) their wallet link once the batch has finished."""

    def __post_init__(self) -> None:
        if self.cryptosuite not in CRYPTOSUITES:
            raise InvalidInput(f"cryptosuite must be one of {', '.join(CRYPTOSUITES)}")

    def to_json(self) -> dict[str, Any]:
        """Return the options as stored with the batch."""
        options: dict[str, Any] = {"replace": self.replace, "cryptosuite": self.cryptosuite}
        if self.notify:  # only when set: batches stored before keep their digest
            options["notify"] = True
        return options

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "BatchOptions":
        """Return the options stored by `to_json`."""
        return cls(
            replace=bool(data.get("replace")),
            cryptosuite=data.get("cryptosuite", DEFAULT_SUITE),
            notify=bool(data.get("notify")),
        )


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class RowPlan:
    """One roster record planned: the credentials its row calls for (none if it has
    problems; each with `duplicate_of` when an earlier row calls for it too), its problems."""

    number: int
    row: RosterRow | None
    credentials: tuple[PlannedCredential, ...]
    problems: tuple[RowProblem, ...]


@dataclass(frozen=True)
class CheckReport:
    """What a dry run found: what would be issued, skipped or replaced, and every problem
    (the first `LISTED_PROBLEMS` listed; `problem_count` and `failed_rows` count them all)."""

    rows: int
    credentials: int
    to_issue: int
    skipped: int
    to_replace: int
    problems: list[RowProblem]
    problem_count: int
    failed_rows: int


LEARNER_KEY_LENGTH = 16
"""Hex digits of the recipient key that name a learner when looking for repeated learners
(two learners sharing them only cost tracking one more learner: never a wrong answer)."""
BLOOM_BITS = 1 << 26
"""Size of the filter a dry run finds repeated learners with (8 MB, however long the roster)."""
FIND_ACTIVE_CHUNK = 2000


def learner_key(row: RosterRow) -> str:
    """Return the key of the row's learner: rows of different learners never call for the
    same credential, so only learners with more than one row can have duplicates."""
    return recipient_key(Recipient(email=row.email, did=row.did))[:LEARNER_KEY_LENGTH]


class _Everyone:
    """Every learner (a batch stored without learner keys tracks all of them)."""

    def __contains__(self, key: object) -> bool:
        return True


EVERYONE: Container[str] = _Everyone()


def repeated_learners(rows: Iterable[RosterRow]) -> set[str]:
    """Return the keys of the learners that may have more than one row: each that has, and
    a few that have not (a Bloom filter of fixed size decides, so memory stays flat)."""
    seen = bytearray(BLOOM_BITS // 8)
    mask = BLOOM_BITS - 1
    maybe: set[str] = set()
    for row in rows:
        key = recipient_key(Recipient(email=row.email, did=row.did))
        number = int(key, 16)
        bits = [(number >> (32 * n)) & mask for n in range(4)]
        if all(seen[bit >> 3] & (1 << (bit & 7)) for bit in bits):
            maybe.add(key[:LEARNER_KEY_LENGTH])
        for bit in bits:
            seen[bit >> 3] |= 1 << (bit & 7)
    return maybe


_Resolved = tuple[Framework | None, list[Selection], tuple[str, ...]]


class _Selections:
    """What rows call for, resolved once per framework, statements and levels (the rows of
    a cohort repeat themselves); at most `CACHED` kept, so a roster of all-different rows
    does not fill memory either."""

    CACHED = 4096

    def __init__(self, catalog: FrameworkCatalog) -> None:
        self._catalog = catalog
        self._frameworks: dict[str, tuple[Framework, FrameworkAchievements] | str] = {}
        self._resolved: dict[tuple[str, tuple[str, ...], tuple[str, ...]], _Resolved] = {}

    def of(
        self, entry: RosterEntry
    ) -> tuple[Framework | None, list[Selection], tuple[RowProblem, ...]]:
        """Return the row's framework, what it calls for, and every problem of the record
        (the reader's first); no framework if the row has none (the reader said so)."""
        row = entry.row
        if row is None or not row.framework:
            return None, [], entry.problems
        key = (row.framework, row.statements, row.levels)
        resolved = self._resolved.get(key)
        if resolved is None:
            if len(self._resolved) >= self.CACHED:
                self._resolved.clear()
            resolved = self._resolved[key] = self._resolve(row)
        framework, chosen, found = resolved
        if found:
            problems = (*entry.problems, *(RowProblem(row.number, m) for m in found))
            return framework, chosen, problems
        return framework, chosen, entry.problems

    def _resolve(self, row: RosterRow) -> _Resolved:
        reference = row.framework
        if reference not in self._frameworks:
            try:
                framework = self._catalog.get(reference)
                self._frameworks[reference] = (framework, self._catalog.achievements(framework.id))
            except NotFound as err:
                self._frameworks[reference] = str(err)
        looked_up = self._frameworks[reference]
        if isinstance(looked_up, str):
            return None, [], (looked_up,)
        framework, achievements = looked_up
        chosen, found = resolve_demonstrated(framework, row.statements, row.levels)
        if found:
            return framework, [], tuple(found)
        return framework, selections_for(framework, achievements, chosen), ()


class RosterTally:
    """A roster's rows, credentials and problems (by row), counted as its records are
    `add`ed (no credential is planned: only how many each row calls for)."""

    def __init__(self, catalog: FrameworkCatalog) -> None:
        self._selections = _Selections(catalog)
        self._problems = ProblemList()
        self.rows = 0
        self.credentials = 0

    def add(self, entry: RosterEntry) -> None:
        """Count one record (records are added in order)."""
        self.rows += entry.row is not None
        framework, chosen, found = self._selections.of(entry)
        self._problems.add(found)
        if framework is not None and not found:
            self.credentials += len(chosen)

    @property
    def problem_count(self) -> int:
        """How many problems so far."""
        return self._problems.count

    @property
    def problems(self) -> list[RowProblem]:
        """The problems listed (see `ProblemList.listed`)."""
        return self._problems.listed


class BatchPlanner:
    """Plans rosters and checks them (a dry run) against what is issued already."""

    def __init__(
        self, *, base_url: str, catalog: FrameworkCatalog, credentials: CredentialReader
    ) -> None:
        self._base_url = base_url
        self._catalog = catalog
        self._credentials = credentials

    def plan(self, entries: Iterable[RosterEntry], repeated: Container[str]) -> Iterator[RowPlan]:
        """Yield each record with the credentials its row calls for, and its problems.

        `repeated`: the learner keys (`learner_key`) that may have more than one row; only
        their credentials are remembered to find duplicates (`duplicate_of`), so planning
        holds no more than its caches (frameworks, references), whatever the length."""
        selections = _Selections(self._catalog)
        level_results: dict[tuple[str, str], Result] = {}
        first_row: dict[str, int] = {}
        for entry in entries:
            row = entry.row
            framework, chosen, problems = selections.of(entry)
            if row is None or framework is None or problems:
                yield RowPlan(entry.number, row, (), problems)
                continue
            recipient = recipient_key(Recipient(email=row.email, did=row.did))
            tracked = recipient[:LEARNER_KEY_LENGTH] in repeated
            planned = []
            for selection in chosen:
                key = dedupe_key(framework.id, selection.achievement.id, recipient)
                results: tuple[Result, ...] = ()
                if selection.level is not None:
                    cache_key = (framework.id, selection.level.key)
                    if cache_key not in level_results:
                        level_results[cache_key] = achieved_level_result(
                            framework, selection.level, self._base_url
                        )
                    results = (level_results[cache_key],)
                duplicate_of = None
                if tracked:
                    duplicate_of = first_row.get(key)
                    first_row.setdefault(key, row.number)
                planned.append(
                    PlannedCredential(
                        row=row,
                        framework_id=framework.id,
                        achievement=selection.achievement,
                        kind=selection.kind,
                        recipient_key=recipient,
                        dedupe_key=key,
                        results=results,
                        duplicate_of=duplicate_of,
                    )
                )
            yield RowPlan(entry.number, row, tuple(planned), ())

    def tally(self) -> RosterTally:
        """Return a tally to count a roster's records through (see `RosterTally`)."""
        return RosterTally(self._catalog)

    def check(self, roster: Roster, options: BatchOptions) -> CheckReport:
        """Dry run: what the roster would issue, skip and replace; every problem, by row.

        Two passes over the roster: one finds the learners with more than one row, one
        plans; what is issued already is looked up a chunk of credentials at a time."""
        repeated = repeated_learners(roster.rows())
        problems = ProblemList()
        rows = credentials = duplicates = unique = already = 0
        pending: list[str] = []
        for planned in self.plan(roster.entries(), repeated):
            rows += planned.row is not None
            problems.add(planned.problems)
            credentials += len(planned.credentials)
            for credential in planned.credentials:
                if credential.duplicate_of is not None:
                    duplicates += 1
                else:
                    unique += 1
                    pending.append(credential.dedupe_key)
            if len(pending) >= FIND_ACTIVE_CHUNK:
                already += len(self._credentials.find_active(pending))
                pending.clear()
        if pending:
            already += len(self._credentials.find_active(pending))
        return CheckReport(
            rows=rows,
            credentials=credentials,
            to_issue=unique if options.replace else unique - already,
            skipped=duplicates + (0 if options.replace else already),
            to_replace=already if options.replace else 0,
            problems=problems.listed,
            problem_count=problems.count,
            failed_rows=problems.rows,
        )
