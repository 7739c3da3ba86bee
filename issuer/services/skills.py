"""The skills profile of verified credentials: per framework, levels × statements demonstrated.

    profile = services.skills.profile(result, target="http://…/frameworks/43-4171.00-v.26.05|proficient")
    profile.to_json()   # the `skills` list of `POST /presentations/verify`

Rules (README, "Skills profile"):

- Only credentials that verified, each on its own verdict (a presentation's credentials, a
  CLR's credentials, or one credential), demonstrate anything. The others are listed apart
  with why they do not count (revoked, suspended, expired, not verified).
- Everything is read from each credential's signed view (`issuer.jsonld.view`), never from
  its JSON as received.
- A statement credential demonstrates its statement. A level credential demonstrates exactly
  the statements its signed achievement names as `ext:CompetencyStatement` alignments (what it
  asserts), and for this service's frameworks only those that belong to that level.
- A framework imported here has its full structure from the store. Another issuer's framework
  is pieced together from what verified credentials say: a level credential names all its
  statements and the framework's rubric levels; a statement credential names its level. The
  entry says `"structure": "partial"` when some level's statements are not all known.
- The highest complete level is the highest-ranked level whose statements are all known and
  all demonstrated.
- A target is a framework level (`{framework}|{level key}`): its statements met and missing.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import unquote

from issuer.errors import NotFound
from issuer.frameworks.mapping import FrameworkUrls, framework_name
from issuer.frameworks.structure import Framework, slugify
from issuer.model.spec import as_list
from issuer.model.verification import VerificationResult
from issuer.services.frameworks import FrameworkCatalog
from issuer.verify.checks.signed import signed_view_or_none
from issuer.verify.checks.status_entries import REVOKED, SUSPENDED

OCCUPATION = "ext:ONetSocOccupation"
FRAMEWORK = "ext:SkillsFramework"
LEVEL = "ext:ProficiencyLevel"
STATEMENT = "ext:CompetencyStatement"

Reason = Literal["revoked", "suspended", "expired", "not verified"]


@dataclass(frozen=True)
class Claim:
    """What one credential's signed view says about a framework (read, not yet trusted)."""

    credential: str | None
    achievement: str
    name: str
    alignments: tuple[dict[str, Any], ...]
    rubric: tuple[dict[str, Any], ...]
    achieved: tuple[str, ...]

    def aligned(self, target_type: str) -> list[dict[str, Any]]:
        """Return the alignments of `target_type` that have a `targetUrl`."""
        return [
            a
            for a in self.alignments
            if a.get("targetType") == target_type and isinstance(a.get("targetUrl"), str)
        ]

    @property
    def framework_url(self) -> str | None:
        """The framework the achievement aligns to (`ext:SkillsFramework`), if any."""
        found = self.aligned(FRAMEWORK)
        return str(found[0]["targetUrl"]) if found else None


@dataclass(frozen=True)
class Leaf:
    """One credential's verdict and what it claims (None: its signed view is unreadable)."""

    result: VerificationResult
    claims: tuple[Claim, ...]

    @property
    def reason(self) -> Reason | None:
        """Why it does not count (None when it verified)."""
        if self.result.verified:
            return None
        types = {check.problem_type for check in self.result.checks if check.failed}
        if REVOKED in types:
            return "revoked"
        if SUSPENDED in types:
            return "suspended"
        if any(check.failed and check.name == "validUntil" for check in self.result.checks):
            return "expired"
        return "not verified"


@dataclass
class Statement:
    """One statement cell of the matrix."""

    id: str
    name: str
    demonstrated: bool = False
    not_counted: Reason | None = None
    """Why a credential claiming it did not count (when no verified one demonstrates it)."""


@dataclass
class Level:
    """One row of the matrix; `known` when all its statements are known."""

    key: str
    label: str
    rank: int | None
    statements: list[Statement] = field(default_factory=list)
    known: bool = True

    @property
    def complete(self) -> bool:
        """Whether every statement of the level is known and demonstrated."""
        return self.known and bool(self.statements) and all(s.demonstrated for s in self.statements)


@dataclass(frozen=True)
class NotCounted:
    """A credential of the framework that did not verify, and why."""

    credential: str | None
    name: str
    reason: Reason


@dataclass(frozen=True)
class Target:
    """A target level of a framework: its statements met and missing."""

    level: str
    label: str
    met: tuple[Statement, ...]
    missing: tuple[Statement, ...]


@dataclass
class FrameworkSkills:
    """The skills profile of one framework."""

    framework: str
    name: str
    occupation: dict[str, str] | None
    levels: list[Level]
    source: Literal["issuer", "credentials"]
    not_counted: list[NotCounted] = field(default_factory=list)
    target: Target | None = None

    @property
    def structure(self) -> Literal["complete", "partial"]:
        """Whether every level's statements are known."""
        return "complete" if all(level.known for level in self.levels) else "partial"

    @property
    def highest_complete_level(self) -> Level | None:
        """The highest-ranked complete level, or None."""
        complete = [level for level in self.levels if level.complete]
        ranked = [level for level in complete if level.rank is not None]
        if ranked:
            return max(ranked, key=lambda level: level.rank or 0)
        return complete[-1] if complete else None

    def statement(self, statement_id: str) -> Statement | None:
        """Return the cell of `statement_id`, if the framework has it."""
        for level in self.levels:
            for statement in level.statements:
                if statement.id == statement_id:
                    return statement
        return None

    def to_json(self) -> dict[str, Any]:
        """Return the entry of the `skills` list."""
        highest = self.highest_complete_level
        body: dict[str, Any] = {
            "framework": self.framework,
            "name": self.name,
            "occupation": self.occupation,
            "structure": self.structure,
            "structureFrom": self.source,
            "levels": [
                {
                    "key": level.key,
                    "label": level.label,
                    "complete": level.complete,
                    "statementsKnown": level.known,
                    "statements": [_statement_json(s) for s in level.statements],
                }
                for level in self.levels
            ],
            "highestCompleteLevel": highest.key if highest else None,
            "notCounted": [
                {"credential": n.credential, "name": n.name, "reason": n.reason}
                for n in self.not_counted
            ],
        }
        if self.target is not None:
            body["target"] = {
                "level": self.target.level,
                "met": [s.id for s in self.target.met],
                "missing": [s.id for s in self.target.missing],
            }
        return body


def _statement_json(statement: Statement) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": statement.id,
        "name": statement.name,
        "demonstrated": statement.demonstrated,
    }
    if statement.not_counted and not statement.demonstrated:
        body["notCounted"] = statement.not_counted
    return body


@dataclass(frozen=True)
class SkillsProfile:
    """Every framework the credentials speak of, and the credentials no framework holds."""

    frameworks: list[FrameworkSkills]
    unreadable: int = 0
    """Credentials whose signed content could not be read (so say nothing)."""

    def to_json(self) -> list[dict[str, Any]]:
        """Return the `skills` list of the API and `ler-issuer verify --json`."""
        return [entry.to_json() for entry in self.frameworks]


def leaves(result: VerificationResult) -> Iterator[VerificationResult]:
    """Yield the results of the credentials in `result`: those a presentation or CLR holds
    (at any depth), or the credential itself."""
    if result.credentials:
        for item in result.credentials:
            yield from leaves(item)
    elif result.kind == "credential":
        yield result


def read_claims(document: Any) -> tuple[Claim, ...] | None:
    """Return what the signed view of a credential says of its achievements (None if unreadable)."""
    view = signed_view_or_none(document)
    if view is None:
        return None
    claims = []
    for subject in as_list(view.get("credentialSubject")):
        if not isinstance(subject, dict):
            continue
        achievement = subject.get("achievement")
        if not isinstance(achievement, dict) or not isinstance(achievement.get("id"), str):
            continue
        rubric: list[dict[str, Any]] = []
        for description in as_list(achievement.get("resultDescription")):
            if isinstance(description, dict):
                rubric.extend(
                    r
                    for r in as_list(description.get("rubricCriterionLevel"))
                    if isinstance(r, dict)
                )
        achieved = [
            r["achievedLevel"]
            for r in as_list(subject.get("result"))
            if isinstance(r, dict) and isinstance(r.get("achievedLevel"), str)
        ]
        name = achievement.get("name")
        claims.append(
            Claim(
                credential=view.get("id") if isinstance(view.get("id"), str) else None,
                achievement=achievement["id"],
                name=name if isinstance(name, str) else achievement["id"],
                alignments=tuple(
                    a for a in as_list(achievement.get("alignment")) if isinstance(a, dict)
                ),
                rubric=tuple(rubric),
                achieved=tuple(achieved),
            )
        )
    return tuple(claims)


class SkillsProfiler:
    """Builds skills profiles; this service's frameworks come from its catalog."""

    def __init__(self, catalog: FrameworkCatalog, base_url: str) -> None:
        self._catalog = catalog
        self._base_url = base_url
        self._own = re.compile(
            re.escape(f"{base_url}/frameworks/") + r"([^/#?]+)/(levels|statements)/([^/#?]+)$"
        )

    def targets(self) -> list[tuple[str, str]]:
        """Return (value, label) of every level of this service's frameworks, for a target."""
        options = []
        for framework in self._catalog.list():
            url = FrameworkUrls(self._base_url, framework.id).framework
            for level in framework.levels:
                options.append((f"{url}|{level.key}", f"{framework.title}, {level.label}"))
        return options

    def profile(self, result: VerificationResult, *, target: str | None = None) -> SkillsProfile:
        """Return the skills profile of the credentials in `result` (and the `target` gap)."""
        read = [(item, read_claims(item.document)) for item in leaves(result)]
        unreadable = sum(1 for _, claims in read if claims is None)
        leaves_ = [Leaf(item, claims) for item, claims in read if claims is not None]
        entries: dict[str, FrameworkSkills] = {}
        own_claims: dict[str, list[tuple[Leaf, Claim, str, str]]] = {}
        foreign_claims: dict[str, list[tuple[Leaf, Claim]]] = {}
        for leaf in leaves_:
            for claim in leaf.claims:
                own = self._own_framework(claim.achievement)
                if own is not None:
                    framework, kind, key = own
                    url = FrameworkUrls(self._base_url, framework.id).framework
                    if url not in entries:
                        entries[url] = self._own_entry(framework)
                    own_claims.setdefault(url, []).append((leaf, claim, kind, key))
                elif claim.framework_url is not None:
                    foreign_claims.setdefault(claim.framework_url, []).append((leaf, claim))
        for url, items in own_claims.items():
            _mark_own(entries[url], items)
        for url, pairs in foreign_claims.items():
            entries[url] = _foreign_entry(url, pairs)
        if target:
            self._apply_target(entries, target)
        return SkillsProfile(frameworks=list(entries.values()), unreadable=unreadable)

    def _own_framework(self, achievement_id: str) -> tuple[Framework, str, str] | None:
        match = self._own.match(achievement_id)
        if match is None:
            return None
        framework_id, kind, key = match.groups()
        try:
            framework = self._catalog.get(unquote(framework_id))
        except NotFound:
            return None
        if framework.id != unquote(framework_id):
            return None  # a SOC code, not the framework's own id
        return framework, kind, unquote(key)

    def _own_entry(self, framework: Framework) -> FrameworkSkills:
        urls = FrameworkUrls(self._base_url, framework.id)
        occupation = framework.export.occupation
        return FrameworkSkills(
            framework=urls.framework,
            name=framework_name(framework),
            occupation={"soc": occupation.soc, "title": occupation.title},
            levels=[
                Level(
                    key=level.key,
                    label=level.label,
                    rank=level.rank,
                    statements=[
                        Statement(urls.statement(s.key), s.topic) for s in level.statements
                    ],
                )
                for level in framework.levels
            ],
            source="issuer",
        )

    def _apply_target(self, entries: dict[str, FrameworkSkills], target: str) -> None:
        framework_url, _, level_key = target.partition("|")
        if "/" not in framework_url:  # a framework id (or SOC code) of this service
            try:
                framework_url = FrameworkUrls(
                    self._base_url, self._catalog.get(framework_url).id
                ).framework
            except NotFound:
                return
        entry = entries.get(framework_url)
        if entry is None:
            own = self._own.match(f"{framework_url}/levels/{level_key}")
            if own is None:
                return
            try:
                framework = self._catalog.get(own.group(1))
            except NotFound:
                return
            entry = entries[framework_url] = self._own_entry(framework)
        for level in entry.levels:
            if level.key == level_key:
                entry.target = Target(
                    level=level.key,
                    label=level.label,
                    met=tuple(s for s in level.statements if s.demonstrated),
                    missing=tuple(s for s in level.statements if not s.demonstrated),
                )


def _mark(entry: FrameworkSkills, statement_ids: list[str], leaf: Leaf) -> None:
    for statement_id in statement_ids:
        cell = entry.statement(statement_id)
        if cell is None:
            continue
        if leaf.reason is None:
            cell.demonstrated = True
        elif cell.not_counted is None:
            cell.not_counted = leaf.reason


def _not_counted(entry: FrameworkSkills, leaf: Leaf, claim: Claim) -> None:
    if leaf.reason is not None:
        entry.not_counted.append(NotCounted(claim.credential, claim.name, leaf.reason))


def _asserted(claim: Claim) -> list[str]:
    """The statements a level credential asserts: its `ext:CompetencyStatement` alignments."""
    return [str(a["targetUrl"]) for a in claim.aligned(STATEMENT)]


def _mark_own(entry: FrameworkSkills, items: list[tuple[Leaf, Claim, str, str]]) -> None:
    for leaf, claim, kind, key in items:
        _not_counted(entry, leaf, claim)
        if kind == "statements":
            _mark(entry, [claim.achievement], leaf)
            continue
        level = next((lv for lv in entry.levels if lv.key == key), None)
        if level is None:
            continue
        own = {s.id for s in level.statements}
        _mark(entry, [s for s in _asserted(claim) if s in own], leaf)


def _occupation(claims: list[Claim]) -> dict[str, str] | None:
    for claim in claims:
        for alignment in claim.alignments:
            if alignment.get("targetType") == OCCUPATION:
                soc, title = alignment.get("targetCode"), alignment.get("targetName")
                if isinstance(soc, str) and isinstance(title, str):
                    return {"soc": soc, "title": title}
    return None


def _framework_name(url: str, claims: list[Claim]) -> str:
    for claim in claims:
        for alignment in claim.aligned(FRAMEWORK):
            if alignment["targetUrl"] == url and isinstance(alignment.get("targetName"), str):
                return str(alignment["targetName"])
    return url


def _label(name: str, occupation: dict[str, str] | None) -> str:
    """A level's label from an achievement or alignment name ("Clerks — Emerging" -> "Emerging")."""
    if occupation and name.startswith(occupation["title"]):
        rest = name[len(occupation["title"]) :].lstrip(" \u2014\u2013-,:")
        return rest or name
    return name


def _rank(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _foreign_entry(url: str, pairs: list[tuple[Leaf, Claim]]) -> FrameworkSkills:
    """Piece another issuer's framework together from what its verified credentials say."""
    trusted = [claim for leaf, claim in pairs if leaf.reason is None]
    occupation = _occupation(trusted) or _occupation([claim for _, claim in pairs])
    levels: dict[str, Level] = {}
    rubric: dict[str, tuple[str, int | None]] = {}
    for claim in trusted:
        statements = claim.aligned(STATEMENT)
        if statements:  # a level credential: names all its statements
            label, rank = _label(claim.name, occupation), None
            for item in claim.rubric:
                name, item_id = item.get("name"), item.get("id")
                if isinstance(name, str) and isinstance(item_id, str):
                    rubric[item_id] = (name, _rank(item.get("level")))
                    if item_id in claim.achieved:
                        label, rank = name, _rank(item.get("level"))
            level = levels.get(claim.achievement)
            if level is None or not level.known or level.rank is None:
                known = {s.id: s for s in level.statements} if level else {}
                for a in statements:
                    known.setdefault(str(a["targetUrl"]), Statement(str(a["targetUrl"]), _name(a)))
                levels[claim.achievement] = Level(
                    key=slugify(claim.achievement.rsplit("/", 1)[-1]) or claim.achievement,
                    label=label,
                    rank=rank,
                    statements=list(known.values()),
                    known=True,
                )
            continue
        for a in claim.aligned(LEVEL)[:1]:  # a statement credential names its level
            level_url = str(a["targetUrl"])
            level = levels.get(level_url)
            if level is None:
                code = a.get("targetCode")
                level = levels[level_url] = Level(
                    key=code if isinstance(code, str) else slugify(level_url.rsplit("/", 1)[-1]),
                    label=_label(_name(a), occupation),
                    rank=None,
                    known=False,
                )
            if all(s.id != claim.achievement for s in level.statements):
                level.statements.append(Statement(claim.achievement, claim.name))
    labels = {level.label for level in levels.values()}
    for name, rank in rubric.values():
        if name not in labels:  # a level no verified credential showed: statements unknown
            levels[f"rubric:{name}"] = Level(slugify(name) or name, name, rank, known=False)
    ordered = sorted(
        levels.values(), key=lambda lv: (lv.rank is None, lv.rank if lv.rank is not None else 0)
    )
    entry = FrameworkSkills(
        framework=url,
        name=_framework_name(url, [claim for _, claim in pairs]),
        occupation=occupation,
        levels=ordered,
        source="credentials",
    )
    for leaf, claim in pairs:
        _not_counted(entry, leaf, claim)
        _mark(entry, _asserted(claim) or [claim.achievement], leaf)
    return entry


def _name(alignment: dict[str, Any]) -> str:
    name = alignment.get("targetName")
    return name if isinstance(name, str) else str(alignment["targetUrl"])
