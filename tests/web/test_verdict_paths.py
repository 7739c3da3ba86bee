"""Issue 9: one verdict whichever way a document is verified, in truthful words.

- A CLR holding a revoked credential is not verified by `POST /credentials/verify`, the
  verify page or `ler-issuer verify` alike (one code path: `Verifier.credential`).
- A credential issued with a suspension entry and then revoked is reported revoked, not
  "suspended ... may be reinstated"; a real suspension still is.
"""

import io
import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import AUTH, BASE_URL, Cli

FRAMEWORK = "43-4171.00-v.26.05"
REVOKED = "This credential has been revoked by its issuer."
SUSPENDED = "This credential has been suspended by its issuer. It may be reinstated later."


@pytest.fixture
def seeded(run_cli: Cli, client: FlaskClient) -> FlaskClient:
    assert run_cli("init").exit_code == 0
    return client


def _verify(client: FlaskClient, credential: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/credentials/verify", json={"verifiableCredential": credential})
    assert response.status_code in (200, 422), response.get_data(as_text=True)
    return response.get_json()  # type: ignore[no-any-return]


def _change(client: FlaskClient, credential_id: str, purpose: str, status: bool = True) -> None:
    body = {
        "credentialId": credential_id,
        "status": status,
        "credentialStatus": [{"type": "BitstringStatusListEntry", "statusPurpose": purpose}],
    }
    response = client.post("/credentials/status", json=body, headers=AUTH)
    assert response.status_code == 200, response.get_json()


def test_a_clr_holding_a_revoked_credential_is_not_verified(
    seeded: FlaskClient, run_cli: Cli, tmp_path: Path
) -> None:
    body = {
        "framework": FRAMEWORK,
        "recipient": {"email": "ana@example.org", "name": "Ana"},
        "statements": ["emerging-01", "emerging-02"],
    }
    award = seeded.post("/awards", json=body, headers=AUTH).get_json()
    wallet = award["wallet"].removeprefix(BASE_URL)
    clr = json.loads(seeded.get(f"{wallet}/clr/{FRAMEWORK}.json").data)
    assert _verify(seeded, clr)["verified"] is True

    _change(seeded, award["credentials"][0]["url"], "revocation")  # after the CLR was signed
    verdict = _verify(seeded, clr)
    assert verdict["verified"] is False
    assert "credentials" in verdict["errors"]
    assert any(
        d.startswith("1 of the 2 credentials in the learning record did not pass")
        for d in (p["detail"] for p in verdict["problemDetails"])
    )
    page = seeded.post(
        "/verify",
        data={"file": (io.BytesIO(json.dumps(clr).encode()), "clr.json")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "✗ Not verified" in page and REVOKED in page
    path = tmp_path / "clr.json"
    path.write_text(json.dumps(clr), encoding="utf-8")
    cli = run_cli("verify", str(path))
    assert cli.exit_code == 1 and REVOKED in cli.output


def _suspendable(client: FlaskClient) -> dict[str, Any]:
    did = client.application.extensions["issuer"].identity.did
    credential = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": did,
        "name": "Customer service basics",
        "credentialSubject": {
            "id": "did:example:learner-1",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://provider.example/achievements/1",
                "type": ["Achievement"],
                "name": "Customer service basics",
                "description": "Handles routine requests.",
                "criteria": {"narrative": "Pass the assessment."},
            },
        },
    }
    options = {"credentialStatus": {"statusPurpose": "suspension"}}
    response = client.post(
        "/credentials/issue", json={"credential": credential, "options": options}, headers=AUTH
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["verifiableCredential"]  # type: ignore[no-any-return]


def test_a_suspension_entry_credential_revoked_is_reported_revoked(
    client: FlaskClient, run_cli: Cli, tmp_path: Path
) -> None:
    signed = _suspendable(client)
    assert signed["credentialStatus"]["statusPurpose"] == "suspension"
    _change(client, signed["id"], "suspension")
    suspended = _verify(client, signed)
    assert suspended["verified"] is False
    assert SUSPENDED in [p["detail"] for p in suspended["problemDetails"]]

    _change(client, signed["id"], "revocation")  # final, though the entry is a suspension one
    verdict = _verify(client, signed)
    assert verdict["verified"] is False
    details = [p["detail"] for p in verdict["problemDetails"]]
    assert REVOKED in details and SUSPENDED not in details
    assert "urn:ler-issuer:problem:revoked" in [p["type"] for p in verdict["problemDetails"]]
    page = client.get(f"/verify?credential={signed['id']}").get_data(as_text=True)
    assert REVOKED in page and "may be reinstated" not in page
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(signed), encoding="utf-8")
    cli = run_cli("verify", str(path))
    assert cli.exit_code == 1 and REVOKED in cli.output and "reinstated" not in cli.output


def test_a_revoked_credential_in_a_presentation_is_worded_revoked(client: FlaskClient) -> None:
    signed = _suspendable(client)
    _change(client, signed["id"], "revocation")
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [signed],
    }
    response = client.post("/presentations/verify", json={"presentation": presentation})
    body = response.get_json()
    assert body["verified"] is False
    [credential] = body["results"]["credentials"]
    assert [p["detail"] for p in credential["problemDetails"]] == [REVOKED]
