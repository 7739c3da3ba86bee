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


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings pointing at a fresh SQLite database and key folder under tmp_path."""
    return Settings(
        base_url=BASE_URL,
        database_url=f"sqlite:///{tmp_path / 'issuer.sqlite3'}",
        keys_dir=tmp_path / "keys",
    )


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
