"""Learner emails through a real SMTP server (aiosmtpd in this process): award and batch
notifications, the outbox when the server is down, and wallet-link recovery."""

import io
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from issuer.settings import Settings
from issuer.web import create_app
from tests.conftest import AUTH, BASE_URL, TEST_TOKEN, Cli
from tests.mail.smtp_server import Inbox, free_port, self_signed_tls, smtp_server

FRAMEWORK = "43-4171.00"
WALLET_LINK = re.compile(re.escape(BASE_URL) + r"/wallet/([A-Za-z0-9_-]+)")


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def inbox(port: int) -> Iterator[Inbox]:
    with smtp_server(port) as received:
        yield received


@pytest.fixture
def mail_settings(settings: Settings, port: int) -> Settings:
    return settings.model_copy(
        update={"smtp_url": f"smtp://127.0.0.1:{port}", "issuer_name": "Acme Training"}
    )


@pytest.fixture
def mail_app(mail_settings: Settings) -> Iterator[Flask]:
    application = create_app(mail_settings)
    application.config["TESTING"] = True
    yield application
    application.extensions["issuer"].engine.dispose()


@pytest.fixture
def mail_cli(mail_settings: Settings) -> Cli:
    cli = Cli(mail_settings)
    cli.env["ISSUER_SMTP_URL"] = str(mail_settings.smtp_url)
    cli.env["ISSUER_NAME"] = mail_settings.issuer_name
    return cli


@pytest.fixture
def seeded(mail_cli: Cli, mail_app: Flask) -> FlaskClient:
    assert mail_cli("init").exit_code == 0
    return mail_app.test_client()


def award(client: FlaskClient, **extra: Any) -> Any:
    payload = {
        "framework": FRAMEWORK,
        "statements": ["emerging-01", "emerging-02"],
        "recipient": {"email": "ana@example.org", "name": "Ana"},
        "notify": True,
        **extra,
    }
    response = client.post("/awards", json=payload, headers=AUTH)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def text_of(message: Any) -> str:
    return str(message.get_body(preferencelist=("plain",)).get_content())


def html_of(message: Any) -> str:
    return str(message.get_body(preferencelist=("html",)).get_content())


def outbox(client_app: Flask) -> Any:
    return client_app.extensions["issuer"].mail.outbox


def test_an_award_with_notify_emails_the_wallet_link_which_works(
    inbox: Inbox, seeded: FlaskClient, mail_app: Flask
) -> None:
    body = award(seeded)
    [message] = inbox.wait_for(1)
    assert message["To"] == "ana@example.org"
    assert message["From"].addresses[0].display_name == "Acme Training"
    assert message["From"].addresses[0].addr_spec == "no-reply@issuer.example.org"
    assert "Acme Training" in message["Subject"]
    text = text_of(message)
    assert body["wallet"] in text
    assert "Hello Ana," in text
    names = [c["name"] for c in body["credentials"]]
    assert all(name in text for name in names)
    assert f'href="{body["wallet"]}"' in html_of(message)
    # the link works: the wallet page lists the credentials
    wallet_path = body["wallet"].removeprefix(BASE_URL)
    page = seeded.get(wallet_path)
    assert page.status_code == 200
    assert body["credentials"][0]["id"] in page.get_data(as_text=True)
    # sent: the outbox no longer holds the address or the link
    assert outbox(mail_app).count_pending() == 0


def test_an_award_without_notify_or_without_email_sends_nothing(
    inbox: Inbox, seeded: FlaskClient
) -> None:
    award(seeded, notify=False)
    did = "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"
    award(seeded, recipient={"did": did})
    time.sleep(0.2)
    assert inbox.messages == []


def test_a_batch_with_notify_emails_each_learner_once(inbox: Inbox, seeded: FlaskClient) -> None:
    rows = [
        {"email": "ana@example.org", "name": "Ana", "framework": FRAMEWORK,
         "statements": ["emerging-01"]},
        {"email": "ANA@example.org", "name": "Ana", "framework": FRAMEWORK,
         "statements": ["emerging-02"]},
        {"email": "ben@example.org", "name": "Ben", "framework": FRAMEWORK,
         "statements": ["emerging-03"]},
        {"did": "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH",
         "framework": FRAMEWORK, "statements": ["emerging-03"]},
    ]  # fmt: skip
    response = seeded.post(
        "/batches", json={"rows": rows, "options": {"notify": True}}, headers=AUTH
    )
    assert response.status_code == 202, response.get_json()
    messages = inbox.wait_for(2, timeout=60)
    time.sleep(0.3)
    assert len(inbox.messages) == 2
    by_to = {m["To"].lower(): text_of(m) for m in messages}
    assert set(by_to) == {"ana@example.org", "ben@example.org"}
    ana = by_to["ana@example.org"]
    assert "2 credentials" in ana and "Hello Ana," in ana
    [link] = set(WALLET_LINK.findall(ana))
    assert seeded.get(f"/wallet/{link}").status_code == 200


def test_batch_emails_go_out_as_rows_pass_and_only_repeated_learners_wait(
    inbox: Inbox, seeded: FlaskClient, mail_app: Flask
) -> None:
    """Memory stays flat with `notify`: a learner of one row is emailed while the rows are
    read; a learner of several rows once, after the last, with every credential named."""
    rows = [
        {"email": "ana@example.org", "name": "Ana", "framework": FRAMEWORK,
         "statements": ["emerging-01"]},
        {"email": "ben@example.org", "name": "Ben", "framework": FRAMEWORK,
         "statements": ["emerging-02"]},
        {"email": "cy@example.org", "name": "Cy", "framework": FRAMEWORK,
         "statements": ["emerging-03"]},
        {"email": "Ana@Example.org", "name": "Ana", "framework": FRAMEWORK,
         "statements": ["emerging-04"]},
    ]  # fmt: skip
    response = seeded.post("/batches", json={"rows": rows}, headers=AUTH)  # no notify
    assert response.status_code == 202, response.get_json()
    batch_id = response.get_json()["id"]
    services = mail_app.extensions["issuer"]
    deadline = time.monotonic() + 60
    while services.batches.get(batch_id).status != "finished":
        assert time.monotonic() < deadline, "the batch did not finish"
        time.sleep(0.1)
    repeated = services.batches.repeated_learners(batch_id)
    assert isinstance(repeated, set) and len(repeated) == 1  # Ana

    sent_before_row: list[int] = []

    def watched() -> Iterator[Any]:
        for result in services.batches.results(batch_id):
            sent_before_row.append(len(inbox.messages))
            yield result

    queued = services.mail.notify_batch(
        batch_id, watched(), repeated=repeated, now=datetime.now(UTC)
    )
    assert queued == 3
    assert sent_before_row == [0, 0, 1, 2]  # Ben, then Cy, went out as their rows passed
    messages = inbox.wait_for(3, timeout=30)
    assert [m["To"].lower() for m in messages] == [
        "ben@example.org", "cy@example.org", "ana@example.org"
    ]  # fmt: skip
    assert "2 credentials" in text_of(messages[2])
    again = services.mail.notify_batch(
        batch_id, services.batches.results(batch_id), repeated=repeated, now=datetime.now(UTC)
    )
    assert again == 0 and len(inbox.messages) == 3


def test_a_server_that_is_down_loses_nothing(
    settings: Settings, port: int, mail_cli: Cli, seeded: FlaskClient, mail_app: Flask
) -> None:
    body = award(seeded)  # nothing listens on the port yet
    [queued] = outbox(mail_app).pending()
    assert queued.to_address == "ana@example.org" and queued.attempts == 1
    assert queued.last_error and "Connection" in queued.last_error
    listed = mail_cli("outbox", "list")
    assert listed.exit_code == 0 and "ana@example.org" in listed.output
    assert "Connection" in listed.output

    with smtp_server(port) as inbox:
        result = mail_cli("outbox", "send")
        assert result.exit_code == 0, result.output
        assert "sent 1, failed 0, still queued 0" in result.output
        [message] = inbox.wait_for(1)
    assert body["wallet"] in text_of(message)
    assert outbox(mail_app).pending() == []
    assert mail_cli("outbox", "list").output == ""
    sent = outbox(mail_app).get(queued.id)
    assert sent.sent_at is not None and sent.to_address is None and sent.text_body == ""


def test_without_a_server_messages_wait_in_the_outbox_the_console_lists(
    run_cli: Cli, client: FlaskClient
) -> None:
    assert run_cli("init").exit_code == 0
    award(client)
    signed_out = client.get("/issue/outbox")
    assert signed_out.status_code == 401
    csrf = _csrf(client.get("/issue").get_data(as_text=True))
    client.post("/issue/sign-in", data={"csrf_token": csrf, "token": TEST_TOKEN})
    page = client.get("/issue/outbox")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "ana@example.org" in html and "1 learner email waiting" in html
    refused = run_cli("outbox", "send")
    assert refused.exit_code != 0 and "ISSUER_SMTP_URL" in refused.output


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def ask(client: FlaskClient, email: str) -> Any:
    csrf = _csrf(client.get("/wallet").get_data(as_text=True))
    return client.post("/wallet", data={"csrf_token": csrf, "email": email})


def test_recovery_emails_the_link_and_answers_the_same_either_way(
    inbox: Inbox, seeded: FlaskClient
) -> None:
    body = award(seeded, notify=False)
    started = time.monotonic()
    unknown = ask(seeded, "nobody@example.org")
    unknown_seconds = time.monotonic() - started
    started = time.monotonic()
    known = ask(seeded, " Ana@Example.org ")
    known_seconds = time.monotonic() - started
    assert unknown.status_code == known.status_code == 200
    assert "Check your inbox" in known.get_data(as_text=True)

    def answer(response: Any) -> str:  # the page, without its per-session CSRF token
        return re.sub(r'value="[^"]*"', "", response.get_data(as_text=True))

    assert answer(known) == answer(unknown)
    assert abs(known_seconds - unknown_seconds) < 0.25
    [message] = inbox.wait_for(1)
    assert message["To"] == "Ana@Example.org"
    assert body["wallet"] in text_of(message)
    assert "You asked for the link" in text_of(message)

    # one reminder per address per ten minutes (same answer page)
    again = ask(seeded, "ana@example.org")
    assert answer(again) == answer(known)
    time.sleep(0.3)
    assert len(inbox.messages) == 1


@pytest.mark.parametrize("email", ["", "not-an-email", "a@b", "x" * 330 + "@example.org"])
def test_recovery_refuses_a_bad_address_with_a_message(client: FlaskClient, email: str) -> None:
    response = ask(client, email)
    assert response.status_code == 422
    assert "Enter your email address" in response.get_data(as_text=True)


def test_recovery_needs_the_forms_csrf_token(client: FlaskClient) -> None:
    response = client.post("/wallet", data={"email": "ana@example.org"})
    assert response.status_code == 400


def test_award_notify_must_be_a_boolean(seeded: FlaskClient) -> None:
    response = seeded.post(
        "/awards",
        json={"framework": FRAMEWORK, "statements": ["emerging-01"],
              "recipient": {"email": "ana@example.org"}, "notify": "please"},
        headers=AUTH,
    )  # fmt: skip
    assert response.status_code in (400, 422)
    assert response.mimetype == "application/problem+json"


def test_batch_notify_from_the_cli(
    inbox: Inbox, mail_cli: Cli, seeded: FlaskClient, tmp_path: Path
) -> None:
    roster = tmp_path / "cohort.csv"
    roster.write_text(
        "email,name,framework,statements\n"
        f"ana@example.org,Ana,{FRAMEWORK},emerging-01\n"
        f"ben@example.org,Ben,{FRAMEWORK},emerging-02\n"
    )
    result = mail_cli("issue-batch", str(roster), "--notify", "--here")
    assert result.exit_code == 0, result.output
    assert {m["To"] for m in inbox.wait_for(2)} == {"ana@example.org", "ben@example.org"}
    again = mail_cli("issue-batch", str(roster), "--notify", "--here")  # nothing new: no email
    assert again.exit_code == 0, again.output
    time.sleep(0.2)
    assert len(inbox.messages) == 2


def test_starttls_with_a_password(settings: Settings, port: int, tmp_path: Path) -> None:
    tls, ca_file = self_signed_tls(tmp_path)
    url = f"smtp://mailer:s%3Acret@127.0.0.1:{port}?cafile={ca_file}"
    application = create_app(settings.model_copy(update={"smtp_url": url}))
    cli = Cli(settings)
    cli.env["ISSUER_SMTP_URL"] = url
    try:
        assert cli("init").exit_code == 0
        client = application.test_client()
        with smtp_server(port, tls=tls, credentials=("mailer", "s:cret")) as inbox:
            body = award(client)
            [message] = inbox.wait_for(1)
        assert body["wallet"] in text_of(message)
        assert outbox(application).count_pending() == 0
    finally:
        application.extensions["issuer"].engine.dispose()


def sign_in(client: FlaskClient) -> str:
    csrf = _csrf(client.get("/issue").get_data(as_text=True))
    response = client.post("/issue/sign-in", data={"csrf_token": csrf, "token": TEST_TOKEN})
    assert response.status_code == 303
    return _csrf(client.get("/issue").get_data(as_text=True))


def test_the_console_award_form_emails_the_learner_when_ticked(
    inbox: Inbox, seeded: FlaskClient
) -> None:
    csrf = sign_in(seeded)
    form = {
        "csrf_token": csrf,
        "framework": FRAMEWORK,
        "statements": ["emerging-01"],
        "email": "ana@example.org",
        "name": "Ana",
        "notify": "yes",
    }
    assert 'name="notify"' in seeded.get(f"/issue?framework={FRAMEWORK}").get_data(as_text=True)
    preview = seeded.post("/issue/preview", data=form)
    assert "The wallet link will be emailed to ana@example.org" in preview.get_data(as_text=True)
    done = seeded.post("/issue/award", data=form)
    assert done.status_code == 200
    assert "The link was emailed to ana@example.org" in done.get_data(as_text=True)
    [message] = inbox.wait_for(1)
    [link] = set(WALLET_LINK.findall(text_of(message)))
    assert f"/wallet/{link}" in done.get_data(as_text=True)
    seeded.post("/issue/award", data={**form, "notify": ""})  # not ticked: no email
    time.sleep(0.2)
    assert len(inbox.messages) == 1


def test_the_cohort_form_emails_each_learner_when_ticked(inbox: Inbox, seeded: FlaskClient) -> None:
    csrf = sign_in(seeded)
    assert 'id="notify"' in seeded.get("/issue/batches").get_data(as_text=True)
    roster = (
        "email,name,framework,statements\n"
        f"ana@example.org,Ana,{FRAMEWORK},emerging-01\n"
        f"ben@example.org,Ben,{FRAMEWORK},emerging-02\n"
    )
    response = seeded.post(
        "/issue/batches",
        data={
            "csrf_token": csrf,
            "roster": (io.BytesIO(roster.encode()), "cohort.csv"),
            "notify": "yes",
            "dryRun": "no",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 303), response.get_data(as_text=True)
    messages = inbox.wait_for(2, timeout=60)
    assert {m["To"] for m in messages} == {"ana@example.org", "ben@example.org"}


def test_smtps_implicit_tls(settings: Settings, port: int, tmp_path: Path) -> None:
    tls, ca_file = self_signed_tls(tmp_path)
    url = f"smtps://127.0.0.1:{port}?cafile={ca_file}"
    application = create_app(settings.model_copy(update={"smtp_url": url}))
    try:
        assert Cli(settings)("init").exit_code == 0
        with smtp_server(port, implicit_tls=tls) as inbox:
            body = award(application.test_client())
            [message] = inbox.wait_for(1)
        assert body["wallet"] in text_of(message)
    finally:
        application.extensions["issuer"].engine.dispose()


def test_the_email_carries_wallet_app_buttons_that_work(inbox: Inbox, seeded: FlaskClient) -> None:
    import html as html_module
    import json

    from tests.web.test_offers import HOLDER, _did
    from tests.web.test_wallet_apps import OFFER_LINK, _claim_oid4vci
    from tests.web.test_wallet_lcw import CSRF, DEEP_LINK

    body = award(seeded)
    [message] = inbox.wait_for(1)
    wallet = body["wallet"]
    text, page_html = text_of(message), html_of(message)
    for url in (f"{wallet}/lcw", f"{wallet}/oid4vci"):
        assert url in text
        assert f'href="{url}"' in page_html
    assert "Add to Learner Credential Wallet" in page_html
    assert "Add to another wallet app (OpenID4VCI)" in page_html

    # the LCW button: a page whose button makes the offer of both credentials
    start = seeded.get(f"{wallet.removeprefix(BASE_URL)}/lcw")
    assert start.status_code == 200
    start_text = start.get_data(as_text=True)
    assert "your 2 credentials in good standing" in start_text
    csrf = CSRF.search(start_text)
    assert csrf is not None
    offer = seeded.post(
        f"{wallet.removeprefix(BASE_URL)}/lcw",
        data={"csrf_token": csrf.group(1)},
        headers={"Accept": "text/html"},
    )
    assert offer.status_code == 200
    link = DEEP_LINK.search(offer.get_data(as_text=True))
    assert link is not None and link.group(1).startswith("https://lcw.app/request.html?")

    # the OpenID4VCI button: the same, then a wallet claims both credentials with it
    start = seeded.get(f"{wallet.removeprefix(BASE_URL)}/oid4vci")
    csrf = CSRF.search(start.get_data(as_text=True))
    assert csrf is not None
    offer = seeded.post(
        f"{wallet.removeprefix(BASE_URL)}/oid4vci",
        data={"csrf_token": csrf.group(1)},
        headers={"Accept": "text/html"},
    )
    found = OFFER_LINK.search(offer.get_data(as_text=True))
    assert found is not None
    answer = _claim_oid4vci(seeded, html_module.unescape(found.group(1)), HOLDER)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    copies = json.loads(answer.get_data(as_text=True))["credentials"]
    assert len(copies) == 2
    assert {c["credential"]["credentialSubject"]["id"] for c in copies} == {_did(HOLDER)}
    # opening a button's link makes no offer by itself
    audit = seeded.application.extensions["issuer"].audit.recent(action="offer")
    assert len(audit) == 4  # two offers of two credentials each, both asked for by a POST
