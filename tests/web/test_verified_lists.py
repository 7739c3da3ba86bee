"""Verifying our own credentials: each status list is verified once until its bits change,
whichever worker changes them (issuer.verify.list_cache), on SQLite and PostgreSQL."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from issuer.settings import Settings
from issuer.verify.pipeline import ListProofVerifier
from issuer.web import create_app
from tests.conftest import BASE_URL, TEST_TOKEN
from tests.web.test_status_list_caching import _change, _issue


def _app(database_url: str, keys_dir: Path) -> Flask:
    settings = Settings(
        base_url=BASE_URL, database_url=database_url, keys_dir=keys_dir, api_tokens=(TEST_TOKEN,)
    )
    return create_app(settings)


@pytest.fixture
def two_workers(database_url: str, tmp_path: Path) -> Iterator[tuple[FlaskClient, FlaskClient]]:
    """Two apps on one database and key folder, as two gunicorn workers are."""
    first = _app(database_url, tmp_path / "keys")
    second = _app(database_url, tmp_path / "keys")
    yield first.test_client(), second.test_client()
    for app in (first, second):
        app.extensions["issuer"].engine.dispose()


@pytest.fixture
def list_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the status lists whose proofs were checked, in order."""
    checked: list[str] = []
    original = ListProofVerifier.__call__

    def spy(self: ListProofVerifier, list_credential: dict[str, Any]) -> str | None:
        checked.append(list_credential["id"])
        return original(self, list_credential)

    monkeypatch.setattr(ListProofVerifier, "__call__", spy)
    return checked


def _verified(client: FlaskClient, credential: dict[str, Any]) -> bool:
    response = client.post("/credentials/verify", json={"verifiableCredential": credential})
    body = response.get_json()
    assert response.status_code == (200 if body["verified"] else 422), body
    assert body["verified"] or body["errors"] == ["credentialStatus"], body
    return bool(body["verified"])


def test_a_list_is_verified_again_only_after_its_bits_change(
    two_workers: tuple[FlaskClient, FlaskClient], list_checks: list[str]
) -> None:
    one, other = two_workers
    credential = _issue(one, "suspension")
    assert _verified(one, credential) and _verified(one, credential)
    assert len(list_checks) == 1
    _change(other, credential, "suspension", True)  # by the other worker
    assert not _verified(one, credential)
    assert not _verified(one, credential)
    assert len(list_checks) == 2
    _change(one, credential, "suspension", False)
    assert _verified(one, credential)
    assert _verified(other, credential)  # the other worker keeps its own
    # (the reinstated list may be the first one again, to the byte, when signed within
    # the same second: then it is rightly taken from the cache)
    assert len(list_checks) in (3, 4)
