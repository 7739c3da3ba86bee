"""In a real browser: a branded issuer's name, logo and contact on its pages and badges."""

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image, ImageDraw
from werkzeug.serving import make_server

from issuer.settings import Settings
from issuer.web import create_app
from tests.browser.conftest import BROWSER_TOKEN, LiveServer, screenshot
from tests.conftest import Cli

pytestmark = pytest.mark.browser

NAME = "Escuela Técnica Ñandú"
WEBSITE = "https://nandu.example.edu"
CONTACT = "registro@nandu.example.edu"


@pytest.fixture(scope="module")
def branded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The service with ISSUER_NAME, ISSUER_URL, ISSUER_EMAIL and ISSUER_LOGO set."""
    folder = tmp_path_factory.mktemp("branded")
    logo = Image.new("RGB", (240, 80), (255, 255, 255))
    draw = ImageDraw.Draw(logo)
    draw.rectangle((8, 8, 72, 72), fill=(200, 30, 60))
    draw.text((88, 22), "NANDU", fill=(20, 20, 20), font_size=32)
    logo.save(folder / "logo.png")
    apps: dict[str, Any] = {}
    server = make_server("127.0.0.1", 0, lambda env, start: apps["app"](env, start), threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    settings = Settings(
        base_url=url,
        database_url=f"sqlite:///{folder / 'issuer.sqlite3'}",
        keys_dir=folder / "keys",
        api_tokens=(BROWSER_TOKEN,),
        issuer_name=NAME,
        issuer_url=WEBSITE,
        issuer_email=CONTACT,
        issuer_logo=folder / "logo.png",
    )
    cli = Cli(settings)
    assert cli("init").exit_code == 0
    apps["app"] = create_app(settings)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(url=url, settings=settings, cli=cli)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        apps["app"].extensions["issuer"].engine.dispose()


def test_the_wallet_page_and_badges_carry_the_issuers_branding(
    page: Any, branded_server: LiveServer
) -> None:
    body = {
        "framework": "43-4171.00-v.26.05",
        "recipient": {"email": "ana@example.org", "name": "Ana"},
        "statements": ["emerging-01"],
    }
    award = branded_server.post("/awards", body)
    page.goto(award["wallet"])
    brand = page.locator("header .brand")
    assert brand.inner_text().strip() == NAME
    logo = brand.locator("img")
    assert logo.evaluate("img => img.complete && img.naturalWidth") == 240
    footer = page.locator("footer")
    assert footer.get_by_role("link", name=WEBSITE).get_attribute("href") == WEBSITE
    assert footer.get_by_role("link", name=CONTACT).get_attribute("href") == f"mailto:{CONTACT}"
    badge = page.locator("img.badge").first
    assert f"issued by {NAME}" in str(badge.get_attribute("alt"))
    assert badge.evaluate("img => img.complete && img.naturalWidth") > 0
    screenshot(page, "16-branded-wallet")
    page.goto(f"{award['credentials'][0]['url']}/badge.png")
    screenshot(page, "16-branded-badge-png")
