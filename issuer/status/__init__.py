"""Bitstring Status List v1.0: the pure bitstring codec (`bitstring.StatusBits`)."""

from issuer.status.bitstring import (
    StatusBits,
    StatusIndexOutOfRange,
    StatusListError,
    StatusListTooShort,
)

__all__ = ["StatusBits", "StatusIndexOutOfRange", "StatusListError", "StatusListTooShort"]
