"""Status index allocation: random, never reused, new sets as lists fill, safe under concurrency."""

import random
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from issuer.store.database import make_engine, migrate
from issuer.store.status_lists import StatusListStore, list_id

NOW = datetime(2026, 11, 22, tzinfo=UTC)


@pytest.fixture
def make_store() -> Iterator[Callable[[str, int], StatusListStore]]:
    """Build stores on migrated databases; dispose of their engines afterwards."""
    engines: list[Engine] = []

    def build(database_url: str, length: int) -> StatusListStore:
        engine = make_engine(database_url)
        engines.append(engine)
        migrate(engine)
        return StatusListStore(engine, length=length)

    yield build
    for engine in engines:
        engine.dispose()


def test_allocations_are_unique_and_open_a_new_set_when_full(database_url: str, make_store) -> None:  # type: ignore[no-untyped-def]
    store = make_store(database_url, 64)
    slots = store.allocate(50, now=NOW, rng=random.Random(1))
    slots += store.allocate(30, now=NOW, rng=random.Random(1))
    slots += [s for _ in range(20) for s in store.allocate(1, now=NOW)]
    assert len(slots) == 100
    assert len(set(slots)) == 100
    assert sorted({s.set_number for s in slots}) == [1, 2]
    assert sum(s.set_number == 1 for s in slots) == 64
    assert all(0 <= s.index < 64 for s in slots)
    for purpose in ("revocation", "suspension"):
        for set_number in (1, 2):
            stored = store.get(list_id(purpose, set_number))
            assert stored is not None and stored.bits == bytes(8)


def test_indices_are_random_not_sequential(tmp_path: Path, make_store) -> None:  # type: ignore[no-untyped-def]
    store = make_store(f"sqlite:///{tmp_path / 'db.sqlite3'}", 131_072)
    indices = [s.index for s in store.allocate(200, now=NOW)]
    assert sorted(indices) != list(range(min(indices), min(indices) + 200))
    assert max(indices) - min(indices) > 100_000


def test_set_bit_flips_one_bit_msb_first(tmp_path: Path, make_store) -> None:  # type: ignore[no-untyped-def]
    store = make_store(f"sqlite:///{tmp_path / 'db.sqlite3'}", 64)
    store.allocate(1, now=NOW)
    with store._engine.begin() as conn:
        updated = store.set_bit(conn, "revocation-1", 9, True, NOW)
    assert updated.bits[1] == 0b0100_0000
    assert updated.version == 1
    with store._engine.begin() as conn:
        cleared = store.set_bit(conn, "revocation-1", 9, False, NOW)
    assert cleared.bits == bytes(8)


def test_concurrent_workers_never_share_an_index(database_url: str, make_store) -> None:  # type: ignore[no-untyped-def]
    store = make_store(database_url, 256)  # small: workers collide and lists fill up
    results: list[list] = []  # type: ignore[type-arg]
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            mine = []
            for _ in range(20):
                mine += store.allocate(5, now=NOW)
            results.append(mine)
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    slots = [s for r in results for s in r]
    assert len(slots) == 8 * 20 * 5
    assert len(set(slots)) == len(slots)
