"""Status index allocation: random-looking, never reused, new sets as lists fill, safe under
concurrency, the same cost whatever the fill; and the migration from per-index allocations."""

import itertools
import random
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event, text

from issuer.store.database import MIGRATIONS_DIR, make_engine, migrate, write_transaction
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


def test_many_allocations_never_reuse_and_fill_each_set_exactly(
    database_url: str, make_store
) -> None:  # type: ignore[no-untyped-def]
    store = make_store(database_url, 1000)
    rng = random.Random(7)
    slots = []
    while len(slots) < 2500:
        slots += store.allocate(rng.randint(1, 333), now=NOW)
    slots = slots[:2500]
    assert len(set(slots)) == len(slots)
    by_set: dict[int, set[int]] = {}
    for slot in slots:
        by_set.setdefault(slot.set_number, set()).add(slot.index)
    assert by_set[1] == set(range(1000)) and by_set[2] == set(range(1000))  # full, then next
    assert min(by_set) == 1 and max(by_set) == 3
    assert all(0 <= index < 1000 for index in by_set[3])


def test_allocating_in_a_transaction_is_undone_with_it(database_url: str, make_store) -> None:  # type: ignore[no-untyped-def]
    store = make_store(database_url, 64)
    first = store.allocate(3, now=NOW)
    with pytest.raises(RuntimeError), write_transaction(store._engine) as conn:
        rolled_back = store.allocate_in(conn, 5, now=NOW)
        raise RuntimeError("the caller's unit of work fails")
    again = store.allocate(5, now=NOW)
    assert again == rolled_back  # nothing was reserved by the failed transaction
    assert not set(first) & set(again)


def test_indices_are_spread_over_the_list(tmp_path: Path, make_store) -> None:  # type: ignore[no-untyped-def]
    store = make_store(f"sqlite:///{tmp_path / 'db.sqlite3'}", 131_072)
    indices = [s.index for s in store.allocate(20_000, now=NOW, rng=random.Random(3))]
    buckets = [0] * 16  # 8,192 indices a bucket: each should hold about 1,250
    for index in indices:
        buckets[index // 8192] += 1
    assert all(1000 < count < 1500 for count in buckets), buckets
    gaps = [abs(a - b) for a, b in itertools.pairwise(indices)]
    assert sum(gap < 64 for gap in gaps) < 100  # neighbours in issue order are not neighbours
    assert sum(a < b for a, b in itertools.pairwise(indices)) in range(9500, 10500)
    other = make_store(f"sqlite:///{tmp_path / 'other.sqlite3'}", 131_072)
    assert [s.index for s in other.allocate(200, now=NOW)] != indices[:200]  # its own seed


def test_allocation_costs_the_same_statements_whatever_the_fill(
    database_url: str, make_store
) -> None:  # type: ignore[no-untyped-def]
    store = make_store(database_url, 4096)
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    store.allocate(1, now=NOW)  # opens set 1
    event.listen(store._engine, "before_cursor_execute", record)
    costs = []
    for _ in range(8):
        statements.clear()
        store.allocate(400, now=NOW)
        costs.append(len(statements))
    event.remove(store._engine, "before_cursor_execute", record)
    assert len(set(costs)) == 1 and costs[0] <= 5, costs  # the lock, one read, one update


def test_sets_made_before_the_cursor_are_closed_by_the_migration(database_url: str) -> None:
    engine = make_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0006")
            for purpose in ("revocation", "suspension"):
                connection.execute(
                    text(
                        "INSERT INTO status_lists (id, set_number, purpose, length, bits,"
                        " version, updated_at) VALUES (:id, 1, :purpose, 64, :bits, 3, :at)"
                    ),
                    {
                        "id": f"{purpose}-1",
                        "purpose": purpose,
                        "bits": b"\x80" + bytes(7),
                        "at": NOW,
                    },
                )
            connection.execute(
                text(
                    "INSERT INTO status_allocations (set_number, status_index, allocated_at)"
                    " VALUES (1, 0, :at)"
                ),
                {"at": NOW},
            )
        migrate(engine)
        store = StatusListStore(engine, length=64)
        slots = store.allocate(70, now=NOW)
        assert {s.set_number for s in slots} == {2, 3}
        kept = store.get("revocation-1")
        assert kept is not None and kept.bits == b"\x80" + bytes(7) and kept.version == 3
    finally:
        engine.dispose()


def test_concurrent_allocations_in_units_of_work_never_share_an_index(
    database_url: str,
    make_store,  # type: ignore[no-untyped-def]
) -> None:
    store = make_store(database_url, 300)  # small: the set fills while they race
    results: list[list] = []  # type: ignore[type-arg]
    errors: list[BaseException] = []

    def worker(in_transaction: bool) -> None:
        try:
            mine = []
            for _ in range(10):
                if in_transaction:
                    with write_transaction(store._engine) as conn:
                        mine += store.allocate_in(conn, 7, now=NOW)
                else:
                    mine += store.allocate(7, now=NOW)
            results.append(mine)
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=worker, args=(n % 2 == 0,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    slots = [s for r in results for s in r]
    assert len(slots) == 6 * 10 * 7 == len(set(slots))
    assert {s.set_number for s in slots} == {1, 2}
