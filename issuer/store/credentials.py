"""Issued credentials, stored exactly as signed, and learners' wallets."""

import secrets
from dataclasses import dataclass, fields
from datetime import datetime
from operator import attrgetter
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Select,
    bindparam,
    func,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from issuer.store.bulk import BulkInsert
from issuer.store.database import credentials_table, read_connection, wallets_table
from issuer.store.errors import AlreadyIssued as AlreadyIssued


@dataclass(frozen=True)
class StoredCredential:
    """A credential row; `document` is the signed JSON text, served byte for byte."""

    id: str
    url: str
    document: str
    cryptosuite: str
    issuer_id: str
    issued_at: datetime
    framework_id: str | None = None
    achievement_id: str | None = None
    recipient_key: str | None = None
    wallet_id: str | None = None
    dedupe_key: str | None = None
    batch_id: str | None = None
    valid_until: datetime | None = None
    status_set: int | None = None
    status_index: int | None = None
    status_purpose: str | None = None
    revoked_at: datetime | None = None
    suspended: bool = False
    caller_id: bool = False
    """The caller chose `url` (VC API): other credentials may have been issued with it."""


_COLUMNS = [f.name for f in fields(StoredCredential)]


def with_wallet(row: StoredCredential, wallet_id: str | None) -> StoredCredential:
    """Return `row` with `wallet_id` (copied without the dataclass's `__init__`, a tenth
    of its cost: a batch copies every credential; `dataclasses.replace` costs more still)."""
    copy = object.__new__(StoredCredential)
    copy.__dict__.update(row.__dict__, wallet_id=wallet_id)
    return copy


_NEWEST_FIRST = (credentials_table.c.issued_at.desc(), credentials_table.c.id.desc())


@dataclass(frozen=True)
class CredentialFilter:
    """Which credentials to list (every field optional; all given must hold)."""

    recipient_key: str | None = None
    text: str | None = None
    """Text the signed document contains (any case): a coarse filter callers refine."""
    framework_id: str | None = None
    state: str | None = None
    """"active", "revoked", "suspended" or "expired" (as of `now`)."""
    batch_id: str | None = None
    issued_from: datetime | None = None
    issued_before: datetime | None = None


def _conditions(where: CredentialFilter, now: datetime) -> list[ColumnElement[bool]]:
    table = credentials_table
    conditions: list[ColumnElement[bool]] = []
    if where.recipient_key is not None:  # by its wallet (recipient_key is not indexed)
        wallet = select(wallets_table.c.id).where(
            wallets_table.c.recipient_key == where.recipient_key
        )
        conditions.append(table.c.wallet_id == wallet.scalar_subquery())
    if where.text:
        escaped = where.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(table.c.document.ilike(f"%{escaped}%", escape="\\"))
    if where.framework_id is not None:
        conditions.append(table.c.framework_id == where.framework_id)
    if where.batch_id is not None:
        conditions.append(table.c.batch_id == where.batch_id)
    if where.issued_from is not None:
        conditions.append(table.c.issued_at >= where.issued_from)
    if where.issued_before is not None:
        conditions.append(table.c.issued_at < where.issued_before)
    live = table.c.revoked_at.is_(None)
    current = or_(table.c.valid_until.is_(None), table.c.valid_until > now)
    if where.state == "revoked":
        conditions.append(table.c.revoked_at.is_not(None))
    elif where.state == "suspended":
        conditions.extend([live, table.c.suspended.is_(True)])
    elif where.state == "expired":
        conditions.extend([live, table.c.suspended.is_(False), not_(current)])
    elif where.state == "active":
        conditions.extend([live, table.c.suspended.is_(False), current])
    return conditions


def _newest_where(column: Any) -> Select[Any]:
    """The newest row whose `column` is the bound parameter `key` (built once, not per call)."""
    statement = select(credentials_table).where(column == bindparam("key"))
    return statement.order_by(*_NEWEST_FIRST).limit(1)


_BY_ID = _newest_where(credentials_table.c.id)
_INSERT = BulkInsert(credentials_table, _COLUMNS)
_VALUES = attrgetter(*_COLUMNS)
_BY_URL = _newest_where(credentials_table.c.url)


def _row(row: object) -> StoredCredential:
    return StoredCredential(**{name: getattr(row, name) for name in _COLUMNS})


class CredentialStore:
    """Reads and writes issued credentials."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def insert(self, conn: Connection, credentials: list[StoredCredential]) -> None:
        """Insert credentials in the caller's transaction; raise `AlreadyIssued` if another
        transaction stored an active credential with one of their dedupe keys meanwhile."""
        if not credentials:
            return
        try:
            _INSERT.execute(conn, map(_VALUES, credentials))
        except IntegrityError as err:
            if _violates_dedupe(err):
                raise AlreadyIssued(str(err.orig or err)) from err
            raise

    def get(self, credential_id: str, conn: Connection | None = None) -> StoredCredential | None:
        """Return the credential with uuid `credential_id`, or None."""
        return self._one(_BY_ID, credential_id, conn)

    def get_by_url(self, url: str, conn: Connection | None = None) -> StoredCredential | None:
        """Return the credential whose `id` (URL) is `url` (the most recently issued, for a
        caller's id issued more than once), or None."""
        return self._one(_BY_URL, url, conn)

    def find_active(self, dedupe_keys: list[str]) -> dict[str, StoredCredential]:
        """Return the unrevoked credentials holding any of `dedupe_keys`, by key."""
        table = credentials_table
        found: dict[str, StoredCredential] = {}
        with self._engine.connect() as conn:
            for start in range(0, len(dedupe_keys), 500):
                rows = conn.execute(
                    select(table).where(
                        table.c.dedupe_key.in_(dedupe_keys[start : start + 500]),
                        table.c.revoked_at.is_(None),
                    )
                ).all()
                found.update({row.dedupe_key: _row(row) for row in rows})
        return found

    def in_wallet(self, wallet_id: str) -> list[StoredCredential]:
        """Return a learner's credentials, oldest first."""
        table = credentials_table
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(table).where(table.c.wallet_id == wallet_id).order_by(table.c.issued_at)
            ).all()
        return [_row(row) for row in rows]

    def recent(self, *, limit: int = 50, offset: int = 0) -> tuple[list[StoredCredential], int]:
        """Return a page of credentials, newest first, and the total count."""
        table = credentials_table
        with self._engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(table)).scalar_one()
            rows = conn.execute(
                select(table)
                .order_by(table.c.issued_at.desc(), table.c.id)
                .limit(limit)
                .offset(offset)
            ).all()
        return [_row(row) for row in rows], total

    def search(
        self, where: CredentialFilter, *, now: datetime, limit: int | None = 50, offset: int = 0
    ) -> tuple[list[StoredCredential], int]:
        """Return a page of the credentials `where` selects, newest first, and their count
        (`limit` None: all of them)."""
        table = credentials_table
        conditions = _conditions(where, now)
        with self._engine.connect() as conn:
            total = conn.execute(
                select(func.count()).select_from(table).where(*conditions)
            ).scalar_one()
            statement = select(table).where(*conditions).order_by(*_NEWEST_FIRST).offset(offset)
            if limit is not None:
                statement = statement.limit(limit)
            rows = conn.execute(statement).all()
        return [_row(row) for row in rows], total

    def mark_revoked(self, conn: Connection, credential_id: str, now: datetime) -> None:
        """Record that a credential is revoked (final)."""
        conn.execute(
            update(credentials_table)
            .where(credentials_table.c.id == credential_id)
            .values(revoked_at=now)
        )

    def mark_revoked_many(self, conn: Connection, credential_ids: list[str], now: datetime) -> None:
        """Record that credentials are revoked (those not revoked already)."""
        table = credentials_table
        for start in range(0, len(credential_ids), 500):
            conn.execute(
                update(table)
                .where(
                    table.c.id.in_(credential_ids[start : start + 500]),
                    table.c.revoked_at.is_(None),
                )
                .values(revoked_at=now)
            )

    def count_in_batch(self, batch_id: str) -> int:
        """Return how many credentials batch `batch_id` issued."""
        table = credentials_table
        with self._engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count()).select_from(table).where(table.c.batch_id == batch_id)
                ).scalar_one()
            )

    def mark_suspended(self, conn: Connection, credential_id: str, suspended: bool) -> None:
        """Record that a credential is suspended, or no longer."""
        conn.execute(
            update(credentials_table)
            .where(credentials_table.c.id == credential_id)
            .values(suspended=suspended)
        )

    def lock_all(self, conn: Connection, url: str) -> list[StoredCredential]:
        """Return every credential issued with id `url`, newest first, locking their rows
        until the transaction ends (PostgreSQL; on SQLite use `write_transaction`)."""
        table = credentials_table
        rows = conn.execute(
            select(table).where(table.c.url == url).order_by(*_NEWEST_FIRST).with_for_update()
        ).all()
        return [_row(row) for row in rows]

    def _one(
        self, statement: Select[Any], key: str, conn: Connection | None = None
    ) -> StoredCredential | None:
        if conn is not None:
            row = conn.execute(statement, {"key": key}).first()
        else:
            with read_connection(self._engine) as own:
                row = own.execute(statement, {"key": key}).first()
        return _row(row) if row else None


def _violates_dedupe(err: IntegrityError) -> bool:
    """Return whether `err` is a violation of the active-dedupe-key unique index."""
    diag = getattr(err.orig, "diag", None)  # psycopg
    if diag is not None:
        return getattr(diag, "constraint_name", None) == "uq_credentials_active_dedupe"
    return "credentials.dedupe_key" in str(err.orig)  # sqlite3 names the column


def ensure_wallet(conn: Connection, recipient_key: str, now: datetime) -> str:
    """Return the wallet id of `recipient_key`, creating an unguessable one if needed."""
    table = wallets_table
    dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    conn.execute(
        dialect_insert(table)
        .values(id=secrets.token_urlsafe(24), recipient_key=recipient_key, created_at=now)
        .on_conflict_do_nothing(index_elements=["recipient_key"])
    )
    return str(
        conn.execute(select(table.c.id).where(table.c.recipient_key == recipient_key)).scalar_one()
    )


_NEW_WALLETS = BulkInsert(
    wallets_table, ["id", "recipient_key", "created_at"], " ON CONFLICT (recipient_key) DO NOTHING"
)


def ensure_wallets(conn: Connection, recipient_keys: list[str], now: datetime) -> dict[str, str]:
    """Return the wallet id of each recipient key, creating the missing wallets (in bulk)."""
    table = wallets_table
    keys = sorted(set(recipient_keys))
    wallets: dict[str, str] = {}
    for start in range(0, len(keys), 500):
        part = keys[start : start + 500]
        new = {key: secrets.token_urlsafe(24) for key in part}
        if _NEW_WALLETS.execute(conn, [(id, key, now) for key, id in new.items()]) == len(part):
            wallets.update(new)  # every one is new: no need to read them back
            continue
        rows = conn.execute(
            select(table.c.recipient_key, table.c.id).where(table.c.recipient_key.in_(part))
        ).all()
        wallets.update({row.recipient_key: row.id for row in rows})
    return wallets
