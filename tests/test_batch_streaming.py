"""Batches in flat memory: rows stored and read back in chunks, duplicates found through the
database (not a map of every row), resumed after a failure; on SQLite and PostgreSQL."""

import io
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

import issuer.services.batch_running as batch_running
import issuer.store.batches as batch_store
from issuer.paths import seed_files
from issuer.services.batch_planning import (
    RosterProblems,
    learner_key,
    repeated_learners,
)
from issuer.services.batch_results import write_wallets_zip
from issuer.services.batches import BatchOptions
from issuer.services.roster import RosterRow, read_csv
from issuer.settings import Settings
from issuer.store.batches import BatchStore
from issuer.store.database import batch_rows_table, credentials_table
from issuer.wiring import Services, build_services
from tests.conftest import BASE_URL

FRAMEWORK = "43-4171.00"
NOW = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture
def svc(database_url: str, tmp_path: Path) -> Iterator[Services]:
    settings = Settings(base_url=BASE_URL, database_url=database_url, keys_dir=tmp_path / "keys")
    services = build_services(settings)
    services.keys.ensure(now=NOW)
    for path in seed_files():
        services.frameworks.import_file(path, now=NOW)
    yield services
    services.engine.dispose()


def roster_with_repeats() -> str:
    """Ana and a DID learner come back far apart (and Ana's email in other case): 3 of the
    13 credentials repeat an earlier row's."""
    rows = [f"ana@example.org,,{FRAMEWORK},emerging-01"]  # row 2
    rows += [f"l{n}@example.org,,{FRAMEWORK},emerging-03" for n in range(4)]  # rows 3-6
    rows += [f",did:key:z6Mkrepeat,{FRAMEWORK},emerging-04"]  # row 7
    rows += [f"ANA@Example.org,,{FRAMEWORK},emerging-01;emerging-02"]  # row 8: 1 duplicate
    rows += [f"m{n}@example.org,,{FRAMEWORK},emerging-03" for n in range(3)]  # rows 9-11
    rows += [f"ana@example.org,,{FRAMEWORK},emerging-02"]  # row 12: a duplicate of row 8
    rows += [f",did:key:z6Mkrepeat,{FRAMEWORK},emerging-04"]  # row 13: duplicate
    return "email,did,framework,statements\n" + "\n".join(rows) + "\n"


def stored(svc: Services) -> list[Any]:
    table = credentials_table
    with svc.engine.connect() as conn:
        return list(conn.execute(select(table.c.dedupe_key, table.c.batch_id)).all())


def test_duplicates_split_across_chunks_are_skipped_once(
    svc: Services, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(batch_store, "ROWS_CHUNK", 3)  # rows stored and read back 3 at a time
    path = tmp_path / "repeats.csv"
    path.write_text(roster_with_repeats(), encoding="utf-8")
    roster = read_csv(path)
    report = svc.batches.check(roster, BatchOptions())
    assert (report.rows, report.credentials, report.to_issue, report.skipped) == (12, 13, 10, 3)

    batch, resumed = svc.batches.submit(
        roster, options=BatchOptions(), source_name="r.csv", actor="test", now=NOW
    )
    assert not resumed and (batch.row_count, batch.credential_count) == (12, 13)
    repeated = BatchStore(svc.engine).repeated_learners(batch.id)
    ana, did = (RosterRow(0, email="ana@example.org"), RosterRow(0, did="did:key:z6Mkrepeat"))
    assert repeated == {learner_key(ana), learner_key(did)}

    done = svc.batches.run(batch.id, workers=0, chunk_size=2)
    assert (done.status, done.issued, done.skipped, done.failed) == ("finished", 10, 3, 0)
    keys = [row.dedupe_key for row in stored(svc)]
    assert len(keys) == len(set(keys)) == 10
    results = list(svc.batches.results(batch.id))
    assert [len(r.credentials) for r in results] == [1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1]
    out = io.BytesIO()
    for _ in write_wallets_zip(
        out,
        lambda: svc.batches.results(batch.id),
        base_url=BASE_URL,
        wallets=svc.wallet,
        now=NOW,
        with_clr=False,
    ):
        pass
    names = zipfile.ZipFile(out).namelist()
    ana = sorted(n for n in names if n.startswith("00002-ana/credentials/") and ".json" in n)
    assert len(ana) == 2 and len([n for n in names if n.endswith("/wallet-link.txt")]) == 9

    again = svc.batches.check(read_csv(path), BatchOptions())
    assert (again.to_issue, again.skipped) == (0, 13)


def test_a_batch_stored_without_learner_keys_still_skips_its_duplicates(
    svc: Services,
) -> None:
    """Rows stored before migration 0011 have no learner key: every learner is tracked."""
    batch, _ = svc.batches.submit(
        read_csv(roster_with_repeats()),
        options=BatchOptions(),
        source_name="r.csv",
        actor="test",
        now=NOW,
    )
    with svc.engine.begin() as conn:
        conn.execute(update(batch_rows_table).values(learner=None))
    assert BatchStore(svc.engine).repeated_learners(batch.id) is None
    done = svc.batches.run(batch.id, workers=0, chunk_size=4)
    assert (done.issued, done.skipped) == (10, 3)


def test_a_batch_failing_mid_way_resumes_from_the_same_file_without_issuing_twice(
    svc: Services, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "cohort.csv"
    lines = [f"r{n}@example.org,{FRAMEWORK},emerging-0{1 + n % 3}" for n in range(40)]
    path.write_text("email,framework,statements\n" + "\n".join(lines) + "\n", encoding="utf-8")
    batch, _ = svc.batches.submit(
        read_csv(path), options=BatchOptions(), source_name="c.csv", actor="test", now=NOW
    )
    real_draft, calls = batch_running._draft, []

    def failing_draft(*args: Any) -> Any:
        calls.append(1)
        if len(calls) > 35:  # the 4th chunk: the first is stored by then
            raise RuntimeError("the signing machine went away")
        return real_draft(*args)

    monkeypatch.setattr(batch_running, "_draft", failing_draft)
    with pytest.raises(RuntimeError):
        svc.batches.run(batch.id, workers=0, chunk_size=10)
    failed = svc.batches.get(batch.id)
    assert failed.status == "failed" and 0 < len(stored(svc)) < 40
    monkeypatch.setattr(batch_running, "_draft", real_draft)

    # the same roster, read from bytes this time: the same digest finds the batch again
    again, resumed = svc.batches.submit(
        read_csv(path.read_bytes()),
        options=BatchOptions(),
        source_name="c.csv",
        actor="test",
        now=NOW,
    )
    assert resumed and again.id == batch.id
    with svc.engine.connect() as conn:  # its rows were not stored again
        assert len(conn.execute(select(batch_rows_table.c.batch_id)).all()) == 40
    done = svc.batches.run(batch.id, workers=0, chunk_size=10)
    assert (done.status, done.issued, done.skipped, done.failed) == ("finished", 40, 0, 0)
    rows = stored(svc)
    assert len(rows) == len({r.dedupe_key for r in rows}) == 40


def test_repeated_learners_finds_every_learner_with_more_than_one_row() -> None:
    rows = [RosterRow(n, email=f"p{n % 5000}@example.org") for n in range(6000)]
    rows.append(RosterRow(6000, did="did:key:z6Mkonce"))
    repeated = repeated_learners(rows)
    expected = {learner_key(row) for row in rows[:1000]}
    assert expected <= repeated and len(repeated) < 1010  # a false "maybe" only costs tracking
    assert learner_key(rows[-1]) not in repeated


def test_problems_past_the_listed_ones_are_counted(
    svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    import issuer.services.roster as roster_module

    monkeypatch.setattr(roster_module, "LISTED_PROBLEMS", 2)
    text = "email,framework,statements\n" + "".join(
        f"bad{n},{FRAMEWORK},emerging-01\n" for n in range(5)
    )
    report = svc.batches.check(read_csv(text), BatchOptions())
    assert (report.problem_count, report.failed_rows) == (5, 5)
    assert [p.row for p in report.problems] == [2, 3, None]
    assert report.problems[-1].message == "and 3 more problems (the first 2 are listed)"
    with pytest.raises(RosterProblems, match=r"row 2: .* \(and 4 more: a dry run lists them all\)"):
        svc.batches.submit(
            read_csv(text), options=BatchOptions(), source_name="b.csv", actor="t", now=NOW
        )


def test_a_problem_in_the_last_row_stores_nothing(svc: Services) -> None:
    """Rows are stored as they are planned, in one transaction: a late problem rolls it back."""
    good = "".join(f"a{n}@example.org,{FRAMEWORK},emerging-01\n" for n in range(2500))
    text = f"email,framework,statements\n{good}z@example.org,99-9999.99,emerging-01\n"
    with pytest.raises(RosterProblems, match="row 2502"):
        svc.batches.submit(
            read_csv(text), options=BatchOptions(), source_name="c.csv", actor="t", now=NOW
        )
    assert svc.batches.recent() == []
    with svc.engine.connect() as conn:
        assert conn.execute(select(batch_rows_table)).all() == []
