"""Signed credentials from 1EdTech's validator and the Bitstring Status List spec verify."""

import json
from pathlib import Path
from typing import Any

import pytest

from issuer.errors import ProofError
from issuer.keys.did import multikey_method
from issuer.keys.resolver import make_key_resolver
from issuer.proofs import verify_proof

SIGNED = Path(__file__).parents[2] / "vectors" / "signed"

# The validator samples name https issuer URLs; these are their (public) keys.
ISSUER_KEYS = {
    "https://example.edu/issuers/565049": ["z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"],
    "https://state.gov/issuers/565049": ["z6MkoMGF38Ck9xkdqrbZt4h9eHb1qc3GhAAkoSWa4Vy3SHRN"],
    "https://example.com/issuers/876543": [
        "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
        "z6MkvREVgsHx7Ppae68vCoByy73ZD4aMSJiPML2cryVL8JAx",
    ],
}


def _controller_documents() -> dict[str, dict[str, Any]]:
    documents = {}
    for controller, keys in ISSUER_KEYS.items():
        ids = [f"{controller}#{key}" for key in keys]
        documents[controller] = {
            "id": controller,
            "verificationMethod": [
                multikey_method(i, controller, k) for i, k in zip(ids, keys, strict=True)
            ],
            "assertionMethod": ids,
        }
    return documents


RESOLVE = make_key_resolver(_controller_documents())


def _load(name: str) -> dict[str, Any]:
    return json.loads((SIGNED / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _only_proof(document: dict[str, Any]) -> dict[str, Any]:
    proofs = document["proof"] if isinstance(document["proof"], list) else [document["proof"]]
    (proof,) = proofs
    return proof  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("name", "controller"),
    [
        (
            "openbadgecredential-did-key.signed.json",
            "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
        ),
        ("endorsementcredential.signed.json", "https://state.gov/issuers/565049"),
        (
            "openbadgecredential-vc1.1-legacy-eddsa-2022.signed.json",
            "https://example.com/issuers/876543",
        ),
        ("clrcredential.signed.json", "https://example.edu/issuers/565049"),
        (
            "exampleA1-revocable-credential.eddsa-rdfc-2022.signed.json",
            "did:key:z6MkeVw6bAm59CopQquZcVLUpapvEEELqfpdWfHkSont8HR6",
        ),
    ],
)
def test_signed_example_verifies(name: str, controller: str) -> None:
    document = _load(name)
    method = verify_proof(document, _only_proof(document), resolve=RESOLVE)
    assert method.controller == controller


def test_the_credential_nested_in_the_clr_verifies_on_its_own() -> None:
    (inner,) = _load("clrcredential.signed.json")["credentialSubject"]["verifiableCredential"]
    method = verify_proof(inner, _only_proof(inner), resolve=RESOLVE)
    assert method.controller == inner["issuer"]["id"]


def test_the_legacy_eddsa_2022_name_is_refused_when_not_allowed() -> None:
    document = _load("openbadgecredential-vc1.1-legacy-eddsa-2022.signed.json")
    with pytest.raises(ProofError, match="not accepted"):
        verify_proof(
            document, _only_proof(document), resolve=RESOLVE, allowed_suites={"eddsa-rdfc-2022"}
        )
