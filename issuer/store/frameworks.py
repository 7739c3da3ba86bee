"""Stored framework exports: the raw file text, kept exactly as imported."""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Engine, insert, select, update

from issuer.store.database import frameworks_table

ImportOutcome = Literal["imported", "unchanged", "replaced"]


@dataclass(frozen=True)
class StoredFramework:
    """A framework row."""

    id: str
    soc: str
    version: str
    title: str
    content_sha256: str
    source_text: str
    source_name: str
    imported_at: datetime


class FrameworkStore:
    """Reads and writes framework exports."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get(self, framework_id: str) -> StoredFramework | None:
        """Return the framework with `framework_id`, or None."""
        with self._engine.connect() as conn:
            row = conn.execute(
                select(frameworks_table).where(frameworks_table.c.id == framework_id)
            ).first()
        return StoredFramework(**row._mapping) if row else None

    def list(self) -> list[StoredFramework]:
        """Return every framework, by SOC code then version."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(frameworks_table).order_by(
                    frameworks_table.c.soc, frameworks_table.c.version
                )
            ).all()
        return [StoredFramework(**row._mapping) for row in rows]

    def save(self, framework: StoredFramework, *, replace: bool) -> ImportOutcome:
        """Insert `framework`; overwrite a different stored text only if `replace`.

        Returns what happened. Raises `ValueError` when the id exists with other
        content and `replace` is false; the stored row is then left unchanged.
        """
        values = framework.__dict__
        with self._engine.begin() as conn:
            current = conn.execute(
                select(frameworks_table.c.content_sha256)
                .where(frameworks_table.c.id == framework.id)
                .with_for_update()
            ).scalar()
            if current is None:
                conn.execute(insert(frameworks_table).values(**values))
                return "imported"
            if current == framework.content_sha256:
                return "unchanged"
            if not replace:
                raise ValueError("a different export with this id is already imported")
            conn.execute(
                update(frameworks_table)
                .where(frameworks_table.c.id == framework.id)
                .values(**values)
            )
            return "replaced"
