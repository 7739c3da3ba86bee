"""The pages are safe: only http(s) links from data, a strict CSP, nosniff, no Referer."""

import copy
import json
import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from issuer.web.security import page_policy
from tests.conftest import AUTH, BASE_URL, TEST_TOKEN, Cli

FRAMEWORK = "43-4171.00-v.26.05"
HTML = {"Accept": "text/html"}
POLICY = (
    "default-src 'none'; img-src 'self' https://issuer.example.org; script-src 'self'; "
    "style-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


@pytest.fixture
def seeded(run_cli: Cli, client: FlaskClient) -> FlaskClient:
    assert run_cli("init").exit_code == 0
    return client


@pytest.fixture
def award(seeded: FlaskClient) -> dict[str, Any]:
    """The whole Emerging level for Ana: the last credential is the level's."""
    body = {"framework": FRAMEWORK, "recipient": {"email": "ana@example.org"}, "level": "emerging"}
    response = seeded.post("/awards", json=body, headers=AUTH)
    assert response.status_code == 201, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def _hrefs(html: str) -> list[str]:
    return re.findall(r'\shref="([^"]*)"', html)


def _assert_only_safe_links(html: str) -> None:
    for href in _hrefs(html):
        assert href.startswith(("https://", "http://", "/", "#", "?")), href


def _alignment(vc: dict[str, Any], target_type: str) -> list[dict[str, Any]]:
    items = vc["credentialSubject"]["achievement"]["alignment"]
    return [a for a in items if a["targetType"] == target_type]


def test_a_javascript_url_in_a_pasted_credential_is_shown_as_text(
    seeded: FlaskClient, award: dict[str, Any]
) -> None:
    vc = copy.deepcopy(award["credentials"][-1]["verifiableCredential"])
    _alignment(vc, "ext:ONetSocOccupation")[0]["targetUrl"] = "javascript:alert(document.domain)"
    statements = _alignment(vc, "ext:CompetencyStatement")
    statements[0]["targetUrl"] = " \tJaVaScRiPt:alert(1)"
    statements[1]["targetUrl"] = "data:text/html,<script>alert(1)</script>"
    statements[2]["targetUrl"] = "vbscript:msgbox(1)"
    response = seeded.post("/verify", data={"text": json.dumps(vc)})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "✗ Not verified" in html  # tampered, but what it claims is still shown
    assert "javascript:" not in html.lower() and "vbscript" not in html and "alert(" not in html
    assert 'href="data:' not in html
    assert "<dd>Receptionists and Information Clerks\n" in html  # the name, as plain text
    assert f"<li>{statements[0]['targetName']}:" in html
    _assert_only_safe_links(html)
    kept = _alignment(vc, "ext:SkillsFramework")[0]
    assert f'<a href="{kept["targetUrl"]}" rel="noopener noreferrer">' in html  # https stays a link


def test_javascript_urls_in_a_presentation_are_shown_as_text(
    seeded: FlaskClient, award: dict[str, Any]
) -> None:
    vc = copy.deepcopy(award["credentials"][0]["verifiableCredential"])
    _alignment(vc, "ext:ONetSocOccupation")[0]["targetUrl"] = "javascript:alert(1)"
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [vc],
    }
    html = seeded.post("/verify", data={"text": json.dumps(presentation)}).get_data(as_text=True)
    assert "Credentials in the presentation" in html
    assert "javascript:" not in html.lower() and "alert(" not in html
    _assert_only_safe_links(html)


def _signed_in(client: FlaskClient) -> FlaskClient:
    page = client.get("/issue").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    client.post("/issue/sign-in", data={"csrf_token": csrf.group(1), "token": TEST_TOKEN})
    return client


def test_every_page_has_the_strict_policy_and_no_inline_style_or_script(
    seeded: FlaskClient, award: dict[str, Any]
) -> None:
    wallet = award["wallet"].removeprefix(BASE_URL)
    credential = award["credentials"][0]["id"]
    paths = [
        "/",
        "/verify",
        "/wallet",
        wallet,
        f"/credentials/{credential}/verify",
        "/docs",
        "/issue",
        "/no-such-page",
    ]
    _signed_in(seeded)
    paths += ["/issue", f"/issue?framework={FRAMEWORK}", "/issue/credentials", "/issue/batches"]
    for path in paths:
        response = seeded.get(path, headers=HTML)
        assert response.mimetype == "text/html", path
        headers = response.headers
        assert headers["Content-Security-Policy"] == POLICY, path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "no-referrer", path
        assert headers["X-Frame-Options"] == "DENY", path
        html = response.get_data(as_text=True)
        assert "<style" not in html, path
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
        assert html.count("<script") == len(scripts), path
        for attributes, body in scripts:  # static files only, never inline code
            assert re.fullmatch(r' src="/static/[a-z-]+\.js" defer', attributes), path
            assert body == "", path
        assert not re.search(r"\sstyle=", html), path
        assert not re.search(r"\son[a-z]+=", html), path
        assert '<link rel="stylesheet" href="/static/style.css">' in html, path
        _assert_only_safe_links(html)


def test_the_stylesheet_is_served_from_the_service(seeded: FlaskClient) -> None:
    with seeded.get("/static/style.css") as css:
        assert css.status_code == 200 and css.mimetype == "text/css"
        assert ".card.single" in css.get_data(as_text=True)
        assert css.headers["X-Content-Type-Options"] == "nosniff"


def test_other_responses_are_nosniff_and_send_no_referer(
    seeded: FlaskClient, award: dict[str, Any]
) -> None:
    credential = award["credentials"][0]["id"]
    for path in ["/frameworks", f"/credentials/{credential}", "/openapi.json", "/no-such"]:
        response = seeded.get(path)
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert response.headers["Referrer-Policy"] == "no-referrer", path
    badge = seeded.get(f"/credentials/{credential}/badge.svg")
    assert (
        badge.headers["Content-Security-Policy"]
        == "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    )
    qr = seeded.get(f"/credentials/{credential}/qr.svg")
    assert qr.headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_the_policy_allows_images_from_the_public_base_url_only() -> None:
    assert page_policy("https://issuer.example.org") == POLICY
    assert "img-src 'self';" in page_policy("not a url")
