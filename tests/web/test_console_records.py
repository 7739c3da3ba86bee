"""The console's records: search the issued credentials, export them, revoke with a reason
(confirmed), and the audit log page; on SQLite and PostgreSQL."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from issuer.web.when import ago, when
from tests.conftest import AUTH, BASE_URL, TEST_TOKEN
from tests.factories import SEED_FILES
from tests.web.test_batches_api import upload, wait

FRAMEWORK = "43-4171.00"
HTML = {"Accept": "text/html"}


@pytest.fixture
def app_on(app_on: Flask) -> Flask:
    """The app on both databases, with a seed framework."""
    app_on.extensions["issuer"].frameworks.import_file(SEED_FILES[1], now=datetime.now(UTC))
    return app_on


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF field"
    return match.group(1)


@pytest.fixture
def console(app_on: Flask) -> tuple[FlaskClient, str]:
    """A client signed in to the console, and its CSRF token."""
    client = app_on.test_client()
    token = _csrf(client.get("/issue").get_data(as_text=True))
    client.post("/issue/sign-in", data={"csrf_token": token, "token": TEST_TOKEN})
    return client, _csrf(client.get("/issue").get_data(as_text=True))


def _award(client: FlaskClient, email: str, name: str, statements: list[str]) -> dict[str, Any]:
    response = client.post(
        "/awards",
        headers=AUTH,
        json={
            "framework": FRAMEWORK,
            "statements": statements,
            "recipient": {"email": email, "name": name},
        },
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def _rows(client: FlaskClient, **query: str) -> list[str]:
    page = client.get("/issue/credentials", query_string=query).get_data(as_text=True)
    return re.findall(r"<tr>\s*<td><a href=.*?</tr>", page, flags=re.S)


def test_search_by_learner_email_framework_status_batch_and_date(
    console: tuple[FlaskClient, str],
) -> None:
    client, _ = console
    ana = _award(client, "ana@example.org", "Ana Sousa", ["emerging-01", "emerging-02"])
    _award(client, "ben@example.org", "Ben Okafor", ["emerging-03"])
    assert len(_rows(client)) == 3

    by_email = _rows(client, learner="ANA@example.org ")
    assert len(by_email) == 2 and all("Ana Sousa" in row for row in by_email)
    assert f"{BASE_URL}/wallet/" in by_email[0]  # the learner's wallet, from the row
    assert ana["wallet"] in by_email[0]
    assert len(_rows(client, learner="okaf")) == 1  # part of a name, any case
    assert _rows(client, learner="nobody@example.org") == []
    assert _rows(client, learner="Clerks") == []  # a name, not any text of the credential
    assert len(_rows(client, framework=f"{FRAMEWORK}-v.26.05")) == 3
    assert _rows(client, framework="other") == []
    assert len(_rows(client, status="active")) == 3
    assert _rows(client, status="revoked") == []
    today = datetime.now(UTC).date()
    assert len(_rows(client, **{"from": today.isoformat(), "to": today.isoformat()})) == 3
    assert _rows(client, to=(today - timedelta(days=1)).isoformat()) == []

    response = upload(
        client, f"email,name,framework,statements\ncy@example.org,Cy,{FRAMEWORK},emerging-04\n"
    )
    batch = wait(client, response.headers["Location"])
    in_batch = _rows(client, batch=batch["id"])
    assert len(in_batch) == 1 and "Cy" in in_batch[0]

    bad = client.get("/issue/credentials", query_string={"from": "yesterday"})
    assert bad.status_code == 422
    assert "From date: enter a date like 2026-12-01." in bad.get_data(as_text=True)


def test_the_csv_export_holds_the_filtered_list_with_formulas_escaped(
    console: tuple[FlaskClient, str],
) -> None:
    client, _ = console
    _award(client, "eve@example.org", '=HYPERLINK("http://evil")', ["emerging-01"])
    _award(client, "ana@example.org", "Ana Sousa", ["emerging-02", "emerging-03"])
    response = client.get("/issue/credentials.csv", query_string={"learner": "ana@example.org"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["learner"].split(",")[0] for r in rows] == ["Ana Sousa", "Ana Sousa"]
    assert all(r["wallet"].startswith(f"{BASE_URL}/wallet/") for r in rows)
    assert all(r["status"] == "In good standing" for r in rows)
    everything = client.get("/issue/credentials.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in everything and "\n=HYPERLINK" not in everything
    assert client.get("/issue/credentials.csv", query_string={"status": "gone"}).status_code == 422


def test_revoke_asks_to_confirm_records_the_reason_and_says_what_by_name(
    console: tuple[FlaskClient, str],
) -> None:
    client, csrf = console
    _award(client, "ana@example.org", "Ana Sousa", ["emerging-01"])
    listing = client.get("/issue/credentials").get_data(as_text=True)
    credential_id = re.findall(r"/issue/credentials/([0-9a-f-]{36})/revoke", listing)[0]
    assert 'value="revoke"' not in listing  # no one-click revoke in the list

    url = f"/issue/credentials/{credential_id}/status"
    unconfirmed = client.post(url, data={"csrf_token": csrf, "action": "revoke"})
    assert unconfirmed.status_code == 303
    assert f"/issue/credentials/{credential_id}/revoke" in unconfirmed.headers["Location"]
    assert "In good standing" in client.get("/issue/credentials").get_data(as_text=True)

    confirm = client.get(f"/issue/credentials/{credential_id}/revoke").get_data(as_text=True)
    assert "Revoke “" in confirm and "issued to Ana Sousa" in confirm
    assert "Why do you revoke it?" in confirm

    no_reason = client.post(url, data={"csrf_token": csrf, "action": "revoke", "confirm": "yes"})
    assert no_reason.status_code == 422
    assert "Enter why you revoke it" in no_reason.get_data(as_text=True)

    done = client.post(
        url,
        data={
            "csrf_token": csrf,
            "action": "revoke",
            "confirm": "yes",
            "reason": "Issued to the wrong learner",
            "back": "/issue/credentials?learner=ana%40example.org",
        },
    )
    assert done.status_code == 303
    assert done.headers["Location"] == "/issue/credentials?learner=ana%40example.org"
    listing = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "issued to Ana Sousa” is now revoked" not in listing  # the name is quoted, not all
    assert re.search(
        r"“[^”]+” issued to Ana Sousa[^<]* is now revoked\. Reason: Issued to", listing
    )
    assert (
        f"{BASE_URL}/credentials/{credential_id}" not in listing.split("is now revoked")[0][-300:]
    )

    events = client.get("/audit?action=revoke", headers=AUTH).get_json()["events"]
    assert events[0]["detail"]["reason"] == "Issued to the wrong learner"
    audit = client.get("/issue/audit", query_string={"action": "revoke"}).get_data(as_text=True)
    assert "Issued to the wrong learner" in audit and "issued to Ana Sousa" in audit
    assert "Revoked" in audit and "Issued</td>" not in audit

    evil = client.post(
        url,
        data={"csrf_token": csrf, "action": "suspend", "back": "https://evil.example/"},
    )
    assert evil.headers["Location"] == "/issue/credentials"


def test_the_audit_log_page_is_paginated_and_needs_a_session(
    console: tuple[FlaskClient, str], app_on: Flask
) -> None:
    client, _ = console
    for n in range(3):
        _award(client, f"l{n}@example.org", f"Learner {n}", [f"emerging-0{n + 1}"])
    import issuer.web.console_records as records

    size = records.AUDIT_PAGE_SIZE
    records.AUDIT_PAGE_SIZE = 2
    try:
        first = client.get("/issue/audit").get_data(as_text=True)
        older = re.search(r'href="(/issue/audit\?before=\d+)"', first)
        assert older, first
        second = client.get(older.group(1).replace("&amp;", "&")).get_data(as_text=True)
        assert "Newest" in second
    finally:
        records.AUDIT_PAGE_SIZE = size
    assert "Learner 2" in first and "Issued" in first
    assert app_on.test_client().get("/issue/audit").status_code == 401


def test_times_in_words() -> None:
    now = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    assert ago(now - timedelta(seconds=10), now) == "just now"
    assert ago(now - timedelta(minutes=2), now) == "2 minutes ago"
    assert ago(now - timedelta(minutes=1, seconds=10), now) == "1 minute ago"
    assert ago(now - timedelta(hours=3, minutes=5), now) == "3 hours ago"
    assert ago(now - timedelta(days=1, hours=1), now) == "1 day ago"
    assert ago(now - timedelta(days=90), now) == "on 2 September 2026"
    html = str(when(now - timedelta(minutes=2), now))
    assert html == (
        '<time datetime="2026-12-01T13:58:00Z" title="1 December 2026, 13:58 UTC">'
        "2 minutes ago</time>"
    )
