"""axe-core on the console pages issue 12 added or changed, in the states people see them:
a search with results, the revoke confirmation, the award form with a message by its field,
a checked roster ready to issue, a batch's page and the filtered audit log."""

from pathlib import Path
from typing import Any

import pytest
import requests

from tests.browser.conftest import BROWSER_TOKEN, LiveServer
from tests.browser.test_axe import axe_page as axe_page  # the fixture (CSP bypassed for axe)
from tests.browser.test_axe import violations

pytestmark = pytest.mark.browser

FRAMEWORK = "43-4171.00-v.26.05"


def test_console_pages_of_issue_12_have_no_axe_violation(
    axe_page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    server, page = live_server, axe_page
    requests.post(
        f"{server.url}/awards",
        json={
            "framework": FRAMEWORK,
            "statements": ["emerging-01"],
            "recipient": {"email": "ana@example.org", "name": "Ana Sousa"},
        },
        headers={"Authorization": f"Bearer {BROWSER_TOKEN}"},
        timeout=60,
    ).raise_for_status()
    page.goto(f"{server.url}/issue")
    page.get_by_label("API token").fill(BROWSER_TOKEN)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Issue credentials").wait_for()
    found: dict[str, list[dict[str, Any]]] = {}

    page.goto(f"{server.url}/issue/credentials?learner=ana%40example.org&status=active")
    found["search"] = violations(page)
    page.locator("tbody tr").first.get_by_role("link", name="Revoke", exact=False).click()
    page.get_by_label("Why do you revoke it?").wait_for()
    found["revoke confirm"] = violations(page)

    page.goto(f"{server.url}/issue?framework={FRAMEWORK}")
    page.get_by_label("Email address").fill("ana@")
    page.locator("input[name=statements]").first.check()
    page.get_by_role("button", name="Preview").click()
    page.locator("#email-error").wait_for()
    found["award form with a message"] = violations(page)

    roster = tmp_path / "cohort.csv"
    roster.write_text(
        "email,framework,statements\nbo@example.org,43-4171.00,emerging-02\n", encoding="utf-8"
    )
    page.goto(f"{server.url}/issue/batches")
    page.get_by_label("Roster (CSV, UTF-8)").set_input_files(str(roster))
    page.get_by_role("button", name="Check only").click()
    page.get_by_role("button", name="Issue these 1 credential", exact=True).wait_for()
    found["checked roster"] = violations(page)
    page.get_by_role("button", name="Issue these 1 credential", exact=True).click()
    page.get_by_role("heading", name="Batch: cohort.csv").wait_for()
    found["batch page"] = violations(page)
    page.goto(f"{server.url}/issue/audit?action=issue")
    found["audit filtered"] = violations(page)
    assert {name: v for name, v in found.items() if v} == {}
