"""End to end with real signatures: credentials, status lists and presentations.

Every document here is signed with `issuer.proofs.add_proof` and a real Ed25519 key;
status lists are real StatusBits, served in-process or by a real HTTP server.
"""

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from issuer.keys.did import controller_document
from issuer.keys.resolver import make_key_resolver
from issuer.keys.signer import Signer
from issuer.model.verification import VerificationResult
from issuer.status.bitstring import StatusBits
from issuer.verify import (
    HttpStatusListFetcher,
    InProcessFetcher,
    verify_credential,
    verify_document,
    verify_presentation,
)
from issuer.verify.status import StatusListFetcher, refuse_all
from tests.unit.verify.builders import (
    HOLDER,
    ISSUER,
    NOW,
    OB_V3_0_1,
    OTHER,
    STATUS_BASE,
    VC_V1,
    VC_V2,
    presentation,
    sign,
    signed_credential,
    status_entry,
    status_list,
    unsigned_credential,
    vc11_credential,
)
from tests.unit.verify.conftest import DocumentServer

EXAMPLES = Path("/work/shared/reference/examples")
RESOLVE = make_key_resolver({})


def lists_fetcher(*lists: dict[str, Any]) -> InProcessFetcher:
    """An in-process fetcher serving `lists` by their id; other URLs are not allowed."""
    by_id = {document["id"]: document for document in lists}
    return InProcessFetcher(by_id.get)


def verify(
    document: dict[str, Any], fetch: StatusListFetcher = refuse_all, **kw: Any
) -> VerificationResult:
    return verify_credential(
        document, resolve=kw.pop("resolve", RESOLVE), now=kw.pop("now", NOW),
        fetch_status_list=fetch, **kw,
    )  # fmt: skip


def statuses(result: VerificationResult) -> dict[str, str]:
    """name -> worst status, for every check name in the result."""
    return {check.name: result.worst(check.name) for check in result.checks}  # type: ignore[misc]


def only(result: VerificationResult, name: str) -> Any:
    [check] = result.named(name)
    return check


# ---------------------------------------------------------------------------------------
# a good credential


def test_a_signed_credential_verifies_with_every_check_named() -> None:
    result = verify(signed_credential())
    assert result.verified
    assert [c.name for c in result.checks] == [
        "shape",
        "proof",
        "issuer",
        "validFrom",
        "validUntil",
        "credentialStatus",
        "credentialSchema",
    ]
    assert all(c.status == "passed" for c in result.checks)
    assert only(result, "proof").message == (
        "The signature is valid: the credential has not been changed since the issuer signed it."
    )
    assert only(result, "credentialStatus").message == (
        "The issuer did not give a way to check whether this credential has been revoked."
    )
    assert result.summary.issuer_id == ISSUER.did
    assert result.summary.name == "Teamwork"
    assert result.summary.data_model == "2.0"


def test_vc_api_body_of_a_good_credential() -> None:
    credential = signed_credential()
    body = verify(credential).to_vc_api(include_document=True)
    assert body["verified"] is True
    assert body["errors"] == [] and body["warnings"] == [] and body["problemDetails"] == []
    assert body["checks"] == [
        "shape",
        "proof",
        "issuer",
        "validFrom",
        "validUntil",
        "credentialStatus",
        "credentialSchema",
    ]
    assert body["results"]["proof"] == [{"verified": True, "input": credential["proof"][0]}]
    assert body["results"]["validFrom"] == {"verified": True, "input": "2025-01-01T00:00:00Z"}
    assert body["credential"] is credential
    json.dumps(body)  # serializable as is


def test_a_jcs_signed_credential_verifies_unless_the_suite_is_not_allowed() -> None:
    credential = sign(unsigned_credential(), cryptosuite="eddsa-jcs-2022")
    assert verify(credential).verified
    result = verify(credential, allowed_suites=frozenset({"eddsa-rdfc-2022"}))
    assert not result.verified
    assert "eddsa-jcs-2022" in only(result, "proof").message


def test_two_proofs_must_both_verify() -> None:
    credential = sign(signed_credential(), ISSUER, cryptosuite="eddsa-jcs-2022")
    assert len(credential["proof"]) == 2
    result = verify(credential)
    assert result.verified
    assert [c.status for c in result.named("proof")] == ["passed", "passed"]
    credential["proof"][1]["proofValue"] = credential["proof"][0]["proofValue"]
    result = verify(credential)
    assert not result.verified
    assert [c.status for c in result.named("proof")] == ["passed", "failed"]


# ---------------------------------------------------------------------------------------
# tampering, wrong keys, undefined terms


def test_a_tampered_credential_is_caught_by_the_proof_check() -> None:
    credential = signed_credential()
    credential["credentialSubject"]["achievement"]["name"] = "Leadership"
    result = verify(credential)
    assert not result.verified
    proof = only(result, "proof")
    assert proof.status == "failed"
    assert proof.message == (
        "The signature does not match: the credential has been changed since it was signed, "
        "or it was not signed with the key it names."
    )
    assert proof.problem_type == "https://w3id.org/security#PROOF_VERIFICATION_ERROR"
    failed = {name for name, status in statuses(result).items() if status == "failed"}
    assert failed == {"proof", "issuer"}
    assert result.to_vc_api()["errors"] == ["proof", "issuer"]


def test_a_changed_date_is_tampering_too() -> None:
    credential = signed_credential()
    credential["validUntil"] = "2099-01-01T00:00:00Z"
    assert only(verify(credential), "proof").status == "failed"


def test_signed_with_another_key_than_the_one_named() -> None:
    impostor = Signer(OTHER.key_pair, ISSUER.signer.verification_method)
    from issuer.proofs.data_integrity import add_proof
    from tests.unit.verify.builders import SIGNED_AT

    credential = add_proof(unsigned_credential(), impostor, created=SIGNED_AT)
    result = verify(credential)
    assert only(result, "proof").status == "failed"
    assert "signature does not match" in only(result, "proof").message


def test_signed_by_someone_other_than_the_issuer() -> None:
    credential = sign(unsigned_credential(ISSUER), OTHER)
    result = verify(credential)
    assert only(result, "proof").status == "passed"
    issuer = only(result, "issuer")
    assert issuer.status == "failed"
    assert ISSUER.did in issuer.message and OTHER.did in issuer.message
    assert not result.verified


def test_an_undefined_term_fails_verification() -> None:
    credential = signed_credential()
    credential["favouriteColour"] = "blue"
    result = verify(credential)
    assert not result.verified
    proof = only(result, "proof")
    assert proof.status == "failed"
    assert proof.title == "Undefined term"
    assert "favouriteColour" in proof.message
    assert "do not define" in proof.message


def test_an_unknown_context_fails_the_proof_without_a_crash() -> None:
    credential = signed_credential()
    credential["@context"] = [*credential["@context"], "https://unknown.example/ctx.json"]
    result = verify(credential)
    proof = only(result, "proof")
    assert proof.status == "failed"
    assert "JSON-LD context this verifier does not have" in proof.message


def test_the_wrong_proof_purpose_fails() -> None:
    credential = sign(unsigned_credential(), proof_purpose="authentication")
    result = verify(credential)
    assert only(result, "proof").status == "failed"
    assert "assertionMethod" in only(result, "proof").message


def test_an_unsigned_credential_fails() -> None:
    result = verify(unsigned_credential())
    assert not result.verified
    assert only(result, "proof").message.startswith("The credential is not signed")


@pytest.mark.parametrize(
    "proof",
    [
        "not an object",
        {"type": "RsaSignature2018", "proofValue": "x"},
        {"type": "DataIntegrityProof", "cryptosuite": "ecdsa-rdfc-2019", "proofValue": "z1"},
        {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "proofPurpose": "assertionMethod",
            "verificationMethod": "did:key:z6MkNotAKey",
            "proofValue": "z" + "1" * 80,
        },
    ],
)
def test_malformed_proofs_fail_cleanly(proof: Any) -> None:
    credential = unsigned_credential()
    credential["proof"] = [proof]
    result = verify(credential)
    assert only(result, "proof").status == "failed"
    assert not result.verified


# ---------------------------------------------------------------------------------------
# validity dates


def test_expired_credential() -> None:
    result = verify(signed_credential(validUntil="2025-03-01T00:00:00Z"))
    assert not result.verified
    until = only(result, "validUntil")
    assert until.status == "failed"
    assert until.message == "This credential expired on 1 March 2025 at 00:00 UTC."
    assert result.to_vc_api()["results"]["validUntil"] == {
        "verified": False,
        "input": "2025-03-01T00:00:00Z",
    }


def test_not_yet_valid_credential() -> None:
    result = verify(signed_credential(validFrom="2026-02-03T10:00:00Z"))
    assert not result.verified
    assert only(result, "validFrom").message == (
        "This credential is not valid yet: it becomes valid on 3 February 2026 at 10:00 UTC."
    )


def test_vc_1_1_credential_uses_issuance_and_expiration_dates() -> None:
    credential = vc11_credential()
    result = verify(credential)
    assert result.verified, [c.message for c in result.checks if not c.passed]
    assert result.summary.data_model == "1.1"
    assert "1.1" in only(result, "shape").message
    assert only(result, "validFrom").input == "2025-01-01T00:00:00Z"
    expired = verify(vc11_credential(expirationDate="2025-02-01T00:00:00Z"))
    assert not expired.verified
    assert only(expired, "validUntil").message == (
        "This credential expired on 1 February 2025 at 00:00 UTC."
    )


# ---------------------------------------------------------------------------------------
# credentialStatus, in-process


def test_not_revoked() -> None:
    credential = signed_credential(status=[status_entry("revocation", 94567)])
    result = verify(credential, lists_fetcher(status_list("revocation", set_bits=(94566, 94568))))
    assert result.verified
    check = only(result, "credentialStatus")
    assert check.message == "The issuer has not revoked this credential."
    assert check.value == 0


def test_revoked() -> None:
    credential = signed_credential(status=[status_entry("revocation", 94567)])
    result = verify(credential, lists_fetcher(status_list("revocation", set_bits=(94567,))))
    assert not result.verified
    check = only(result, "credentialStatus")
    assert check.status == "failed"
    assert check.message == "This credential has been revoked by its issuer."
    body = result.to_vc_api()
    assert body["errors"] == ["credentialStatus"]
    assert body["results"]["credentialStatus"] == [
        {"verified": False, "input": credential["credentialStatus"], "value": 1}
    ]
    assert body["problemDetails"] == [
        {
            "type": "urn:ler-issuer:problem:revoked",
            "title": "Credential revoked",
            "detail": "This credential has been revoked by its issuer.",
        }
    ]


def test_suspended_and_reinstated() -> None:
    credential = signed_credential(status=[status_entry("suspension", 7)])
    suspended = verify(credential, lists_fetcher(status_list("suspension", set_bits=(7,))))
    assert not suspended.verified
    assert only(suspended, "credentialStatus").message == (
        "This credential has been suspended by its issuer. It may be reinstated later."
    )
    reinstated = verify(credential, lists_fetcher(status_list("suspension")))
    assert reinstated.verified
    assert only(reinstated, "credentialStatus").message == (
        "The issuer has not suspended this credential."
    )


def test_revocation_and_suspension_entries_are_each_checked() -> None:
    credential = signed_credential(
        status=[status_entry("revocation", 3), status_entry("suspension", 3)]
    )
    fetch = lists_fetcher(status_list("revocation"), status_list("suspension", set_bits=(3,)))
    result = verify(credential, fetch)
    assert [c.status for c in result.named("credentialStatus")] == ["passed", "failed"]


def test_status_list_not_allowed_fails_closed() -> None:
    # This was a warning (and `verified: true`): a verifier that may not look at the list
    # cannot say the credential is not revoked, so the check now fails (issue 9).
    credential = signed_credential(status=[status_entry("revocation", 3)])
    result = verify(credential, lists_fetcher())
    assert not result.verified
    check = only(result, "credentialStatus")
    assert check.status == "failed"
    assert check.message == (
        "We could not check whether the issuer has revoked this credential: the status list "
        "is kept at issuer.example.org, which this verifier is not allowed to contact."
    )
    assert check.problem_type == "urn:ler-issuer:problem:status-unknown"
    assert result.to_vc_api()["errors"] == ["credentialStatus"]


@pytest.mark.parametrize(
    ("status_list_document", "phrase"),
    [
        (status_list("revocation", signer=OTHER), "not signed with a key of the credential's issuer"),
        (status_list("revocation", issuer=OTHER, signer=OTHER), "not published by the credential's issuer"),
        (status_list("revocation", validUntil="2025-05-01T00:00:00Z"), "expired on 1 May 2025"),
        (status_list("revocation", validFrom="2025-12-01T00:00:00Z"), "is not valid yet"),
        (status_list("suspension", url=f"{STATUS_BASE}/revocation-1"), "is not a revocation list"),
        (status_list("revocation", type=["VerifiableCredential"]), "is not a status list"),
        (status_list("revocation", id=f"{STATUS_BASE}/other"), "its id differs"),
    ],
)  # fmt: skip
def test_unusable_status_lists_fail(status_list_document: dict[str, Any], phrase: str) -> None:
    credential = signed_credential(status=[status_entry("revocation", 3)])
    url = credential["credentialStatus"]["statusListCredential"]
    result = verify(credential, InProcessFetcher({url: status_list_document}.get))
    check = only(result, "credentialStatus")
    assert check.status == "failed", check.message
    assert check.message.startswith(
        "We could not check whether the issuer has revoked this credential: the "
    )
    assert phrase in check.message
    assert not result.verified


def _rewritten_expired_list() -> dict[str, Any]:
    """An expired list whose validUntil is spelled as its full IRI and a typed value:
    the same RDF, so its signature still holds."""
    document = status_list("revocation", validUntil="2025-05-01T00:00:00Z")
    until = document.pop("validUntil")
    document["https://www.w3.org/2018/credentials#validUntil"] = {
        "@value": until,
        "@type": "http://www.w3.org/2001/XMLSchema#dateTime",
    }
    return document


def test_a_status_list_is_read_as_its_signature_covers_it() -> None:
    credential = signed_credential(status=[status_entry("revocation", 3)])
    url = credential["credentialStatus"]["statusListCredential"]
    result = verify(credential, InProcessFetcher({url: _rewritten_expired_list()}.get))
    check = only(result, "credentialStatus")
    assert check.status == "failed" and "expired on 1 May 2025" in check.message
    assert not result.verified


def test_a_tampered_status_list_fails() -> None:
    credential = signed_credential(status=[status_entry("revocation", 3)])
    listed = status_list("revocation", set_bits=(3,))
    bits = StatusBits()  # the attacker clears the bit after the issuer signed
    listed["credentialSubject"]["encodedList"] = bits.encode()
    result = verify(credential, lists_fetcher(listed))
    check = only(result, "credentialStatus")
    assert check.status == "failed"
    assert "is not correctly signed" in check.message
    assert check.problem_type == (
        "https://www.w3.org/ns/credentials/status-list#STATUS_VERIFICATION_ERROR"
    )


def test_an_unsigned_status_list_fails() -> None:
    credential = signed_credential(status=[status_entry("revocation", 3)])
    listed = status_list("revocation")
    del listed["proof"]
    check = only(verify(credential, lists_fetcher(listed)), "credentialStatus")
    assert check.status == "failed"
    assert "is not signed" in check.message


def test_index_beyond_the_list_is_a_range_error() -> None:
    credential = signed_credential(status=[status_entry("revocation", 131_072)])
    check = only(verify(credential, lists_fetcher(status_list("revocation"))), "credentialStatus")
    assert check.status == "failed"
    assert check.problem_type == "https://www.w3.org/ns/credentials/status-list#RANGE_ERROR"


def test_damaged_and_short_lists_fail() -> None:
    credential = signed_credential(status=[status_entry("revocation", 3)])
    damaged = status_list("revocation")
    damaged["credentialSubject"]["encodedList"] = "uH4sIAAAA"
    damaged = sign({k: v for k, v in damaged.items() if k != "proof"})
    check = only(verify(credential, lists_fetcher(damaged)), "credentialStatus")
    assert check.status == "failed" and "is damaged" in check.message
    unprefixed = status_list("revocation")
    unprefixed["credentialSubject"]["encodedList"] = unprefixed["credentialSubject"]["encodedList"][
        1:
    ]
    unprefixed = sign({k: v for k, v in unprefixed.items() if k != "proof"})
    check = only(verify(credential, lists_fetcher(unprefixed)), "credentialStatus")
    assert check.status == "failed" and "prefix" in check.message


@pytest.mark.parametrize(
    ("change", "phrase"),
    [
        ({"statusListIndex": "abc"}, "statusListIndex"),
        ({"statusListIndex": "-1"}, "statusListIndex"),
        ({"statusListCredential": "ftp://x/list"}, "statusListCredential"),
        ({"statusPurpose": None}, "statusPurpose"),
        ({"statusSize": 2}, "statusMessage"),
    ],
)
def test_malformed_status_entries_fail(change: dict[str, Any], phrase: str) -> None:
    entry = {**status_entry("revocation", 3), **change}
    result = verify(signed_credential(status=[entry]), lists_fetcher(status_list("revocation")))
    check = only(result, "credentialStatus")
    assert check.status == "failed"
    assert "status entry is malformed" in check.message and phrase in check.message


def test_an_unsupported_status_type_fails_closed() -> None:
    # This was a warning: a status check we cannot run leaves the status unknown (issue 9).
    entry = {"id": "https://x.example/1", "type": "1EdTechRevocationList"}
    credential = unsigned_credential(status=[entry])
    credential["@context"].append("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json")
    result = verify(sign(credential))
    check = only(result, "credentialStatus")
    assert check.status == "failed" and not result.verified
    assert check.message.startswith(
        "We could not check whether the issuer has revoked this credential: "
    )
    assert "1EdTechRevocationList" in check.message
    assert check.problem_type == "urn:ler-issuer:problem:status-unknown"


def test_an_unknown_status_purpose_fails_closed() -> None:
    entry = status_entry("probation", 3)
    listed = status_list("probation", set_bits=())
    result = verify(signed_credential(status=[entry]), lists_fetcher(listed))
    check = only(result, "credentialStatus")
    assert check.status == "failed" and not result.verified
    assert check.message == (
        "We could not check whether the issuer has revoked this credential: its status entry "
        "has the purpose “probation”, which this verifier does not know how to read."
    )


def test_status_messages_with_a_wider_status_size() -> None:
    url = "https://issuer.example.org/status-lists/message-1"
    entry = {
        **status_entry("message", 4, url),
        "statusSize": 2,
        "statusMessage": [
            {"status": "0x0", "message": "pending review"},
            {"status": "0x1", "message": "accepted"},
            {"status": "0x2", "message": "rejected"},
            {"status": "0x3", "message": "undefined"},
        ],
    }
    listed = status_list("message", set_bits=(8,), url=url, length=262_144)  # entry 4 = bits 8, 9
    credential = signed_credential(status=[entry])
    check = only(verify(credential, lists_fetcher(listed)), "credentialStatus")
    assert check.status == "passed"
    assert check.value == 2
    assert check.message == "The issuer's status message for this credential: “rejected”."


def test_a_list_with_two_purposes_is_fetched_once(document_server: DocumentServer) -> None:
    url = document_server.url("/lists/1")
    listed = status_list("revocation", url=url)
    listed = sign(
        {
            **{k: v for k, v in listed.items() if k != "proof"},
            "credentialSubject": {
                **listed["credentialSubject"],
                "statusPurpose": ["revocation", "suspension"],
            },
        }
    )
    document_server.documents["/lists/1"] = listed
    credential = signed_credential(
        status=[status_entry("revocation", 3, url), status_entry("suspension", 3, url)]
    )
    fetch = HttpStatusListFetcher([f"127.0.0.1:{document_server.port}"], allow_http=True)
    result = verify(credential, fetch)
    assert [c.status for c in result.named("credentialStatus")] == ["passed", "passed"]
    assert document_server.requests == ["/lists/1"]


def test_a_statuslist2021_list_without_the_u_prefix_is_read() -> None:
    status_2021 = "https://w3id.org/vc/status-list/2021/v1"
    url = f"{STATUS_BASE}/2021-1"
    bits = StatusBits()
    bits.set(9)
    listed = sign(
        {
            "@context": [VC_V1, status_2021],
            "id": url,
            "type": ["VerifiableCredential", "StatusList2021Credential"],
            "issuer": ISSUER.did,
            "issuanceDate": "2025-01-01T00:00:00Z",
            "credentialSubject": {
                "id": f"{url}#list",
                "type": "StatusList2021",
                "statusPurpose": "revocation",
                "encodedList": bits.encode().removeprefix("u"),
            },
        }
    )
    credential = unsigned_credential()
    del credential["validFrom"]
    credential["@context"] = [VC_V1, OB_V3_0_1, status_2021]
    credential["issuanceDate"] = "2025-01-01T00:00:00Z"
    credential["credentialStatus"] = {
        **status_entry("revocation", 9, url),
        "type": "StatusList2021Entry",
    }
    result = verify(sign(credential), lists_fetcher(listed))
    assert only(result, "proof").status == "passed"
    assert only(result, "credentialStatus").message == (
        "This credential has been revoked by its issuer."
    )


# ---------------------------------------------------------------------------------------
# credentialStatus over real HTTP


def _http_case(
    server: DocumentServer, *, revoked: bool
) -> tuple[dict[str, Any], HttpStatusListFetcher]:
    url = server.url("/status-lists/revocation-1")
    server.documents["/status-lists/revocation-1"] = status_list(
        "revocation", url=url, set_bits=(11,) if revoked else ()
    )
    credential = signed_credential(status=[status_entry("revocation", 11, url)])
    return credential, HttpStatusListFetcher([f"127.0.0.1:{server.port}"], allow_http=True)


def test_status_over_http_not_revoked(document_server: DocumentServer) -> None:
    credential, fetch = _http_case(document_server, revoked=False)
    result = verify(credential, fetch)
    assert result.verified, [c.message for c in result.checks]
    assert document_server.requests == ["/status-lists/revocation-1"]


def test_status_over_http_revoked(document_server: DocumentServer) -> None:
    credential, fetch = _http_case(document_server, revoked=True)
    result = verify(credential, fetch)
    assert not result.verified
    assert only(result, "credentialStatus").message == (
        "This credential has been revoked by its issuer."
    )


def test_status_over_http_from_a_host_not_allowed(document_server: DocumentServer) -> None:
    credential, _ = _http_case(document_server, revoked=True)
    fetch = HttpStatusListFetcher(["status.example.org"], allow_http=True)
    result = verify(credential, fetch)
    # Was a warning; a list we may not fetch leaves the status unknown: a failure (issue 9).
    assert only(result, "credentialStatus").status == "failed"
    assert not result.verified
    assert document_server.requests == []


def test_status_over_http_missing_list_fails(document_server: DocumentServer) -> None:
    url = document_server.url("/status-lists/gone")
    credential = signed_credential(status=[status_entry("revocation", 11, url)])
    fetch = HttpStatusListFetcher([f"127.0.0.1:{document_server.port}"], allow_http=True)
    check = only(verify(credential, fetch), "credentialStatus")
    assert check.status == "failed"
    assert "could not be fetched" in check.message and "404" in check.message
    assert check.problem_type.endswith("#STATUS_RETRIEVAL_ERROR")


def test_status_over_http_too_large_fails(document_server: DocumentServer) -> None:
    credential, _ = _http_case(document_server, revoked=False)
    fetch = HttpStatusListFetcher(
        [f"127.0.0.1:{document_server.port}"], allow_http=True, max_bytes=500
    )
    check = only(verify(credential, fetch), "credentialStatus")
    assert check.status == "failed"
    assert "too large" in check.message


def test_status_over_http_timeout_fails(document_server: DocumentServer) -> None:
    url = document_server.url("/slow-start")
    credential = signed_credential(status=[status_entry("revocation", 11, url)])
    fetch = HttpStatusListFetcher(
        [f"127.0.0.1:{document_server.port}"], allow_http=True, timeout=0.5
    )
    check = only(verify(credential, fetch), "credentialStatus")
    assert check.status == "failed"
    assert "took too long" in check.message


# ---------------------------------------------------------------------------------------
# presentations


def _verify_presentation(document: dict[str, Any], **kw: Any) -> VerificationResult:
    return verify_presentation(
        document, resolve=RESOLVE, now=NOW, fetch_status_list=kw.pop("fetch", refuse_all), **kw
    )


def test_a_signed_presentation_with_challenge_and_domain() -> None:
    credentials = [signed_credential(), signed_credential(OTHER)]
    result = _verify_presentation(
        presentation(credentials), challenge="c-123", domain="verifier.example"
    )
    assert result.verified
    assert result.kind == "presentation"
    assert [c.name for c in result.checks] == [
        "shape",
        "proof",
        "holder",
        "challenge",
        "domain",
        "credentials",
    ]
    assert only(result, "proof").message == (
        "The signature is valid: the presentation has not been changed since the holder signed it."
    )
    assert only(result, "credentials").message == (
        "All 2 credentials in the presentation passed verification."
    )
    assert [c.verified for c in result.credentials] == [True, True]
    body = result.to_vc_api()
    assert body["verified"] is True
    assert body["results"]["presentation"]["challenge"] == {"verified": True, "input": "c-123"}
    assert body["results"]["presentation"]["holder"] == {"verified": True, "input": HOLDER.did}
    assert [c["verified"] for c in body["results"]["credentials"]] == [True, True]


def test_an_unsigned_presentation_is_a_warning() -> None:
    result = _verify_presentation(presentation([signed_credential()], signed=False))
    assert result.verified
    assert only(result, "proof").status == "warning"
    assert only(result, "holder").status == "warning"
    assert only(result, "proof").message.startswith("The presentation is not signed")


def test_an_unsigned_presentation_fails_when_a_challenge_was_asked() -> None:
    result = _verify_presentation(
        presentation([signed_credential()], signed=False), challenge="c-123"
    )
    assert not result.verified
    assert only(result, "proof").status == "failed"
    assert only(result, "challenge").status == "failed"


def test_wrong_challenge_or_domain_fails() -> None:
    document = presentation([signed_credential()])
    result = _verify_presentation(document, challenge="other", domain="verifier.example")
    assert not result.verified
    assert statuses(result)["challenge"] == "failed"
    assert statuses(result)["domain"] == "passed"
    result = _verify_presentation(document, domain="evil.example")
    assert statuses(result)["domain"] == "failed"


def test_a_presentation_signed_for_assertion_fails() -> None:
    document = presentation([signed_credential()], signed=False)
    document = sign(document, HOLDER)  # proofPurpose assertionMethod
    result = _verify_presentation(document)
    assert only(result, "proof").status == "failed"
    assert "authentication" in only(result, "proof").message


def test_a_credential_slipped_into_a_signed_presentation_is_caught() -> None:
    document = presentation([signed_credential()])
    document["verifiableCredential"].append(signed_credential(OTHER))
    result = _verify_presentation(document)
    assert only(result, "proof").status == "failed"
    assert not result.verified


def test_holder_must_own_the_key() -> None:
    document = presentation([signed_credential()], signed=False)
    document["holder"] = OTHER.did
    document = sign(document, HOLDER, proof_purpose="authentication")
    result = _verify_presentation(document)
    assert only(result, "proof").status == "passed"
    assert only(result, "holder").status == "failed"


def test_a_holder_spelled_as_its_full_iri_is_still_checked() -> None:
    document = presentation([signed_credential()], signed=False)
    document["holder"] = OTHER.did
    document = sign(document, HOLDER, proof_purpose="authentication")
    rewritten = {k: v for k, v in document.items() if k != "holder"}
    rewritten["https://www.w3.org/2018/credentials#holder"] = {"@id": OTHER.did}
    result = _verify_presentation(rewritten)
    assert only(result, "proof").status == "passed"  # the same RDF: the signature holds
    assert only(result, "holder").status == "failed"
    assert not result.verified


def test_a_revoked_credential_makes_the_presentation_fail() -> None:
    revoked = signed_credential(status=[status_entry("revocation", 1)])
    document = presentation([signed_credential(), revoked])
    fetch = lists_fetcher(status_list("revocation", set_bits=(1,)))
    result = _verify_presentation(document, fetch=fetch)
    assert not result.verified
    assert only(result, "credentials").message == (
        "1 of the 2 credentials in the presentation did not pass verification."
    )
    assert [c.verified for c in result.credentials] == [True, False]
    assert only(result.credentials[1], "credentialStatus").status == "failed"
    nested = result.to_vc_api()["results"]["credentials"][1]
    assert nested["errors"] == ["credentialStatus"]


def test_verify_document_dispatches_on_type() -> None:
    common = {"resolve": RESOLVE, "now": NOW, "fetch_status_list": refuse_all}
    assert verify_document(signed_credential(), **common).kind == "credential"
    document = presentation([signed_credential()], signed=False)
    assert verify_document(document, **common).kind == "presentation"


def test_a_presentation_shape_failure() -> None:
    result = _verify_presentation({"@context": [VC_V2], "type": ["VerifiablePresentation"],
                                   "verifiableCredential": ["a.jwt.string"]})  # fmt: skip
    assert not result.verified
    assert only(result, "shape").status == "failed"
    assert result.credentials[0].checks[0].name == "shape"


# ---------------------------------------------------------------------------------------
# 1EdTech and W3C signed examples


def _example(path: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / path).read_text())


def _controller(method_id: str, public_multibase: str) -> dict[str, dict[str, Any]]:
    """The controller document an https verification method would dereference to."""
    controller, _, fragment = method_id.partition("#")
    document = controller_document(
        controller, [(fragment, public_multibase)], {"assertionMethod": [fragment]}
    )
    return {controller: document}


def test_1edtech_did_key_example_verifies_with_an_issuer_warning() -> None:
    result = verify(_example("ob_v3p0/1edtech-validator/openbadgecredential-did-key.signed.json"))
    assert result.verified
    assert only(result, "proof").status == "passed"
    assert only(result, "credentialSchema").status == "passed"
    # issuer is urn:uuid:..., which no key can be linked to
    assert only(result, "issuer").status == "warning"


HTTPS_EXAMPLES = [
    "ob_v3p0/1edtech-validator/openbadgecredential-vc1.1-legacy-eddsa-2022.signed.json",
    "ob_v3p0/1edtech-validator/endorsementcredential.signed.json",
    "clr_v2p0/1edtech-validator/clrcredential.signed.json",
    "test-vectors/1edtech-ob-v3p0-eddsa-rdfc-2022/credential.signed.json",
    "test-vectors/1edtech-clr-v2p0-eddsa-rdfc-2022/credential.signed.json",
]


@pytest.mark.parametrize("path", HTTPS_EXAMPLES)
def test_https_key_examples_fail_clearly_when_the_key_cannot_be_found(path: str) -> None:
    result = verify(_example(path))
    assert not result.verified
    proof = only(result, "proof")
    assert proof.status == "failed"
    assert proof.title == "Signing key not found"
    assert proof.message.startswith(
        "We could not find the key that signed the credential (https://"
    )


@pytest.mark.parametrize("path", HTTPS_EXAMPLES)
def test_https_key_examples_verify_with_the_controller_document(path: str) -> None:
    document = _example(path)
    [proof] = document["proof"] if isinstance(document["proof"], list) else [document["proof"]]
    method = proof["verificationMethod"]
    resolve = make_key_resolver(_controller(method, method.partition("#")[2]))
    result = verify(document, resolve=resolve)
    assert only(result, "proof").status == "passed"
    assert only(result, "issuer").status == "passed"
    failures = [c.message for c in result.checks if c.status == "failed"]
    assert failures == []
    assert result.verified


def test_https_key_example_tampered_fails() -> None:
    document = _example("test-vectors/1edtech-ob-v3p0-eddsa-rdfc-2022/credential.signed.json")
    key = _example("test-vectors/1edtech-ob-v3p0-eddsa-rdfc-2022/key.json")
    method = document["proof"]["verificationMethod"]
    resolve = make_key_resolver(_controller(method, key["publicKeyMultibase"]))
    assert verify(document, resolve=resolve).verified
    tampered = copy.deepcopy(document)
    tampered["name"] = "Another badge"
    assert only(verify(tampered, resolve=resolve), "proof").status == "failed"


def test_w3c_bitstring_example_verifies_its_proof_but_not_its_issuer() -> None:
    result = verify(
        _example("bitstring-status-list/exampleA1-revocable-credential.eddsa-rdfc-2022.signed.json")
    )
    assert only(result, "proof").status == "passed"
    assert only(result, "issuer").status == "failed"  # did:example:12345 signed by a did:key
    # example.com is not contacted, so the status is unknown: a failure (was a warning)
    assert only(result, "credentialStatus").status == "failed"
    assert not result.verified
