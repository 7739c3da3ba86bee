"""In a real browser against `ler-issuer serve --port P` (no ISSUER_BASE_URL): every link the
console and the wallet hand out points at port P, never at :5000."""

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import screenshot
from tests.test_cli_serve import TOKEN, Served
from tests.test_cli_serve import served as served  # the fixture: a real `serve` process

pytestmark = pytest.mark.browser

FRAMEWORK = "43-4171.00-v.26.05"


def test_links_in_the_console_and_the_wallet_follow_the_port(
    page: Any, served: Served, tmp_path: Path
) -> None:
    base = served.base
    page.goto(f"{base}/issue")
    page.get_by_label("API token").fill(TOKEN)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Email address").fill("ana@example.org")
    page.get_by_label("Skills framework").select_option(FRAMEWORK)
    page.get_by_label("The whole Emerging level").check()
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("button", name="Issue 11 credentials").click()
    page.get_by_role("heading", name="11 credentials issued").wait_for()
    hrefs = page.eval_on_selector_all("a[href^='http']", "links => links.map(a => a.href)")
    assert hrefs and all(h.startswith(f"{base}/") or ":5000" not in h for h in hrefs)
    assert ":5000" not in page.content()
    screenshot(page, "served-port-01-issued")
    wallet = page.locator("#wallet-link")
    assert (wallet.get_attribute("href") or "").startswith(f"{base}/wallet/")
    wallet.click()
    page.get_by_role("heading", name="Your credentials").wait_for()
    assert ":5000" not in page.content()
    own = page.eval_on_selector_all(
        "a[href*='/credentials/'], img[src*='/credentials/']",
        "nodes => nodes.map(n => n.href || n.src)",
    )
    assert own and all(url.startswith(f"{base}/") for url in own)
    screenshot(page, "served-port-02-wallet")
