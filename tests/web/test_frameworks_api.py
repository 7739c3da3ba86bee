"""GET /frameworks, /frameworks/{id} and every achievement URL."""

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.conftest import BASE_URL, Cli
from tests.factories import SEED_FILES, non_ascii_export, write_export

RECEPTIONISTS = "43-4171.00-v.26.05"


@pytest.fixture
def seeded(run_cli: Cli, client: FlaskClient) -> FlaskClient:
    assert run_cli("init").exit_code == 0
    return client


def test_list_frameworks(seeded: FlaskClient) -> None:
    response = seeded.get("/frameworks")
    assert response.status_code == 200
    frameworks = response.get_json()["frameworks"]
    assert [f["id"] for f in frameworks] == ["43-4021.00-v.26.05", RECEPTIONISTS]
    assert frameworks[1]["url"] == f"{BASE_URL}/frameworks/{RECEPTIONISTS}"
    assert [lv["label"] for lv in frameworks[1]["levels"]] == [
        "Emerging",
        "Developing",
        "Proficient",
        "Advanced",
    ]


def test_framework_document_holds_every_achievement(seeded: FlaskClient) -> None:
    body = seeded.get(f"/frameworks/{RECEPTIONISTS}").get_json()
    assert body["occupation"]["soc"] == "43-4171.00"
    assert body["occupation"]["jobZone"] == 2
    assert body["sources"]["onet"] == "v30.2 (CC BY 4.0)"
    assert body["attribution"] == "© EBSCOed"
    assert len(body["levels"]) == 4
    assert all(len(lv["statements"]) == 10 for lv in body["levels"])
    assert body["levels"][0]["statements"][0]["achievement"]["id"] == (
        f"{BASE_URL}/frameworks/{RECEPTIONISTS}/statements/emerging-01"
    )


def test_framework_by_soc_code(seeded: FlaskClient) -> None:
    assert seeded.get("/frameworks/43-4171.00").get_json()["id"] == RECEPTIONISTS


def test_every_achievement_url_returns_that_achievement(seeded: FlaskClient) -> None:
    body = seeded.get(f"/frameworks/{RECEPTIONISTS}").get_json()
    achievements = [lv["achievement"] for lv in body["levels"]] + [
        s["achievement"] for lv in body["levels"] for s in lv["statements"]
    ]
    assert len(achievements) == 44
    for achievement in achievements:
        path = achievement["id"].removeprefix(BASE_URL)
        response = seeded.get(path)
        assert response.status_code == 200, path
        served = response.get_json()
        assert served.pop("@context")[0] == "https://www.w3.org/ns/credentials/v2"
        assert served == achievement


def test_creator_profile_and_original_export(seeded: FlaskClient) -> None:
    creator = seeded.get(f"/frameworks/{RECEPTIONISTS}/creator").get_json()
    assert creator["type"] == ["Profile"]
    export = seeded.get(f"/frameworks/{RECEPTIONISTS}/export")
    assert export.data == SEED_FILES[1].read_bytes()


def test_non_ascii_framework_is_served_as_utf8(
    run_cli: Cli, client: FlaskClient, tmp_path: Path
) -> None:
    path = write_export(tmp_path, "cuisine.json", non_ascii_export())
    assert run_cli("frameworks", "import", str(path)).exit_code == 0
    body = client.get("/frameworks/35-2014.00-v2026.1/statements/level-2-01")
    assert body.get_json()["name"] == "包丁の技術"
    assert "包丁".encode() in body.data


@pytest.mark.parametrize(
    "path",
    [
        "/frameworks/99-9999.99",
        f"/frameworks/{RECEPTIONISTS}/levels/master",
        f"/frameworks/{RECEPTIONISTS}/statements/emerging-11",
        "/no-such-page",
    ],
)
def test_unknown_things_are_404_problem_details(seeded: FlaskClient, path: str) -> None:
    response = seeded.get(path)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == 404
    assert problem["instance"] == path
    assert problem["detail"]


def test_wrong_method_is_405_problem(seeded: FlaskClient) -> None:
    response = seeded.post("/frameworks")
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
    assert "GET" in response.headers["Allow"]


def test_home_page_lists_frameworks(seeded: FlaskClient) -> None:
    page = seeded.get("/").get_data(as_text=True)
    assert "Receptionists and Information Clerks skills framework v.26.05" in page
