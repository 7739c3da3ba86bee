"""The wallet page groups credentials by framework and level; revoked ones offer only JSON."""

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import AUTH, BASE_URL, Cli

FRAMEWORK = "43-4171.00-v.26.05"


@pytest.fixture
def wallet(run_cli: Cli, client: FlaskClient) -> tuple[dict[str, Any], str]:
    """Ana: the whole Emerging level and one Developing statement, that one revoked."""
    assert run_cli("init").exit_code == 0
    body = {
        "framework": FRAMEWORK,
        "recipient": {"email": "ana@example.org", "name": "Ana"},
        "level": "emerging",
        "statements": ["developing-01"],
    }
    response = client.post("/awards", json=body, headers=AUTH)
    assert response.status_code == 201, response.get_json()
    award = response.get_json()
    revoked = next(c for c in award["credentials"] if c["achievement"].endswith("developing-01"))
    change = {
        "credentialId": f"{BASE_URL}/credentials/{revoked['id']}",
        "credentialStatus": {"statusPurpose": "revocation"},
    }
    assert client.post("/credentials/status", json=change, headers=AUTH).status_code == 200
    html = client.get(award["wallet"].removeprefix(BASE_URL)).get_data(as_text=True)
    return award, html


def _level_cards(html: str) -> list[str]:
    return re.findall(r'<article class="level-card".*?</details>\s*</article>', html, re.S)


def test_one_framework_section_with_a_card_per_level_in_rank_order(
    wallet: tuple[dict[str, Any], str],
) -> None:
    _, html = wallet
    assert html.count('<section class="framework-group"') == 1
    assert "Receptionists and Information Clerks skills framework v.26.05</h3>" in html
    emerging, developing = _level_cards(html)
    assert ">Emerging (level 1 of 4)</h4>" in emerging
    assert ">Developing (level 2 of 4)</h4>" in developing
    # the level credential leads its card; its 10 statements are folded inside
    assert "Level reached" in emerging
    assert '<details class="statements">' in emerging  # closed
    assert "Competency statement credentials of this level (10)" in emerging
    assert emerging.count('<article class="card"') == 11
    # a level held only through statements shows them unfolded
    assert '<details class="statements" open>' in developing
    assert developing.count('<article class="card"') == 1


def test_a_revoked_card_offers_only_its_json_and_verification_page(
    wallet: tuple[dict[str, Any], str],
) -> None:
    award, html = wallet
    revoked = next(c for c in award["credentials"] if c["achievement"].endswith("developing-01"))
    card = re.search(
        rf'<article class="card" aria-labelledby="c-{revoked["id"]}">.*?</article>', html, re.S
    )
    assert card is not None
    text = card.group(0)
    assert "Revoked" in text
    assert f"/credentials/{revoked['id']}?download=1" in text  # the JSON
    assert f"/credentials/{revoked['id']}/verify" in text
    downloads = ("badge.png?download", "badge.svg?download", "qr.png?download", "certificate.pdf")
    for gone in ("linkedin.com", "/lcw", "qr.svg", *downloads):
        assert gone not in text, gone
    good = next(c for c in award["credentials"] if c is not revoked)
    assert html.count("linkedin.com/profile/add") == len(award["credentials"]) - 1
    assert f"/credentials/{good['id']}/badge.png?download=1" in html
