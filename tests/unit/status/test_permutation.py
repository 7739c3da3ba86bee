"""The keyed index permutation: a bijection of range(size), fixed by its seed, random-looking."""

import pytest

from issuer.status.permutation import IndexPermutation


@pytest.mark.parametrize("size", [1, 2, 3, 5, 17, 64, 1000, 4097, 131_072])
def test_every_index_once(size: int) -> None:
    permutation = IndexPermutation(bytes(range(32)), size)
    assert sorted(permutation.take(0, size)) == list(range(size))


def test_the_seed_fixes_the_order() -> None:
    a = IndexPermutation(b"a" * 32, 131_072).take(0, 1000)
    assert IndexPermutation(b"a" * 32, 131_072).take(0, 1000) == a
    assert IndexPermutation(b"b" * 32, 131_072).take(0, 1000) != a
    assert IndexPermutation(b"a" * 32, 131_072).take(500, 10) == a[500:510]


def test_refuses_what_it_cannot_permute() -> None:
    with pytest.raises(ValueError, match="size"):
        IndexPermutation(b"a" * 32, 0)
    with pytest.raises(ValueError, match="seed"):
        IndexPermutation(b"short", 10)
    with pytest.raises(IndexError):
        IndexPermutation(b"a" * 32, 10)[10]
