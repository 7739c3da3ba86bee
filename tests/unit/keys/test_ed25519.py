"""Ed25519 key pairs: the W3C and 1EdTech test keys, Multikey forms, no secrets in reprs."""

import json
from pathlib import Path

import pytest

from issuer.errors import InvalidInput
from issuer.keys.ed25519 import KeyPair, public_key_from_multibase
from issuer.keys.multibase import ED25519_PRIV, encode_multikey

VECTORS = Path(__file__).parents[2] / "vectors"
W3C_KEY = json.loads((VECTORS / "w3c-vc-di-eddsa" / "keyPair.json").read_text())
EDTECH_KEY = json.loads((VECTORS / "1edtech-ob-v3p0-eddsa-rdfc-2022" / "key.json").read_text())


def test_w3c_secret_key_gives_its_public_key() -> None:
    pair = KeyPair.from_secret_multibase(W3C_KEY["privateKeyMultibase"])
    assert pair.public_multibase == W3C_KEY["publicKeyMultibase"]
    assert pair.secret_multibase == W3C_KEY["privateKeyMultibase"]


def test_1edtech_secret_key_of_seed_and_public_half_is_accepted() -> None:
    pair = KeyPair.from_secret_multibase(EDTECH_KEY["secretKeyMultibase"])
    assert pair.public_multibase == EDTECH_KEY["publicKeyMultibase"]
    assert pair.public_key.public_bytes_raw().hex() == EDTECH_KEY["publicKeyHex"]


def test_a_secret_key_whose_public_half_does_not_match_is_refused() -> None:
    seed = bytes.fromhex(EDTECH_KEY["privateKeyHex (seed || public, 64 bytes)"])[:32]
    forged = encode_multikey(ED25519_PRIV, seed + b"\x00" * 32)
    with pytest.raises(InvalidInput, match="does not match"):
        KeyPair.from_secret_multibase(forged)


def test_from_seed_is_deterministic_and_checks_length() -> None:
    assert (
        KeyPair.from_seed(b"\x07" * 32).public_multibase
        == KeyPair.from_seed(b"\x07" * 32).public_multibase
    )
    with pytest.raises(InvalidInput):
        KeyPair.from_seed(b"\x07" * 31)


def test_signatures_verify_with_the_public_key_from_multibase() -> None:
    pair = KeyPair.generate()
    signature = pair.sign(b"data")
    assert len(signature) == 64
    public_key_from_multibase(pair.public_multibase).verify(signature, b"data")


@pytest.mark.parametrize(
    "value",
    [
        W3C_KEY["privateKeyMultibase"],  # a secret key, prefix 0x8026
        "z6Mk",  # too short
        "u7QEBAQ",  # not base58btc
    ],
)
def test_public_key_from_multibase_refuses_anything_but_an_ed25519_multikey(value: str) -> None:
    with pytest.raises(InvalidInput):
        public_key_from_multibase(value)


def test_repr_never_shows_the_private_key() -> None:
    pair = KeyPair.from_secret_multibase(W3C_KEY["privateKeyMultibase"])
    assert repr(pair) == "KeyPair()"
