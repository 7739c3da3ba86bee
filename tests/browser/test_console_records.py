"""In a real browser: find a learner's credentials, open their wallet, revoke one with a reason
(confirmed), and read the audit log."""

from pathlib import Path
from typing import Any

import pytest
import requests

from tests.browser.conftest import BROWSER_TOKEN, LiveServer, screenshot

pytestmark = pytest.mark.browser

FRAMEWORK = "43-4171.00-v.26.05"


def _award(server: LiveServer, email: str, name: str, statements: list[str]) -> None:
    response = requests.post(
        f"{server.url}/awards",
        json={
            "framework": FRAMEWORK,
            "statements": statements,
            "recipient": {"email": email, "name": name},
        },
        headers={"Authorization": f"Bearer {BROWSER_TOKEN}"},
        timeout=60,
    )
    assert response.status_code == 201, response.text


def _sign_in(page: Any, server: LiveServer) -> None:
    page.goto(f"{server.url}/issue")
    page.get_by_label("API token").fill(BROWSER_TOKEN)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Issue credentials").wait_for()


def test_find_a_learner_revoke_with_a_reason_and_read_the_audit_log(
    page: Any, live_server: LiveServer
) -> None:
    server = live_server
    _award(server, "ana@example.org", "Ana Sousa", ["emerging-01", "emerging-02"])
    for n in range(3):
        _award(server, f"l{n}@example.org", f"Learner {n}", ["emerging-03"])
    _sign_in(page, server)
    page.get_by_role("link", name="Issued credentials").click()
    page.get_by_label("Learner", exact=True).fill("ana@example.org")
    page.get_by_label("Status").select_option("active")
    page.get_by_role("button", name="Search").click()
    page.get_by_text("2 credentials found").wait_for()
    assert page.locator("tbody tr").count() == 2
    screenshot(page, "console-01-search-by-email")

    with page.expect_download() as event:
        page.get_by_role("link", name="Download these as CSV").click()
    exported = Path(event.value.path()).read_text()
    assert exported.count("Ana Sousa") == 2

    first = page.locator("tbody tr").first
    achievement = first.locator("td").first.locator("a").inner_text()
    first.get_by_role("link", name="Revoke " + achievement + "…").click()
    page.get_by_role("heading", name=f"Revoke “{achievement}” issued to Ana Sousa").wait_for()
    page.get_by_role("button", name=f"Revoke “{achievement}” for good").click()  # no reason yet
    assert page.get_by_label("Why do you revoke it?").evaluate("e => e.validity.valueMissing")
    page.get_by_label("Why do you revoke it?").fill("Issued to the wrong learner")
    screenshot(page, "console-02-revoke-confirm")
    page.get_by_role("button", name=f"Revoke “{achievement}” for good").click()
    page.get_by_text(f"“{achievement}” issued to Ana Sousa").first.wait_for()
    flash = page.locator("p.flash.success").inner_text()
    assert "is now revoked. Reason: Issued to the wrong learner" in flash
    assert "/credentials/" not in flash
    assert (
        page.get_by_label("Learner", exact=True).input_value() == "ana@example.org"
    )  # the search is kept
    screenshot(page, "console-03-revoked")

    page.get_by_role("link", name="Audit log").click()
    page.get_by_label("Show").select_option("revoke")
    page.get_by_role("button", name="Show these events").click()
    row = page.locator("tbody tr").first
    assert "Issued to the wrong learner" in row.inner_text()
    assert achievement in row.inner_text()
    screenshot(page, "console-04-audit-log")

    page.goto(f"{server.url}/issue/credentials?learner=Learner%201")
    assert page.locator("tbody tr").count() == 1
    screenshot(page, "console-05-search-by-name")
    page.locator("tbody tr").first.get_by_role("link", name="Wallet: Learner 1").click()
    page.get_by_role("heading", name="Your credentials").wait_for()
    screenshot(page, "console-06-learner-wallet")
