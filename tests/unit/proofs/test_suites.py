"""The cryptosuite registry: one table drives signing, verifying and the API's choices."""

import hashlib
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from issuer.errors import InvalidInput, ProofError
from issuer.keys.did import did_key_for
from issuer.keys.ed25519 import KeyPair
from issuer.keys.resolver import make_key_resolver
from issuer.keys.signer import Signer
from issuer.model.api import BatchOptionsBody, IssueOptions
from issuer.model.spec import DATA_INTEGRITY_PROOF, ED25519_SIGNATURE_2020, VC_V2_CONTEXT
from issuer.proofs import CRYPTOSUITES, add_proof, data_integrity, verify_proof
from issuer.proofs.suites import DEFAULT_SUITE, SIGNING_SUITES, SUITES, for_signing, get

ISSUER = Path(__file__).parents[3] / "issuer"
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
PAIR = KeyPair.from_seed(hashlib.sha256(b"registry").digest())
SIGNER = Signer(PAIR, f"{did_key_for(PAIR.public_multibase)}#{PAIR.public_multibase}")
CREDENTIAL = {
    "@context": [VC_V2_CONTEXT],
    "type": ["VerifiableCredential"],
    "issuer": did_key_for(PAIR.public_multibase),
    "credentialSubject": {"id": "did:example:learner"},
}


def test_the_table() -> None:
    assert list(SUITES) == [
        "eddsa-rdfc-2022",
        "eddsa-jcs-2022",
        "eddsa-2022",
        ED25519_SIGNATURE_2020,
    ]
    assert SIGNING_SUITES == CRYPTOSUITES == ("eddsa-rdfc-2022", "eddsa-jcs-2022")
    assert [s.name for s in for_signing()] == list(SIGNING_SUITES)
    assert DEFAULT_SUITE == "eddsa-rdfc-2022" == for_signing()[0].name
    assert get("eddsa-2022").proof_type == DATA_INTEGRITY_PROOF
    assert get(ED25519_SIGNATURE_2020).proof_type == ED25519_SIGNATURE_2020
    assert all(s.required_algorithm == "Ed25519" for s in SUITES.values())
    with pytest.raises(KeyError):
        get("ecdsa-rdfc-2019")
    with pytest.raises(TypeError):
        SUITES["x"] = get(DEFAULT_SUITE)  # type: ignore[index]


@pytest.mark.parametrize("name", ["eddsa-2022", ED25519_SIGNATURE_2020, "ecdsa-rdfc-2019"])
def test_verify_only_and_unknown_suites_do_not_sign(name: str) -> None:
    with pytest.raises(InvalidInput, match="use one of eddsa-rdfc-2022, eddsa-jcs-2022"):
        add_proof(CREDENTIAL, SIGNER, created=NOW, cryptosuite=name)


def test_the_api_offers_the_signing_suites() -> None:
    for body in (IssueOptions, BatchOptionsBody):
        field = body.model_json_schema()["properties"]["cryptosuite"]
        assert field["enum"] == list(SIGNING_SUITES)
        assert field["default"] == DEFAULT_SUITE
    assert IssueOptions(cryptosuite="eddsa-jcs-2022").cryptosuite == "eddsa-jcs-2022"
    with pytest.raises(ValidationError):
        IssueOptions(cryptosuite="eddsa-2022")


def test_a_new_suite_is_one_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    """The generic proof code signs and verifies any suite in the table."""
    suite = replace(get(DEFAULT_SUITE), name="x-test-rdfc")
    monkeypatch.setattr(data_integrity, "SUITES", {**SUITES, suite.name: suite})
    signed = add_proof(CREDENTIAL, SIGNER, created=NOW, cryptosuite=suite.name)
    proof = signed["proof"][-1]
    assert (proof["type"], proof["cryptosuite"]) == (DATA_INTEGRITY_PROOF, "x-test-rdfc")
    resolve = make_key_resolver({})
    verify_proof(signed, proof, resolve=resolve, allowed_suites={suite.name})
    with pytest.raises(ProofError, match="not accepted"):
        verify_proof(signed, proof, resolve=resolve)  # not in the default allowed set


def test_the_generic_proof_code_names_no_suite() -> None:
    source = (ISSUER / "proofs" / "data_integrity.py").read_text()
    assert not any(name in source for name in ("eddsa", "jcs", "rdfc", "Ed25519Signature"))


def test_keys_do_not_import_proofs() -> None:
    code = "import sys, issuer.keys.resolver; print([m for m in sys.modules if 'proofs' in m])"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ISSUER.parent, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_spec_strings_and_as_list_are_defined_once() -> None:
    defined = {
        str(path.relative_to(ISSUER))
        for path in ISSUER.rglob("*.py")
        for text in [path.read_text()]
        if '= "https://www.w3.org/2018/credentials/v1"' in text
        or "def as_list(" in text
        or "def _as_list(" in text
    }
    assert defined == {"model/spec.py"}
