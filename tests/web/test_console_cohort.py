"""The cohort page: a checked roster is kept to issue without a second upload, no "waiting for
a worker" without a queue, times in words, and a spreadsheet file told to be saved as CSV."""

import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from issuer.services.batches import BatchOptions
from issuer.services.roster import read_csv
from tests.conftest import TEST_TOKEN, Cli
from tests.web.test_batches_api import ROSTER, wait

XLSX = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + b"\x00" * 64


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


@pytest.fixture
def console(run_cli: Cli, client: FlaskClient) -> tuple[FlaskClient, str]:
    assert run_cli("init").exit_code == 0
    client.post(
        "/issue/sign-in",
        data={
            "token": TEST_TOKEN,
            "csrf_token": _csrf(client.get("/issue").get_data(as_text=True)),
        },
    )
    return client, _csrf(client.get("/issue/batches").get_data(as_text=True))


def _post(
    client: FlaskClient, csrf: str, data: bytes, name: str = "cohort.csv", **fields: str
) -> Any:
    form: dict[str, Any] = {"roster": (io.BytesIO(data), name), "csrf_token": csrf, **fields}
    return client.post("/issue/batches", data=form, content_type="multipart/form-data")


def test_check_only_keeps_the_roster_to_issue_it_without_a_second_upload(
    console: tuple[FlaskClient, str],
) -> None:
    client, csrf = console
    checked = _post(client, csrf, ROSTER.encode(), dryRun="yes", notify="yes")
    assert checked.status_code == 200
    html = checked.get_data(as_text=True)
    assert "Issue these 3 credentials" in html and "no need to choose the file again" in html
    assert "email each learner their wallet link" in html
    action = re.search(r'action="(/issue/batches/checked/[^"]+)"', html)
    assert action
    started = client.post(action.group(1), data={"csrf_token": csrf})
    assert started.status_code == 303
    batch_id = started.headers["Location"].rsplit("/", 1)[1]
    done = wait(client, f"/batches/{batch_id}")
    assert (done["issued"], done["source"], done["options"].get("notify")) == (
        3,
        "cohort.csv",
        True,
    )
    again = client.post(action.group(1), data={"csrf_token": csrf})
    assert again.status_code == 404  # issued once: the checked roster is gone
    assert "upload it again" in again.get_data(as_text=True)
    assert client.post(action.group(1), data={"csrf_token": "forged"}).status_code == 400


def test_a_roster_with_problems_offers_nothing_to_issue(console: tuple[FlaskClient, str]) -> None:
    client, csrf = console
    html = _post(client, csrf, (ROSTER + "zed,,,43-4171.00,,emerging-01,\n").encode(), dryRun="yes")
    text = html.get_data(as_text=True)
    assert "is not an email address (write it like ana@example.org)" in text
    assert "Issue these" not in text


def test_a_checked_roster_is_kept_a_day_for_whoever_checked_it(app: Flask) -> None:
    store = app.extensions["issuer"].checked_rosters
    now = datetime.now(UTC)
    checked_id = store.put(
        actor="console:a", source_name="c.csv", content=ROSTER, options={}, now=now
    )
    assert store.get(checked_id, actor="console:a", now=now).content == ROSTER
    assert store.get(checked_id, actor="console:b", now=now) is None
    assert store.get(checked_id, actor="console:a", now=now + timedelta(hours=25)) is None


def test_no_waiting_for_a_worker_without_a_queue_and_times_in_words(
    console: tuple[FlaskClient, str], app: Flask
) -> None:
    client, _ = console
    services = app.extensions["issuer"]
    batch, _ = services.batches.submit(
        read_csv(ROSTER),
        options=BatchOptions(),
        source_name="c.csv",
        actor="t",
        now=datetime.now(UTC) - timedelta(minutes=2),
    )
    page = client.get(f"/issue/batches/{batch.id}").get_data(as_text=True)
    assert "Waiting for a worker" not in page and "Starting…" in page
    # reloading itself is left to console.js (axe: no meta refresh); without it, a link
    assert 'id="auto-refresh" data-seconds="5" hidden' in page and "http-equiv" not in page
    assert '<a href="?">Reload</a>' in page
    stopped = client.get(f"/issue/batches/{batch.id}?refresh=off").get_data(as_text=True)
    assert "auto-refresh" not in stopped
    assert "2 minutes ago" in page
    listing = client.get("/issue/batches").get_data(as_text=True)
    assert "2 minutes ago" in listing and " UTC</td>" not in listing


def test_a_spreadsheet_file_is_told_to_be_saved_as_csv_utf8(
    console: tuple[FlaskClient, str], run_cli: Cli, tmp_path: Any
) -> None:
    client, csrf = console
    response = _post(client, csrf, XLSX, name="cohort.xlsx", dryRun="yes")
    assert response.status_code == 422
    assert "CSV UTF-8" in response.get_data(as_text=True)
    assert re.search(
        r'<p class="field-error" id="roster-error">cohort.xlsx: is an Excel or OpenDocument '
        r"spreadsheet \(.xlsx, .ods\), not CSV: .*CSV UTF-8",
        response.get_data(as_text=True),
    )
    assert 'aria-describedby="roster-error" aria-invalid="true"' in response.get_data(as_text=True)
    api = client.post(
        "/batches",
        data=XLSX,
        content_type="text/csv",
        headers={"Authorization": f"Bearer {TEST_TOKEN}"},
    )
    assert api.status_code in (400, 422) and "CSV UTF-8" in api.get_data(as_text=True)
    path = tmp_path / "cohort.xlsx"
    path.write_bytes(XLSX)
    result = run_cli("issue-batch", str(path))
    assert result.exit_code != 0
    assert (
        "cohort.xlsx: is an Excel or OpenDocument spreadsheet (.xlsx, .ods), not CSV"
        in result.output
    )
    assert "CSV UTF-8" in result.output and "Traceback" not in result.output
