"""In a real browser: the wallet page's PDF downloads (a certificate, the whole record)."""

import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import SCREENSHOTS, LiveServer, screenshot
from tests.pdf_reading import embedded_fonts, pdf_text, qr_codes, squeeze

pytestmark = pytest.mark.browser

FRAMEWORK = "43-4171.00-v.26.05"


def _award(server: LiveServer) -> dict[str, Any]:
    body = {
        "framework": FRAMEWORK,
        "recipient": {"email": "pdf@example.org", "name": "Zhang Wei 张伟"},
        "statements": ["emerging-01", "emerging-02"],
    }
    return server.post("/awards", body)


def _download(page: Any, name: str, keep_as: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=name).first.click()
    data = Path(info.value.path()).read_bytes()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / keep_as).write_bytes(data)  # kept beside the screenshots, to look at
    return data


def test_the_wallet_page_downloads_a_certificate_and_the_record_as_pdf(
    page: Any, live_server: LiveServer
) -> None:
    award = _award(live_server)
    page.goto(award["wallet"])
    page.get_by_role("heading", name="Your credentials").wait_for()
    screenshot(page, "14-wallet-pdf-downloads")
    certificate = _download(page, "Certificate (PDF)", "14-certificate.pdf")
    first = award["credentials"][0]["id"]
    verify_url = f"{live_server.url}/credentials/{first}/verify"
    text = pdf_text(certificate)
    assert "Certificate of competence" in text and "Example Training Provider" in text
    assert "张伟" in squeeze(text)
    assert qr_codes(certificate) == [verify_url]
    assert all(embedded_fonts(certificate).values())
    record = _download(page, "Printable record (PDF)", "14-record.pdf")
    assert "Learning and employment record" in pdf_text(record)
    assert len(qr_codes(record)) == 2


def test_a_cjk_titled_credential_has_its_badge_and_certificate_in_real_glyphs(
    page: Any, live_server: LiveServer
) -> None:
    credential = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": _award(live_server)["credentials"][0]["verifiableCredential"]["issuer"]["id"],
        "name": "来客対応の手順",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://provider.example/achievements/cjk",
                "type": ["Achievement"],
                "name": "来客対応の手順",
                "description": "受付での来客対応。",
                "criteria": {"narrative": "評価に合格する。"},
            },
        },
    }
    issued = live_server.post("/credentials/issue", {"credential": credential})[
        "verifiableCredential"
    ]
    uuid = str(issued["id"]).rsplit("/", 1)[-1]
    page.goto(f"{live_server.url}/credentials/{uuid}/badge.png")
    screenshot(page, "15-badge-cjk-title")
    with urllib.request.urlopen(f"{live_server.url}/credentials/{uuid}/certificate.pdf") as r:
        pdf = r.read()
    (SCREENSHOTS / "15-certificate-cjk.pdf").write_bytes(pdf)
    assert "来客対応の手順" in squeeze(pdf_text(pdf))
