"""The database engine, the table definitions and schema migrations (Alembic)."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    create_engine,
    event,
    false,
    text,
)
from sqlalchemy import Engine as Engine  # re-exported: the type wiring hands to stores
from sqlalchemy.engine import make_url


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored in UTC; SQLite gives it back aware too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

frameworks_table = Table(
    "frameworks",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("soc", String(20), nullable=False, index=True),
    Column("version", String(100), nullable=False),
    Column("title", Text, nullable=False),
    Column("content_sha256", String(64), nullable=False),
    Column("source_text", Text, nullable=False),
    Column("source_name", Text, nullable=False),
    Column("imported_at", UtcDateTime(), nullable=False),
)

status_lists_table = Table(
    "status_lists",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("set_number", Integer, nullable=False),
    Column("purpose", String(20), nullable=False),
    Column("length", Integer, nullable=False),
    Column("bits", LargeBinary, nullable=False),
    Column("document", Text, nullable=True),
    Column("version", Integer, nullable=False, default=0),
    Column("updated_at", UtcDateTime(), nullable=False),
)

status_sets_table = Table(
    "status_sets",
    metadata,
    # Set N holds the lists revocation-N and suspension-N. Its indices are handed out in the
    # order of a permutation of range(length) keyed by `seed` (issuer/status/permutation.py);
    # `next_position` counts those handed out (length: the set is full).
    Column("set_number", Integer, primary_key=True, autoincrement=False),
    Column("length", Integer, nullable=False),
    Column("seed", String(64), nullable=False),
    Column("next_position", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

credentials_table = Table(
    "credentials",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("url", Text, nullable=False, index=True),
    Column("document", Text, nullable=False),
    Column("cryptosuite", String(40), nullable=False),
    Column("issuer_id", Text, nullable=False),
    Column("framework_id", String(200), nullable=True, index=True),
    Column("achievement_id", Text, nullable=True),
    # Not indexed: a learner's credentials are found by their wallet (migration 0013).
    Column("recipient_key", String(64), nullable=True),
    Column("wallet_id", String(64), nullable=True, index=True),
    Column("dedupe_key", String(64), nullable=True),
    Column("batch_id", String(36), nullable=True, index=True),
    Column("issued_at", UtcDateTime(), nullable=False),
    Column("valid_until", UtcDateTime(), nullable=True),
    Column("status_set", Integer, nullable=True),
    Column("status_index", Integer, nullable=True),
    Column("status_purpose", String(20), nullable=True),
    Column("revoked_at", UtcDateTime(), nullable=True),
    Column("suspended", Boolean, nullable=False, default=False),
    # The caller chose the id (VC API): it may be issued again, each issuance its own row.
    Column("caller_id", Boolean, nullable=False, default=False, server_default=false()),
    Index(
        "uq_credentials_active_dedupe",
        "dedupe_key",
        unique=True,
        sqlite_where=text("revoked_at IS NULL AND dedupe_key IS NOT NULL"),
        postgresql_where=text("revoked_at IS NULL AND dedupe_key IS NOT NULL"),
    ),
    Index("uq_credentials_status", "status_set", "status_index", unique=True),
    Index(
        "uq_credentials_own_url",
        "url",
        unique=True,
        sqlite_where=text("NOT caller_id"),
        postgresql_where=text("NOT caller_id"),
    ),
)

api_tokens_table = Table(
    "api_tokens",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", Text, nullable=False),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime(), nullable=True),
)

console_sessions_table = Table(
    "console_sessions",
    metadata,
    Column("id_sha256", String(64), primary_key=True),  # the cookie holds the id itself
    Column("token_sha256", String(64), nullable=False, index=True),
    Column("actor", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False, index=True),
)

checked_rosters_table = Table(
    "checked_rosters",
    metadata,
    # a roster checked in the console ("Check only"), kept to issue without uploading it again
    Column("id", String(64), primary_key=True),
    Column("actor", Text, nullable=False),
    Column("source_name", Text, nullable=False),
    Column("content", Text, nullable=False),
    Column("options", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False, index=True),
)

audit_log_table = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime(), nullable=False, index=True),
    Column("actor", Text, nullable=False),
    Column("action", String(40), nullable=False, index=True),
    Column("subject", Text, nullable=False),
    Column("detail", Text, nullable=False, default="{}"),
)

wallets_table = Table(
    "wallets",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("recipient_key", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime(), nullable=False),
)

batches_table = Table(
    "batches",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("status", String(20), nullable=False, index=True),
    Column("source_name", Text, nullable=False),
    Column("digest", String(64), nullable=False, index=True),
    Column("options", Text, nullable=False, default="{}"),
    Column("actor", Text, nullable=False),
    Column("row_count", Integer, nullable=False),
    Column("credential_count", Integer, nullable=False),
    Column("issued", Integer, nullable=False, default=0),
    Column("skipped", Integer, nullable=False, default=0),
    Column("failed", Integer, nullable=False, default=0),
    Column("errors", Text, nullable=False, default="[]"),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("started_at", UtcDateTime(), nullable=True),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("finished_at", UtcDateTime(), nullable=True),
)

batch_rows_table = Table(
    "batch_rows",
    metadata,
    # A batch's roster rows, apart from the batch row (whose progress changes per chunk).
    Column("batch_id", String(36), primary_key=True),
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("data", Text, nullable=False),  # the row as JSON (`RosterRow.to_json`)
    # The learner's key (`batch_planning.learner_key`): rows stored before 0011 have none.
    Column("learner", String(16), nullable=True),
    Index("ix_batch_rows_learner", "batch_id", "learner"),
)

outbox_table = Table(
    "outbox",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(40), nullable=False),
    # The address and the message (it holds the private wallet link) are kept only until the
    # message is sent; then they are blanked and the row stays as a record that it was sent.
    Column("to_address", Text, nullable=True),
    Column("subject", Text, nullable=False),
    Column("text_body", Text, nullable=False),
    Column("html_body", Text, nullable=False),
    Column("dedupe_key", String(200), nullable=True, unique=True),
    Column("created_at", UtcDateTime(), nullable=False, index=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
    Column("last_attempt_at", UtcDateTime(), nullable=True),
    Column("claimed_until", UtcDateTime(), nullable=True),
    Column("sent_at", UtcDateTime(), nullable=True, index=True),
)

mail_throttle_table = Table(
    "mail_throttle",
    metadata,
    Column("key_sha256", String(64), primary_key=True),  # a hash of the recipient key
    Column("until", UtcDateTime(), nullable=False, index=True),
)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def make_engine(url: str) -> Engine:
    """Return an engine for `url`, creating the SQLite file's folder if needed."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # LIFO: the connection used last is used again, its page cache still warm (each
        # SQLite connection has its own; a batch read 40% more pages taking turns).
        engine = create_engine(url, connect_args={"timeout": 30}, pool_use_lifo=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True)


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction holding the database's write lock from its first statement, for
    read-modify-write (a status change reads the credential and the list, then writes).

    PostgreSQL: `engine.begin()`; the rows read are locked with SELECT ... FOR UPDATE.
    SQLite ignores FOR UPDATE, and the sqlite3 driver opens a transaction only at the first
    write, so what was read before it may be stale by then (concurrent changes were lost).
    Here `BEGIN IMMEDIATE` takes the write lock first (waiting up to the busy timeout):
    writers queue, and every read sees the latest data.
    """
    if engine.dialect.name != "sqlite":
        with engine.begin() as conn:
            yield conn
        return
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")  # the driver emits no BEGIN
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            if conn.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
                conn.exec_driver_sql("ROLLBACK")
            raise
        conn.exec_driver_sql("COMMIT")


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """A connection for a single read statement, in autocommit mode: on PostgreSQL the read
    is then one round trip, without a BEGIN before it and a ROLLBACK when it is returned.
    (SQLite's driver begins no transaction for a read: switching its mode back and forth
    would only double the cost of a small read.)"""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            yield conn
        else:
            yield conn.execution_options(isolation_level="AUTOCOMMIT")


def migrate(engine: Engine) -> None:
    """Bring the database schema up to date (Alembic `upgrade head`)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


SQLITE_PRAGMAS = (
    # Pages of 8 KiB rather than 4 (a new database only: one that has tables keeps its
    # size): a signed credential (about 6 KB) fits in one page instead of spilling into an
    # overflow page, and a batch's commits write fewer WAL frames (a 100,000-row batch
    # takes about a tenth less CPU). First: WAL mode creates the file.
    "PRAGMA page_size=8192",
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    # A batch inserts into eight indexes of `credentials` at random places (hashed keys):
    # with SQLite's default 2 MB page cache their pages are read again and again.
    "PRAGMA cache_size=-65536",  # KiB: up to 64 MiB a connection, filled as pages are read
    # A checkpoint copies the WAL's pages into the database file: once every 64 MiB
    # rather than every 4 MiB (a 500-credential chunk writes about 3 MiB).
    "PRAGMA wal_autocheckpoint=16384",
)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()
