"""A roster's `valid_until` column: the batch's credentials carry it as `validUntil`, and the
console lists them as expired once it has passed."""

import json

import pytest
from flask.testing import FlaskClient

from tests.conftest import AUTH, BASE_URL, Cli
from tests.web.test_batches_api import upload, wait

FRAMEWORK = "43-4171.00"


@pytest.fixture
def seeded(run_cli: Cli, client: FlaskClient) -> FlaskClient:
    assert run_cli("init").exit_code == 0
    return client


def test_valid_until_from_the_roster_is_signed_into_each_credential(seeded: FlaskClient) -> None:
    roster = (
        "email,name,framework,statements,valid_until\n"
        f"ana@example.org,Ana,{FRAMEWORK},emerging-01;emerging-02,2030-06-30\n"
        f"ben@example.org,Ben,{FRAMEWORK},emerging-03,\n"
    )
    response = upload(seeded, roster)
    assert response.status_code == 202, response.get_json()
    done = wait(seeded, response.headers["Location"])
    assert done["issued"] == 3, done
    summary = seeded.get(f"{response.headers['Location']}/summary.csv", headers=AUTH)
    urls = [u for u in summary.get_data(as_text=True).split() if "/credentials/" in u]
    documents = []
    for line in summary.get_data(as_text=True).splitlines()[1:]:
        for cell in line.split(","):
            for url in cell.split(";"):
                if url.startswith(f"{BASE_URL}/credentials/"):
                    documents.append(json.loads(seeded.get(url.removeprefix(BASE_URL)).data))
    assert urls and len(documents) == 3
    by_name = {}
    for document in documents:
        identifiers = document["credentialSubject"]["identifier"]
        name = next(i["identityHash"] for i in identifiers if i["identityType"] == "name")
        by_name.setdefault(name, []).append(document.get("validUntil"))
    assert by_name == {"Ana": ["2030-06-30T23:59:59Z"] * 2, "Ben": [None]}


def test_a_past_expiry_fails_its_row_and_says_why(seeded: FlaskClient) -> None:
    roster = f"email,framework,statements,valid_until\nana@example.org,{FRAMEWORK},emerging-01,2001-01-01\n"
    response = upload(seeded, roster)
    assert response.status_code == 202, response.get_json()
    done = wait(seeded, response.headers["Location"])
    assert (done["failed"], done["issued"]) == (1, 0), done
    assert done["errors"] == [{"row": 2, "detail": "validUntil must be later than validFrom"}]
