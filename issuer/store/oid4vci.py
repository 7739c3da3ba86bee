"""OpenID4VCI state: access tokens (SHA-256 digests only) and single-use nonces.

An access token names the lead offer it was granted for (`issuer.store.offers`); a nonce is
a `c_nonce` handed out by the nonce endpoint, consumed by the first proof that carries it.
The tables are defined here (with the shared `metadata`), migrated by revision 0009.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, Connection, Engine, String, Table, delete, insert, select

from issuer.store.database import UtcDateTime, metadata

access_tokens_table = Table(
    "oid4vci_access_tokens",
    metadata,
    Column("token_sha256", String(64), primary_key=True),
    Column("offer_id", String(64), nullable=False, index=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False, index=True),
)

nonces_table = Table(
    "oid4vci_nonces",
    metadata,
    Column("nonce", String(64), primary_key=True),
    Column("expires_at", UtcDateTime(), nullable=False, index=True),
)


@dataclass(frozen=True)
class StoredAccessToken:
    """An access token's row (its digest, never the token)."""

    token_sha256: str
    offer_id: str
    created_at: datetime
    expires_at: datetime


class Oid4vciStore:
    """Reads and writes access tokens and nonces (writes in the caller's transaction)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get_token(self, token_sha256: str) -> StoredAccessToken | None:
        """Return the access token with digest `token_sha256`, or None."""
        table = access_tokens_table
        with self._engine.connect() as conn:
            row = conn.execute(select(table).where(table.c.token_sha256 == token_sha256)).first()
        if row is None:
            return None
        return StoredAccessToken(
            token_sha256=row.token_sha256,
            offer_id=row.offer_id,
            created_at=row.created_at,
            expires_at=row.expires_at,
        )

    def insert_token(self, conn: Connection, token: StoredAccessToken, now: datetime) -> None:
        """Store a new access token (and drop the expired ones)."""
        table = access_tokens_table
        conn.execute(delete(table).where(table.c.expires_at <= now))
        conn.execute(insert(table).values(**token.__dict__))

    def insert_nonce(
        self, conn: Connection, nonce: str, *, expires_at: datetime, now: datetime
    ) -> None:
        """Store a new nonce (and drop the expired ones)."""
        conn.execute(delete(nonces_table).where(nonces_table.c.expires_at <= now))
        conn.execute(insert(nonces_table).values(nonce=nonce, expires_at=expires_at))

    def consume_nonce(self, conn: Connection, nonce: str, now: datetime) -> bool:
        """Delete the nonce; return whether it existed and had not expired."""
        table = nonces_table
        result = conn.execute(delete(table).where(table.c.nonce == nonce, table.c.expires_at > now))
        return result.rowcount == 1
