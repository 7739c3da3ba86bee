"""Issuer branding set once (name, website, logo, contact email) and carried everywhere."""

import io
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from PIL import Image
from pydantic import ValidationError
from pypdf import PdfReader

from issuer.model.branding import Branding
from issuer.settings import Settings
from tests.conftest import AUTH, BASE_URL, TEST_TOKEN, Cli
from tests.pdf_reading import pdf_text

FRAMEWORK = "43-4171.00-v.26.05"
NAME = "Escuela Técnica Ñandú"
WEBSITE = "https://nandu.example.edu"
CONTACT = "registro@nandu.example.edu"


def _logo(path: Path) -> Path:
    image = Image.new("RGB", (120, 60), (200, 30, 60))
    image.save(path, format="PNG")
    return path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A branded issuer: name, website, contact email and a PNG logo."""
    return Settings(
        base_url=BASE_URL,
        database_url=f"sqlite:///{tmp_path / 'issuer.sqlite3'}",
        keys_dir=tmp_path / "keys",
        api_tokens=(TEST_TOKEN,),
        issuer_name=NAME,
        issuer_url=WEBSITE,
        issuer_email=CONTACT,
        issuer_logo=_logo(tmp_path / "logo.png"),
    )


@pytest.fixture
def awarded(run_cli: Cli, client: FlaskClient) -> dict[str, Any]:
    assert run_cli("init").exit_code == 0
    body = {
        "framework": FRAMEWORK,
        "recipient": {"email": "ana@example.org", "name": "Ana"},
        "statements": ["emerging-01"],
    }
    response = client.post("/awards", json=body, headers=AUTH)
    assert response.status_code == 201, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def test_the_issuer_profile_of_issued_credentials_carries_the_branding(
    client: FlaskClient, awarded: dict[str, Any], settings: Settings
) -> None:
    issuer = awarded["credentials"][0]["verifiableCredential"]["issuer"]
    assert issuer["name"] == NAME
    assert issuer["url"] == WEBSITE
    assert issuer["email"] == CONTACT
    assert issuer["image"] == {"id": f"{BASE_URL}/branding/logo", "type": "Image"}
    logo = client.get("/branding/logo")
    assert logo.status_code == 200 and logo.mimetype == "image/png"
    assert logo.data == Path(str(settings.issuer_logo)).read_bytes()


def test_the_certificate_shows_the_name_website_contact_and_logo(
    client: FlaskClient, awarded: dict[str, Any]
) -> None:
    uuid = awarded["credentials"][0]["id"]
    pdf = client.get(f"/credentials/{uuid}/certificate.pdf").data
    text = " ".join(pdf_text(pdf).split())
    assert NAME in text and WEBSITE in text and CONTACT in text
    sizes = {image.image.size for image in PdfReader(io.BytesIO(pdf)).pages[0].images}
    assert (120, 60) in sizes  # the logo, beside the QR code


def test_without_branding_settings_the_defaults_are_the_name_and_base_url(
    tmp_path: Path,
) -> None:
    plain = Settings(base_url=BASE_URL, keys_dir=tmp_path / "keys")
    branding = Branding.from_settings(plain)
    assert branding.logo is None and branding.url == BASE_URL and branding.email is None


def test_unusable_branding_settings_are_refused_with_a_sentence(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="ISSUER_EMAIL must be an email address"):
        Settings.from_env({"ISSUER_EMAIL": "not-an-address"})
    with pytest.raises(ValidationError, match="ISSUER_URL must start with http"):
        Settings.from_env({"ISSUER_URL": "nandu.example.edu"})
    text = tmp_path / "logo.txt"
    text.write_text("not an image")
    with pytest.raises(ValueError, match="must be a PNG or JPEG file"):
        Branding.from_settings(Settings.from_env({"ISSUER_LOGO": str(text)}))
    with pytest.raises(ValueError, match="cannot read"):
        Branding.from_settings(Settings.from_env({"ISSUER_LOGO": str(tmp_path / "missing.png")}))


def test_pages_show_the_name_and_logo_in_the_header_and_the_contact_in_the_footer(
    client: FlaskClient,
) -> None:
    html = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    header = html.split("</header>")[0]
    assert f'<img src="/branding/logo" alt="" height="32">{NAME}' in header
    footer = html.split("<footer>")[1]
    assert f'<a href="{WEBSITE}">{WEBSITE}</a>' in footer
    assert f'<a href="mailto:{CONTACT}">{CONTACT}</a>' in footer


def test_badges_name_the_issuer_and_carry_the_logo(
    client: FlaskClient, awarded: dict[str, Any]
) -> None:
    uuid = awarded["credentials"][0]["id"]
    svg = client.get(f"/credentials/{uuid}/badge.svg").get_data(as_text=True)
    assert f"issued by {NAME}" in svg  # the text alternative
    assert '<image x="' in svg and 'href="data:image/png;base64,' in svg
    png = client.get(f"/credentials/{uuid}/badge.png").data
    with Image.open(io.BytesIO(png)) as image:
        assert image.convert("RGB").getpixel((300, 86)) == (200, 30, 60)  # the logo's red
    wallet = client.get(awarded["wallet"].removeprefix(BASE_URL)).get_data(as_text=True)
    assert f"issued by {NAME}." in wallet  # the badge's alt text on the wallet page


def test_emails_are_signed_with_the_website_and_contact_and_reply_to_it(
    client: FlaskClient, awarded: dict[str, Any]
) -> None:
    from datetime import UTC, datetime

    mail = client.application.extensions["issuer"].mail
    wallet_id = awarded["wallet"].rsplit("/", 1)[-1]
    message_id = mail.queue_wallet_link(
        email="ana@example.org", wallet_id=wallet_id, achievements=["x"], now=datetime.now(UTC)
    )
    message = mail.outbox.get(message_id)
    assert f"— {NAME}\n{WEBSITE} · {CONTACT}\n" in message.text_body
    assert f'<a href="mailto:{CONTACT}">{CONTACT}</a>' in message.html_body
    email = mail.email(message)
    assert email["Reply-To"] == CONTACT and NAME in email["From"]
