"""Multibase base58btc ('z') and the multicodec prefixes of Ed25519 keys."""

import base58

from issuer.errors import InvalidInput

BASE58BTC = "z"
ED25519_PUB = b"\xed\x01"
ED25519_PRIV = b"\x80\x26"
_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"  # Bitcoin's
_PAIRS = [first + second for first in _ALPHABET for second in _ALPHABET]  # 58² digit pairs


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
    """Return the bytes of a 'z…' multibase string; raise `InvalidInput` otherwise."""
    if not isinstance(value, str) or not value.startswith(BASE58BTC) or len(value) < 2:
        raise InvalidInput("expected a multibase base58btc value starting with 'z'")
    try:
        return base58.b58decode(value[1:])
    except ValueError as err:
        raise InvalidInput("the multibase value is not valid base58btc") from err


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
