"""Issue, verify, revoke, verify again: the same flow on SQLite and on PostgreSQL."""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask

from issuer.settings import Settings
from issuer.web import create_app
from tests.conftest import AUTH, BASE_URL, TEST_TOKEN
from tests.factories import SEED_FILES


@pytest.fixture
def app_on(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    settings = Settings(
        base_url=BASE_URL,
        database_url=database_url,
        keys_dir=tmp_path / "keys",
        api_tokens=(TEST_TOKEN,),
    )
    application = create_app(settings)
    catalog = application.extensions["issuer"].frameworks
    catalog.import_file(SEED_FILES[1], now=datetime.now(UTC))
    yield application
    application.extensions["issuer"].engine.dispose()


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
