"""A real server on a free port with its own database and keys, and Debian's headless Chromium.

Playwright drives /usr/bin/chromium (never a browser Playwright downloads). Without it the
tests are skipped, except under CI, where `scripts/test` installs it and they must run.
Screenshots go to test-artifacts/screenshots/.
"""

import json
import os
import shutil
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from issuer.paths import PROJECT_ROOT
from issuer.settings import Settings
from issuer.web import create_app
from tests.conftest import Cli

CHROMIUM = os.environ.get("LER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
BROWSER_TOKEN = "browser-test-token-0123456789"


@dataclass
class LiveServer:
    """The running service: its base URL, settings and a CLI bound to the same data."""

    url: str
    settings: Settings
    cli: Cli

    def post(self, path: str, body: dict[str, Any]) -> Any:
        """POST `body` as JSON with the API token; return the JSON answer (raise on an error)."""
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=json.dumps(body).encode(),
            headers={
                "Authorization": f"Bearer {BROWSER_TOKEN}",
                "Content-Type": "application/json",
            },
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Serve the app on 127.0.0.1 (a free port) in a thread, seeded with the frameworks."""
    folder = tmp_path_factory.mktemp("live")
    apps: dict[str, Any] = {}

    def dispatch(environ: dict[str, Any], start_response: Any) -> Any:
        return apps["app"](environ, start_response)

    server = make_server("127.0.0.1", 0, dispatch, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    settings = Settings(
        base_url=url,
        database_url=f"sqlite:///{folder / 'issuer.sqlite3'}",
        keys_dir=folder / "keys",
        api_tokens=(BROWSER_TOKEN,),
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


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright."""
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: scripts/test installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


def csp_violations(messages: list[str]) -> list[str]:
    """Return the console messages in which Chromium reports a Content-Security-Policy violation."""
    return [m for m in messages if "Content Security Policy" in m or "Refused to" in m]


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context (own cookies, downloads accepted) and page.

    Every console message is kept in `page.console_messages`; the test fails if any page
    broke the Content-Security-Policy (Chromium reports each refusal on the console).
    """
    context = browser.new_context(accept_downloads=True, viewport={"width": 1100, "height": 900})
    context.set_default_timeout(15_000)
    messages: list[str] = []
    try:
        new_page = context.new_page()
        new_page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
        new_page.console_messages = messages
        yield new_page
    finally:
        context.close()
    assert csp_violations(messages) == []


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot as test-artifacts/screenshots/{name}.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
