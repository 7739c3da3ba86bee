"""The issuer identity: did:key or did:web, and what rotation does to each."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from issuer.errors import KeyUnavailable
from issuer.keys.did import did_key_for
from issuer.keys.identity import IssuerIdentity
from issuer.keys.resolver import make_key_resolver
from issuer.keys.store import KeyStore
from issuer.proofs import add_proof, verify_proof
from issuer.settings import Settings

NOW = datetime(2026, 3, 1, tzinfo=UTC)
CREDENTIAL: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "id": "urn:uuid:0b6c1b5e-8f0e-4a5e-9a4b-111111111111",
    "type": ["VerifiableCredential"],
    "validFrom": "2026-03-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:learner"},
}


def _identity(tmp_path: Path, method: str) -> IssuerIdentity:
    settings = Settings(
        base_url="https://issuer.example.org:8443", keys_dir=tmp_path / "keys", did_method=method
    )
    store = KeyStore(settings.keys_dir)
    store.ensure(now=NOW)
    return IssuerIdentity.from_settings(settings, store)


def _sign(identity: IssuerIdentity) -> dict[str, Any]:
    return add_proof({**CREDENTIAL, "issuer": identity.did}, identity.signer(), created=NOW)


def test_did_key_identity_is_the_did_key_of_the_active_key(tmp_path: Path) -> None:
    identity = _identity(tmp_path, "key")
    key = identity.key_store.active()
    assert identity.did == did_key_for(key.public_multibase)
    assert identity.signer().verification_method == f"{identity.did}#{key.public_multibase}"
    assert identity.did_document()["id"] == identity.did


def test_did_key_rotation_changes_the_issuer_and_old_credentials_still_verify(
    tmp_path: Path,
) -> None:
    identity = _identity(tmp_path, "key")
    before = _sign(identity)
    old_did = identity.did
    identity.key_store.rotate()
    assert identity.did != old_did
    after = _sign(identity)
    resolve = make_key_resolver({})
    for signed in (before, after):
        method = verify_proof(signed, signed["proof"][0], resolve=resolve)
        assert method.controller == signed["issuer"]


def test_did_web_document_lists_every_key_and_no_secret(tmp_path: Path) -> None:
    identity = _identity(tmp_path, "web")
    identity.key_store.rotate()
    document = identity.did_document()
    did = "did:web:issuer.example.org%3A8443"
    assert identity.did == did
    assert document["id"] == did
    ids = [m["id"] for m in document["verificationMethod"]]
    assert ids == [f"{did}#key-1", f"{did}#key-2"]
    assert document["assertionMethod"] == ids
    assert document["authentication"] == [f"{did}#key-2"]
    assert all(m["controller"] == did for m in document["verificationMethod"])
    assert "secretKeyMultibase" not in str(document)
    assert identity.local_documents() == {did: document}


def test_did_web_rotation_keeps_the_issuer_and_old_credentials_verify(tmp_path: Path) -> None:
    identity = _identity(tmp_path, "web")
    before = _sign(identity)
    identity.key_store.rotate()
    after = _sign(identity)
    assert before["issuer"] == after["issuer"] == identity.did
    assert after["proof"][0]["verificationMethod"].endswith("#key-2")
    resolve = make_key_resolver(identity.local_documents())
    for signed in (before, after):
        method = verify_proof(
            signed, signed["proof"][0], resolve=resolve, expected_controller=identity.did
        )
        assert method.controller == identity.did


@pytest.mark.parametrize("method", ["key", "web"])
def test_without_a_key_there_is_no_did_document_but_no_crash_resolving(
    tmp_path: Path, method: str
) -> None:
    settings = Settings(keys_dir=tmp_path / "keys", did_method=method)
    identity = IssuerIdentity.from_settings(settings, KeyStore(settings.keys_dir))
    with pytest.raises(KeyUnavailable, match="ler-issuer init"):
        identity.did_document()
    with pytest.raises(KeyUnavailable):
        identity.signer()
    assert identity.local_documents() == {}
