"""In a real browser, with and without JavaScript: the learner first, a framework's levels
shown on choosing it, a whole level ticking its statements, expiry, messages by their field."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.browser.conftest import BROWSER_TOKEN, LiveServer, csp_violations, screenshot

pytestmark = pytest.mark.browser

FRAMEWORK = "43-4171.00-v.26.05"


def _sign_in(page: Any, server: LiveServer) -> None:
    page.goto(f"{server.url}/issue")
    page.get_by_label("API token").fill(BROWSER_TOKEN)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Issue credentials").wait_for()


def test_with_javascript_choosing_a_framework_shows_its_levels_and_a_level_ticks_all(
    page: Any, live_server: LiveServer
) -> None:
    _sign_in(page, live_server)
    page.get_by_label("Email address").fill("ana@example.org")
    page.locator("#name").fill("Ana Sousa")
    assert not page.get_by_role("button", name="Show its levels and statements").is_visible()
    page.get_by_label("Skills framework").select_option(FRAMEWORK)
    page.get_by_label("The whole Emerging level").wait_for()
    assert page.get_by_label("Email address").input_value() == "ana@example.org"
    page.get_by_label("The whole Emerging level").check()
    statements = page.locator("fieldset.level").first.locator("input[name=statements]")
    assert statements.count() == 10
    assert all(statements.nth(i).is_checked() for i in range(10))
    statements.first.uncheck()
    assert not page.get_by_label("The whole Emerging level").is_checked()
    statements.first.check()
    assert page.get_by_label("The whole Emerging level").is_checked()
    day = (datetime.now(UTC) + timedelta(days=365)).date().isoformat()
    page.get_by_label("Expires on").fill(day)
    screenshot(page, "issue-form-01-level-ticked")
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("heading", name="Preview: 11 credentials to issue").wait_for()
    assert f"At the end of {day} (UTC)" in page.locator("dl.facts").inner_text()
    screenshot(page, "issue-form-02-preview-with-expiry")


def test_a_bad_email_is_named_next_to_its_field(page: Any, live_server: LiveServer) -> None:
    _sign_in(page, live_server)
    page.goto(f"{live_server.url}/issue?framework={FRAMEWORK}")
    page.get_by_label("Email address").fill("ana@")
    page.locator("input[name=statements]").first.check()
    page.get_by_role("button", name="Preview").click()
    message = page.locator("#email-error")
    message.wait_for()
    assert message.inner_text() == "Enter an email address like ana@example.org."
    field = page.get_by_label("Email address")
    assert "email-error" in (field.get_attribute("aria-describedby") or "")
    screenshot(page, "issue-form-03-email-message")


def test_without_javascript_the_form_still_works(browser: Any, live_server: LiveServer) -> None:
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1100, "height": 900}
    )
    messages: list[str] = []
    try:
        page = context.new_page()
        page.on("console", lambda message: messages.append(message.text))
        _sign_in(page, live_server)
        page.get_by_label("Email address").fill("bo@example.org")
        page.get_by_label("Skills framework").select_option(FRAMEWORK)
        page.get_by_role("button", name="Show its levels and statements").click()
        page.get_by_label("The whole Developing level").check()
        assert page.get_by_label("Email address").input_value() == "bo@example.org"
        screenshot(page, "issue-form-04-no-javascript")
        page.get_by_role("button", name="Preview").click()
        heading = page.locator("h1").inner_text()
        assert heading.startswith("Preview: ") and "credentials to issue" in heading
        assert int(heading.split()[1]) > 1  # the level's statements and the level itself
    finally:
        context.close()
    assert csp_violations(messages) == []
