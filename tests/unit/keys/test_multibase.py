"""Multibase base58btc and the Ed25519 multicodec prefixes."""

import base58
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from issuer.errors import InvalidInput
from issuer.keys.multibase import (
    ED25519_PRIV,
    ED25519_PUB,
    decode_base58btc,
    decode_multikey,
    encode_base58btc,
    encode_multikey,
)


def test_base58btc_round_trips_with_a_z_prefix() -> None:
    data = bytes(range(40))
    encoded = encode_base58btc(data)
    assert encoded.startswith("z")
    assert decode_base58btc(encoded) == data


def test_leading_zero_bytes_survive() -> None:
    assert decode_base58btc(encode_base58btc(b"\x00\x00\x01")) == b"\x00\x00\x01"


@pytest.mark.parametrize("value", ["", "z", "uAAAA", "Z6Mk", "z0OIl", 42])
def test_decoding_refuses_other_bases_and_bad_characters(value: object) -> None:
    with pytest.raises(InvalidInput):
        decode_base58btc(value)  # type: ignore[arg-type]


def test_ed25519_public_multikeys_start_z6mk() -> None:
    assert encode_multikey(ED25519_PUB, b"\x01" * 32).startswith("z6Mk")


def test_a_multikey_with_another_prefix_is_refused() -> None:
    secret = encode_multikey(ED25519_PRIV, b"\x01" * 32)
    assert secret.startswith("z3u2")
    with pytest.raises(InvalidInput, match="prefix"):
        decode_multikey(secret, ED25519_PUB)


@settings(max_examples=500)
@given(zeros=st.integers(0, 4), data=st.binary(max_size=80))
def test_base58btc_encoding_equals_the_base58_library(zeros: int, data: bytes) -> None:
    value = b"\0" * zeros + data
    assert encode_base58btc(value) == "z" + base58.b58encode(value).decode("ascii")


@settings(max_examples=500)
@given(zeros=st.integers(0, 4), data=st.binary(max_size=80))
def test_base58btc_decoding_equals_the_base58_library(zeros: int, data: bytes) -> None:
    text = base58.b58encode(b"\0" * zeros + data).decode("ascii")
    assume(text)  # a lone "z" is refused (tested above)
    assert decode_base58btc("z" + text) == base58.b58decode(text)


@settings(max_examples=300)
@given(
    text=st.text(
        alphabet="123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0OIl +/",
        min_size=1,
        max_size=60,
    )
)
def test_base58btc_decoding_agrees_with_the_library_or_refuses(text: str) -> None:
    """Any text: the library's bytes, or refused where the library refuses (or, unlike the
    library, where the text carries whitespace)."""
    try:
        expected = base58.b58decode(text)
    except ValueError:
        expected = None
    if text != text.rstrip():
        expected = None
    if expected is None:
        with pytest.raises(InvalidInput):
            decode_base58btc("z" + text)
    else:
        assert decode_base58btc("z" + text) == expected


def test_decoding_refuses_a_value_longer_than_any_key_or_signature() -> None:
    signature = encode_base58btc(b"\xff" * 64)
    assert len(signature) <= 89
    with pytest.raises(InvalidInput, match="longer than"):
        decode_base58btc("z" + "2" * 600)
