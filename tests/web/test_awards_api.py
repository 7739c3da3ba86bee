"""POST /awards: the high-level way to issue, end to end through HTTP with real signing."""

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from issuer.schemas import OB_ACHIEVEMENT_CREDENTIAL, schema_errors
from tests.conftest import AUTH, BASE_URL, Cli

FRAMEWORK = "43-4171.00-v.26.05"


@pytest.fixture
def seeded(run_cli: Cli, client: FlaskClient) -> FlaskClient:
    assert run_cli("init").exit_code == 0
    return client


def _award(client: FlaskClient, **body: Any) -> Any:
    payload = {"framework": FRAMEWORK, "recipient": {"email": "ana@example.org", "name": "Ana"}}
    payload.update(body)
    return client.post("/awards", json=payload, headers=AUTH)


def _audit_count(client: FlaskClient) -> int:
    return len(client.get("/audit?limit=1000", headers=AUTH).get_json()["events"])


def test_a_whole_level_gives_ten_statement_credentials_and_the_level_credential(
    seeded: FlaskClient,
) -> None:
    response = _award(seeded, level="Proficient", evidence=[{"id": "https://ex.org/work"}])
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    credentials = body["credentials"]
    assert [c["kind"] for c in credentials] == ["statement"] * 10 + ["level"]
    assert body["wallet"].startswith(f"{BASE_URL}/wallet/")
    level = credentials[-1]["verifiableCredential"]
    (result,) = level["credentialSubject"]["result"]
    assert result["achievedLevel"].endswith("#level-proficient")
    for credential in credentials:
        document = credential["verifiableCredential"]
        assert credential["url"] == document["id"]
        assert document["id"].startswith(f"{BASE_URL}/credentials/")
        assert document["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
        assert document["credentialStatus"]["statusPurpose"] == "revocation"
        assert document["evidence"] == [{"id": "https://ex.org/work", "type": ["Evidence"]}]
        identity = document["credentialSubject"]["identifier"][0]
        assert identity["identityType"] == "emailAddress"
        assert "ana@example.org" not in json.dumps(document)
        assert schema_errors(document, OB_ACHIEVEMENT_CREDENTIAL) == []


def test_the_served_credential_is_byte_identical_and_verifies(seeded: FlaskClient) -> None:
    credential = _award(seeded, statements=["emerging-01"]).get_json()["credentials"][0]
    path = credential["url"].removeprefix(BASE_URL)
    served = seeded.get(path)
    assert served.status_code == 200
    assert served.mimetype == "application/vc+ld+json"
    assert json.loads(served.data) == credential["verifiableCredential"]
    assert seeded.get(path).data == served.data
    verdict = seeded.post(
        "/credentials/verify", json={"verifiableCredential": json.loads(served.data)}
    ).get_json()
    assert verdict["verified"] is True, verdict


def test_awarding_again_issues_nothing_twice(seeded: FlaskClient) -> None:
    first = _award(seeded, statements=["emerging-01", "emerging-02"]).get_json()
    events = _audit_count(seeded)
    again = _award(seeded, statements=["emerging-02", "emerging-01"])
    assert again.status_code == 200
    assert [c["existing"] for c in again.get_json()["credentials"]] == [True, True]
    assert [c["url"] for c in again.get_json()["credentials"]] == [
        c["url"] for c in first["credentials"]
    ]
    assert _audit_count(seeded) == events


def test_statement_by_achievement_url_and_did_recipient(seeded: FlaskClient) -> None:
    url = f"{BASE_URL}/frameworks/{FRAMEWORK}/statements/advanced-10"
    did = "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"
    response = _award(
        seeded, statements=[url], recipient={"did": did}, cryptosuite="eddsa-jcs-2022"
    )
    assert response.status_code == 201
    (credential,) = response.get_json()["credentials"]
    document = credential["verifiableCredential"]
    assert document["credentialSubject"]["id"] == did
    assert document["proof"][0]["cryptosuite"] == "eddsa-jcs-2022"
    assert credential["achievement"] == url


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"framework": "99-9999.99"}, 422, "no framework"),
        ({"statements": ["emerging-99"]}, 422, "no statement"),
        ({"level": "Master"}, 422, "no level"),
        ({"statements": []}, 422, "name the demonstrated statements"),
        (
            {"statements": ["emerging-01"], "recipient": {"name": "No id"}},
            422,
            "email address or DID",
        ),
        (
            {"statements": ["emerging-01"], "recipient": {"email": "not-an-email"}},
            422,
            "Enter an email address like ana@example.org.",
        ),
        ({"statements": ["emerging-01"], "cryptosuite": "rsa"}, 422, ""),
        ({"statements": ["emerging-01"], "surprise": 1}, 422, ""),
        ({"statements": ["emerging-01"], "validUntil": "2020-01-01T00:00:00Z"}, 422, "validUntil"),
    ],
)
def test_bad_awards_are_problems_and_store_nothing(
    seeded: FlaskClient, body: dict[str, Any], status: int, detail: str
) -> None:
    before = _audit_count(seeded)
    response = _award(seeded, **body)
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert detail in response.get_json()["detail"]
    assert _audit_count(seeded) == before


def test_awards_need_a_valid_token(seeded: FlaskClient) -> None:
    body = {
        "framework": FRAMEWORK,
        "statements": ["emerging-01"],
        "recipient": {"email": "a@b.org"},
    }
    missing = seeded.post("/awards", json=body)
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"].lower().startswith("bearer")
    assert missing.mimetype == "application/problem+json"
    wrong = seeded.post("/awards", json=body, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert seeded.get("/audit").status_code == 401
