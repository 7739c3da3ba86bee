"""In a real browser: the wallet page's "Add to Learner Credential Wallet" → the deep link and QR code."""

from typing import Any

import pytest

from tests.browser.conftest import LiveServer, screenshot

pytestmark = pytest.mark.browser

FRAMEWORK = "43-4171.00-v.26.05"


def _award(server: LiveServer) -> dict[str, Any]:
    body = {
        "framework": FRAMEWORK,
        "recipient": {"email": "lcw@example.org", "name": "Lee"},
        "statements": ["emerging-01"],
    }
    return server.post("/awards", body)


def test_add_to_learner_credential_wallet_shows_the_link_and_qr_code(
    page: Any, live_server: LiveServer
) -> None:
    award = _award(live_server)
    page.goto(award["wallet"])
    button = page.get_by_role("button", name="Add to Learner Credential Wallet")
    assert button.count() == 1
    button.click()
    page.get_by_role("heading", name="Learner Credential Wallet").wait_for()
    link = page.get_by_role("link", name="Open in Learner Credential Wallet")
    assert str(link.get_attribute("href")).startswith("https://lcw.app/request.html?issuer=")
    qr = page.get_by_role("img", name="QR code that opens this offer in Learner Credential Wallet")
    qr.wait_for()
    box = qr.locator("svg").bounding_box()
    assert box is not None and box["width"] >= 150 and box["height"] >= 150
    assert "expires at" in page.locator("#expires").inner_text()
    screenshot(page, "13-wallet-add-to-lcw")
    page.get_by_role("link", name="Back to your credentials").click()
    page.get_by_role("heading", name="Your credentials").wait_for()
