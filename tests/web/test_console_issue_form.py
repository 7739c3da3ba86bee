"""The console's award form: learner first, framework chosen without losing what was typed,
whole levels, expiry (validUntil), and plain messages next to their fields."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient

from tests.conftest import TEST_TOKEN, Cli
from tests.web.test_console import FRAMEWORK, _award_form, _csrf

OTHER = "43-4021.00-v.26.05"


@pytest.fixture
def console(run_cli: Cli, client: FlaskClient) -> tuple[FlaskClient, str]:
    assert run_cli("init").exit_code == 0
    token = _csrf(client.get("/issue").get_data(as_text=True))
    client.post("/issue/sign-in", data={"csrf_token": token, "token": TEST_TOKEN})
    return client, _csrf(client.get("/issue").get_data(as_text=True))


def test_the_learner_comes_first_and_the_framework_shows_its_levels_without_losing_it(
    console: tuple[FlaskClient, str],
) -> None:
    client, csrf = console
    page = client.get("/issue").get_data(as_text=True)
    assert page.index('id="email"') < page.index('id="framework-choice"')
    assert "level-" not in page  # no framework chosen yet
    chosen = client.post(
        "/issue/preview",
        data={
            "csrf_token": csrf,
            "framework": FRAMEWORK,
            "email": "ana@example.org",
            "name": "Ana",
            "choose": "yes",
        },
    )
    assert chosen.status_code == 200
    html = chosen.get_data(as_text=True)
    assert 'id="level-emerging"' in html
    assert 'value="ana@example.org"' in html and 'value="Ana"' in html
    assert "Please correct this" not in html
    # another framework picked, then Preview pressed without JavaScript: its levels, not a preview
    switched = client.post(
        "/issue/preview",
        data=_award_form(csrf, framework=OTHER, shown=FRAMEWORK),
    ).get_data(as_text=True)
    assert "Preview:" not in switched
    assert f'name="shown" value="{OTHER}"' in switched
    assert 'value="ana@example.org"' in switched
    assert 'name="statements" value="emerging-01" checked' not in switched


def test_a_ticked_level_counts_all_its_statements(console: tuple[FlaskClient, str]) -> None:
    client, csrf = console
    form = _award_form(csrf, statements=[], levels=["emerging"], shown=FRAMEWORK)
    preview = client.post("/issue/preview", data=form).get_data(as_text=True)
    assert "Preview: 11 credentials to issue" in preview
    # the form shown again (to change it) has the level's statements ticked
    again = client.get("/issue", query_string={"framework": FRAMEWORK, "levels": "emerging"})
    html = again.get_data(as_text=True)
    ticked = re.findall(r'id="st-(emerging-\d+)"[^>]*checked', html)
    assert len(ticked) == 10


def test_expiry_set_in_the_console_becomes_valid_until(console: tuple[FlaskClient, str]) -> None:
    client, csrf = console
    day = (datetime.now(UTC) + timedelta(days=400)).date().isoformat()
    form = _award_form(csrf, statements=["emerging-01"], expires=day, shown=FRAMEWORK)
    preview = client.post("/issue/preview", data=form).get_data(as_text=True)
    assert f"At the end of {day} (UTC)" in preview
    done = client.post("/issue/award", data=form).get_data(as_text=True)
    assert "1 credential issued" in done
    events = client.get("/audit", headers={"Authorization": f"Bearer {TEST_TOKEN}"}).get_json()
    url = next(e["subject"] for e in events["events"] if e["action"] == "issue")
    document = json.loads(client.get(url.removeprefix("https://issuer.example.org")).data)
    assert document["validUntil"] == f"{day}T23:59:59Z"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"email": "ana@"}, "email", "Enter an email address like ana@example.org."),
        ({"email": "", "did": "did:nope"}, "did", "Enter a DID like did:key:z6Mk"),
        ({"email": ""}, "email", "Enter the learner&#39;s email address (or their DID)."),
        ({"evidence": "ftp://x"}, "evidence", "Enter a link that starts with https:// or http://."),
        ({"expires": "31/12/2027"}, "expires", "Enter the expiry date like 2027-12-31."),
        ({"expires": "2020-01-01"}, "expires", "Choose an expiry date after today."),
        ({"statements": []}, "statements", "Tick at least one statement, or a whole level."),
        ({"framework": ""}, "framework", "Choose a framework."),
    ],
)
def test_messages_are_plain_and_next_to_their_field(
    console: tuple[FlaskClient, str], fields: dict[str, object], field: str, message: str
) -> None:
    client, csrf = console
    form = {**_award_form(csrf), "shown": FRAMEWORK, **fields}
    if fields.get("framework") == "":
        form.pop("shown")
    response = client.post("/issue/preview", data=form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(rf'<p class="field-error" id="{field}-error">{re.escape(message)}', html)
    described = rf'aria-describedby="[^"]*{field}-error"'
    assert re.search(
        described if field == "statements" else described + '[^>]*aria-invalid="true"', html
    )
    assert "pattern" not in html.split("<main", 1)[1].lower()
