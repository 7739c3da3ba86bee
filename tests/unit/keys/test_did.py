"""did:key and did:web identifiers and documents."""

import pytest

from issuer.errors import InvalidInput
from issuer.keys.did import (
    DID_CONTEXTS,
    RELATIONSHIPS,
    did_key_document,
    did_key_for,
    did_key_multibase,
    did_web_for,
    did_web_url,
)

MULTIBASE = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
DID = f"did:key:{MULTIBASE}"


def test_did_key_document_has_one_multikey_in_every_relationship() -> None:
    document = did_key_document(did_key_for(MULTIBASE))
    method_id = f"{DID}#{MULTIBASE}"
    assert document["@context"] == DID_CONTEXTS
    assert document["id"] == DID
    assert document["verificationMethod"] == [
        {"id": method_id, "type": "Multikey", "controller": DID, "publicKeyMultibase": MULTIBASE}
    ]
    for relationship in RELATIONSHIPS:
        assert document[relationship] == [method_id]


@pytest.mark.parametrize("did", ["did:key:zNotAKey", f"did:web:{MULTIBASE}", f"{DID}#{MULTIBASE}"])
def test_did_key_refuses_anything_but_an_ed25519_did_key(did: str) -> None:
    with pytest.raises(InvalidInput):
        did_key_multibase(did)


@pytest.mark.parametrize(
    ("base_url", "did", "url"),
    [
        (
            "https://issuer.example.org",
            "did:web:issuer.example.org",
            "https://issuer.example.org/.well-known/did.json",
        ),
        (
            "https://issuer.example.org:8443/",
            "did:web:issuer.example.org%3A8443",
            "https://issuer.example.org:8443/.well-known/did.json",
        ),
        (
            "https://example.edu/issuers/565049",
            "did:web:example.edu:issuers:565049",
            "https://example.edu/issuers/565049/did.json",
        ),
        (
            "http://127.0.0.1:5000",
            "did:web:127.0.0.1%3A5000",
            "https://127.0.0.1:5000/.well-known/did.json",
        ),
    ],
)
def test_did_web_from_a_base_url_and_back_to_its_document(
    base_url: str, did: str, url: str
) -> None:
    assert did_web_for(base_url) == did
    assert did_web_url(did) == url


def test_did_web_url_refuses_other_identifiers() -> None:
    with pytest.raises(InvalidInput):
        did_web_url(DID)
