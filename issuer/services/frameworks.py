"""Importing frameworks and looking up their achievements."""

import hashlib
from datetime import datetime
from pathlib import Path

from issuer.errors import Conflict, NotFound
from issuer.frameworks.loader import parse_export, read_export
from issuer.frameworks.mapping import FrameworkAchievements, map_framework
from issuer.frameworks.structure import Framework, index_framework
from issuer.model.achievement import Achievement
from issuer.model.framework import FrameworkExport
from issuer.store.frameworks import FrameworkStore, ImportOutcome, StoredFramework


class FrameworkCatalog:
    """The imported frameworks and their achievements under one base URL."""

    def __init__(self, store: FrameworkStore, base_url: str) -> None:
        self._store = store
        self._base_url = base_url
        self._cache: dict[tuple[str, str], tuple[Framework, FrameworkAchievements]] = {}

    def import_file(
        self, path: Path, *, now: datetime, replace: bool = False
    ) -> tuple[Framework, ImportOutcome]:
        """Validate and store the export in `path`; raise `InvalidInput` or `Conflict`."""
        export, text = read_export(path)
        return self._save(export, text, path.name, now=now, replace=replace)

    def import_text(
        self, raw: bytes | str, *, source: str, now: datetime, replace: bool = False
    ) -> tuple[Framework, ImportOutcome]:
        """Validate and store an export given as bytes or text."""
        export, text = parse_export(raw, source=source)
        return self._save(export, text, source, now=now, replace=replace)

    def _save(
        self, export: FrameworkExport, text: str, source: str, *, now: datetime, replace: bool
    ) -> tuple[Framework, ImportOutcome]:
        framework = index_framework(export)
        row = StoredFramework(
            id=framework.id,
            soc=framework.soc,
            version=framework.version,
            title=framework.title,
            content_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            source_text=text,
            source_name=source,
            imported_at=now,
        )
        try:
            outcome = self._store.save(row, replace=replace)
        except ValueError as err:
            raise Conflict(
                f"{source}: framework {framework.id} is already imported with different "
                "content; credentials may refer to its achievements. Give the export a new "
                "version, or replace it on purpose (--replace)."
            ) from err
        return framework, outcome

    def list(self) -> list[Framework]:
        """Return every imported framework."""
        return [self._load(row)[0] for row in self._store.list()]

    def get(self, ref: str) -> Framework:
        """Return the framework with id `ref`, or the newest imported for SOC code `ref`."""
        return self._resolve(ref)[0]

    def stored(self, framework_id: str) -> StoredFramework:
        """Return the stored row (with the export text as imported); raise `NotFound`."""
        row = self._store.get(framework_id)
        if row is None:
            raise NotFound(f"no framework {framework_id!r} has been imported")
        return row

    def achievements(self, ref: str) -> FrameworkAchievements:
        """Return every achievement of the framework `ref`."""
        return self._resolve(ref)[1]

    def achievement(
        self, framework_id: str, *, level: str | None = None, statement: str | None = None
    ) -> Achievement:
        """Return one level or statement achievement; raise `NotFound`."""
        framework, achievements = self._resolve(framework_id)
        if level is not None and level in achievements.levels:
            return achievements.levels[level]
        if statement is not None and statement in achievements.statements:
            return achievements.statements[statement]
        what = f"level {level!r}" if level is not None else f"statement {statement!r}"
        raise NotFound(f"framework {framework.id} has no {what}")

    def _resolve(self, ref: str) -> tuple[Framework, FrameworkAchievements]:
        row = self._store.get(ref)
        if row is None:
            matches = [r for r in self._store.list() if r.soc == ref]
            if not matches:
                raise NotFound(f"no framework {ref!r} has been imported")
            row = max(matches, key=lambda r: r.imported_at)
        return self._load(row)

    def _load(self, row: StoredFramework) -> tuple[Framework, FrameworkAchievements]:
        key = (row.id, row.content_sha256)
        if key not in self._cache:
            export, _ = parse_export(row.source_text, source=row.source_name)
            framework = index_framework(export)
            self._cache[key] = (framework, map_framework(framework, self._base_url))
        return self._cache[key]
