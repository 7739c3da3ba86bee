"""The W3C vc-di-eddsa and 1EdTech OB/CLR test vectors, reproduced byte for byte."""

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from issuer.jsonld.canonical import canonicalize
from issuer.keys.did import multikey_method
from issuer.keys.ed25519 import KeyPair
from issuer.keys.multibase import encode_base58btc
from issuer.keys.resolver import make_key_resolver
from issuer.keys.signer import Signer
from issuer.proofs import add_proof, verify_proof
from issuer.proofs.eddsa_jcs_2022 import jcs
from issuer.proofs.eddsa_rdfc_2022 import hash_data as rdfc_hash_data
from issuer.proofs.proof_config import canonical_proof_config

VECTORS = Path(__file__).parents[2] / "vectors"
W3C = VECTORS / "w3c-vc-di-eddsa"
W3C_CREATED = datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC)
EDTECH_CREATED = datetime(2010, 1, 1, 19, 23, 24, tzinfo=UTC)


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8").strip()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


W3C_PAIR = KeyPair.from_secret_multibase(_json(W3C / "keyPair.json")["privateKeyMultibase"])
W3C_SIGNER = Signer(W3C_PAIR, f"did:key:{W3C_PAIR.public_multibase}#{W3C_PAIR.public_multibase}")
UNSIGNED = _json(W3C / "unsigned.json")


def test_w3c_key_pair_matches() -> None:
    assert W3C_PAIR.public_multibase == _json(W3C / "keyPair.json")["publicKeyMultibase"]


def test_w3c_eddsa_rdfc_2022_vector() -> None:
    folder = W3C / "eddsa-rdfc-2022"
    config = _json(folder / "proofConfigDataInt.json")
    proof_canon = canonical_proof_config(config)
    doc_canon = canonicalize(UNSIGNED)
    assert proof_canon.encode() == (folder / "proofCanonDataInt.txt").read_bytes()
    assert doc_canon.encode() == (folder / "canonDocDataInt.txt").read_bytes()
    assert _sha256(proof_canon.encode()) == _text(folder / "proofHashDataInt.txt")
    assert _sha256(doc_canon.encode()) == _text(folder / "docHashDataInt.txt")
    options = {k: v for k, v in config.items() if k != "@context"}
    data = rdfc_hash_data(UNSIGNED, options)
    assert data.hex() == _text(folder / "combinedHashDataInt.txt")
    assert W3C_PAIR.sign(data).hex() == _text(folder / "sigHexDataInt.txt")
    signed = add_proof(UNSIGNED, W3C_SIGNER, created=W3C_CREATED)
    expected = _json(folder / "signedDataInt.json")
    assert signed["proof"] == [expected["proof"]]
    assert list(signed["proof"][0]) == list(expected["proof"])
    assert signed["proof"][0]["proofValue"] == _text(folder / "sigBTC58DataInt.txt")
    assert {k: v for k, v in signed.items() if k != "proof"} == UNSIGNED


def test_w3c_eddsa_jcs_2022_vector() -> None:
    folder = W3C / "eddsa-jcs-2022"
    config = _json(folder / "proofConfigJCS.json")
    assert jcs(config) == (folder / "proofCanonJCS.txt").read_bytes().strip()
    assert jcs(UNSIGNED) == (folder / "canonDocJCS.txt").read_bytes().strip()
    assert _sha256(jcs(config)) == _text(folder / "proofHashJCS.txt")
    assert _sha256(jcs(UNSIGNED)) == _text(folder / "docHashJCS.txt")
    combined = hashlib.sha256(jcs(config)).digest() + hashlib.sha256(jcs(UNSIGNED)).digest()
    assert combined.hex() == _text(folder / "combinedHashJCS.txt")
    assert W3C_PAIR.sign(combined).hex() == _text(folder / "sigHexJCS.txt")
    signed = add_proof(UNSIGNED, W3C_SIGNER, created=W3C_CREATED, cryptosuite="eddsa-jcs-2022")
    expected = _json(folder / "signedJCS.json")
    assert signed["proof"] == [expected["proof"]]
    assert list(signed["proof"][0]) == list(expected["proof"])
    assert signed["proof"][0]["proofValue"] == _text(folder / "sigBTC58JCS.txt")


def test_w3c_ed25519_signature_2020_vector_hashes_and_signature() -> None:
    folder = W3C / "Ed25519Signature2020"
    config = _json(folder / "proofConfigEdSig.json")
    signed = _json(folder / "signedEdSig.json")
    document = {k: v for k, v in signed.items() if k != "proof"}
    proof_canon = canonicalize(config)
    doc_canon = canonicalize(document)
    assert proof_canon.encode() == (folder / "proofCanonEdSig.txt").read_bytes()
    assert doc_canon.encode() == (folder / "canonDocEdSig.txt").read_bytes()
    assert _sha256(proof_canon.encode()) == _text(folder / "proofHashEdSig.txt")
    assert _sha256(doc_canon.encode()) == _text(folder / "docHashEdSig.txt")
    combined = bytes.fromhex(_text(folder / "combinedHashEdSig.txt"))
    assert W3C_PAIR.sign(combined).hex() == _text(folder / "sigHexEdSig.txt")
    assert encode_base58btc(W3C_PAIR.sign(combined)) == _text(folder / "sigBTC58EdSig.txt")


@pytest.mark.parametrize(
    ("folder", "signed_file"),
    [
        ("eddsa-rdfc-2022", "signedDataInt.json"),
        ("eddsa-jcs-2022", "signedJCS.json"),
        ("Ed25519Signature2020", "signedEdSig.json"),
    ],
)
def test_w3c_signed_documents_verify(folder: str, signed_file: str) -> None:
    signed = _json(W3C / folder / signed_file)
    method = verify_proof(signed, signed["proof"], resolve=make_key_resolver({}))
    assert method.controller == f"did:key:{W3C_PAIR.public_multibase}"


EDTECH = ["1edtech-ob-v3p0-eddsa-rdfc-2022", "1edtech-clr-v2p0-eddsa-rdfc-2022"]


@pytest.mark.parametrize("name", EDTECH)
def test_1edtech_vector(name: str) -> None:
    folder = VECTORS / name
    key = _json(folder / "key.json")
    expected = _json(folder / "expected.json")
    unsigned = _json(folder / "credential.unsigned.json")
    options = _json(folder / "proof-options.json")
    pair = KeyPair.from_secret_multibase(key["secretKeyMultibase"])
    proof_canon = canonical_proof_config({**options, "@context": unsigned["@context"]})
    doc_canon = canonicalize(unsigned)
    assert proof_canon.encode() == (folder / "proof-canon.txt").read_bytes()
    assert doc_canon.encode() == (folder / "document-canon.txt").read_bytes()
    assert _sha256(proof_canon.encode()) == expected["proofHashHex"]
    assert _sha256(doc_canon.encode()) == expected["documentHashHex"]
    data = rdfc_hash_data(unsigned, options)
    assert data.hex() == expected["dataToSignHex"]
    assert pair.sign(data).hex() == expected["signatureHex"]
    signed = add_proof(unsigned, Signer(pair, key["verificationMethod"]), created=EDTECH_CREATED)
    assert signed["proof"][0]["proofValue"] == expected["proofValue"]
    assert {k: v for k, v in signed["proof"][0].items() if k != "proofValue"} == options


@pytest.mark.parametrize("name", EDTECH)
def test_1edtech_signed_credential_verifies(name: str) -> None:
    key = _json(VECTORS / name / "key.json")
    signed = _json(VECTORS / name / "credential.signed.json")
    controller = key["controller"]
    document = {
        "id": controller,
        "verificationMethod": [
            multikey_method(key["verificationMethod"], controller, key["publicKeyMultibase"])
        ],
        "assertionMethod": [key["verificationMethod"]],
    }
    proof = signed["proof"][0] if isinstance(signed["proof"], list) else signed["proof"]
    method = verify_proof(signed, proof, resolve=make_key_resolver({controller: document}))
    assert method.controller == controller == signed["issuer"]["id"]
