"""Framework, level and statement URLs and /issuer: a page for browsers, JSON for programs."""

import pytest
from flask.testing import FlaskClient

from tests.conftest import BASE_URL, Cli

FRAMEWORK = "43-4171.00-v.26.05"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PATHS = [
    f"/frameworks/{FRAMEWORK}",
    f"/frameworks/{FRAMEWORK}/levels/proficient",
    f"/frameworks/{FRAMEWORK}/statements/emerging-02",
    "/issuer",
]


@pytest.fixture
def seeded(run_cli: Cli, client: FlaskClient) -> FlaskClient:
    assert run_cli("init").exit_code == 0
    return client


@pytest.mark.parametrize("path", PATHS)
def test_browsers_get_a_page_and_programs_json_at_the_same_url(
    seeded: FlaskClient, path: str
) -> None:
    page = seeded.get(path, headers={"Accept": BROWSER})
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "Accept" in page.headers["Vary"]
    assert "<h1>" in page.get_data(as_text=True)
    for accept in (None, "*/*", "application/json", "application/ld+json, text/html;q=0.5"):
        headers = {"Accept": accept} if accept else {}
        data = seeded.get(path, headers=headers)
        assert data.status_code == 200 and data.mimetype == "application/json", accept
        assert "Accept" in data.headers["Vary"]
        assert isinstance(data.get_json(), dict)


def test_the_level_page_reads_as_the_achievement(seeded: FlaskClient) -> None:
    html = seeded.get(
        f"/frameworks/{FRAMEWORK}/levels/proficient", headers={"Accept": BROWSER}
    ).get_data(as_text=True)
    assert "<h1>Receptionists and Information Clerks — Proficient</h1>" in html
    assert "<h2>How to earn it</h2>" in html
    assert "<strong>Proficient</strong>" in html  # the criteria's Markdown, rendered
    assert "(O*NET-SOC 43-4171.00)" in html
    statement = seeded.get(f"/frameworks/{FRAMEWORK}/levels/proficient").get_json()
    assert statement["id"] == f"{BASE_URL}/frameworks/{FRAMEWORK}/levels/proficient"


def test_the_framework_page_links_every_level_and_statement(seeded: FlaskClient) -> None:
    html = seeded.get(f"/frameworks/{FRAMEWORK}", headers={"Accept": BROWSER}).get_data(
        as_text=True
    )
    assert html.count(f'href="{BASE_URL}/frameworks/{FRAMEWORK}/levels/') == 4
    assert html.count(f'href="{BASE_URL}/frameworks/{FRAMEWORK}/statements/') == 40


def test_the_issuer_page_lists_what_it_issues(seeded: FlaskClient) -> None:
    html = seeded.get("/issuer", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "Skills frameworks" in html
    assert f'href="{BASE_URL}/frameworks/{FRAMEWORK}"' in html
    profile = seeded.get("/issuer").get_json()
    assert profile["id"].startswith("did:") and profile["type"] == ["Profile"]


def test_a_missing_level_is_a_404_for_both(seeded: FlaskClient) -> None:
    assert seeded.get(f"/frameworks/{FRAMEWORK}/levels/nope").status_code == 404
    missing = seeded.get(f"/frameworks/{FRAMEWORK}/levels/nope", headers={"Accept": BROWSER})
    assert missing.status_code == 404
