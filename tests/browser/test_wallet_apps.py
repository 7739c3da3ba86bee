"""In a real browser: the wallet page's OpenID4VCI button and the "all at once" buttons → the
offer pages with their QR codes (screenshots)."""

import json
import urllib.request
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import LiveServer, screenshot

pytestmark = pytest.mark.browser

FRAMEWORK = "43-4171.00-v.26.05"


def _award(server: LiveServer) -> dict[str, Any]:
    body = {
        "framework": FRAMEWORK,
        "recipient": {"email": "apps@example.org", "name": "Ada"},
        "statements": ["emerging-01", "emerging-02"],
    }
    return server.post("/awards", body)


def _qr_is_big_enough(page: Any, name: str) -> None:
    qr = page.get_by_role("img", name=name)
    qr.wait_for()
    box = qr.locator("svg").bounding_box()
    assert box is not None and box["width"] >= 150 and box["height"] >= 150


def test_openid4vci_and_all_at_once_buttons_show_offers_and_qr_codes(
    page: Any, live_server: LiveServer
) -> None:
    award = _award(live_server)
    page.goto(award["wallet"])
    screenshot(page, "14-wallet-app-buttons")

    # one credential, another wallet app
    buttons = page.get_by_role("button", name="Add to another wallet (OpenID4VCI)")
    assert buttons.count() == 2
    buttons.first.click()
    page.get_by_role("heading", name="to another wallet app").wait_for()
    _qr_is_big_enough(page, "QR code of this OpenID4VCI credential offer")
    link = str(
        page.get_by_role("link", name="Open in a wallet app on this device").get_attribute("href")
    )
    assert link.startswith("openid-credential-offer://?credential_offer_uri=")
    offer_url = parse_qs(urlsplit(link).query)["credential_offer_uri"][0]
    assert offer_url.startswith(f"{live_server.url}/oid4vci/offers/")
    with urllib.request.urlopen(offer_url, timeout=30) as response:
        offer = json.loads(response.read())
    assert offer["credential_issuer"] == live_server.url
    assert "expires at" in page.locator("#expires").inner_text()
    screenshot(page, "15-wallet-add-to-openid4vci")
    page.get_by_role("link", name="Back to your credentials").click()

    # all at once, Learner Credential Wallet
    page.get_by_role("button", name="Add all to Learner Credential Wallet").click()
    page.get_by_role("heading", name="your 2 credentials").wait_for()
    _qr_is_big_enough(page, "QR code that opens this offer in Learner Credential Wallet")
    lcw = str(
        page.get_by_role("link", name="Open in Learner Credential Wallet").get_attribute("href")
    )
    assert lcw.startswith("https://lcw.app/request.html?issuer=")
    screenshot(page, "16-wallet-add-all-to-lcw")
    page.get_by_role("link", name="Back to your credentials").click()

    # all at once, OpenID4VCI
    page.get_by_role("button", name="Add all to another wallet (OpenID4VCI)").click()
    page.get_by_role("heading", name="your 2 credentials").wait_for()
    _qr_is_big_enough(page, "QR code of this OpenID4VCI credential offer")
    screenshot(page, "17-wallet-add-all-to-openid4vci")


def test_the_emails_wallet_app_button_leads_to_a_page_with_the_offer_button(
    page: Any, live_server: LiveServer
) -> None:
    award = _award(live_server)
    page.goto(f"{award['wallet']}/oid4vci")  # the email's "Add to another wallet app" link
    page.get_by_role("heading", name="Add your credentials to another wallet app").wait_for()
    screenshot(page, "18-email-button-start-page")
    page.get_by_role("button", name="Add all to another wallet (OpenID4VCI)").click()
    page.get_by_role("heading", name="your 2 credentials").wait_for()
    _qr_is_big_enough(page, "QR code of this OpenID4VCI credential offer")
