"""A keyed pseudo-random permutation of `range(size)`: where the n-th credential of a list goes.

Pure: no I/O. A status list hands out its indices in the order of a permutation derived
from the list's secret seed, so only a cursor (how many are handed out) is stored: the
n-th index is `IndexPermutation(seed, size)[n]`. Indices look random (neighbours in
issue order are far apart in the list, and nobody without the seed can tell which
index comes next) and none is ever given twice, at a cost that does not grow as the
list fills.

It is a balanced Feistel network over `2k` bits (`4 ** k >= size`) with four rounds
whose round function is a table of keyed BLAKE2b values (made once per seed), and
"cycle walking" to stay inside `range(size)` (Black and Rogaway, "Ciphers with Arbitrary
Finite Domains", 2002).

    >>> perm = IndexPermutation(b"seed" * 8, 131_072)
    >>> sorted(perm.take(0, 131_072)) == list(range(131_072))
    True
"""

import hashlib
from functools import lru_cache

ROUNDS = 4


class IndexPermutation:
    """The permutation of `range(size)` that `seed` selects."""

    def __init__(self, seed: bytes, size: int) -> None:
        if size < 1:
            raise ValueError("a permutation needs a size of at least 1")
        if len(seed) < 16:
            raise ValueError("the seed must have at least 16 bytes")
        self.size = size
        half = max(1, ((size - 1).bit_length() + 1) // 2)
        self._half = half
        self._mask = (1 << half) - 1
        self._tables = _round_tables(bytes(seed), half)

    def __getitem__(self, position: int) -> int:
        """Return the index at `position` (0 <= position < size)."""
        if not 0 <= position < self.size:
            raise IndexError(position)
        value = self._encrypt(position)
        while value >= self.size:  # cycle walking: at most a few steps on average
            value = self._encrypt(value)
        return value

    def take(self, start: int, count: int) -> list[int]:
        """Return the indices at positions `start` .. `start + count - 1`."""
        return [self[position] for position in range(start, start + count)]

    def _encrypt(self, value: int) -> int:
        half, mask = self._half, self._mask
        left, right = value >> half, value & mask
        for table in self._tables:
            left, right = right, left ^ table[right]
        return (left << half) | right


@lru_cache(maxsize=64)
def _round_tables(seed: bytes, half: int) -> tuple[tuple[int, ...], ...]:
    """Return each round's function as a table: a keyed hash of every half-block value."""
    mask = (1 << half) - 1
    key = hashlib.blake2b(seed, digest_size=32, person=b"ler-status-perm").digest()
    tables = []
    for round_number in range(ROUNDS):
        tables.append(
            tuple(
                int.from_bytes(
                    hashlib.blake2b(
                        round_number.to_bytes(1, "big") + value.to_bytes(4, "big"),
                        key=key,
                        digest_size=8,
                    ).digest(),
                    "big",
                )
                & mask
                for value in range(1 << half)
            )
        )
    return tuple(tables)
