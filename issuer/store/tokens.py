"""API bearer tokens: only their SHA-256 is stored; the token is shown once, at creation."""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, insert, select, update

from issuer.store.database import api_tokens_table, read_connection

TOKEN_PREFIX = "ler_"


@dataclass(frozen=True)
class ApiToken:
    """A stored token (without the secret)."""

    id: str
    name: str
    created_at: datetime
    revoked_at: datetime | None


def token_digest(token: str) -> str:
    """Return the hex SHA-256 under which `token` is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenStore:
    """Creates, checks and revokes API tokens."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def create(self, name: str, *, now: datetime) -> tuple[str, ApiToken]:
        """Return a new secret token (shown once) and its stored record."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        record = ApiToken(id=str(uuid.uuid4()), name=name, created_at=now, revoked_at=None)
        with self._engine.begin() as conn:
            conn.execute(
                insert(api_tokens_table).values(
                    id=record.id, name=name, token_sha256=token_digest(token), created_at=now
                )
            )
        return token, record

    def authenticate(self, token: str) -> ApiToken | None:
        """Return the live token record matching `token`, or None."""
        table = api_tokens_table
        with read_connection(self._engine) as conn:
            row = conn.execute(
                select(table.c.id, table.c.name, table.c.created_at, table.c.revoked_at).where(
                    table.c.token_sha256 == token_digest(token), table.c.revoked_at.is_(None)
                )
            ).first()
        return ApiToken(**row._mapping) if row else None

    def list(self) -> list[ApiToken]:
        """Return every token record, oldest first."""
        table = api_tokens_table
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(table.c.id, table.c.name, table.c.created_at, table.c.revoked_at).order_by(
                    table.c.created_at
                )
            ).all()
        return [ApiToken(**row._mapping) for row in rows]

    def revoke(self, token_id: str, *, now: datetime) -> bool:
        """Revoke the token `token_id`; return whether a live token was revoked."""
        table = api_tokens_table
        with self._engine.begin() as conn:
            result = conn.execute(
                update(table)
                .where(table.c.id == token_id, table.c.revoked_at.is_(None))
                .values(revoked_at=now)
            )
        return result.rowcount == 1
