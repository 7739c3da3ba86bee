"""Batches on SQLite and PostgreSQL: worker processes, replace, and two runs racing."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from issuer.paths import seed_files
from issuer.services.batches import BatchOptions
from issuer.services.roster import read_csv
from issuer.settings import Settings
from issuer.store.database import credentials_table
from issuer.wiring import Services, build_services
from tests.conftest import BASE_URL

FRAMEWORK = "43-4171.00"


@pytest.fixture
def db_settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(base_url=BASE_URL, database_url=database_url, keys_dir=tmp_path / "keys")


@pytest.fixture
def svc(db_settings: Settings) -> Iterator[Services]:
    services = build_services(db_settings)
    now = datetime.now(UTC)
    services.keys.ensure(now=now)
    for path in seed_files():
        services.frameworks.import_file(path, now=now)
    yield services
    services.engine.dispose()


def roster_text(count: int) -> str:
    """`count` learners with one statement each, and one learner with the Developing level."""
    rows = [f"r{n}@example.org,R{n},{FRAMEWORK},,emerging-0{1 + n % 3}" for n in range(count)]
    return "\n".join(
        [
            "email,name,framework,level,statements",
            *rows,
            f"lev@example.org,L,{FRAMEWORK},Developing,",
        ]
    )


def active(svc: Services) -> list:  # type: ignore[type-arg]
    table = credentials_table
    with svc.engine.connect() as conn:
        return list(conn.execute(select(table).where(table.c.revoked_at.is_(None))).all())


def test_a_batch_signs_in_worker_processes_and_replaces(svc: Services) -> None:
    roster = read_csv(
        "email,name,framework,level\n"
        + "\n".join(f"r{n}@example.org,R{n},{FRAMEWORK},Emerging" for n in range(6))
    )
    now = datetime.now(UTC)
    batch, resumed = svc.batches.submit(
        roster, options=BatchOptions(), source_name="t.csv", actor="test", now=now
    )
    assert not resumed
    done = svc.batches.run(batch.id, workers=2, chunk_size=16)
    assert (done.status, done.issued, done.skipped, done.failed) == ("finished", 66, 0, 0)
    credentials = active(svc)
    assert len(credentials) == 66
    for row in credentials[:3] + credentials[-3:]:
        verdict = svc.verifier.credential(json.loads(row.document), now=datetime.now(UTC))
        assert verdict.verified, verdict

    again, _ = svc.batches.submit(
        roster, options=BatchOptions(replace=True), source_name="t.csv", actor="test", now=now
    )
    replaced = svc.batches.run(again.id, workers=2, chunk_size=16)
    assert (replaced.issued, replaced.skipped) == (66, 0)
    fresh = active(svc)
    assert {c.dedupe_key for c in fresh} == {c.dedupe_key for c in credentials}
    assert not {c.id for c in fresh} & {c.id for c in credentials}
    old = json.loads(credentials[0].document)
    verdict = svc.verifier.credential(old, now=datetime.now(UTC))
    assert not verdict.verified  # revoked: its bit is set in the re-signed list


def test_two_runs_racing_issue_each_credential_once(
    svc: Services, db_settings: Settings, tmp_path: Path
) -> None:
    roster = tmp_path / "race.csv"
    roster.write_text(roster_text(150), encoding="utf-8")
    env = {
        **os.environ,
        "ISSUER_BASE_URL": db_settings.base_url,
        "ISSUER_DATABASE_URL": db_settings.database_url,
        "ISSUER_KEYS_DIR": str(db_settings.keys_dir),
    }
    command = [sys.executable, "-m", "issuer", "issue-batch", str(roster), "--json"]
    runs = [
        subprocess.Popen(
            [*command, "--chunk-size", "20", "--workers", "1"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    for run, (_out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err
    credentials = active(svc)
    assert len(credentials) == len({c.dedupe_key for c in credentials}) == 161
    reports = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    assert all(r["failed"] == 0 for r in reports)
