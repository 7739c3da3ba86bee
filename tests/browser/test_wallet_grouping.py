"""In a real browser: the wallet grouped by framework and level, statements folded inside."""

from typing import Any

import pytest

from tests.browser.conftest import LiveServer, screenshot

pytestmark = pytest.mark.browser

FRAMEWORK = "43-4171.00-v.26.05"


def test_levels_fold_their_statements_and_revoked_cards_offer_only_json(
    page: Any, live_server: LiveServer
) -> None:
    award = live_server.post(
        "/awards",
        {
            "framework": FRAMEWORK,
            "recipient": {"email": "grouped@example.org", "name": "Grace"},
            "level": "emerging",
            "statements": ["developing-01", "developing-02"],
        },
    )
    revoked = next(c for c in award["credentials"] if c["achievement"].endswith("developing-02"))
    live_server.post(
        "/credentials/status",
        {"credentialId": revoked["url"], "credentialStatus": {"statusPurpose": "revocation"}},
    )
    page.goto(award["wallet"])
    framework = page.get_by_role("region", name="Receptionists and Information Clerks skills")
    framework.wait_for()
    emerging = page.get_by_role("article", name="Emerging (level 1 of 4)")
    developing = page.get_by_role("article", name="Developing (level 2 of 4)")
    level_title = emerging.get_by_role(
        "heading", name="Receptionists and Information Clerks — Emerging"
    )
    assert level_title.is_visible()
    statement = emerging.get_by_role("heading", name="Visitor greeting procedures")
    assert not statement.is_visible()  # folded
    height = page.evaluate("document.documentElement.scrollHeight")
    screenshot(page, "17-wallet-grouped-folded")
    emerging.get_by_text("Competency statement credentials of this level (10)").click()
    assert statement.is_visible()
    assert page.evaluate("document.documentElement.scrollHeight") > height
    # the level held only through statements shows them; the revoked one offers only JSON
    card = developing.get_by_role("article", name=revoked["name"])
    assert card.is_visible()
    assert card.get_by_role("link", name="Credential (JSON)").is_visible()
    assert card.get_by_role("link", name="Verification page").is_visible()
    for gone in ("Add to LinkedIn profile", "Badge image (PNG)", "Certificate (PDF)"):
        assert card.get_by_role("link", name=gone).count() == 0, gone
    assert card.get_by_role("button").count() == 0
    screenshot(page, "17-wallet-grouped-unfolded")
