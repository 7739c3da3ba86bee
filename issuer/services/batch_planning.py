"""Batch planning: a roster becomes the credentials it calls for, and every row's problems.

Each roster row names a framework, a learner and what they demonstrated; it becomes the
same credentials `POST /awards` would issue (one per statement, plus one per complete
level), each identified by its `dedupe_key` (framework, achievement, recipient).
"""

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
from issuer.services.roster import Roster, RosterRow, RowProblem
from issuer.store.protocols import CredentialReader

CRYPTOSUITES = SIGNING_SUITES


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


class BatchPlanner:
    """Plans rosters and checks them (a dry run) against what is issued already."""

    def __init__(
        self, *, base_url: str, catalog: FrameworkCatalog, credentials: CredentialReader
    ) -> None:
        self._base_url = base_url
        self._catalog = catalog
        self._credentials = credentials

    def plan(self, roster: Roster) -> Plan:
        """Return every credential the roster calls for, and every problem of every row."""
        problems = list(roster.problems)
        bad = {p.row for p in problems}
        frameworks: dict[str, tuple[Framework, FrameworkAchievements] | str] = {}
        level_results: dict[tuple[str, str], Result] = {}
        resolved_refs: dict[
            tuple[str, tuple[str, ...], tuple[str, ...]], tuple[set[str], list[str]]
        ]
        resolved_refs = {}
        selected: dict[tuple[str, frozenset[str]], list[Selection]] = {}
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
            refs = (framework.id, row.statements, row.levels)  # rows of a cohort repeat themselves
            if refs not in resolved_refs:
                resolved_refs[refs] = resolve_demonstrated(framework, row.statements, row.levels)
            chosen, found = resolved_refs[refs]
            problems.extend(RowProblem(row.number, message) for message in found)
            if found or row.number in bad:
                continue
            recipient = recipient_key(Recipient(email=row.email, did=row.did))
            chosen_key = (framework.id, frozenset(chosen))
            if chosen_key not in selected:
                selected[chosen_key] = selections_for(framework, achievements, chosen)
            for selection in selected[chosen_key]:
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
