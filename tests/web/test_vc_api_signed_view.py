"""POST /credentials/verify judges what the signature covers, not how the JSON spells it.

Credentials are issued, revoked and suspended through the service's own routes, then
rewritten in ways that keep their RDF (and so their eddsa-rdfc-2022 signature).
"""

import copy
from typing import Any

from flask.testing import FlaskClient

from tests.conftest import AUTH
from tests.web.test_vc_api import _issue, _unsigned, _verify

CRED = "https://www.w3.org/2018/credentials#"
XSD = "http://www.w3.org/2001/XMLSchema#"


def _issued(client: FlaskClient, credential: dict[str, Any], **options: Any) -> dict[str, Any]:
    response = _issue(client, credential, **options)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["verifiableCredential"]  # type: ignore[no-any-return]


def _set_status(client: FlaskClient, credential_id: str, purpose: str) -> None:
    change = {"credentialId": credential_id, "status": True,
              "credentialStatus": {"statusPurpose": purpose}}  # fmt: skip
    assert client.post("/credentials/status", json=change, headers=AUTH).status_code == 200


def _proof_passed(verdict: dict[str, Any]) -> bool:
    return "proof" in verdict["checks"] and "proof" not in verdict["errors"]


def test_a_revoked_credential_with_a_full_iri_status_key_stays_revoked(client: FlaskClient) -> None:
    signed = _issued(client, _unsigned(), credentialStatus=True)
    _set_status(client, signed["id"], "revocation")
    rewritten = {(CRED + k if k == "credentialStatus" else k): v for k, v in signed.items()}
    verdict = _verify(client, rewritten)
    assert _proof_passed(verdict)
    assert verdict["verified"] is False
    assert "credentialStatus" in verdict["errors"]


def test_a_suspended_credential_with_an_at_type_entry_stays_suspended(client: FlaskClient) -> None:
    signed = _issued(
        client,
        _unsigned(),
        credentialStatus={"type": "BitstringStatusListEntry", "statusPurpose": "suspension"},
    )
    _set_status(client, signed["id"], "suspension")
    rewritten = copy.deepcopy(signed)
    entry = rewritten["credentialStatus"]
    entry["@type"] = entry.pop("type")
    verdict = _verify(client, rewritten)
    assert _proof_passed(verdict)
    assert verdict["verified"] is False
    assert "credentialStatus" in verdict["errors"]


def test_an_expired_credential_with_a_typed_value_object_stays_expired(client: FlaskClient) -> None:
    signed = _issued(
        client,
        _unsigned(validFrom="2020-01-01T00:00:00Z", validUntil="2021-01-01T00:00:00Z"),
    )
    assert _verify(client, signed)["verified"] is False
    rewritten = {k: v for k, v in signed.items() if k != "validUntil"}
    rewritten[CRED + "validUntil"] = {"@value": "2021-01-01T00:00:00Z", "@type": XSD + "dateTime"}
    verdict = _verify(client, rewritten)
    assert _proof_passed(verdict)
    assert verdict["verified"] is False
    assert "validUntil" in verdict["errors"]
