"""In a real browser: check a roster, then issue it without choosing the file again; the
batch page in words (no worker queue here); a spreadsheet file gets "save it as CSV UTF-8"."""

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import BROWSER_TOKEN, LiveServer, screenshot

pytestmark = pytest.mark.browser

ROSTER = (
    "email,name,framework,level,statements,valid_until\n"
    "ana@example.org,Ana Sousa,43-4171.00,,emerging-01;emerging-02,2030-12-31\n"
    "ben@example.org,Ben Okafor,43-4171.00,,emerging-03,\n"
)


def _sign_in(page: Any, server: LiveServer) -> None:
    page.goto(f"{server.url}/issue")
    page.get_by_label("API token").fill(BROWSER_TOKEN)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Issue credentials").wait_for()


def test_check_then_issue_without_choosing_the_file_again(
    page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    roster = tmp_path / "cohort.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    _sign_in(page, live_server)
    page.get_by_role("link", name="Issue to a cohort").click()
    page.get_by_label("Roster (CSV, UTF-8)").set_input_files(str(roster))
    page.get_by_role("button", name="Check only").click()
    page.get_by_role("heading", name="Checked cohort.csv: ready to issue").wait_for()
    screenshot(page, "cohort-01-checked")
    page.get_by_role("button", name="Issue these 3 credentials").click()
    page.get_by_role("heading", name="Batch: cohort.csv").wait_for()
    assert "Waiting for a worker" not in page.content()
    page.get_by_role("heading", name="Finished").wait_for(timeout=60_000)
    facts = page.locator("dl.facts").inner_text()
    assert "just now" in facts or "minute ago" in facts
    screenshot(page, "cohort-02-finished")

    spreadsheet = tmp_path / "cohort.xlsx"
    spreadsheet.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    page.get_by_role("link", name="Issue to a cohort").click()
    page.get_by_label("Roster (CSV, UTF-8)").set_input_files(str(spreadsheet))
    page.get_by_role("button", name="Check only").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "CSV UTF-8" in alert.inner_text()
    screenshot(page, "cohort-03-xlsx")
