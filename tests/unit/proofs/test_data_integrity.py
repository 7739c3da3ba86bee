"""add_proof / verify_proof with both suites: round trips and every way a proof must fail."""

import copy
import hashlib
from datetime import UTC, datetime
from typing import Any

import pytest

from issuer.errors import ContextNotAvailable, InvalidInput, ProofError
from issuer.jsonld import UndefinedTerm
from issuer.jsonld.reference import normalize_plain
from issuer.keys.did import controller_document, did_key_for
from issuer.keys.ed25519 import KeyPair
from issuer.keys.multibase import encode_base58btc
from issuer.keys.resolver import make_key_resolver
from issuer.keys.signer import Signer
from issuer.model.spec import DATA_INTEGRITY_V1_CONTEXT, DATA_INTEGRITY_V2_CONTEXT
from issuer.proofs import CRYPTOSUITES, add_proof, verify_proof
from issuer.proofs.eddsa_rdfc_2022 import hash_data as rdfc_hash_data

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
PAIR = KeyPair.from_seed(hashlib.sha256(b"issuer").digest())
OTHER = KeyPair.from_seed(hashlib.sha256(b"someone else").digest())
DID = did_key_for(PAIR.public_multibase)
SIGNER = Signer(PAIR, f"{DID}#{PAIR.public_multibase}")
RESOLVE = make_key_resolver({})
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def _credential(issuer: str = DID) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", OB_CONTEXT],
        "id": "urn:uuid:6a3c1f4e-0d1b-4c55-9a51-3d2f0d7f0a11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Escuela de Cocina — Köln"},
        "validFrom": "2026-11-22T12:00:00Z",
        "name": "包丁の技術",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "hashed": True,
                    "identityHash": "sha256$" + "ab" * 32,
                    "identityType": "emailAddress",
                    "salt": "s4lt",
                }
            ],
            "achievement": {
                "id": "https://issuer.example.org/achievements/knife-skills",
                "type": ["Achievement"],
                "name": "包丁の技術",
                "description": "Cuts precisely.",
                "criteria": {"narrative": "Shows **all** basic cuts."},
            },
        },
    }


def _sign(document: dict[str, Any] | None = None, **options: Any) -> dict[str, Any]:
    return add_proof(document or _credential(), SIGNER, created=NOW, **options)


def _verify(signed: dict[str, Any], **options: Any) -> Any:
    return verify_proof(
        signed, signed["proof"][-1], resolve=options.pop("resolve", RESOLVE), **options
    )


@pytest.mark.parametrize("suite", CRYPTOSUITES)
def test_round_trip(suite: str) -> None:
    credential = _credential()
    before = copy.deepcopy(credential)
    signed = _sign(credential, cryptosuite=suite)
    assert credential == before
    (proof,) = signed["proof"]
    assert proof["cryptosuite"] == suite
    assert proof["created"] == "2026-11-22T12:00:00Z"
    assert proof["proofValue"].startswith("z")
    assert ("@context" in proof) == (suite == "eddsa-jcs-2022")
    method = _verify(signed, expected_controller=DID)
    assert method.controller == DID


def test_signing_is_deterministic_and_proofs_accumulate_in_a_set() -> None:
    first = _sign()
    assert _sign() == first
    both = add_proof(first, SIGNER, created=NOW, cryptosuite="eddsa-jcs-2022")
    assert [p["cryptosuite"] for p in both["proof"]] == ["eddsa-rdfc-2022", "eddsa-jcs-2022"]
    for proof in both["proof"]:
        verify_proof(both, proof, resolve=RESOLVE)


def test_a_single_proof_object_is_verified_too() -> None:
    signed = _sign()
    signed["proof"] = signed["proof"][0]
    verify_proof(signed, signed["proof"], resolve=RESOLVE)


TAMPERING = {
    "credential name": lambda d: d.update(name="Forged"),
    "achievement id": lambda d: d["credentialSubject"]["achievement"].update(
        id="https://issuer.example.org/achievements/other"
    ),
    "recipient hash": lambda d: d["credentialSubject"]["identifier"][0].update(
        identityHash="sha256$" + "cd" * 32
    ),
    "validFrom": lambda d: d.update(validFrom="2020-01-01T00:00:00Z"),
    "proof created": lambda d: d["proof"][0].update(created="2026-11-22T12:00:01Z"),
    "proof signature": lambda d: d["proof"][0].update(proofValue=encode_base58btc(bytes(64))),
}


@pytest.mark.parametrize("suite", CRYPTOSUITES)
@pytest.mark.parametrize("tamper", TAMPERING.values(), ids=list(TAMPERING))
def test_one_tampered_field_fails(suite: str, tamper: Any) -> None:
    signed = _sign(cryptosuite=suite)
    tamper(signed)
    with pytest.raises(ProofError, match="signature does not verify"):
        _verify(signed)


def test_a_removed_proof_fails() -> None:
    signed = _sign()
    proof = signed.pop("proof")[0]
    with pytest.raises(ProofError, match="not one of the document's proofs"):
        verify_proof(signed, proof, resolve=RESOLVE)


@pytest.mark.parametrize("suite", CRYPTOSUITES)
def test_a_signature_by_another_key_fails(suite: str) -> None:
    forged = add_proof(
        _credential(), Signer(OTHER, SIGNER.verification_method), created=NOW, cryptosuite=suite
    )
    with pytest.raises(ProofError, match="signature does not verify"):
        _verify(forged)


@pytest.mark.parametrize("suite", CRYPTOSUITES)
def test_an_undefined_term_is_refused_when_signing(suite: str) -> None:
    credential = _credential()
    credential["credentialSubject"]["favouriteColour"] = "blue"
    with pytest.raises(UndefinedTerm, match="favouriteColour"):
        _sign(credential, cryptosuite=suite)


@pytest.mark.parametrize("suite", CRYPTOSUITES)
def test_an_undefined_term_added_after_signing_fails_verification(suite: str) -> None:
    signed = _sign(cryptosuite=suite)
    signed["credentialSubject"]["favouriteColour"] = "blue"
    with pytest.raises(ProofError, match="do not define"):
        _verify(signed)


def test_an_undefined_term_fails_even_when_plain_pyld_would_accept_the_signature() -> None:
    # A signer without safe mode drops the term and signs the rest: plain pyld agrees, we do not.
    signed = _sign()
    assert normalize_plain({**signed, "favouriteColour": "blue"}) == normalize_plain(signed)
    forged = {**signed, "favouriteColour": "blue"}
    with pytest.raises(ProofError, match="do not define"):
        _verify(forged)


def test_an_unknown_remote_context_is_refused_when_signing_and_verifying() -> None:
    credential = _credential()
    credential["@context"].append("https://evil.example/context.jsonld")
    with pytest.raises(ContextNotAvailable):
        _sign(credential)
    signed = _sign()
    signed["@context"].append("https://evil.example/context.jsonld")
    with pytest.raises(ContextNotAvailable):
        _verify(signed)


@pytest.mark.parametrize(
    "proof_value",
    ["u" + "A" * 86, "z" + "0" * 10, encode_base58btc(bytes(63)), 42],
    ids=["base64url", "not base58", "63 bytes", "not a string"],
)
def test_a_proof_value_that_is_not_a_z_base58btc_signature_fails(proof_value: Any) -> None:
    signed = _sign()
    signed["proof"][0]["proofValue"] = proof_value
    with pytest.raises(ProofError, match="proofValue"):
        _verify(signed)


def test_a_verification_method_with_a_bad_multibase_prefix_fails() -> None:
    secret_as_key = f"did:key:{PAIR.secret_multibase}"
    signed = add_proof(_credential(), Signer(PAIR, secret_as_key), created=NOW)
    with pytest.raises(ProofError, match="did:key"):
        _verify(signed)


def test_a_wrong_proof_purpose_fails() -> None:
    signed = _sign(proof_purpose="authentication")
    with pytest.raises(ProofError, match="not for assertionMethod"):
        _verify(signed)
    assert _verify(signed, expected_purpose="authentication").controller == DID


def test_a_key_listed_only_for_authentication_cannot_assert() -> None:
    issuer = "did:web:issuer.example.org"
    document = controller_document(
        issuer, [("key-1", PAIR.public_multibase)], {"authentication": ["key-1"]}
    )
    signed = add_proof(_credential(issuer), Signer(PAIR, f"{issuer}#key-1"), created=NOW)
    with pytest.raises(ProofError, match="not authorized for assertionMethod"):
        _verify(signed, resolve=make_key_resolver({issuer: document}))


def test_a_verification_method_not_controlled_by_the_issuer_fails() -> None:
    signed = _sign(_credential(issuer="did:web:issuer.example.org"))
    with pytest.raises(ProofError, match="not controlled by the issuer"):
        _verify(signed, expected_controller=signed["issuer"]["id"])


def test_challenge_and_domain_must_match_when_expected() -> None:
    signed = _sign(challenge="c-123", domain="verifier.example")
    _verify(signed, challenge="c-123", domain="verifier.example")
    with pytest.raises(ProofError, match="challenge"):
        _verify(signed, challenge="other")
    with pytest.raises(ProofError, match="domain"):
        _verify(signed, domain="other.example")
    with pytest.raises(ProofError, match="challenge"):
        _verify(_sign(), challenge="c-123")


def test_only_allowed_suites_verify() -> None:
    signed = _sign(cryptosuite="eddsa-jcs-2022")
    with pytest.raises(ProofError, match="not accepted"):
        _verify(signed, allowed_suites={"eddsa-rdfc-2022"})


def test_jcs_proof_context_must_prefix_the_document_context() -> None:
    signed = _sign(cryptosuite="eddsa-jcs-2022")
    signed["@context"] = list(reversed(signed["@context"]))
    with pytest.raises(ProofError, match="@context"):
        _verify(signed)


def test_a_created_time_that_is_not_xsd_fails() -> None:
    signed = _sign()
    signed["proof"][0]["created"] = "22/11/2026"
    with pytest.raises(ProofError, match="dateTimeStamp"):
        _verify(signed)


def test_signing_options_are_checked() -> None:
    with pytest.raises(InvalidInput, match="timezone"):
        add_proof(_credential(), SIGNER, created=datetime(2026, 1, 1))
    with pytest.raises(InvalidInput, match="cannot sign"):
        _sign(cryptosuite="Ed25519Signature2020")


@pytest.mark.parametrize("suite", CRYPTOSUITES)
def test_a_vc_1_1_credential_gets_the_data_integrity_v2_context(suite: str) -> None:
    credential = _credential()
    credential["@context"] = [
        "https://www.w3.org/2018/credentials/v1",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    ]
    credential["issuanceDate"] = credential.pop("validFrom")
    signed = _sign(credential, cryptosuite=suite)
    assert signed["@context"][-1] == DATA_INTEGRITY_V2_CONTEXT
    _verify(signed)


def test_a_vc_1_1_credential_with_data_integrity_v1_is_left_alone() -> None:
    credential = _credential()
    credential["@context"] = [
        "https://www.w3.org/2018/credentials/v1",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
        DATA_INTEGRITY_V1_CONTEXT,
    ]
    credential["issuanceDate"] = credential.pop("validFrom")
    signed = _sign(credential)
    assert signed["@context"] == credential["@context"]
    _verify(signed)


def test_a_chained_proof_covers_the_proof_it_names() -> None:
    first = _sign()
    first["proof"][0]["id"] = "urn:uuid:proof-1"
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-11-22T12:00:00Z",
        "verificationMethod": SIGNER.verification_method,
        "proofPurpose": "assertionMethod",
        "previousProof": "urn:uuid:proof-1",
    }
    data = rdfc_hash_data(first, options)  # the document with proof 1 in it
    chained = copy.deepcopy(first)
    chained["proof"].append({**options, "proofValue": encode_base58btc(PAIR.sign(data))})
    verify_proof(chained, chained["proof"][1], resolve=RESOLVE)
    dangling = copy.deepcopy(chained)
    dangling["proof"][1]["previousProof"] = "urn:uuid:missing"
    with pytest.raises(ProofError, match="previousProof"):
        verify_proof(dangling, dangling["proof"][1], resolve=RESOLVE)
