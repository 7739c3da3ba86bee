"""A framework export indexed for use: stable keys for the framework, its levels and statements.

Keys depend only on the file's content, so they are stable across restarts and
re-imports of the same file, and differ between framework versions:

- framework id: `<SOC>-<version slug>`, e.g. `43-4171.00-v.26.05`;
- level key: the slug of the level's key in the file, e.g. `proficient`;
- statement key: `<level key>-<position, two digits>`, e.g. `proficient-03`.
"""

import re
import unicodedata
from dataclasses import dataclass

from issuer.errors import NotFound
from issuer.model.framework import FrameworkExport

_TOPIC_SEPARATOR = re.compile(r"\s+[\u2014\u2013-]+\s+|\u2014|\u2013")


def slugify(text: str) -> str:
    """Return a lower-case ASCII slug of `text` keeping `.`, `_` and `-` (may be empty)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9._]+", "-", ascii_text.lower()).strip("-.")


def split_topic(statement: str) -> str:
    """Return a statement's topic: the text before its first dash, or the whole statement."""
    parts = _TOPIC_SEPARATOR.split(statement.strip(), maxsplit=1)
    topic = parts[0].strip()
    return topic if topic and len(parts) == 2 else statement.strip()


@dataclass(frozen=True)
class Statement:
    """One competency statement in its level."""

    key: str
    level_key: str
    position: int
    text: str
    topic: str

    @property
    def ability(self) -> str:
        """The statement after its topic (what the learner can do), or the whole statement."""
        rest = self.text.strip()[len(self.topic) :].lstrip(" \u2014\u2013-").strip()
        return rest or self.text.strip()


@dataclass(frozen=True)
class Level:
    """One proficiency level; `rank` counts from 1 at the lowest level."""

    key: str
    label: str
    rank: int
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class Framework:
    """An imported framework with its stable keys."""

    id: str
    export: FrameworkExport
    levels: tuple[Level, ...]

    @property
    def title(self) -> str:
        """The occupation title, e.g. "Receptionists and Information Clerks"."""
        return self.export.occupation.title

    @property
    def soc(self) -> str:
        """The O*NET-SOC code, e.g. "43-4171.00"."""
        return self.export.occupation.soc

    @property
    def version(self) -> str:
        """The framework version as exported, e.g. "v.26.05"."""
        return self.export.framework.version

    def statements(self) -> list[Statement]:
        """Return every statement, level by level, in file order."""
        return [s for level in self.levels for s in level.statements]

    def level(self, key: str) -> Level:
        """Return the level with `key` (or label, case-insensitively); raise `NotFound`."""
        for level in self.levels:
            if key == level.key or key.casefold() == level.label.casefold():
                return level
        known = ", ".join(level.key for level in self.levels)
        raise NotFound(f"framework {self.id} has no level {key!r} (levels: {known})")

    def statement(self, key: str) -> Statement:
        """Return the statement with `key`; raise `NotFound`."""
        for statement in self.statements():
            if statement.key == key:
                return statement
        raise NotFound(f"framework {self.id} has no statement {key!r}")


def framework_id(export: FrameworkExport) -> str:
    """Return the framework's stable id: SOC code and version slug."""
    version = slugify(export.framework.version) or "unversioned"
    return f"{export.occupation.soc}-{version}"


def index_framework(export: FrameworkExport) -> Framework:
    """Return the export with stable keys for its levels and statements, in file order."""
    levels: list[Level] = []
    used: set[str] = set()
    for rank, (raw_key, level) in enumerate(export.framework.levels.items(), start=1):
        key = _unique(slugify(raw_key) or slugify(level.label) or f"level-{rank}", used)
        statements = tuple(
            Statement(
                key=f"{key}-{position:02d}",
                level_key=key,
                position=position,
                text=text,
                topic=split_topic(text),
            )
            for position, text in enumerate(level.statements, start=1)
        )
        levels.append(Level(key=key, label=level.label, rank=rank, statements=statements))
    return Framework(id=framework_id(export), export=export, levels=tuple(levels))


def _unique(key: str, used: set[str]) -> str:
    candidate, n = key, 2
    while candidate in used:
        candidate, n = f"{key}-{n}", n + 1
    used.add(candidate)
    return candidate
