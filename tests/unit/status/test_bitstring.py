"""StatusBits against the Bitstring Status List v1.0 rules and the spec's own example list."""

import base64
import gzip
import json
from pathlib import Path

import pytest

from issuer.errors import InvalidInput
from issuer.status.bitstring import (
    MAX_DECODED_BYTES,
    MIN_LENGTH,
    StatusBits,
    StatusIndexOutOfRange,
    StatusListError,
    StatusListTooShort,
)

EXAMPLES = Path("/work/shared/reference/examples/bitstring-status-list")


def _encode_raw(data: bytes, *, prefix: str = "u") -> str:
    return prefix + base64.urlsafe_b64encode(gzip.compress(data)).decode().rstrip("=")


def test_new_list_is_all_zero_and_at_least_the_spec_minimum() -> None:
    bits = StatusBits()
    assert len(bits) == MIN_LENGTH == 131_072
    assert bits.count() == 0
    assert not bits.get(0)
    assert not bits.get(MIN_LENGTH - 1)


@pytest.mark.parametrize("length", [8, 131_064, 131_073])
def test_refuses_short_or_ragged_lengths(length: int) -> None:
    with pytest.raises(StatusListError):
        StatusBits(length)


def test_index_zero_is_the_most_significant_bit_of_byte_zero() -> None:
    bits = StatusBits()
    bits.set(0)
    bits.set(9)
    bits.set(MIN_LENGTH - 1)
    data = bits.to_bytes()
    assert data[0] == 0b1000_0000
    assert data[1] == 0b0100_0000
    assert data[-1] == 0b0000_0001
    assert bits.count() == 3


def test_set_false_clears_only_that_bit() -> None:
    bits = StatusBits()
    bits.set(5)
    bits.set(6)
    bits.set(5, False)
    assert not bits.get(5)
    assert bits.get(6)


@pytest.mark.parametrize("index", [-1, MIN_LENGTH, 10**9])
def test_out_of_range_index_is_a_range_error(index: int) -> None:
    bits = StatusBits()
    with pytest.raises(StatusIndexOutOfRange):
        bits.get(index)
    with pytest.raises(StatusIndexOutOfRange):
        bits.set(index)


def test_multi_bit_values_are_read_msb_first_at_index_times_size() -> None:
    bits = StatusBits()
    # entry 3 of a 2-bit list occupies bits 6 and 7
    bits.set(6)
    assert bits.value(3, 2) == 0b10
    bits.set(7)
    assert bits.value(3, 2) == 0b11
    assert bits.value(2, 2) == 0
    with pytest.raises(StatusIndexOutOfRange):
        bits.value(MIN_LENGTH // 2, 2)


def test_encode_is_u_prefixed_unpadded_base64url_of_gzip() -> None:
    bits = StatusBits()
    bits.set(94567)
    encoded = bits.encode()
    assert encoded.startswith("uH4sI")
    assert "=" not in encoded and "+" not in encoded and "/" not in encoded
    body = encoded[1:]
    raw = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    assert raw == bits.to_bytes()


def test_encode_is_deterministic() -> None:
    assert StatusBits().encode() == StatusBits().encode()


def test_round_trip() -> None:
    bits = StatusBits(MIN_LENGTH * 2)
    for index in (0, 1, 7, 8, 94567, MIN_LENGTH * 2 - 1):
        bits.set(index)
    decoded = StatusBits.decode(bits.encode())
    assert decoded == bits
    assert len(decoded) == MIN_LENGTH * 2


def test_decodes_the_spec_example_list() -> None:
    example = json.loads(
        (EXAMPLES / "example3-bitstring-status-list-credential.unsigned.json").read_text()
    )
    bits = StatusBits.decode(example["credentialSubject"]["encodedList"])
    assert len(bits) == MIN_LENGTH
    assert bits.count() == 0


def test_decode_rejects_a_missing_prefix() -> None:
    unprefixed = StatusBits().encode()[1:]
    with pytest.raises(StatusListError, match="prefix"):
        StatusBits.decode(unprefixed)


def test_decode_accepts_statuslist2021_form_only_when_asked() -> None:
    bits = StatusBits()
    bits.set(42)
    unprefixed = bits.encode()[1:]
    assert unprefixed.startswith("H4sI")
    assert StatusBits.decode(unprefixed, allow_unprefixed=True).get(42)
    # the prefixed form is still fine with the flag
    assert StatusBits.decode(bits.encode(), allow_unprefixed=True).get(42)


@pytest.mark.parametrize(
    "encoded",
    [
        "u",
        "u!!!!",
        "uH4sI+/==",
        "u" + base64.urlsafe_b64encode(b"not gzip at all").decode(),
        _encode_raw(b"\x00" * 100)[:-10],  # truncated gzip
        42,
    ],
)
def test_decode_rejects_bad_data(encoded: object) -> None:
    with pytest.raises(StatusListError):
        StatusBits.decode(encoded)  # type: ignore[arg-type]


def test_decode_rejects_a_list_shorter_than_131072_bits() -> None:
    with pytest.raises(StatusListTooShort):
        StatusBits.decode(_encode_raw(b"\x00" * (MIN_LENGTH // 8 - 1)))


def test_decode_refuses_a_gzip_bomb() -> None:
    bomb = _encode_raw(b"\x00" * (MAX_DECODED_BYTES + 1))
    assert len(bomb) < 100_000
    with pytest.raises(StatusListError, match="too large"):
        StatusBits.decode(bomb)


def test_errors_are_invalid_input() -> None:
    assert issubclass(StatusListError, InvalidInput)
