"""The Alembic migrations build exactly the tables the code declares, on SQLite and PostgreSQL."""

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect

from issuer.store.database import MIGRATIONS_DIR, make_engine, metadata, migrate


def test_migrations_create_every_table_without_drift(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        migrate(engine)
        migrate(engine)  # idempotent
        assert set(metadata.tables) <= set(inspect(engine).get_table_names())
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.check(config)  # raises if the models and migrations disagree
    finally:
        engine.dispose()
