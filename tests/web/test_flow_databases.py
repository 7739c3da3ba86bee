"""Issue, verify, revoke, verify again: the same flow on SQLite and on PostgreSQL."""

from datetime import UTC, datetime

import pytest
from flask import Flask

from tests.conftest import AUTH
from tests.factories import SEED_FILES


@pytest.fixture
def app_on(app_on: Flask) -> Flask:
    """The app on both databases, with a seed framework."""
    app_on.extensions["issuer"].frameworks.import_file(SEED_FILES[1], now=datetime.now(UTC))
    return app_on


def test_issue_verify_revoke_verify(app_on: Flask) -> None:
    client = app_on.test_client()
    award = client.post(
        "/awards",
        headers=AUTH,
        json={
            "framework": "43-4171.00",
            "statements": ["developing-04"],
            "recipient": {"email": "learner@example.org", "name": "Learner"},
        },
    )
    assert award.status_code == 201, award.get_json()
    (credential,) = award.get_json()["credentials"]
    document = credential["verifiableCredential"]
    verdict = client.post("/credentials/verify", json={"verifiableCredential": document})
    assert verdict.get_json()["verified"] is True
    revoke = client.post(
        "/credentials/status",
        headers=AUTH,
        json={
            "credentialId": document["id"],
            "credentialStatus": [
                {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}
            ],
            "status": True,
        },
    )
    assert revoke.status_code == 200
    after = client.post("/credentials/verify", json={"verifiableCredential": document}).get_json()
    assert after["verified"] is False
    assert any("revoked" in p["detail"] for p in after["problemDetails"])
    events = client.get("/audit", headers=AUTH).get_json()["events"]
    assert [e["action"] for e in events] == ["revoke", "issue", "key-generate"]
