"""The append-only audit log of issue, revoke, suspend and key events."""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from issuer.store.bulk import BulkInsert
from issuer.store.database import audit_log_table


@dataclass(frozen=True)
class AuditEntry:
    """One event: who did what to which subject, when."""

    id: int
    at: datetime
    actor: str
    action: str
    subject: str
    detail: dict[str, Any]


_INSERT = insert(audit_log_table)
"""Built once (SQLAlchemy skips rebuilding it and its cache key at every event)."""
_INSERT_MANY = BulkInsert(audit_log_table, ["at", "actor", "action", "subject", "detail"])


def record_event(
    conn: Connection,
    *,
    at: datetime,
    actor: str,
    action: str,
    subject: str,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append an event in the caller's transaction (so it commits or rolls back with the change)."""
    conn.execute(
        _INSERT,
        {
            "at": at,
            "actor": actor,
            "action": action,
            "subject": subject,
            "detail": json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
        },
    )


def record_events(conn: Connection, events: list[dict[str, Any]]) -> None:
    """Append many events (each with the keywords of `record_event`) in the caller's transaction."""
    if events:
        texts: dict[tuple[tuple[str, Any], ...], str] = {}  # a batch's events repeat themselves
        rows = []
        for event in events:
            detail = event.get("detail") or {}
            key = tuple(sorted(detail.items()))
            try:
                text = texts.get(key)
            except TypeError:  # a list or dict among the values: not memoized
                key, text = (), None
            if text is None:
                text = json.dumps(detail, ensure_ascii=False, sort_keys=True)
                if key:
                    texts[key] = text
            rows.append((event["at"], event["actor"], event["action"], event["subject"], text))
        _INSERT_MANY.execute(conn, rows)


def read_events(
    engine: Engine, *, limit: int = 100, before_id: int | None = None, action: str | None = None
) -> list[AuditEntry]:
    """Return events newest first, `limit` at most, older than `before_id` if given."""
    table = audit_log_table
    statement = select(table).order_by(table.c.id.desc()).limit(limit)
    if before_id is not None:
        statement = statement.where(table.c.id < before_id)
    if action is not None:
        statement = statement.where(table.c.action == action)
    with engine.connect() as conn:
        rows = conn.execute(statement).all()
    return [AuditEntry(**{**row._mapping, "detail": json.loads(row.detail)}) for row in rows]


class AuditLog:
    """Reads the audit log (an `AuditReader`)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def recent(
        self, *, limit: int = 100, before_id: int | None = None, action: str | None = None
    ) -> list[AuditEntry]:
        """Return events newest first (see `read_events`)."""
        return read_events(self._engine, limit=limit, before_id=before_id, action=action)
