"""The database engine and the table definitions."""

from pathlib import Path

from sqlalchemy import Column, DateTime, Engine, MetaData, String, Table, Text, create_engine, event
from sqlalchemy.engine import make_url

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
    Column("imported_at", DateTime(timezone=True), nullable=False),
)


def make_engine(url: str) -> Engine:
    """Return an engine for `url`, creating the SQLite file's folder if needed."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True)


def create_schema(engine: Engine) -> None:
    """Create any missing tables."""
    metadata.create_all(engine)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
