"""The bitstring of a Bitstring Status List v1.0: set and read bits, encode and decode.

Pure: no I/O. Bit `i` is the most significant bit of byte `i // 8` (index 0 is the
left-most bit), as the spec's "Bitstring Expansion Algorithm" says. The encoded form is
the multibase base64url prefix "u" followed by the base64url (no padding) of the GZIP of
the bytes. StatusList2021, the spec's predecessor, used the same encoding without the
"u"; `decode` accepts that form only when asked to (`allow_unprefixed=True`).

    >>> bits = StatusBits()
    >>> bits.set(94567)
    >>> StatusBits.decode(bits.encode()).get(94567)
    True
"""

import base64
import binascii
import gzip
import re
import zlib

from issuer.errors import InvalidInput

MIN_LENGTH = 131_072
"""The smallest list the spec allows (16 KiB), so that one credential hides among many."""

MAX_DECODED_BYTES = 16 * 1024 * 1024
"""Refuse encoded lists that inflate to more than this (a GZIP bomb guard): 134 million bits."""

_BASE64URL = re.compile(r"[A-Za-z0-9_-]*={0,2}")


class StatusListError(InvalidInput):
    """An encoded status list that cannot be used: bad encoding, or too short."""

    code = "status-list-error"
    title = "Unusable status list"


class StatusIndexOutOfRange(StatusListError):
    """A status index beyond the end of the list (the spec's RANGE_ERROR)."""

    code = "status-index-out-of-range"
    title = "Status index out of range"


class StatusListTooShort(StatusListError):
    """A decoded list shorter than MIN_LENGTH bits (the spec's STATUS_LIST_LENGTH_ERROR)."""

    code = "status-list-too-short"
    title = "Status list too short"


class StatusBits:
    """A fixed-length list of status bits, all 0 to start with."""

    def __init__(self, length: int = MIN_LENGTH) -> None:
        if length < MIN_LENGTH or length % 8:
            raise StatusListError(
                f"a status list must hold a multiple of 8 bits and at least {MIN_LENGTH}, "
                f"not {length}"
            )
        self._bytes = bytearray(length // 8)

    @classmethod
    def from_bytes(cls, data: bytes) -> "StatusBits":
        """Return the list whose uncompressed bytes are `data` (MSB first); raises StatusListError."""
        bits = cls(len(data) * 8)
        bits._bytes[:] = data
        return bits

    def to_bytes(self) -> bytes:
        """Return the uncompressed bytes, bit 0 being the most significant bit of byte 0."""
        return bytes(self._bytes)

    def __len__(self) -> int:
        return len(self._bytes) * 8

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StatusBits) and self._bytes == other._bytes

    def __hash__(self) -> int:
        return hash(bytes(self._bytes))

    def __repr__(self) -> str:
        return f"StatusBits(length={len(self)}, set={self.count()})"

    def _check_index(self, index: int, size: int = 1) -> None:
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise StatusIndexOutOfRange(f"a status index is a whole number ≥ 0, not {index!r}")
        if (index + 1) * size > len(self):
            raise StatusIndexOutOfRange(
                f"status index {index} is beyond the end of a list of {len(self) // size} entries"
            )

    def get(self, index: int) -> bool:
        """Return whether bit `index` is set; raises StatusIndexOutOfRange."""
        self._check_index(index)
        return bool((self._bytes[index // 8] >> (7 - index % 8)) & 1)

    def set(self, index: int, value: bool = True) -> None:
        """Set bit `index` to `value`; raises StatusIndexOutOfRange."""
        self._check_index(index)
        mask = 1 << (7 - index % 8)
        if value:
            self._bytes[index // 8] |= mask
        else:
            self._bytes[index // 8] &= ~mask & 0xFF

    def value(self, index: int, size: int = 1) -> int:
        """Return entry `index` of a list whose entries are `size` bits wide, read MSB first.

        The entry starts at bit `index * size` (the spec's statusSize). Raises
        StatusIndexOutOfRange.
        """
        if size < 1:
            raise StatusListError(f"a status size is at least 1, not {size}")
        self._check_index(index, size)
        result = 0
        for position in range(index * size, (index + 1) * size):
            result = (result << 1) | ((self._bytes[position // 8] >> (7 - position % 8)) & 1)
        return result

    def count(self) -> int:
        """Return how many bits are set."""
        return sum(bin(byte).count("1") for byte in self._bytes)

    def encode(self) -> str:
        """Return the `encodedList` form: "u" + base64url-no-padding(GZIP(bytes))."""
        compressed = gzip.compress(bytes(self._bytes), mtime=0)
        return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, encoded: str, *, allow_unprefixed: bool = False) -> "StatusBits":
        """Return the list an `encodedList` value holds; raises StatusListError.

        Rejects a missing "u" prefix (unless `allow_unprefixed`, for StatusList2021 lists),
        characters outside base64url, data that is not GZIP, more than MAX_DECODED_BYTES
        once inflated, and lists shorter than MIN_LENGTH bits.
        """
        if not isinstance(encoded, str):
            raise StatusListError("the encoded status list is not a string")
        if encoded.startswith("u"):
            body = encoded[1:]
        elif allow_unprefixed:
            body = encoded
        else:
            raise StatusListError(
                'the encoded status list does not start with the multibase prefix "u"'
            )
        if not _BASE64URL.fullmatch(body):
            raise StatusListError("the encoded status list is not base64url")
        body = body.rstrip("=")
        try:
            compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except (binascii.Error, ValueError) as err:
            raise StatusListError("the encoded status list is not base64url") from err
        data = _gunzip(compressed)
        if len(data) * 8 < MIN_LENGTH:
            raise StatusListTooShort(
                f"the status list holds {len(data) * 8} bits; the minimum is {MIN_LENGTH}"
            )
        return cls.from_bytes(data)


def _gunzip(compressed: bytes) -> bytes:
    """Inflate one GZIP member, refusing output beyond MAX_DECODED_BYTES."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(compressed, MAX_DECODED_BYTES + 1)
    except zlib.error as err:
        raise StatusListError("the encoded status list is not GZIP data") from err
    if len(data) > MAX_DECODED_BYTES:
        raise StatusListError("the status list is too large once uncompressed")
    if not inflater.eof:
        raise StatusListError("the encoded status list is truncated GZIP data")
    return data
