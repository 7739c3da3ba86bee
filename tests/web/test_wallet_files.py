"""Wallet files over HTTP: each round-trips through the verify page and `ler-issuer verify`."""

import io
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import segno
from flask.testing import FlaskClient

from issuer.schemas import CLR_CREDENTIAL, schema_errors
from issuer.wallet.badge_image import BadgeText, render_png
from issuer.wallet.baking import bake_png, extract_png, extract_svg
from tests.conftest import AUTH, BASE_URL, Cli

FRAMEWORK = "43-4171.00-v.26.05"


@pytest.fixture
def seeded(run_cli: Cli, client: FlaskClient) -> FlaskClient:
    assert run_cli("init").exit_code == 0
    return client


@pytest.fixture
def awarded(seeded: FlaskClient) -> dict[str, Any]:
    """Ana gets the whole Emerging level (10 statements and the level) and one Developing one."""
    body = {
        "framework": FRAMEWORK,
        "recipient": {"email": "ana@example.org", "name": "Ana"},
        "level": "emerging",
        "statements": ["developing-01"],
    }
    response = seeded.post("/awards", json=body, headers=AUTH)
    assert response.status_code == 201, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def _path(url: str) -> str:
    return url.removeprefix(BASE_URL)


def _uuid(credential: dict[str, Any]) -> str:
    return str(credential["id"])


def _verify_page(client: FlaskClient, data: bytes, filename: str) -> str:
    response = client.post(
        "/verify",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )
    return response.get_data(as_text=True)


def test_wallet_lists_every_credential_with_its_downloads(
    seeded: FlaskClient, awarded: dict[str, Any]
) -> None:
    page = seeded.get(_path(awarded["wallet"]))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('<article class="card"') == 12
    assert "Receptionists and Information Clerks — Emerging" in html
    assert "Emerging (level 1 of 4)" in html
    assert "Occupation" in html and "O*NET-SOC 43-4171.00" in html
    credential = awarded["credentials"][0]
    for suffix in ("?download=1", "/badge.png?download=1", "/badge.svg?download=1", "/qr.png"):
        assert f"{BASE_URL}/credentials/{_uuid(credential)}{suffix}" in html
    verify_url = f"{BASE_URL}/credentials/{_uuid(credential)}/verify"
    assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in html
    assert f"certUrl={quote(verify_url, safe='')}" in html
    assert f"/clr/{FRAMEWORK}.json" in html and "/presentation.json" in html


def test_wallet_without_a_link_says_how_to_get_it_and_unknown_wallets_are_404(
    seeded: FlaskClient,
) -> None:
    help_page = seeded.get("/wallet", headers={"Accept": "text/html"})
    assert help_page.status_code == 200
    assert "How to get your link" in help_page.get_data(as_text=True)
    unknown = seeded.get("/wallet/not-a-real-wallet-id", headers={"Accept": "text/html"})
    assert unknown.status_code == 404
    assert "no wallet at this link" in unknown.get_data(as_text=True)
    assert seeded.get("/wallet/nope/presentation.json").status_code == 404


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_baked_badges_hold_the_credential_byte_for_byte(
    seeded: FlaskClient, awarded: dict[str, Any], kind: str
) -> None:
    credential = awarded["credentials"][-1]
    signed = seeded.get(_path(credential["url"])).data.decode("utf-8")
    response = seeded.get(f"/credentials/{_uuid(credential)}/badge.{kind}?download=1")
    assert response.status_code == 200
    assert response.mimetype == ("image/png" if kind == "png" else "image/svg+xml")
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    extract = extract_png if kind == "png" else extract_svg
    assert extract(response.data) == signed
    assert "Verified" in _verify_page(seeded, response.data, f"badge.{kind}")


def test_credential_json_download_is_the_signed_bytes(
    seeded: FlaskClient, awarded: dict[str, Any]
) -> None:
    credential = awarded["credentials"][0]
    plain = seeded.get(_path(credential["url"]))
    download = seeded.get(_path(credential["url"]) + "?download=1")
    assert download.data == plain.data
    assert download.mimetype == "application/vc+ld+json"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert disposition.endswith(".json")


def test_a_tampered_baked_image_fails_verification(
    seeded: FlaskClient, awarded: dict[str, Any], run_cli: Cli, tmp_path: Path
) -> None:
    credential = awarded["credentials"][0]
    image = seeded.get(f"/credentials/{_uuid(credential)}/badge.png").data
    document = json.loads(extract_png(image) or "")
    document["credentialSubject"]["achievement"]["name"] = "Brain surgery"
    tampered = bake_png(image, json.dumps(document))
    html = _verify_page(seeded, tampered, "badge.png")
    assert "Not verified" in html
    assert "has been changed" in html
    path = tmp_path / "tampered.png"
    path.write_bytes(tampered)
    result = run_cli("verify", str(path))
    assert result.exit_code == 1
    assert f"{path}: NOT verified" in result.output


def test_an_image_without_a_credential_is_explained(
    seeded: FlaskClient, run_cli: Cli, tmp_path: Path
) -> None:
    plain = render_png(BadgeText(title="Nothing baked"))
    response = seeded.post(
        "/verify",
        data={"file": (io.BytesIO(plain), "plain.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "the image holds no credential" in response.get_data(as_text=True)
    path = tmp_path / "plain.png"
    path.write_bytes(plain)
    result = run_cli("verify", str(path))
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {path}: the image holds no credential")
    broken = tmp_path / "broken.png"
    broken.write_bytes(plain[:50])
    assert "damaged" in run_cli("verify", str(broken)).output


def test_clr_follows_the_schema_links_statements_to_levels_and_verifies(
    seeded: FlaskClient, awarded: dict[str, Any]
) -> None:
    wallet = _path(awarded["wallet"])
    response = seeded.get(f"{wallet}/clr/{FRAMEWORK}.json?download=1")
    assert response.status_code == 200
    assert response.mimetype == "application/vc+ld+json"
    clr = json.loads(response.data)
    assert schema_errors(clr, CLR_CREDENTIAL) == []
    assert clr["type"] == ["VerifiableCredential", "ClrCredential"]
    assert clr["id"].startswith("urn:uuid:") and awarded["wallet"].rsplit("/", 1)[1] not in (
        response.get_data(as_text=True)
    )
    subject = clr["credentialSubject"]
    assert len(subject["verifiableCredential"]) == 12
    links = {(a["sourceId"], a["targetId"]) for a in subject["association"]}
    statement = f"{BASE_URL}/frameworks/{FRAMEWORK}/statements/developing-01"
    assert (statement, f"{BASE_URL}/frameworks/{FRAMEWORK}/levels/developing") in links
    assert all(a["associationType"] == "isChildOf" for a in subject["association"])
    achievement_ids = {a["id"] for a in subject["achievement"]}
    assert {target for _, target in links} <= achievement_ids
    assert clr["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    verdict = seeded.post("/credentials/verify", json={"verifiableCredential": clr}).get_json()
    assert verdict["verified"] is True, verdict
    html = _verify_page(seeded, response.data, "clr.json")
    assert "✓ Verified" in html and "Each of the 12 credentials" in html
    assert seeded.get(f"{wallet}/clr/99-9999.99-v1.json").status_code == 404


def test_presentation_holds_everything_and_verifies_unsigned(
    seeded: FlaskClient, awarded: dict[str, Any], run_cli: Cli, tmp_path: Path
) -> None:
    response = seeded.get(_path(awarded["wallet"]) + "/presentation.json")
    assert response.status_code == 200
    presentation = json.loads(response.data)
    assert presentation["type"] == ["VerifiablePresentation"]
    assert len(presentation["verifiableCredential"]) == 12
    verdict = seeded.post("/presentations/verify", json={"presentation": presentation}).get_json()
    assert verdict["verified"] is True
    assert verdict["warnings"] == ["proof"]
    path = tmp_path / "presentation.json"
    path.write_bytes(response.data)
    assert run_cli("verify", str(path)).exit_code == 0


def test_every_file_verifies_with_the_cli(
    seeded: FlaskClient, awarded: dict[str, Any], run_cli: Cli, tmp_path: Path
) -> None:
    credential = awarded["credentials"][-1]
    files = {
        "credential.json": seeded.get(_path(credential["url"])).data,
        "badge.png": seeded.get(f"/credentials/{_uuid(credential)}/badge.png").data,
        "badge.svg": seeded.get(f"/credentials/{_uuid(credential)}/badge.svg").data,
        "clr.json": seeded.get(_path(awarded["wallet"]) + f"/clr/{FRAMEWORK}.json").data,
    }
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = run_cli("verify", str(path))
        assert result.exit_code == 0, (name, result.output)
        assert f"{path}: verified" in result.output


def test_qr_code_opens_the_verification_page(seeded: FlaskClient, awarded: dict[str, Any]) -> None:
    credential = awarded["credentials"][0]
    verify_url = f"{BASE_URL}/credentials/{_uuid(credential)}/verify"
    svg = seeded.get(f"/credentials/{_uuid(credential)}/qr.svg")
    assert svg.mimetype == "image/svg+xml"
    assert f"<title>QR code: {verify_url}</title>" in svg.get_data(as_text=True)
    png_code = seeded.get(f"/credentials/{_uuid(credential)}/qr.png")
    assert png_code.data.startswith(b"\x89PNG")
    expected = segno.make_qr(verify_url, error="m")
    assert (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{expected.symbol_size(scale=6)[0]}"'
        in (svg.get_data(as_text=True))
    )
    page = seeded.get(_path(verify_url))
    assert page.status_code == 200
    assert "✓ Verified" in page.get_data(as_text=True)


def test_verify_page_accepts_pasted_json_and_links(
    seeded: FlaskClient, awarded: dict[str, Any]
) -> None:
    credential = awarded["credentials"][0]
    form = seeded.get("/verify").get_data(as_text=True)
    for label in ('for="file"', 'for="text"', 'for="credential"'):
        assert label in form
    text = seeded.get(_path(credential["url"])).get_data(as_text=True)
    pasted = seeded.post("/verify", data={"text": text}).get_data(as_text=True)
    assert "✓ Verified" in pasted and "What the learner achieved" in pasted
    by_link = seeded.get(f"/verify?credential={quote(credential['url'])}")
    assert "✓ Verified" in by_link.get_data(as_text=True)
    foreign = seeded.get("/verify?credential=https://elsewhere.example/credentials/1")
    assert foreign.status_code == 422
    assert "Only credentials issued by this service" in foreign.get_data(as_text=True)
    broken = seeded.post("/verify", data={"text": "{nope"})
    assert broken.status_code == 422
    assert "not valid JSON" in broken.get_data(as_text=True)
    empty = seeded.post("/verify", data={"text": "  "})
    assert empty.status_code == 422
