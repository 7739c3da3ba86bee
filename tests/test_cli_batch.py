"""`ler-issuer issue-batch` as a provider runs it: real database, real signing, real files.

Covers the dry run (every problem by row), idempotence, the replace policy, duplicates
inside one roster, results (summary CSV, wallet zip) and recovery after a real SIGKILL.
"""

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from issuer.settings import Settings
from issuer.store.database import audit_log_table, batches_table, credentials_table
from issuer.wallet.baking import extract_png, extract_svg
from issuer.wiring import Services, build_services
from tests.conftest import BASE_URL, Cli

FRAMEWORK = "43-4171.00"
HEADER = "email,did,name,framework,level,statements,evidence,narrative"


@pytest.fixture
def seeded(run_cli: Cli) -> Cli:
    assert run_cli("init").exit_code == 0
    return run_cli


@pytest.fixture
def svc(settings: Settings, seeded: Cli) -> Any:
    services = build_services(settings)
    yield services
    services.engine.dispose()


def write_roster(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def learners(count: int, statements: str = "emerging-01;emerging-02") -> list[str]:
    return [
        f"learner{n}@example.org,,Learner {n},{FRAMEWORK},,{statements},https://ex.org/{n},"
        for n in range(count)
    ]


def last_json(output: str) -> dict[str, Any]:
    return json.loads(output.strip().splitlines()[-1])  # type: ignore[no-any-return]


def active_credentials(svc: Services) -> list[Any]:
    table = credentials_table
    with svc.engine.connect() as conn:
        return list(conn.execute(select(table).where(table.c.revoked_at.is_(None))).all())


def verified(svc: Services, document: str) -> bool:
    result = svc.verifier.credential(json.loads(document), now=datetime.now(UTC))
    return bool(result.verified)


def test_dry_run_lists_every_problem_by_row_and_issues_nothing(
    seeded: Cli, svc: Services, tmp_path: Path
) -> None:
    roster = write_roster(
        tmp_path / "roster.csv",
        [
            f"ok@example.org,,Fine,{FRAMEWORK},Emerging,,,",  # row 2
            f"bad-email,,,{FRAMEWORK},,emerging-01,,",  # row 3
            f",,Nobody,{FRAMEWORK},Emerging,,,",  # row 4
            "x@example.org,,,99-9999.99,Emerging,,,",  # row 5
            f"y@example.org,,,{FRAMEWORK},,emerging-11;emerging-01;advanced-99,,",  # row 6
            f"z@example.org,,,{FRAMEWORK},Master,,,",  # row 7
            f"w@example.org,,,{FRAMEWORK},,emerging-01,not a url,",  # row 8
            f"v@example.org,,,{FRAMEWORK},,,,",  # row 9
        ],
    )
    result = seeded("issue-batch", str(roster), "--dry-run", "--json")
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    problems = [line for line in lines[:-1] if line.startswith(f"{roster}: row ")]
    rows = [int(line.split(": row ")[1].split(":")[0]) for line in problems]
    assert rows == [3, 4, 5, 6, 6, 7, 8, 9]
    assert (
        f"{roster}: row 3: email 'bad-email' is not an email address (write it like ana@example.org)"
        in problems
    )
    assert any("row 5: no framework '99-9999.99'" in line for line in problems)
    assert any("row 6:" in line and "no statement 'emerging-11'" in line for line in problems)
    assert any("row 6:" in line and "no statement 'advanced-99'" in line for line in problems)
    assert any("row 7:" in line and "no level 'Master'" in line for line in problems)
    report = last_json(result.stdout)
    assert report["dryRun"] is True
    assert (report["rows"], report["issued"], report["failed"]) == (8, 0, 7)
    assert report["toIssue"] == 11  # row 2: ten statements and the level
    assert "Traceback" not in result.output
    assert active_credentials(svc) == []

    real = seeded("issue-batch", str(roster))
    assert real.exit_code == 1
    (line,) = real.stderr.strip().splitlines()
    assert line.startswith(f"Error: {roster}: row 3: email 'bad-email' is not an email address")
    assert "and 7 more" in line
    assert active_credentials(svc) == []


def test_a_bad_file_is_one_line_naming_it(seeded: Cli, tmp_path: Path) -> None:
    roster = tmp_path / "people.csv"
    roster.write_text("emial,framework,level\nx@example.org,f,l\n", encoding="utf-8")
    result = seeded("issue-batch", str(roster))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {roster}: row 1: unknown column 'emial' (did you mean 'email'? the columns "
        "are: email, did, name, framework, level, statements, evidence, narrative, valid_until)"
    )
    roster.write_bytes(b"\xff\xfe\x00")
    result = seeded("issue-batch", str(roster))
    assert result.exit_code == 1 and "is not UTF-8 text" in result.stderr


def test_the_same_roster_twice_issues_nothing_twice(
    seeded: Cli, svc: Services, tmp_path: Path
) -> None:
    rows = [
        *learners(30),
        # the same learner again, overlapping: only emerging-03 is new
        f"learner0@example.org,,Learner 0,{FRAMEWORK},,emerging-01;emerging-03,,",
    ]
    roster = write_roster(tmp_path / "cohort.csv", rows)
    first = seeded("issue-batch", str(roster), "--json", "--workers", "2", "--chunk-size", "16")
    assert first.exit_code == 0, first.output
    counts = last_json(first.stdout)
    assert {k: counts[k] for k in ("rows", "issued", "skipped", "failed")} == {
        "rows": 31,
        "issued": 61,
        "skipped": 1,
        "failed": 0,
    }
    issued = active_credentials(svc)
    assert len(issued) == 61
    assert len({c.dedupe_key for c in issued}) == 61
    assert all(verified(svc, c.document) for c in issued[:5])

    again = seeded("issue-batch", str(roster), "--json")
    assert again.exit_code == 0, again.output
    counts = last_json(again.stdout)
    assert (counts["issued"], counts["skipped"], counts["failed"]) == (0, 62, 0)
    assert counts["batch"] != last_json(first.stdout)["batch"]
    assert len(active_credentials(svc)) == 61


def test_replace_revokes_and_reissues(seeded: Cli, svc: Services, tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "r.csv", learners(3, "emerging-01"))
    assert seeded("issue-batch", str(roster)).exit_code == 0
    old = {c.dedupe_key: c for c in active_credentials(svc)}
    assert len(old) == 3

    dry = seeded("issue-batch", str(roster), "--replace", "--dry-run", "--json")
    assert dry.exit_code == 0
    assert (last_json(dry.stdout)["toReplace"], last_json(dry.stdout)["toIssue"]) == (3, 3)

    result = seeded("issue-batch", str(roster), "--replace", "--json")
    assert result.exit_code == 0, result.output
    assert (last_json(result.stdout)["issued"], last_json(result.stdout)["skipped"]) == (3, 0)
    new = {c.dedupe_key: c for c in active_credentials(svc)}
    assert set(new) == set(old)
    for key, credential in new.items():
        assert credential.id != old[key].id
        assert verified(svc, credential.document)
        stale = svc.credentials.get(old[key].id)
        assert stale is not None and stale.revoked_at is not None
        assert not verified(svc, stale.document)  # its revocation bit is set


def test_summary_csv_and_wallet_zip(seeded: Cli, svc: Services, tmp_path: Path) -> None:
    roster = write_roster(
        tmp_path / "r.csv",
        [
            f"ana@example.org,,Ana García,{FRAMEWORK},,emerging-01;emerging-02,,",
            f",did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH,Ben,{FRAMEWORK},,emerging-03,,",
        ],
    )
    summary, wallets = tmp_path / "summary.csv", tmp_path / "wallets.zip"
    result = seeded(
        "issue-batch", str(roster), "--summary", str(summary), "--wallets", str(wallets)
    )
    assert result.exit_code == 0, result.output
    lines = list(csv.DictReader(io.StringIO(summary.read_text(encoding="utf-8"))))
    assert [line["row"] for line in lines] == ["2", "3"]
    assert lines[0]["email"] == "ana@example.org" and lines[0]["name"] == "Ana García"
    assert lines[1]["did"].startswith("did:key:")
    assert (lines[0]["credentials"], lines[0]["issued_by_batch"]) == ("2", "2")
    for line in lines:
        assert line["wallet"].startswith(f"{BASE_URL}/wallet/")
        for url in line["credential_urls"].split(";"):
            stored = svc.credentials.get_by_url(url)
            assert stored is not None and stored.wallet_id == line["wallet"].rsplit("/", 1)[1]

    with zipfile.ZipFile(wallets) as archive:
        names = archive.namelist()
        assert "summary.csv" in names
        ana = sorted(n for n in names if n.startswith("00002-ana-garcia/"))
        stem = "00002-ana-garcia/credentials/43-4171.00-v.26.05-statements-emerging-01"
        assert f"{stem}.json" in ana and f"{stem}.png" in ana and f"{stem}.svg" in ana
        assert "00002-ana-garcia/presentation.json" in ana
        assert "00002-ana-garcia/clr-43-4171.00-v.26.05.json" in ana
        document = archive.read(f"{stem}.json").decode()
        assert extract_png(archive.read(f"{stem}.png")) == document
        assert extract_svg(archive.read(f"{stem}.svg")) == document
        assert verified(svc, document)
        presentation = json.loads(archive.read("00002-ana-garcia/presentation.json"))
        assert len(presentation["verifiableCredential"]) == 2
        clr = json.loads(archive.read("00002-ana-garcia/clr-43-4171.00-v.26.05.json"))
        assert "ClrCredential" in clr["type"] and clr["proof"]
        link = archive.read("00002-ana-garcia/wallet-link.txt").decode().strip()
        assert link == lines[0]["wallet"]
        assert any(n.startswith("00003-ben/credentials/") for n in names)


def _count(svc: Services) -> int:
    with svc.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(credentials_table)).scalar_one())


def test_a_batch_killed_half_way_completes_when_run_again(
    seeded: Cli, svc: Services, tmp_path: Path
) -> None:
    learners_count, per_learner = 200, 2
    expected = learners_count * per_learner
    roster = write_roster(tmp_path / "big.csv", learners(learners_count))
    env = {**os.environ, **seeded.env}
    process = subprocess.Popen(
        [sys.executable, "-m", "issuer", "issue-batch", str(roster), "--chunk-size", "25"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the kill takes its workers too
    )
    deadline = time.monotonic() + 120
    try:
        while _count(svc) < 75:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "the batch did not start"
            time.sleep(0.01)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        if process.stderr:
            process.stderr.close()
    stored_before = _count(svc)
    assert 75 <= stored_before < expected, "the kill should land half-way"
    with svc.engine.connect() as conn:
        (status,) = conn.execute(select(batches_table.c.status)).one()
    assert status == "running"  # it never finished

    again = seeded("issue-batch", str(roster), "--json")
    assert again.exit_code == 0, again.output
    assert "resuming unfinished batch" in again.stderr
    counts = last_json(again.stdout)
    assert (counts["issued"], counts["skipped"], counts["failed"]) == (expected, 0, 0)

    credentials = active_credentials(svc)
    assert _count(svc) == len(credentials) == expected  # none lost, none twice
    assert len({c.dedupe_key for c in credentials}) == expected
    assert {c.batch_id for c in credentials} == {counts["batch"]}
    assert len({(c.status_set, c.status_index) for c in credentials}) == expected
    by_learner = Counter(c.recipient_key for c in credentials)
    assert len(by_learner) == learners_count and set(by_learner.values()) == {per_learner}
    with svc.engine.connect() as conn:
        issue_events = conn.execute(
            select(func.count())
            .select_from(audit_log_table)
            .where(audit_log_table.c.action == "issue")
        ).scalar_one()
    assert issue_events == expected
    assert all(verified(svc, c.document) for c in credentials)


def test_the_rate_printed_covers_the_whole_run(seeded: Cli, tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "cohort.csv", learners(3))
    summary = tmp_path / "summary.csv"
    result = seeded("issue-batch", str(roster), "--summary", str(summary))
    assert result.exit_code == 0, result.output
    line = result.output.strip().splitlines()[-1]
    assert " issued, " in line and " s in all, " in line and "credentials/s; issuing " in line
    result = seeded("issue-batch", str(roster), "--json")  # all skipped now
    report = last_json(result.output)
    assert report["seconds"] >= report["issuingSeconds"] > 0
