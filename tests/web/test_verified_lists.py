"""Verifying our own credentials: each status list is verified once until its bits change,
whichever worker changes them (issuer.verify.list_cache), on SQLite and PostgreSQL."""

from typing import Any

import pytest
from flask.testing import FlaskClient

from issuer.verify.pipeline import ListProofVerifier
from tests.web.test_status_list_caching import _change, _issue


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
    workers: tuple[FlaskClient, FlaskClient], list_checks: list[str]
) -> None:
    one, other = workers
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
