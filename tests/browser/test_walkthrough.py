"""In a real browser: issue → wallet → download every file → verify each on the page and the CLI."""

import json
from pathlib import Path
from typing import Any

import pytest

from issuer.wallet.baking import PNG_SIGNATURE
from tests.browser.conftest import BROWSER_TOKEN, LiveServer, csp_violations, screenshot

pytestmark = pytest.mark.browser

FRAMEWORK = "43-4171.00-v.26.05"


def _sign_in(page: Any, server: LiveServer) -> None:
    page.goto(f"{server.url}/issue")
    page.get_by_label("API token").fill(BROWSER_TOKEN)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Issue credentials").wait_for()


def _download(page: Any, link: Any, folder: Path) -> Path:
    with page.expect_download() as event:
        link.click()
    download = event.value
    path = folder / download.suggested_filename
    download.save_as(str(path))
    return path


def _verify_on_page(page: Any, server: LiveServer, path: Path) -> str:
    page.goto(f"{server.url}/verify")
    page.get_by_label("Credential file").set_input_files(str(path))
    page.get_by_role("button", name="Verify the file").click()
    return str(page.locator("#verdict").inner_text())


def test_issue_wallet_download_and_verify_every_file(
    page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    server = live_server
    page.goto(server.url + "/")
    screenshot(page, "01-home")

    page.goto(f"{server.url}/issue")
    screenshot(page, "02-issue-sign-in")
    _sign_in(page, server)

    page.get_by_label("Skills framework").select_option(FRAMEWORK)  # shows its levels (JS)
    page.get_by_label("The whole Emerging level").check()
    page.get_by_label("Visitor greeting procedures").first.wait_for()
    page.get_by_label("Email address").fill("ana@example.org")
    page.get_by_label("Name").fill("Ana Learner")
    screenshot(page, "03-issue-form")
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("heading", name="Preview: 11 credentials to issue").wait_for()
    screenshot(page, "04-issue-preview")
    page.get_by_role("button", name="Issue 11 credentials").click()
    page.get_by_role("heading", name="11 credentials issued").wait_for()
    screenshot(page, "05-issued")

    page.locator("#wallet-link").click()
    page.get_by_role("heading", name="Your credentials").wait_for()
    assert page.locator("article.card").count() == 11
    screenshot(page, "06-wallet")

    level_name = "Receptionists and Information Clerks — Emerging"
    level_card = page.locator("article.card").filter(
        has=page.get_by_role("heading", name=level_name, exact=True)
    )
    files = {
        "json": _download(page, level_card.get_by_role("link", name="Credential (JSON)"), tmp_path),
        "png": _download(page, level_card.get_by_role("link", name="Badge image (PNG)"), tmp_path),
        "svg": _download(page, level_card.get_by_role("link", name="Badge image (SVG)"), tmp_path),
        "presentation": _download(
            page, page.get_by_role("link", name="All credentials in one file"), tmp_path
        ),
        "clr": _download(
            page, page.get_by_role("link", name="Learning record (CLR 2.0)"), tmp_path
        ),
    }
    qr = _download(page, level_card.get_by_role("link", name="QR code (PNG)"), tmp_path)
    assert qr.read_bytes().startswith(PNG_SIGNATURE)
    assert files["png"].read_bytes().startswith(PNG_SIGNATURE)
    assert files["svg"].read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert json.loads(files["clr"].read_text())["type"] == ["VerifiableCredential", "ClrCredential"]
    linkedin = level_card.get_by_role("link", name="Add to LinkedIn profile").get_attribute("href")
    assert linkedin.startswith("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME")

    for kind, path in files.items():
        verdict = _verify_on_page(page, server, path)
        assert "Verified" in verdict and "Not" not in verdict, (kind, verdict)
        if kind in ("png", "clr"):
            screenshot(page, f"07-verify-{kind}")
        result = server.cli("verify", str(path))
        assert result.exit_code == 0, (kind, result.output)
        assert f"{path}: verified" in result.output

    page.goto(f"{server.url}/verify")
    screenshot(page, "08-verify-form")

    # the QR code and LinkedIn open the public verification page of one credential
    page.goto(f"{server.url}/issue/credentials")
    screenshot(page, "09-issued-list")
    first = page.locator("tbody tr").first
    name = first.locator("td").first.locator("a").inner_text()
    verify_url = first.locator("td").first.locator("a").get_attribute("href")
    first.get_by_role("link", name=f"Revoke {name}…").click()
    page.get_by_label("Why do you revoke it?").fill("Assessment withdrawn")
    page.get_by_role("button", name=f"Revoke “{name}” for good").click()
    page.get_by_text("is now revoked").wait_for()
    page.goto(verify_url)
    assert "Not verified" in page.locator("#verdict").inner_text()
    assert "revoked" in page.locator("ul.checks").inner_text()
    screenshot(page, "10-verify-revoked")
    assert name


def test_wallet_without_link_and_keyboard_use(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/wallet")
    page.get_by_role("heading", name="How to get your link").wait_for()
    screenshot(page, "11-wallet-without-link")
    # the first Tab reaches the skip link; following it moves focus to the content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the content"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    page.goto(f"{live_server.url}/verify")
    page.get_by_label("Credential or presentation (JSON)").fill("{not json")
    page.get_by_role("button", name="Verify the text").click()
    assert "not valid JSON" in page.get_by_role("alert").inner_text()


def test_pages_keep_to_the_content_security_policy(page: Any, live_server: LiveServer) -> None:
    """Styles load from the stylesheet, and an inline style is really refused (the policy bites)."""
    response = page.goto(f"{live_server.url}/verify")
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "style-src 'self'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    styled = page.evaluate("getComputedStyle(document.querySelector('header')).borderBottomStyle")
    assert styled == "solid"  # style.css applied
    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', "
        '\'<p id="probe" style="color: rgb(1, 2, 3)">x</p>\')'
    )
    colour = page.evaluate("getComputedStyle(document.getElementById('probe')).color")
    assert colour != "rgb(1, 2, 3)"  # refused by the policy
    refused = csp_violations(page.console_messages)
    assert refused and "style-src" in refused[0]
    page.console_messages.clear()  # expected: the probe's refusal, not a page's


def test_a_javascript_link_in_a_pasted_credential_is_plain_text(
    page: Any, live_server: LiveServer
) -> None:
    server = live_server
    result = server.cli(
        "issue", "-f", FRAMEWORK, "-s", "emerging-01", "--email", "ben@example.org", "--json"
    )
    assert result.exit_code == 0, result.output
    vc = json.loads(result.output)["credentials"][0]
    for alignment in vc["credentialSubject"]["achievement"]["alignment"]:
        if alignment["targetType"] == "ext:ONetSocOccupation":
            alignment["targetUrl"] = "javascript:document.title='pwned'"
    page.goto(f"{server.url}/verify")
    page.get_by_label("Credential or presentation (JSON)").fill(json.dumps(vc))
    page.get_by_role("button", name="Verify the text").click()
    page.locator("#verdict").wait_for()
    occupation = page.locator("dd", has_text="Receptionists and Information Clerks").first
    assert occupation.locator("a").count() == 0  # the name, as text
    assert page.locator("a[href^='javascript' i]").count() == 0
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.protocol)")
    assert set(hrefs) <= {"http:", "https:"}
    screenshot(page, "12-verify-javascript-link-as-text")
    assert page.title() != "pwned"
