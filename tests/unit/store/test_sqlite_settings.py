"""Each SQLite connection is set up for concurrent use and for batches (issuer.store.database)."""

from pathlib import Path

from issuer.store.database import make_engine


def test_every_sqlite_connection_gets_the_pragmas(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'settings.sqlite3'}")
    try:
        with engine.connect() as conn:
            read = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar_one()
                for name in ("journal_mode", "foreign_keys", "cache_size", "wal_autocheckpoint")
            }
    finally:
        engine.dispose()
    assert read == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "cache_size": -65536,
        "wal_autocheckpoint": 16384,
    }
