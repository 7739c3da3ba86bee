"""axe-core (pinned in tests/interop/package.json) finds no accessibility violation on any page.

The pages' Content-Security-Policy allows no script, so this test alone runs in a browser
context with `bypass_csp=True` to inject axe; every other browser test keeps the policy.
"""

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from issuer.paths import PROJECT_ROOT
from issuer.wallet.presentation import build_presentation
from tests.browser.conftest import BROWSER_TOKEN, LiveServer, screenshot
from tests.browser.test_employer import issue

pytestmark = pytest.mark.browser

AXE = PROJECT_ROOT / "tests" / "interop" / "node_modules" / "axe-core" / "axe.min.js"
FRAMEWORK = "43-4171.00-v.26.05"
RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ['violations']});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
}"""


@pytest.fixture
def axe_page(browser: Any) -> Iterator[Any]:
    """A page in a context that bypasses the CSP (for axe only)."""
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{AXE} is missing: run npm ci in tests/interop")
        pytest.skip("axe-core is not installed (cd tests/interop && npm ci)")
    context = browser.new_context(bypass_csp=True, viewport={"width": 1100, "height": 900})
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def violations(page: Any) -> list[dict[str, Any]]:
    """Run axe on the page as it is; return its violations."""
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    return found


def _verify_result(page: Any, server: LiveServer, folder: Path) -> None:
    credentials = issue(server, "--level", "emerging", "--name", "Ana")["credentials"]
    server.cli("revoke", credentials[0]["id"])
    path = folder / "presentation.json"
    path.write_text(json.dumps(build_presentation(credentials, presentation_id="urn:uuid:axe")))
    page.goto(f"{server.url}/verify")
    page.get_by_label("Credential file").set_input_files(str(path))
    form = page.locator("form").filter(has=page.get_by_label("Credential file"))
    form.get_by_text("Check against a candidate (optional)").click()
    form.get_by_label("Candidate’s email (optional)").fill("ana@example.org")
    form.get_by_label("Target level (optional)").select_option(index=2)
    page.get_by_role("button", name="Verify the file").click()
    page.get_by_role("heading", name="Skills profile").wait_for()


def test_every_page_has_no_axe_violation(
    axe_page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    server = live_server
    page = axe_page
    issued = issue(server, "--level", "developing", "--name", "Ana")
    wallet = issued["wallet"]
    uuid = issued["credentials"][0]["id"].rsplit("/", 1)[-1]
    pages: dict[str, Any] = {
        "home": "/",
        "verify form": "/verify",
        "verify not found": "/verify?credential=nope",
        "wallet help": "/wallet",
        "wallet": wallet.removeprefix(server.url),
        "docs": "/docs",
        "issuer": "/issuer",
        "framework": f"/frameworks/{FRAMEWORK}",
        "level": f"/frameworks/{FRAMEWORK}/levels/proficient",
        "statement": f"/frameworks/{FRAMEWORK}/statements/emerging-02",
        "not found": "/no-such-page",
        "credential verification page": f"/credentials/{uuid}/verify",
        "console sign-in": "/issue",
    }
    found: dict[str, list[dict[str, Any]]] = {}
    for name, path in pages.items():
        page.goto(f"{server.url}{path}", wait_until="load")
        found[name] = violations(page)
    _verify_result(page, server, tmp_path)
    found["verify result"] = violations(page)
    screenshot(page, "axe-verify-result")
    page.goto(f"{server.url}/issue")
    page.get_by_label("API token").fill(BROWSER_TOKEN)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Issue credentials").wait_for()
    for name, path in {
        "console issue": "/issue",
        "console issue framework": f"/issue?framework={FRAMEWORK}",
        "console credentials": "/issue/credentials",
        "console batches": "/issue/batches",
        "console outbox": "/issue/outbox",
        "console audit": "/issue/audit",
        "console revoke confirmation": f"/issue/credentials/{uuid}/revoke",
    }.items():
        page.goto(f"{server.url}{path}", wait_until="load")
        found[name] = violations(page)
    assert {name: v for name, v in found.items() if v} == {}
    assert len(found) == 21
    # axe really runs: an image without alternative text is caught
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=x>')")
    assert "image-alt" in {v["id"] for v in violations(page)}
