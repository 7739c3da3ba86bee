"""Each SQLite connection is set up for concurrent use and for batches (issuer.store.database)."""

import sqlite3
from pathlib import Path

from issuer.store.database import make_engine, migrate


def test_every_sqlite_connection_gets_the_pragmas(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'settings.sqlite3'}")
    try:
        with engine.connect() as conn:
            read = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar_one()
                for name in (
                    "page_size",
                    "journal_mode",
                    "foreign_keys",
                    "cache_size",
                    "wal_autocheckpoint",
                )
            }
    finally:
        engine.dispose()
    assert read == {
        "page_size": 8192,
        "journal_mode": "wal",
        "foreign_keys": 1,
        "cache_size": -65536,
        "wal_autocheckpoint": 16384,
    }


def test_a_database_made_before_keeps_its_page_size(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as old:
        old.execute("PRAGMA page_size=4096")
        old.execute("CREATE TABLE kept (id INTEGER PRIMARY KEY, value TEXT)")
        old.execute("INSERT INTO kept (value) VALUES ('x')")
    old.close()
    engine = make_engine(f"sqlite:///{path}")
    try:
        migrate(engine)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA page_size").scalar_one() == 4096
            assert conn.exec_driver_sql("SELECT value FROM kept").scalar_one() == "x"
    finally:
        engine.dispose()


def test_the_connection_used_last_is_used_again(tmp_path: Path) -> None:
    """Its page cache is warm (each SQLite connection has its own)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'lifo.sqlite3'}")
    try:
        with engine.connect() as first, engine.connect() as second:  # second given back first
            first_id = id(first.connection.dbapi_connection)
            second_id = id(second.connection.dbapi_connection)
        for _ in range(3):
            with engine.connect() as again:
                assert id(again.connection.dbapi_connection) == first_id != second_id
    finally:
        engine.dispose()
