"""Rosters checked in the console ("Check only"), kept for a day so that "Issue these
credentials" needs no second upload. Each belongs to whoever checked it."""

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, insert, select

from issuer.store.database import checked_rosters_table

KEEP = timedelta(hours=24)


@dataclass(frozen=True)
class CheckedRoster:
    """A checked roster: its CSV text, file name and the options it was checked with."""

    id: str
    actor: str
    source_name: str
    content: str
    options: dict[str, Any]
    created_at: datetime
    expires_at: datetime


class CheckedRosterStore:
    """Keeps checked rosters until they are issued or a day has passed."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def put(
        self, *, actor: str, source_name: str, content: str, options: dict[str, Any], now: datetime
    ) -> str:
        """Keep a checked roster; return its unguessable id (and forget expired ones)."""
        checked_id = secrets.token_urlsafe(24)
        table = checked_rosters_table
        with self._engine.begin() as conn:
            conn.execute(delete(table).where(table.c.expires_at <= now))
            conn.execute(
                insert(table).values(
                    id=checked_id,
                    actor=actor,
                    source_name=source_name,
                    content=content,
                    options=json.dumps(options, sort_keys=True),
                    created_at=now,
                    expires_at=now + KEEP,
                )
            )
        return checked_id

    def get(self, checked_id: str, *, actor: str, now: datetime) -> CheckedRoster | None:
        """Return the roster `actor` checked, unless it expired; None otherwise."""
        table = checked_rosters_table
        with self._engine.connect() as conn:
            row = conn.execute(
                select(table).where(
                    table.c.id == checked_id, table.c.actor == actor, table.c.expires_at > now
                )
            ).first()
        if row is None:
            return None
        return CheckedRoster(**{**row._mapping, "options": json.loads(row.options)})

    def forget(self, checked_id: str) -> None:
        """Drop a checked roster (once its batch is submitted)."""
        table = checked_rosters_table
        with self._engine.begin() as conn:
            conn.execute(delete(table).where(table.c.id == checked_id))
