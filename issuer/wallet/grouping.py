"""A wallet's credentials grouped by framework, then by level (pure; no Flask).

    groups = group_by_level(entries)
    for framework in groups:            # FrameworkGroup: name, occupation, levels, others
        for level in framework.levels:  # LevelGroup: label, rank, credential (the level's own,
            ...                         #   if held), statements (held, in the order given)

A level credential and the competency statements of the same level share one `LevelGroup`,
so a page can show the level as one card with its statements folded inside. Levels are in
rank order; frameworks in the order their first credential comes.
"""

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from issuer.wallet.describe import CredentialView

T = TypeVar("T")


@dataclass(frozen=True)
class Entry(Generic[T]):
    """One credential to group: what it says, and what the caller shows for it."""

    view: CredentialView
    item: T
    framework_id: str | None = None
    rank: int | None = None


@dataclass
class LevelGroup(Generic[T]):
    """One level of a framework: the level's credential, if held, and its statements held."""

    label: str
    rank: int | None = None
    credential: T | None = None
    statements: list[T] = field(default_factory=list)
    total: int | None = None
    """How many statements the level has (known from the level credential)."""


@dataclass
class FrameworkGroup(Generic[T]):
    """One framework's credentials, by level; `others` have no level."""

    key: str
    name: str
    occupation: str | None = None
    levels: list[LevelGroup[T]] = field(default_factory=list)
    others: list[T] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many credentials the group holds."""
        held = sum(len(g.statements) + (g.credential is not None) for g in self.levels)
        return held + len(self.others)


OTHER = "Other credentials"


def group_by_level(entries: list[Entry[T]]) -> list[FrameworkGroup[T]]:
    """Return the entries grouped by framework, then by level (in rank order)."""
    frameworks: dict[str, FrameworkGroup[T]] = {}
    levels: dict[tuple[str, str], LevelGroup[T]] = {}
    for entry in entries:
        a = entry.view.achievement
        key = entry.framework_id or a.framework or ""
        group = frameworks.get(key)
        if group is None:
            group = FrameworkGroup(key=key, name=a.framework or OTHER, occupation=a.occupation)
            frameworks[key] = group
        if a.kind not in ("level", "statement") or not a.level:
            group.others.append(entry.item)
            continue
        level = levels.get((key, a.level))
        if level is None:
            level = LevelGroup(label=a.level, rank=entry.rank)
            levels[(key, a.level)] = level
            group.levels.append(level)
        if a.kind == "statement":
            level.statements.append(entry.item)
        elif level.credential is None:
            level.credential = entry.item
            level.total = len(a.statements)
        else:  # the same level held twice (e.g. reissued): shown beside the levels
            group.others.append(entry.item)
    result = list(frameworks.values())
    for group in result:
        group.levels.sort(key=lambda g: (g.rank is None, g.rank or 0, g.label))
    result.sort(key=lambda g: g.name == OTHER)  # credentials of no framework last
    return result
