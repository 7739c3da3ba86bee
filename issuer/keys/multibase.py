"""Multibase base58btc ('z') and the multicodec prefixes of Ed25519 keys."""

from issuer.errors import InvalidInput

BASE58BTC = "z"
ED25519_PUB = b"\xed\x01"
ED25519_PRIV = b"\x80\x26"
_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"  # Bitcoin's
_PAIRS = [first + second for first in _ALPHABET for second in _ALPHABET]  # 58² digit pairs
_PAIR_VALUES = {pair: n for n, pair in enumerate(_PAIRS)}
MAX_BASE58_DIGITS = 512
"""Longest base58 value decoded (a signature has 88 digits; decoding is quadratic in length)."""


def encode_base58btc(data: bytes) -> str:
    """Return `data` as multibase base58btc: 'z' followed by base58 (Bitcoin alphabet).

    The same text as `base58.b58encode`, two digits per division (three times faster on
    a signature): the number's digits without leading zeros, after one '1' per leading
    zero byte.
    """
    number = int.from_bytes(data, "big")
    pairs = []
    while number:
        number, pair = divmod(number, 3364)
        pairs.append(_PAIRS[pair])
    pairs.reverse()
    zeros = len(data) - len(data.lstrip(b"\0"))
    return BASE58BTC + "1" * zeros + "".join(pairs).lstrip("1")


def decode_base58btc(value: str) -> bytes:
    """Return the bytes of a 'z…' multibase string; raise `InvalidInput` otherwise (also for
    whitespace or any character outside the Bitcoin alphabet)."""
    if not isinstance(value, str) or not value.startswith(BASE58BTC) or len(value) < 2:
        raise InvalidInput("expected a multibase base58btc value starting with 'z'")
    if len(value) > MAX_BASE58_DIGITS:
        raise InvalidInput(f"the multibase value is longer than {MAX_BASE58_DIGITS} digits")
    digits = value[1:].lstrip("1")  # each leading '1' is a zero byte
    zeros = len(value) - 1 - len(digits)
    odd = len(digits) % 2
    try:
        number = _PAIR_VALUES["1" + digits[0]] if odd else 0
        for start in range(odd, len(digits), 2):  # two digits per step, as in encoding
            number = number * 3364 + _PAIR_VALUES[digits[start : start + 2]]
    except KeyError:
        raise InvalidInput("the multibase value is not valid base58btc") from None
    return b"\0" * zeros + number.to_bytes((number.bit_length() + 7) // 8, "big")


def encode_multikey(prefix: bytes, key: bytes) -> str:
    """Return `prefix || key` as multibase base58btc (the Multikey encoding)."""
    return encode_base58btc(prefix + key)


def decode_multikey(value: str, prefix: bytes) -> bytes:
    """Return the key bytes after multicodec `prefix`; raise `InvalidInput` on another prefix."""
    data = decode_base58btc(value)
    if not data.startswith(prefix):
        raise InvalidInput(
            f"the Multikey does not carry the expected multicodec prefix {prefix.hex()}"
        )
    return data[len(prefix) :]
