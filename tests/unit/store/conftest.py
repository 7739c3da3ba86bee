"""Store tests: a migrated engine on each database (SQLite, then PostgreSQL)."""

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from issuer.store.database import make_engine, migrate


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated engine on the test's database (`database_url`), disposed after."""
    engine = make_engine(database_url)
    migrate(engine)
    yield engine
    engine.dispose()
