"""`POST /credentials/issue` in one transaction: the status index is reserved, the credential
signed and stored, and all committed once; a signing error rolls the index back with the rest.
On SQLite and PostgreSQL."""

from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from issuer.store.database import audit_log_table, credentials_table, status_sets_table
from tests.conftest import AUTH

VC1 = "https://www.w3.org/2018/credentials/v1"
VC2 = "https://www.w3.org/ns/credentials/v2"


@pytest.fixture
def app(app_on: Flask) -> Flask:
    """The app of `client`: on SQLite, then on PostgreSQL."""
    return app_on


def _issue(client: FlaskClient, credential: dict[str, Any]) -> Any:
    issuer = client.application.extensions["issuer"].identity.did
    return client.post(
        "/credentials/issue",
        headers=AUTH,
        json={
            "credential": {"issuer": issuer, **credential},
            "options": {"credentialStatus": True},
        },
    )


def _counts(app: Flask) -> tuple[int, int, int]:
    """(credentials stored, audit events, status indices handed out)."""
    with app.extensions["issuer"].engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(credentials_table)).scalar_one()
        events = conn.execute(select(func.count()).select_from(audit_log_table)).scalar_one()
        handed_out = conn.execute(
            select(func.coalesce(func.sum(status_sets_table.c.next_position), 0))
        ).scalar_one()
    return stored, events, handed_out


def test_one_commit_per_issued_credential(app: Flask) -> None:
    client = app.test_client()
    plain = {
        "@context": [VC2],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "x:1"},
    }
    assert _issue(client, plain).status_code == 201  # (opens the first status set)
    before = _counts(app)
    commits: list[object] = []
    engine = app.extensions["issuer"].engine
    event.listen(engine, "commit", commits.append)  # PostgreSQL (engine.begin())

    def explicit(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.strip().upper() == "COMMIT":  # SQLite (write_transaction)
            commits.append(conn)

    event.listen(engine, "before_cursor_execute", explicit)
    response = _issue(client, plain)
    assert response.status_code == 201, response.get_json()
    assert len(commits) == 1
    stored, events, handed_out = _counts(app)
    assert (stored, handed_out) == (before[0] + 1, before[2] + 1)
    assert events > before[1]


def test_a_signing_error_stores_nothing_and_hands_out_no_index(app: Flask) -> None:
    client = app.test_client()
    plain = {
        "@context": [VC2],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "x:1"},
    }
    first = _issue(client, plain).get_json()["verifiableCredential"]
    before = _counts(app)
    undefined = {
        "@context": [VC1],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:1", "undefinedTerm": 1},
    }
    refused = _issue(client, undefined)
    assert refused.status_code == 422
    assert refused.get_json()["type"] == "urn:ler-issuer:problem:undefined-term"
    assert _counts(app) == before
    second = _issue(client, plain).get_json()["verifiableCredential"]
    assert (
        second["credentialStatus"]["statusListIndex"]
        != (first["credentialStatus"]["statusListIndex"])
    )
    assert _counts(app)[2] == before[2] + 1


def test_a_stored_token_issues_until_it_is_revoked(app: Flask) -> None:
    client = app.test_client()
    tokens = app.extensions["issuer"].tokens
    token, record = tokens.create("load test", now=datetime.now(UTC))
    issuer = app.extensions["issuer"].identity.did
    plain = {
        "@context": [VC2],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "credentialSubject": {"id": "x:1"},
    }
    headers = {"Authorization": f"Bearer {token}"}
    issued = client.post("/credentials/issue", headers=headers, json={"credential": plain})
    assert issued.status_code == 201
    assert tokens.revoke(record.id, now=datetime.now(UTC))
    refused = client.post("/credentials/issue", headers=headers, json={"credential": plain})
    assert refused.status_code == 401
