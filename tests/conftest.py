"""Shared fixtures: a fresh app and database per test, a CLI runner with its own environment."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient

from issuer.cli import cli
from issuer.settings import Settings
from issuer.web import create_app

BASE_URL = "https://issuer.example.org"
TEST_TOKEN = "test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TEST_TOKEN}"}


def settings_on(database_url: str, tmp_path: Path) -> Settings:
    """Settings of an app on `database_url`, with its key folder under tmp_path."""
    return Settings(
        base_url=BASE_URL,
        database_url=database_url,
        keys_dir=tmp_path / "keys",
        api_tokens=(TEST_TOKEN,),
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings pointing at a fresh SQLite database and key folder under tmp_path."""
    return settings_on(f"sqlite:///{tmp_path / 'issuer.sqlite3'}", tmp_path)


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    """A fresh app on a fresh database."""
    application = create_app(settings)
    application.config["TESTING"] = True
    yield application
    application.extensions["issuer"].engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for `app`."""
    return app.test_client()


class Cli:
    """Runs `ler-issuer` in-process with the test's environment."""

    def __init__(self, settings: Settings) -> None:
        self.env = {
            "ISSUER_BASE_URL": settings.base_url,
            "ISSUER_DATABASE_URL": settings.database_url,
            "ISSUER_KEYS_DIR": str(settings.keys_dir),
        }

    def __call__(self, *args: str) -> Result:
        """Run the command with `args`; never raises, returns the click Result."""
        return CliRunner().invoke(cli, list(args), env=self.env, catch_exceptions=False)


@pytest.fixture
def run_cli(settings: Settings) -> Cli:
    """Call `run_cli("frameworks", "list")` to run the CLI against the test database."""
    return Cli(settings)


POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database on the local server, dropped afterwards."""
    import uuid

    import psycopg

    name = f"ler_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using this runs twice: on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'param.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def app_on(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """An app (errors answered, not raised) on SQLite, then on PostgreSQL."""
    application = create_app(settings_on(database_url, tmp_path))
    yield application
    application.extensions["issuer"].engine.dispose()


@pytest.fixture
def workers(database_url: str, tmp_path: Path) -> Iterator[tuple[FlaskClient, FlaskClient]]:
    """Two apps on one database and key folder, as two gunicorn workers are."""
    apps = [create_app(settings_on(database_url, tmp_path)) for _ in range(2)]
    yield apps[0].test_client(), apps[1].test_client()
    for app in apps:
        app.extensions["issuer"].engine.dispose()
