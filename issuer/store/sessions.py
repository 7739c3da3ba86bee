"""Console sign-ins kept server-side: the browser holds only a random session id.

A row stores the SHA-256 of the session id (so the table does not hold usable ids), the
SHA-256 under which the API token used to sign in is known (the same digest as
`api_tokens.token_sha256`, never the token), who signed in, and when the session ends.
Signing out deletes the row, so a copy of the cookie is worthless afterwards; a session
whose token has been revoked ends as well.
"""

import hashlib
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Engine, and_, delete, insert, select

from issuer.store.database import api_tokens_table, console_sessions_table


def session_digest(session_id: str) -> str:
    """Return the hex SHA-256 under which the session `session_id` is stored."""
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ConsoleSession:
    """A live console sign-in."""

    actor: str
    token_sha256: str
    created_at: datetime
    expires_at: datetime


class SessionStore:
    """Creates, finds and ends console sessions."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def create(self, *, token_sha256: str, actor: str, now: datetime, lifetime: timedelta) -> str:
        """Store a new session for the token with digest `token_sha256`; return its id."""
        session_id = secrets.token_urlsafe(32)
        table = console_sessions_table
        with self._engine.begin() as conn:
            conn.execute(delete(table).where(table.c.expires_at <= now))  # tidy up
            conn.execute(
                insert(table).values(
                    id_sha256=session_digest(session_id),
                    token_sha256=token_sha256,
                    actor=actor,
                    created_at=now,
                    expires_at=now + lifetime,
                )
            )
        return session_id

    def find(
        self, session_id: str, *, now: datetime, config_tokens: Collection[str] = ()
    ) -> ConsoleSession | None:
        """Return the live session `session_id`, or None.

        A session is live until it expires, is ended, or its token stops being accepted: a
        token in the tokens table must not be revoked; `config_tokens` are the digests of
        the tokens accepted from configuration. A session found dead is deleted.
        """
        sessions, tokens = console_sessions_table, api_tokens_table
        digest = session_digest(session_id)
        with self._engine.connect() as conn:
            row = conn.execute(
                select(
                    sessions.c.actor,
                    sessions.c.token_sha256,
                    sessions.c.created_at,
                    sessions.c.expires_at,
                    tokens.c.id.label("token_id"),
                )
                .select_from(
                    sessions.outerjoin(
                        tokens,
                        and_(
                            tokens.c.token_sha256 == sessions.c.token_sha256,
                            tokens.c.revoked_at.is_(None),
                        ),
                    )
                )
                .where(sessions.c.id_sha256 == digest)
            ).first()
        if row is None:
            return None
        live = row.token_id is not None or row.token_sha256 in config_tokens
        if not live or row.expires_at <= now:
            self._delete(sessions.c.id_sha256 == digest)
            return None
        return ConsoleSession(
            actor=row.actor,
            token_sha256=row.token_sha256,
            created_at=row.created_at,
            expires_at=row.expires_at,
        )

    def end(self, session_id: str) -> bool:
        """Delete the session `session_id`; return whether there was one."""
        table = console_sessions_table
        return self._delete(table.c.id_sha256 == session_digest(session_id)) > 0

    def end_for_token(self, token_sha256: str) -> int:
        """Delete every session signed in with the token of digest `token_sha256`."""
        return self._delete(console_sessions_table.c.token_sha256 == token_sha256)

    def _delete(self, condition: ColumnElement[bool]) -> int:
        with self._engine.begin() as conn:
            result = conn.execute(delete(console_sessions_table).where(condition))
        return result.rowcount
