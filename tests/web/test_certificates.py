"""PDF certificates over HTTP: each credential's, and the wallet's whole record."""

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import AUTH, BASE_URL, Cli
from tests.pdf_reading import embedded_fonts, pdf_text, qr_codes, squeeze

FRAMEWORK = "43-4171.00-v.26.05"
CJK_TITLE = "来客対応の手順"
VC2 = "https://www.w3.org/ns/credentials/v2"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


@pytest.fixture
def seeded(run_cli: Cli, client: FlaskClient) -> FlaskClient:
    assert run_cli("init").exit_code == 0
    return client


def _award(client: FlaskClient, email: str = "ana@example.org", **body: Any) -> dict[str, Any]:
    body = {"framework": FRAMEWORK, "recipient": {"email": email, "name": "Ana"}, **body}
    response = client.post("/awards", json=body, headers=AUTH)
    assert response.status_code == 201, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def _uuid(credential: dict[str, Any]) -> str:
    return str(credential["id"]).rsplit("/", 1)[-1]


def _revoke(client: FlaskClient, uuid: str) -> None:
    change = {
        "credentialId": f"{BASE_URL}/credentials/{uuid}",
        "credentialStatus": {"statusPurpose": "revocation"},
    }
    assert client.post("/credentials/status", json=change, headers=AUTH).status_code == 200


def test_a_level_certificate_says_what_who_when_and_links_its_verification_page(
    seeded: FlaskClient,
) -> None:
    award = _award(seeded, level="emerging")
    level = next(c for c in award["credentials"] if "Emerging" in c["name"])
    uuid = _uuid(level)
    response = seeded.get(f"/credentials/{uuid}/certificate.pdf?download=1")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "-certificate.pdf" in response.headers["Content-Disposition"]
    pdf = response.data
    assert pdf.startswith(b"%PDF-")
    text = " ".join(pdf_text(pdf).split())
    assert "Certificate of a proficiency level" in text
    assert "Receptionists and Information Clerks — Emerging" in text
    assert "Emerging (level 1 of 4)" in text
    assert "O*NET-SOC 43-4171.00" in text and "Receptionists and Information Clerks" in text
    assert "Skills Framework" in text or "skills framework" in text.lower()
    assert "Example Training Provider" in text
    assert "Awarded to" in text and "Ana" in text
    assert "Competency statements demonstrated (10)" in text
    verify_url = f"{BASE_URL}/credentials/{uuid}/verify"
    assert verify_url in squeeze(text)  # the link may wrap
    assert qr_codes(pdf) == [verify_url]
    fonts = embedded_fonts(pdf)
    assert fonts and all(fonts.values()), fonts  # every font's program is in the file


def test_a_cjk_title_is_set_in_real_embedded_glyphs(seeded: FlaskClient) -> None:
    issuer = seeded.application.extensions["issuer"].identity.did
    credential = {
        "@context": [VC2, OB],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer,
        "name": CJK_TITLE,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://provider.example/achievements/cjk",
                "type": ["Achievement"],
                "name": f"{CJK_TITLE} — Приём посетителей — Υποδοχή",
                "description": "受付での来客対応。",
                "criteria": {"narrative": "評価に合格する。"},
            },
        },
    }
    issued = seeded.post("/credentials/issue", json={"credential": credential}, headers=AUTH)
    assert issued.status_code == 201, issued.get_json()
    uuid = _uuid(issued.get_json()["verifiableCredential"])
    pdf = seeded.get(f"/credentials/{uuid}/certificate.pdf").data
    text = squeeze(pdf_text(pdf))
    # text extraction maps each glyph back to its character through the embedded font's
    # ToUnicode map: a missing glyph (a .notdef box) would not come back as the character
    assert CJK_TITLE in text and "Приёмпосетителей" in text and "Υποδοχή" in text
    fonts = embedded_fonts(pdf)
    cjk = [name for name in fonts if "CJK" in name]
    assert cjk and all(fonts[name] for name in cjk), fonts
    assert qr_codes(pdf) == [f"{BASE_URL}/credentials/{uuid}/verify"]


def test_a_revoked_credential_has_no_certificate_and_unknown_ones_are_404(
    seeded: FlaskClient,
) -> None:
    award = _award(seeded, statements=["emerging-01"])
    uuid = _uuid(award["credentials"][0])
    _revoke(seeded, uuid)
    response = seeded.get(f"/credentials/{uuid}/certificate.pdf")
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert "revoked" in response.get_json()["detail"]
    missing = seeded.get("/credentials/00000000-0000-0000-0000-000000000000/certificate.pdf")
    assert missing.status_code == 404


def test_the_record_lists_every_credential_in_good_standing_grouped_by_framework(
    seeded: FlaskClient,
) -> None:
    award = _award(seeded, level="emerging", statements=["developing-01"])
    credentials = award["credentials"]
    revoked = next(c for c in credentials if str(c["achievement"]).endswith("developing-01"))
    _revoke(seeded, _uuid(revoked))
    wallet_path = award["wallet"].removeprefix(BASE_URL)
    response = seeded.get(f"{wallet_path}/record.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.data
    text = " ".join(pdf_text(pdf).split())
    assert "Learning and employment record" in text
    assert f"{len(credentials) - 1} credentials in good standing, awarded to Ana" in text
    assert "1 credential not in good standing (revoked, suspended or expired) is left out" in text
    assert "Receptionists and Information Clerks" in text and "O*NET-SOC 43-4171.00" in text
    good = [c for c in credentials if c is not revoked]
    expected = [f"{BASE_URL}/credentials/{_uuid(c)}/verify" for c in good]
    assert sorted(qr_codes(pdf)) == sorted(expected)
    assert f"{BASE_URL}/credentials/{_uuid(revoked)}/verify" not in squeeze(text)


def test_a_record_with_nothing_in_good_standing_is_409_and_unknown_wallets_404(
    seeded: FlaskClient,
) -> None:
    award = _award(seeded, email="lee@example.org", statements=["emerging-01"])
    _revoke(seeded, _uuid(award["credentials"][0]))
    wallet_path = award["wallet"].removeprefix(BASE_URL)
    response = seeded.get(f"{wallet_path}/record.pdf")
    assert response.status_code == 409
    assert "none of the credentials" in response.get_json()["detail"]
    assert seeded.get("/wallet/no-such-wallet/record.pdf").status_code == 404


def test_the_wallet_page_links_the_certificates_only_of_credentials_in_good_standing(
    seeded: FlaskClient,
) -> None:
    award = _award(seeded, statements=["emerging-01", "emerging-02"])
    good, revoked = (_uuid(c) for c in award["credentials"])
    _revoke(seeded, revoked)
    html = seeded.get(award["wallet"].removeprefix(BASE_URL)).get_data(as_text=True)
    assert f"/credentials/{good}/certificate.pdf?download=1" in html
    assert f"/credentials/{revoked}/certificate.pdf" not in html
    assert "/record.pdf?download=1" in html
