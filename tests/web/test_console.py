"""The issuer console: sign-in, CSRF, preview, issue, revoke and suspend."""

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from issuer.store.database import console_sessions_table
from issuer.store.tokens import token_digest
from issuer.web.session import SECRET_FILE
from tests.conftest import AUTH, BASE_URL, TEST_TOKEN, Cli

FRAMEWORK = "43-4171.00-v.26.05"
HTML = {"Accept": "text/html"}


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def _audit_count(client: FlaskClient) -> int:
    return len(client.get("/audit?limit=1000", headers=AUTH).get_json()["events"])


@pytest.fixture
def seeded(run_cli: Cli, client: FlaskClient) -> FlaskClient:
    assert run_cli("init").exit_code == 0
    return client


@pytest.fixture
def console(seeded: FlaskClient) -> tuple[FlaskClient, str]:
    """A client signed in to the console, and its CSRF token."""
    token = _csrf(seeded.get("/issue").get_data(as_text=True))
    response = seeded.post("/issue/sign-in", data={"csrf_token": token, "token": TEST_TOKEN})
    assert response.status_code == 303
    return seeded, _csrf(seeded.get("/issue").get_data(as_text=True))


def _award_form(csrf: str, **extra: Any) -> dict[str, Any]:
    return {
        "csrf_token": csrf,
        "framework": FRAMEWORK,
        "statements": ["emerging-01", "emerging-02"],
        "email": "ana@example.org",
        "name": "Ana",
        **extra,
    }


def test_the_console_asks_to_sign_in_first(seeded: FlaskClient) -> None:
    page = seeded.get("/issue")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<label for="token">API token</label>' in html
    assert "Issue credentials" not in html.split("<main", 1)[1].split("</h1>")[0]
    for method, path in [
        ("get", "/issue/credentials"),
        ("post", "/issue/preview"),
        ("post", "/issue/award"),
        ("post", "/issue/credentials/x/status"),
    ]:
        response = getattr(seeded, method)(path, headers=HTML)
        assert response.status_code == 401, path
        assert "Sign in with an API token" in response.get_data(as_text=True)


def test_sign_in_refuses_a_wrong_token_and_a_missing_csrf_token(seeded: FlaskClient) -> None:
    csrf = _csrf(seeded.get("/issue").get_data(as_text=True))
    wrong = seeded.post("/issue/sign-in", data={"csrf_token": csrf, "token": "nope"})
    assert wrong.status_code == 401
    assert "not accepted" in wrong.get_data(as_text=True)
    forged = seeded.post("/issue/sign-in", data={"token": TEST_TOKEN}, headers=HTML)
    assert forged.status_code == 400
    assert "did not come from this site" in forged.get_data(as_text=True)
    assert seeded.get("/issue/credentials").status_code == 401


def test_the_session_cookie_is_signed_http_only_and_same_site_strict(
    seeded: FlaskClient, app: Flask
) -> None:
    cookie = seeded.get("/issue").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" in cookie
    secret = app.extensions["issuer"].settings.keys_dir / SECRET_FILE
    assert secret.stat().st_mode & 0o777 == 0o600


def test_preview_then_issue_from_the_console(console: tuple[FlaskClient, str]) -> None:
    client, csrf = console
    form = client.get(f"/issue?framework={FRAMEWORK}").get_data(as_text=True)
    assert "<legend>Emerging (level 1 of 4)</legend>" in form
    assert '<label class="inline" for="st-emerging-01">' in form
    before = _audit_count(client)
    preview = client.post("/issue/preview", data=_award_form(csrf, levels=["developing"]))
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "Preview: 13 credentials to issue" in html
    assert _audit_count(client) == before  # nothing issued by a preview
    done = client.post("/issue/award", data=_award_form(csrf))
    assert done.status_code == 200
    html = done.get_data(as_text=True)
    assert "2 credentials issued" in html
    wallet = re.search(r'id="wallet-link" href="([^"]+)"', html)
    assert wallet and wallet.group(1).startswith(f"{BASE_URL}/wallet/")
    again = client.post("/issue/preview", data=_award_form(csrf)).get_data(as_text=True)
    assert "Preview: 0 credentials to issue" in again
    assert "Already issued to this learner" in again


def test_bad_award_forms_come_back_with_the_problem(console: tuple[FlaskClient, str]) -> None:
    client, csrf = console
    no_learner = client.post("/issue/preview", data=_award_form(csrf, email="", name=""))
    assert no_learner.status_code == 422
    assert "Enter the learner&#39;s email address (or their DID)." in no_learner.get_data(
        as_text=True
    )
    nothing = client.post("/issue/preview", data=_award_form(csrf, statements=[]))
    assert nothing.status_code == 422
    assert "Tick at least one statement, or a whole level." in nothing.get_data(as_text=True)


def test_issuing_without_the_csrf_token_is_refused(console: tuple[FlaskClient, str]) -> None:
    client, _csrf_token = console
    before = _audit_count(client)
    form = _award_form("forged")
    assert client.post("/issue/award", data=form, headers=HTML).status_code == 400
    form.pop("csrf_token")
    assert client.post("/issue/award", data=form, headers=HTML).status_code == 400
    assert _audit_count(client) == before


def test_revoke_from_the_console_shows_on_the_verify_page(console: tuple[FlaskClient, str]) -> None:
    client, csrf = console
    client.post("/issue/award", data=_award_form(csrf))
    listing = client.get("/issue/credentials").get_data(as_text=True)
    credential_id = re.findall(r"/issue/credentials/([0-9a-f-]{36})/revoke", listing)[0]
    assert ">Suspend<" not in listing  # revocation-only entries cannot be suspended
    response = client.post(
        f"/issue/credentials/{credential_id}/status",
        data={"csrf_token": csrf, "action": "revoke", "confirm": "yes", "reason": "Wrong learner"},
    )
    assert response.status_code == 303
    listing = client.get("/issue/credentials").get_data(as_text=True)
    assert "is now revoked" in listing and "Revoked" in listing
    page = client.get(f"/credentials/{credential_id}/verify").get_data(as_text=True)
    assert "✗ Not verified" in page
    assert "revoked" in page


def test_suspend_and_reinstate_from_the_console(console: tuple[FlaskClient, str]) -> None:
    client, csrf = console
    client.post("/issue/award", data=_award_form(csrf, suspendable="yes"))
    listing = client.get("/issue/credentials").get_data(as_text=True)
    credential_id = re.findall(r"/issue/credentials/([0-9a-f-]{36})/status", listing)[0]

    def act(action: str) -> str:
        client.post(
            f"/issue/credentials/{credential_id}/status",
            data={"csrf_token": csrf, "action": action},
        )
        return client.get(f"/credentials/{credential_id}/verify").get_data(as_text=True)

    assert "suspended" in act("suspend")
    assert "✓ Verified" in act("unsuspend")
    forged = client.post(
        f"/issue/credentials/{credential_id}/status", data={"action": "revoke"}, headers=HTML
    )
    assert forged.status_code == 400


def test_a_revoked_token_ends_the_console_session(seeded: FlaskClient, app: Flask) -> None:
    tokens = app.extensions["issuer"].tokens
    token, record = tokens.create("console user", now=datetime.now(UTC))
    csrf = _csrf(seeded.get("/issue").get_data(as_text=True))
    seeded.post("/issue/sign-in", data={"csrf_token": csrf, "token": token})
    assert seeded.get("/issue/credentials").status_code == 200
    tokens.revoke(record.id, now=datetime.now(UTC))
    assert seeded.get("/issue/credentials").status_code == 401


def test_sign_out(console: tuple[FlaskClient, str]) -> None:
    client, csrf = console
    assert client.post("/issue/sign-out", data={"csrf_token": csrf}).status_code == 303
    assert client.get("/issue/credentials").status_code == 401


def _session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("ler_session")
    assert cookie is not None, "no session cookie"
    return cookie.value


def test_the_cookie_holds_only_a_random_session_id_never_the_token(
    console: tuple[FlaskClient, str], app: Flask
) -> None:
    client, _csrf_token = console
    value = _session_cookie(client)
    assert TEST_TOKEN not in value
    contents = app.session_interface.get_signing_serializer(app).loads(value)  # type: ignore[attr-defined]
    assert set(contents) == {"sid", "_permanent"}  # Flask's flag for the cookie's lifetime
    assert TEST_TOKEN not in str(contents)
    with app.extensions["issuer"].engine.connect() as conn:
        [row] = conn.execute(select(console_sessions_table)).all()
    assert contents["sid"] not in [str(v) for v in row]  # the table holds its hash only
    assert row.token_sha256 == token_digest(TEST_TOKEN) and row.actor == "config-token"


def test_a_cookie_saved_before_sign_out_no_longer_works(
    console: tuple[FlaskClient, str], app: Flask
) -> None:
    client, csrf = console
    saved = _session_cookie(client)
    assert client.post("/issue/sign-out", data={"csrf_token": csrf}).status_code == 303
    replay = app.test_client()
    replay.set_cookie("ler_session", saved)
    page = replay.get("/issue/credentials", headers=HTML)
    assert page.status_code == 401
    assert "Sign in with an API token" in page.get_data(as_text=True)
    form = replay.get("/issue")
    assert '<label for="token">API token</label>' in form.get_data(as_text=True)
    issue = replay.post("/issue/award", data=_award_form(csrf), headers=HTML)
    assert issue.status_code == 401


def test_a_cookie_copied_while_signed_in_works_until_sign_out(
    console: tuple[FlaskClient, str], app: Flask
) -> None:
    client, csrf = console
    copy = app.test_client()
    copy.set_cookie("ler_session", _session_cookie(client))
    assert copy.get("/issue/credentials").status_code == 200  # the same session
    client.post("/issue/sign-out", data={"csrf_token": csrf})
    assert copy.get("/issue/credentials", headers=HTML).status_code == 401


def test_signing_in_starts_a_new_session_id(seeded: FlaskClient, app: Flask) -> None:
    csrf = _csrf(seeded.get("/issue").get_data(as_text=True))
    before = _session_cookie(seeded)
    seeded.post("/issue/sign-in", data={"csrf_token": csrf, "token": TEST_TOKEN})
    after = _session_cookie(seeded)
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    assert serializer.loads(before)["sid"] != serializer.loads(after)["sid"]
    # the sign-in form's CSRF token belonged to the old session id
    stale = seeded.post("/issue/preview", data=_award_form(csrf), headers=HTML)
    assert stale.status_code == 400


def test_revoking_a_token_deletes_its_console_sessions(seeded: FlaskClient, app: Flask) -> None:
    tokens = app.extensions["issuer"].tokens
    token, record = tokens.create("console user", now=datetime.now(UTC))
    csrf = _csrf(seeded.get("/issue").get_data(as_text=True))
    seeded.post("/issue/sign-in", data={"csrf_token": csrf, "token": token})
    saved = _session_cookie(seeded)
    tokens.revoke(record.id, now=datetime.now(UTC))
    replay = app.test_client()
    replay.set_cookie("ler_session", saved)
    assert replay.get("/issue/credentials", headers=HTML).status_code == 401
    with app.extensions["issuer"].engine.connect() as conn:
        assert conn.execute(select(console_sessions_table)).all() == []
