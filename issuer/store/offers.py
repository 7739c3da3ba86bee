"""Credential offers: one issued credential offered to a learner's wallet, bound to at most
one holder.

An offer row holds the credential offered (`credential_id`), when it ends, the challenge a
holder's presentation must answer (LCW deep link and VCALM exchange), and, once claimed, the
holder's DID and the holder-bound copy issued for it (`bound_credential_id`). The
pre-authorized code and transaction code of OpenID4VCI are stored as SHA-256 digests only,
with when the code was used and how many wrong transaction codes were tried.

Offers made together ("all at once") share a `group_id`: the id of the group's lead offer,
whose challenge and codes claim the whole group. The table is defined here (with the shared
`metadata`), migrated by revisions 0005 and 0009.
"""

from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    String,
    Table,
    Text,
    insert,
    or_,
    select,
    update,
)

from issuer.store.database import UtcDateTime, metadata

offers_table = Table(
    "offers",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("credential_id", String(36), nullable=False, index=True),
    Column("challenge", String(100), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("actor", Text, nullable=False),
    Column("pre_authorized_code_sha256", String(64), nullable=True, unique=True),
    Column("tx_code_sha256", String(64), nullable=True),
    Column("holder_did", Text, nullable=True),
    Column("bound_credential_id", String(36), nullable=True, index=True),
    Column("bound_at", UtcDateTime(), nullable=True),
    Column("group_id", String(64), nullable=True, index=True),
    Column("code_used_at", UtcDateTime(), nullable=True),
    Column("tx_code_failures", Integer, nullable=False, default=0, server_default="0"),
)


@dataclass(frozen=True)
class StoredOffer:
    """An offer row."""

    id: str
    credential_id: str
    challenge: str
    created_at: datetime
    expires_at: datetime
    actor: str
    pre_authorized_code_sha256: str | None = None
    tx_code_sha256: str | None = None
    holder_did: str | None = None
    bound_credential_id: str | None = None
    bound_at: datetime | None = None
    group_id: str | None = None
    """The lead offer's id when offered together with others (the lead's own id too)."""
    code_used_at: datetime | None = None
    tx_code_failures: int = 0


_COLUMNS = [f.name for f in fields(StoredOffer)]


def _row(row: object) -> StoredOffer:
    return StoredOffer(**{name: getattr(row, name) for name in _COLUMNS})


class OfferStore:
    """Reads and writes offers (writes in the caller's transaction)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get(self, offer_id: str, conn: Connection | None = None) -> StoredOffer | None:
        """Return the offer `offer_id`, or None."""
        statement = select(offers_table).where(offers_table.c.id == offer_id)
        if conn is not None:
            row = conn.execute(statement).first()
        else:
            with self._engine.connect() as own:
                row = own.execute(statement).first()
        return _row(row) if row else None

    def get_by_code(self, code_sha256: str) -> StoredOffer | None:
        """Return the offer whose pre-authorized code has digest `code_sha256`, or None."""
        statement = select(offers_table).where(
            offers_table.c.pre_authorized_code_sha256 == code_sha256
        )
        with self._engine.connect() as conn:
            row = conn.execute(statement).first()
        return _row(row) if row else None

    def members(self, lead_id: str, conn: Connection | None = None) -> list[StoredOffer]:
        """Return the offers claimed with the offer `lead_id` (itself first, then its group)."""
        table = offers_table
        statement = (
            select(table)
            .where(or_(table.c.id == lead_id, table.c.group_id == lead_id))
            .order_by(table.c.created_at, table.c.id)
        )
        if conn is not None:
            rows = conn.execute(statement).all()
        else:
            with self._engine.connect() as own:
                rows = own.execute(statement).all()
        found = [_row(row) for row in rows]
        return sorted(found, key=lambda offer: offer.id != lead_id)

    def insert(self, conn: Connection, offer: StoredOffer) -> None:
        """Store a new offer."""
        conn.execute(insert(offers_table).values(**offer.__dict__))

    def use_code(self, conn: Connection, offer_id: str, now: datetime) -> bool:
        """Mark the offer's pre-authorized code used; return False if it was used already."""
        table = offers_table
        result = conn.execute(
            update(table)
            .where(table.c.id == offer_id, table.c.code_used_at.is_(None))
            .values(code_used_at=now)
        )
        return result.rowcount == 1

    def count_tx_code_failure(self, conn: Connection, offer_id: str) -> int:
        """Count one wrong transaction code for the offer; return the count so far."""
        table = offers_table
        conn.execute(
            update(table)
            .where(table.c.id == offer_id)
            .values(tx_code_failures=table.c.tx_code_failures + 1)
        )
        value = conn.execute(
            select(table.c.tx_code_failures).where(table.c.id == offer_id)
        ).scalar_one()
        return int(value)

    def bind(
        self, conn: Connection, offer_id: str, *, holder_did: str, credential_id: str, now: datetime
    ) -> bool:
        """Bind an unbound offer to `holder_did` and its copy; return False if it was bound."""
        table = offers_table
        result = conn.execute(
            update(table)
            .where(table.c.id == offer_id, table.c.holder_did.is_(None))
            .values(holder_did=holder_did, bound_credential_id=credential_id, bound_at=now)
        )
        return result.rowcount == 1

    def bound_copies(self, conn: Connection, credential_ids: list[str]) -> list[str]:
        """Return the ids of the holder-bound copies issued from any of `credential_ids`."""
        table = offers_table
        found: list[str] = []
        for start in range(0, len(credential_ids), 500):
            rows = conn.execute(
                select(table.c.bound_credential_id).where(
                    table.c.credential_id.in_(credential_ids[start : start + 500]),
                    table.c.bound_credential_id.is_not(None),
                )
            ).all()
            found.extend(str(row.bound_credential_id) for row in rows)
        return sorted(set(found))
