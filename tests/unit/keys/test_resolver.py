"""Resolving verification methods: did:key locally, controller documents with CID checks."""

from typing import Any

import pytest

from issuer.errors import ProofError
from issuer.keys.did import RELATIONSHIPS, did_key_for, multikey_method
from issuer.keys.ed25519 import KeyPair
from issuer.keys.resolver import make_key_resolver

PAIR = KeyPair.from_seed(b"\x11" * 32)
OTHER = KeyPair.from_seed(b"\x22" * 32)
MB = PAIR.public_multibase
DID = did_key_for(MB)
ISSUER = "https://issuer.example.org/issuers/1"


def _document(**changes: Any) -> dict[str, Any]:
    document = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": ISSUER,
        "verificationMethod": [multikey_method(f"{ISSUER}#key-1", ISSUER, MB)],
        "assertionMethod": [f"{ISSUER}#key-1"],
    }
    document.update(changes)
    return document


def test_did_key_with_its_fragment_resolves_locally_for_every_relationship() -> None:
    method = make_key_resolver({})(f"{DID}#{MB}")
    assert method.controller == DID
    assert method.public_key.public_bytes_raw() == PAIR.public_key.public_bytes_raw()
    assert method.purposes == frozenset(RELATIONSHIPS)


def test_a_bare_did_key_is_accepted() -> None:
    method = make_key_resolver({})(DID)
    assert (method.id, method.controller) == (DID, DID)


@pytest.mark.parametrize(
    "method_id",
    [
        f"{DID}#{OTHER.public_multibase}",
        "did:key:zQ3shNotEd25519",
        f"did:key:{PAIR.secret_multibase}",
    ],
)
def test_bad_did_key_methods_are_refused(method_id: str) -> None:
    with pytest.raises(ProofError):
        make_key_resolver({})(method_id)


def test_a_controller_document_method_resolves_with_its_relationships() -> None:
    method = make_key_resolver({ISSUER: _document()})(f"{ISSUER}#key-1")
    assert method.controller == ISSUER
    assert method.purposes == {"assertionMethod"}


def test_relative_ids_embedded_methods_and_ed25519_2020_keys_are_understood() -> None:
    embedded = {
        "id": "#key-2",
        "type": "Ed25519VerificationKey2020",
        "controller": ISSUER,
        "publicKeyMultibase": OTHER.public_multibase,
    }
    document = _document(assertionMethod=["#key-1", embedded])
    resolve = make_key_resolver({ISSUER: document})
    assert resolve(f"{ISSUER}#key-1").purposes == {"assertionMethod"}
    method = resolve(f"{ISSUER}#key-2")
    assert method.public_key.public_bytes_raw() == OTHER.public_key.public_bytes_raw()


def test_a_method_only_for_authentication_is_not_an_assertion_method() -> None:
    document = _document(assertionMethod=[], authentication=[f"{ISSUER}#key-1"])
    assert make_key_resolver({ISSUER: document})(f"{ISSUER}#key-1").purposes == {"authentication"}


BAD_DOCUMENTS = {
    "method controlled by someone else": _document(
        verificationMethod=[multikey_method(f"{ISSUER}#key-1", "https://evil.example/", MB)]
    ),
    "document about another subject": _document(id="https://evil.example/issuers/1"),
    "method not listed": _document(verificationMethod=[]),
    "not an Ed25519 key type": _document(
        verificationMethod=[
            {**multikey_method(f"{ISSUER}#key-1", ISSUER, MB), "type": "JsonWebKey2020"}
        ]
    ),
    "secret key prefix": _document(
        verificationMethod=[multikey_method(f"{ISSUER}#key-1", ISSUER, PAIR.secret_multibase)]
    ),
}


@pytest.mark.parametrize("document", BAD_DOCUMENTS.values(), ids=list(BAD_DOCUMENTS))
def test_controller_documents_failing_the_cid_checks_are_refused(document: dict[str, Any]) -> None:
    with pytest.raises(ProofError):
        make_key_resolver({ISSUER: document})(f"{ISSUER}#key-1")


def test_an_unknown_controller_is_refused_without_a_fetcher() -> None:
    with pytest.raises(ProofError, match="not known here"):
        make_key_resolver({})(f"{ISSUER}#key-1")


def test_did_web_documents_are_fetched_from_their_https_url() -> None:
    did = "did:web:issuer.example.org%3A8443"
    document = _document(
        id=did,
        verificationMethod=[multikey_method(f"{did}#key-1", did, MB)],
        assertionMethod=[f"{did}#key-1"],
    )
    fetched: list[str] = []

    def fetch_json(url: str) -> dict[str, Any]:
        fetched.append(url)
        return document

    assert make_key_resolver({}, fetch_json)(f"{did}#key-1").controller == did
    assert fetched == ["https://issuer.example.org:8443/.well-known/did.json"]


def test_a_failing_fetch_is_a_proof_error() -> None:
    def fetch_json(url: str) -> dict[str, Any]:
        raise OSError("unreachable")

    with pytest.raises(ProofError, match="cannot retrieve"):
        make_key_resolver({}, fetch_json)(f"{ISSUER}#key-1")
