"""The W3C VC API routes: issue, verify, status, GET credential and status lists."""

import copy
import json
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import AUTH, BASE_URL, Cli

VC2 = "https://www.w3.org/ns/credentials/v2"
VC1 = "https://www.w3.org/2018/credentials/v1"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def _unsigned(**extra: Any) -> dict[str, Any]:
    credential: dict[str, Any] = {
        "@context": [VC2, OB],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
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
    credential.update(extra)
    return credential


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def _issuer_did(client: FlaskClient) -> str:
    return client.application.extensions["issuer"].identity.did  # type: ignore[no-any-return]


def _issue(client: FlaskClient, credential: dict[str, Any], **options: Any) -> Any:
    """POST /credentials/issue, naming this service as the issuer unless the test did."""
    credential = {"issuer": _issuer_did(client), **credential}
    return client.post(
        "/credentials/issue", json={"credential": credential, "options": options}, headers=AUTH
    )


def _verify(client: FlaskClient, credential: dict[str, Any]) -> dict[str, Any]:
    """POST /credentials/verify: 200 when verified, else 422 (400 if malformed), same body."""
    response = client.post("/credentials/verify", json={"verifiableCredential": credential})
    verdict = response.get_json()
    assert (
        response.status_code == 200 if verdict["verified"] else response.status_code in (400, 422)
    )
    return verdict  # type: ignore[no-any-return]


def _failed_checks(verdict: dict[str, Any]) -> set[str]:
    return {p["title"].split(":")[0] for p in verdict.get("problemDetails", [])} | set(
        verdict.get("errors", [])
    )


def test_issue_fills_in_issuer_id_and_date_and_signs_rdfc_by_default(client: FlaskClient) -> None:
    response = _issue(client, _unsigned())
    assert response.status_code == 201
    signed = response.get_json()["verifiableCredential"]
    assert signed["id"].startswith(f"{BASE_URL}/credentials/")
    assert response.headers["Location"] == signed["id"]
    assert signed["issuer"]["id"].startswith("did:key:z6Mk")
    assert signed["validFrom"].endswith("Z")
    (proof,) = signed["proof"]
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["proofPurpose"] == "assertionMethod"
    assert "credentialStatus" not in signed
    assert _verify(client, signed)["verified"] is True
    served = client.get(signed["id"].removeprefix(BASE_URL))
    assert json.loads(served.data) == signed


def test_issue_with_jcs_and_a_status_entry(client: FlaskClient) -> None:
    signed = _issue(
        client, _unsigned(), cryptosuite="eddsa-jcs-2022", credentialStatus=True
    ).get_json()["verifiableCredential"]
    assert signed["proof"][0]["cryptosuite"] == "eddsa-jcs-2022"
    entry = signed["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry"
    assert entry["statusListCredential"].startswith(f"{BASE_URL}/status-lists/revocation-")
    assert _verify(client, signed)["verified"] is True


def test_issue_a_callers_id_again_keeps_each_issuance(client: FlaskClient) -> None:
    # A caller's id may be issued again (this answered 409 before issue 9): the W3C suites
    # reuse fixture ids across tests, with different content, and expect 201 each time.
    credential = _unsigned(id="urn:uuid:7a1e9f1c-6d5b-4b1e-9c3f-0d8e2f4a5b6c")
    first = _issue(client, credential, credentialStatus=True)
    assert first.status_code == 201
    assert first.get_json()["verifiableCredential"]["id"] == credential["id"]
    second = _issue(client, {**credential, "name": "Issued again"}, credentialStatus=True)
    assert second.status_code == 201
    by_id = client.get("/credentials/urn%3Auuid%3A7a1e9f1c-6d5b-4b1e-9c3f-0d8e2f4a5b6c")
    assert by_id.status_code == 200
    assert json.loads(by_id.data)["name"] == "Issued again"  # the most recent
    change = {
        "credentialId": credential["id"],
        "status": True,
        "credentialStatus": [{"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}],
    }
    assert client.post("/credentials/status", json=change, headers=AUTH).get_json()["changed"]
    for issued in (first, second):  # every credential issued with that id is revoked
        assert _verify(client, issued.get_json()["verifiableCredential"])["verified"] is False


def test_issue_refuses_an_id_this_service_built(client: FlaskClient) -> None:
    own = _issue(client, _unsigned()).get_json()["verifiableCredential"]["id"]
    assert _issue(client, _unsigned(id=own)).status_code == 409


def test_issue_a_vc_1_1_credential(client: FlaskClient) -> None:
    credential = _unsigned()
    credential["@context"] = [VC1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"]
    response = _issue(client, credential, credentialStatus=True)
    assert response.status_code == 201, response.get_json()
    signed = response.get_json()["verifiableCredential"]
    assert "issuanceDate" in signed and "validFrom" not in signed
    assert _verify(client, signed)["verified"] is True


@pytest.mark.parametrize(
    ("credential", "status", "detail"),
    [
        (_unsigned(issuer="did:example:someone-else"), 422, "issuer mismatch"),
        (_unsigned(proof={"type": "DataIntegrityProof"}), 422, "without a proof"),
        (
            {**_unsigned(), "@context": ["https://example.com/remote-context.jsonld"]},
            422,
            "first @context",
        ),
        (
            {**_unsigned(), "@context": [VC2, "https://example.com/remote-context.jsonld"]},
            422,
            "example.com/remote-context.jsonld",
        ),
        (_unsigned(favouriteColour="blue"), 422, "favouriteColour"),
        ({**_unsigned(), "type": ["OpenBadgeCredential"]}, 422, "VerifiableCredential"),
    ],
)
def test_bad_credentials_are_refused_and_nothing_is_stored(
    client: FlaskClient, credential: dict[str, Any], status: int, detail: str
) -> None:
    before = client.get("/audit", headers=AUTH).get_json()["events"]
    response = _issue(client, credential)
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert detail in response.get_json()["detail"]
    assert client.get("/audit", headers=AUTH).get_json()["events"] == before


def test_issue_needs_a_token(client: FlaskClient) -> None:
    response = client.post("/credentials/issue", json={"credential": _unsigned()})
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        ("{not json", "application/json", 400),
        ("[" * 5000 + "]" * 5000, "application/json", 400),
        (json.dumps({"credential": {"a": _nested(70)}}), "application/json", 400),
        ("credential=1", "application/x-www-form-urlencoded", 415),
        ("x" * (3 * 1024 * 1024), "application/json", 413),
    ],
    ids=["malformed", "deep-recursion", "too-deep", "not-json", "too-large"],
)
def test_unusable_bodies_get_problem_details(
    client: FlaskClient, data: str, content_type: str, status: int
) -> None:
    response = client.post("/credentials/issue", data=data, content_type=content_type, headers=AUTH)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert "Traceback" not in response.get_data(as_text=True)


def test_verify_reports_tampering_with_the_check_that_caught_it(client: FlaskClient) -> None:
    signed = _issue(client, _unsigned()).get_json()["verifiableCredential"]
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] = "Brain surgery"
    verdict = _verify(client, tampered)
    assert verdict["verified"] is False
    assert "proof" in _failed_checks(verdict)


def test_verify_without_a_credential_is_400(client: FlaskClient) -> None:
    assert client.post("/credentials/verify", json={}).status_code == 400
    assert client.post("/presentations/verify", json={"options": {}}).status_code == 400


def test_presentation_of_issued_credentials(client: FlaskClient) -> None:
    signed = _issue(client, _unsigned()).get_json()["verifiableCredential"]
    presentation = {
        "@context": [VC2],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [signed],
    }
    response = client.post("/presentations/verify", json={"presentation": presentation})
    assert response.status_code == 200
    body = response.get_json()
    assert "verified" in body


def test_revoke_then_verify_reports_revoked(client: FlaskClient) -> None:
    signed = _issue(client, _unsigned(), credentialStatus=True).get_json()["verifiableCredential"]
    assert _verify(client, signed)["verified"] is True
    change = {
        "credentialId": signed["id"],
        "status": True,
        "credentialStatus": [{"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}],
    }
    response = client.post("/credentials/status", json=change, headers=AUTH)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "revoked"
    verdict = _verify(client, signed)
    assert verdict["verified"] is False
    assert "credentialStatus" in _failed_checks(verdict)
    again = client.post("/credentials/status", json=change, headers=AUTH)
    assert again.status_code == 200 and again.get_json()["changed"] is False
    reinstate = client.post("/credentials/status", json={**change, "status": False}, headers=AUTH)
    assert reinstate.status_code == 422
    suspend = client.post(
        "/credentials/status",
        headers=AUTH,
        json={**change, "credentialStatus": {"statusPurpose": "suspension"}},
    )
    assert suspend.status_code == 409


def test_suspend_and_unsuspend(client: FlaskClient) -> None:
    signed = _issue(
        client,
        _unsigned(),
        credentialStatus={"type": "BitstringStatusListEntry", "statusPurpose": "suspension"},
    ).get_json()["verifiableCredential"]
    assert signed["credentialStatus"]["statusPurpose"] == "suspension"
    change = {
        "credentialId": signed["id"],
        "status": True,
        "credentialStatus": {"statusPurpose": "suspension"},
    }
    assert client.post("/credentials/status", json=change, headers=AUTH).status_code == 200
    assert _verify(client, signed)["verified"] is False
    change["status"] = False
    assert client.post("/credentials/status", json=change, headers=AUTH).status_code == 200
    assert _verify(client, signed)["verified"] is True


def test_status_change_errors(client: FlaskClient) -> None:
    change = {
        "credentialId": f"{BASE_URL}/credentials/unknown",
        "status": True,
        "credentialStatus": {"statusPurpose": "revocation"},
    }
    assert client.post("/credentials/status", json=change).status_code == 401
    assert client.post("/credentials/status", json=change, headers=AUTH).status_code == 404
    unsigned_status = _issue(client, _unsigned()).get_json()["verifiableCredential"]
    change["credentialId"] = unsigned_status["id"]
    assert client.post("/credentials/status", json=change, headers=AUTH).status_code == 409


def test_status_list_is_signed_cacheable_and_flips(client: FlaskClient) -> None:
    signed = _issue(client, _unsigned(), credentialStatus=True).get_json()["verifiableCredential"]
    list_path = signed["credentialStatus"]["statusListCredential"].removeprefix(BASE_URL)
    first = client.get(list_path)
    assert first.status_code == 200
    assert "max-age" in first.headers["Cache-Control"]
    assert (
        client.get(list_path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    )
    status_list = json.loads(first.data)
    assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert _verify(client, status_list)["verified"] is True
    client.post(
        "/credentials/status",
        headers=AUTH,
        json={"credentialId": signed["id"], "credentialStatus": {"statusPurpose": "revocation"}},
    )
    second = client.get(list_path)
    assert second.headers["ETag"] != first.headers["ETag"]
    assert (
        json.loads(second.data)["credentialSubject"]["encodedList"]
        != (status_list["credentialSubject"]["encodedList"])
    )
    assert client.get("/status-lists/revocation-999").status_code == 404


def test_unknown_credential_is_404(client: FlaskClient) -> None:
    assert client.get("/credentials/0b3f0c4e-0000-4000-8000-000000000000").status_code == 404


def test_openapi_and_docs(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    assert "/credentials/issue" in spec["paths"]
    assert "AwardRequestBody" in spec["components"]["schemas"]
    page = client.get("/docs").get_data(as_text=True)
    assert "POST /awards" in page


def test_plain_vcs_keep_the_callers_issuer_and_a_single_proof(client: FlaskClient) -> None:
    did = _issuer_did(client)
    for context, issuer in ((VC2, did), (VC2, {"id": did, "name": "Us"}), (VC1, did)):
        credential = {
            "@context": [context],
            "type": ["VerifiableCredential"],
            "issuer": issuer,
            "credentialSubject": {"id": "did:example:learner-2"},
        }
        response = _issue(client, credential)
        assert response.status_code == 201, response.get_json()
        signed = response.get_json()["verifiableCredential"]
        assert signed["issuer"] == issuer
        assert isinstance(signed["proof"], dict)  # the VC API's form; OB keeps the array
        assert _verify(client, signed)["verified"] is True


def test_open_badges_named_by_issuer_id_get_the_issuer_profile(client: FlaskClient) -> None:
    signed = _issue(client, _unsigned(issuer=_issuer_did(client))).get_json()
    issuer = signed["verifiableCredential"]["issuer"]
    assert issuer["id"] == _issuer_did(client) and "Profile" in issuer["type"]
    assert isinstance(signed["verifiableCredential"]["proof"], list)


def test_key_rotation_is_audited_and_old_credentials_still_verify(
    client: FlaskClient, run_cli: Cli
) -> None:
    before = _issue(client, _unsigned()).get_json()["verifiableCredential"]
    assert run_cli("keys", "rotate").exit_code == 0
    after = _issue(client, _unsigned()).get_json()["verifiableCredential"]
    assert after["proof"][0]["verificationMethod"] != before["proof"][0]["verificationMethod"]
    assert _verify(client, before)["verified"] is True
    assert _verify(client, after)["verified"] is True
    actions = [e["action"] for e in client.get("/audit", headers=AUTH).get_json()["events"]]
    assert actions[:3] == ["issue", "key-rotate", "issue"]
    assert actions[-1] == "key-generate"


def test_a_fresh_status_list_is_valid_from_when_its_bits_last_changed(
    app: Flask, client: FlaskClient
) -> None:
    signed = _issue(client, _unsigned(), credentialStatus=True).get_json()["verifiableCredential"]
    issued_at = datetime.fromisoformat(signed["validFrom"].replace("Z", "+00:00"))
    # The list is signed on first read, later than issuance; verifying as of the issuing
    # second must still find it valid.
    verdict = app.extensions["issuer"].verifier.credential(signed, now=issued_at)
    assert verdict.verified, verdict.to_vc_api()
    status_list = json.loads(
        client.get(signed["credentialStatus"]["statusListCredential"].removeprefix(BASE_URL)).data
    )
    assert status_list["validFrom"] <= signed["validFrom"]


def test_a_failed_verification_answers_4xx_with_the_verdict_body(client: FlaskClient) -> None:
    signed = _issue(client, _unsigned()).get_json()["verifiableCredential"]
    tampered = copy.deepcopy(signed)
    tampered["name"] = "Something else"
    response = client.post("/credentials/verify", json={"verifiableCredential": tampered})
    assert response.status_code == 422
    assert response.get_json()["verified"] is False and "proof" in response.get_json()["errors"]
    malformed = {k: v for k, v in signed.items() if k != "@context"}
    response = client.post("/credentials/verify", json={"verifiableCredential": malformed})
    assert response.status_code == 400
    assert response.get_json()["verified"] is False and "shape" in response.get_json()["errors"]
    presentation = {
        "@context": [VC2],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [tampered],
    }
    response = client.post("/presentations/verify", json={"presentation": presentation})
    assert response.status_code == 422 and response.get_json()["verified"] is False


def test_issue_needs_the_issuer_named(client: FlaskClient) -> None:
    credential = _unsigned()
    response = client.post("/credentials/issue", json={"credential": credential}, headers=AUTH)
    assert response.status_code == 422
    assert "must name its issuer" in response.get_json()["detail"]
    for issuer in (None, 42, ["did:example:a"]):
        assert _issue(client, _unsigned(issuer=issuer)).status_code == 422


@pytest.mark.parametrize(
    ("credential", "detail"),
    [
        (_unsigned(credentialSubject={}), "say something"),
        (_unsigned(credentialSubject="did:example:learner-1"), "must be an object"),
        (_unsigned(validFrom="1 January 2026"), "validFrom is not a date"),
        (_unsigned(evidence=[{"id": "https://example.org/e"}]), "evidence must say its type"),
        ({**_unsigned(), "@context": VC2}, "must be a list"),
        ({**_unsigned(), "type": "VerifiableCredential"}, "list of names"),
    ],
)
def test_data_model_rules_are_kept_when_issuing(
    client: FlaskClient, credential: dict[str, Any], detail: str
) -> None:
    response = _issue(client, credential)
    assert response.status_code == 422, response.get_json()
    assert detail in response.get_json()["detail"]


def test_issue_options_type_is_the_proof_type(client: FlaskClient) -> None:
    assert _issue(client, _unsigned(), type="DataIntegrityProof").status_code == 201
    assert _issue(client, _unsigned(), type="Ed25519Signature2020").status_code in (400, 422)


def test_a_callers_own_status_entry_is_signed_as_given(client: FlaskClient) -> None:
    entry = {
        "id": "https://status.example/lists/1#7",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "7",
        "statusListCredential": "https://status.example/lists/1",
    }
    signed = _issue(client, _unsigned(credentialStatus=entry)).get_json()["verifiableCredential"]
    assert signed["credentialStatus"] == entry
    both = _issue(client, _unsigned(credentialStatus=entry), credentialStatus=True)
    assert both.status_code == 422 and "one or the other" in both.get_json()["detail"]
    untyped = _issue(client, _unsigned(credentialStatus={"id": "https://status.example/1"}))
    assert untyped.status_code == 422


def test_options_checks_limit_the_verdict_to_the_checks_asked_for(client: FlaskClient) -> None:
    signed = _issue(client, _unsigned(), credentialStatus=True).get_json()["verifiableCredential"]
    change = {
        "credentialId": signed["id"],
        "status": True,
        "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
    }
    assert client.post("/credentials/status", json=change, headers=AUTH).status_code == 200

    def verify(**options: Any) -> Any:
        return client.post(
            "/credentials/verify", json={"verifiableCredential": signed, "options": options}
        )

    assert verify().status_code == 422
    assert verify(checks=["proof", "credentialStatus"]).status_code == 422
    only_proof = verify(checks=["proof"])
    assert only_proof.status_code == 200
    assert "credentialStatus" not in only_proof.get_json()["checks"]
    tampered = {**signed, "name": "Other"}
    response = client.post(
        "/credentials/verify",
        json={"verifiableCredential": tampered, "options": {"checks": ["issuer"]}},
    )
    assert response.status_code == 422  # the proof is checked whatever is asked for
    assert verify(checks=["telepathy"]).status_code in (400, 422)
