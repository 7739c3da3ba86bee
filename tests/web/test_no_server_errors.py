"""Inputs that once answered 500 (issue 9): each now answers a 4xx problem and stores nothing."""

import io
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import AUTH
from tests.factories import SEED_FILES

PROBLEM = "application/problem+json"
HUGE_INTEGER = "1" * 5000
STATUS_ENTRY = {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}


def _stored(client: FlaskClient) -> list[Any]:
    """Every audit event (every change the service stores is audited)."""
    return client.get("/audit?limit=1000", headers=AUTH).get_json()["events"]


def _assert_problem(response: TestResponse, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == PROBLEM
    body: dict[str, Any] = response.get_json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert "Traceback" not in response.get_data(as_text=True)
    return body


@pytest.fixture
def issued(client: FlaskClient, app: Flask) -> dict[str, Any]:
    """One credential issued by award, to aim status changes at."""
    app.extensions["issuer"].frameworks.import_file(SEED_FILES[1], now=datetime.now(UTC))
    award = client.post(
        "/awards",
        headers=AUTH,
        json={
            "framework": "43-4171.00",
            "statements": ["developing-04"],
            "recipient": {"email": "learner@example.org"},
        },
    )
    assert award.status_code == 201
    return award.get_json()["credentials"][0]  # type: ignore[no-any-return]


@pytest.mark.parametrize("entries", [[], [STATUS_ENTRY, STATUS_ENTRY]], ids=["none", "two"])
def test_status_change_needs_exactly_one_entry(
    client: FlaskClient, issued: dict[str, Any], entries: list[Any]
) -> None:
    before = _stored(client)
    response = client.post(
        "/credentials/status",
        headers=AUTH,
        json={"credentialId": issued["url"], "credentialStatus": entries, "status": True},
    )
    body = _assert_problem(response, 422)
    assert body["errors"][0]["loc"][0] == "credentialStatus"
    assert _stored(client) == before
    verified = client.post(
        "/credentials/verify", json={"verifiableCredential": issued["verifiableCredential"]}
    )
    assert verified.get_json()["verified"] is True


def _body_with_huge_integer(route: str) -> str:
    wrapper = {
        "/credentials/issue": '{"credential": {"n": %s}}',
        "/credentials/verify": '{"verifiableCredential": {"n": %s}}',
        "/presentations/verify": '{"verifiablePresentation": {"n": %s}}',
        "/credentials/status": '{"credentialId": "x", "credentialStatus": [], "status": %s}',
        "/awards": '{"framework": "43-4171.00", "recipient": {"email": "a@b.c"}, "x": %s}',
        "/batches": '{"rows": [{"email": "a@b.c", "n": %s}]}',
    }[route]
    return wrapper % HUGE_INTEGER


@pytest.mark.parametrize(
    "route",
    [
        "/credentials/issue",
        "/credentials/verify",
        "/presentations/verify",
        "/credentials/status",
        "/awards",
        "/batches",
    ],
)
def test_a_5000_digit_integer_is_refused_by_every_json_route(
    client: FlaskClient, route: str
) -> None:
    before = _stored(client)
    response = client.post(
        route, data=_body_with_huge_integer(route), content_type="application/json", headers=AUTH
    )
    body = _assert_problem(response, 400)
    assert body["type"].endswith("malformed-json")
    assert "5000 digits" in body["detail"]
    assert _stored(client) == before


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("9007199254740992", "too large"),  # 2**53: beyond I-JSON
        ("1e400", "out of range"),
        ("NaN", "NaN is not a JSON value"),
        ('"\\ud800"', "unpaired UTF-16 surrogate"),
    ],
)
def test_numbers_and_strings_beyond_i_json_are_refused(
    client: FlaskClient, text: str, refused: str
) -> None:
    response = client.post(
        "/credentials/verify",
        data='{"verifiableCredential": {"n": ' + text + "}}",
        content_type="application/json",
    )
    assert refused in _assert_problem(response, 400)["detail"]


def test_the_largest_safe_integer_is_still_read(client: FlaskClient) -> None:
    response = client.post(
        "/credentials/verify",
        data='{"verifiableCredential": {"n": 9007199254740991, "x": -1.5e300}}',
        content_type="application/json",
    )
    assert response.status_code < 500
    assert "malformed-json" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "text",
    ["[" * 5000 + "]" * 5000, '{"a": ' * 5000 + "1" + "}" * 5000, '{"n": ' + HUGE_INTEGER + "}"],
    ids=["deep-array", "deep-object", "huge-integer"],
)
def test_verify_page_refuses_pasted_json_it_cannot_read(client: FlaskClient, text: str) -> None:
    response = client.post("/verify", data={"text": text})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "What you pasted:" in page
    assert "nested more than 64 levels" in page or "5000 digits" in page


def test_verify_page_refuses_an_uploaded_file_nested_too_deep(client: FlaskClient) -> None:
    deep = ("[" * 3000 + "]" * 3000).encode()
    response = client.post("/verify", data={"file": (io.BytesIO(deep), "deep.json")})
    assert response.status_code == 422
    assert "nested more than 64 levels" in response.get_data(as_text=True)


def test_a_relative_context_is_refused_at_issue(client: FlaskClient, app: Flask) -> None:
    before = _stored(client)
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "../x"],
        "type": ["VerifiableCredential"],
        "issuer": app.extensions["issuer"].identity.did,
        "credentialSubject": {"id": "did:example:learner"},
    }
    response = client.post("/credentials/issue", headers=AUTH, json={"credential": credential})
    body = _assert_problem(response, 422)
    assert "../x" in body["detail"]
    assert _stored(client) == before


def test_a_relative_context_is_no_server_error_at_verify(client: FlaskClient) -> None:
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "../x"],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:learner"},
        "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"},
    }
    response = client.post("/credentials/verify", json={"verifiableCredential": credential})
    assert response.status_code < 500
    assert response.get_json()["verified"] is False


@pytest.mark.parametrize("route", ["/batches", "/audit"])
@pytest.mark.parametrize(
    "query",
    ["limit=-1", "limit=0", "limit=abc", "limit=100001", "limit=" + "9" * 5000, "limit=1.5"],
)
def test_list_routes_refuse_a_limit_out_of_range(app_on: Flask, route: str, query: str) -> None:
    client = app_on.test_client()
    body = _assert_problem(client.get(f"{route}?{query}", headers=AUTH), 400)
    assert body["errors"][0]["loc"] == ["limit"]
    assert client.get(f"{route}?limit=1", headers=AUTH).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "before=-5",
        "before=0",
        "before=2147483648",
        "before=" + "9" * 30,
        "action=" + "x" * 65,
        "action=a%00b",
    ],
)
def test_audit_refuses_a_cursor_or_action_out_of_range(app_on: Flask, query: str) -> None:
    client = app_on.test_client()
    _assert_problem(client.get(f"/audit?{query}", headers=AUTH), 400)
    events = client.get("/audit?before=2147483647&action=key-generate", headers=AUTH)
    assert [e["action"] for e in events.get_json()["events"]] == ["key-generate"]


def test_openapi_documents_the_query_parameters(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    limit = {
        path: next(p for p in spec["paths"][path]["get"]["parameters"] if p["name"] == "limit")
        for path in ("/audit", "/batches")
    }
    assert limit["/audit"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 1000,
        "default": 100,
    }
    assert limit["/batches"]["schema"]["maximum"] == 100
    assert json.dumps(spec).count('"in": "query"') >= 4


@pytest.mark.parametrize(
    "path",
    [
        "/credentials/a%00b",
        "/credentials/a%00b/badge.png",
        "/batches/a%00b",
        "/frameworks/a%00b",
        "/status-lists/a%00b",
        "/wallet/a%00b/presentation.json",
        "/verify?credential=a%00b",
        "/audit?action=%00",
    ],
)
def test_a_nul_in_the_url_is_refused_before_any_lookup(app_on: Flask, path: str) -> None:
    response = app_on.test_client().get(path, headers=AUTH)
    assert "NUL" in _assert_problem(response, 400)["detail"]


@pytest.mark.parametrize(
    ("route", "body"),
    [
        ("/credentials/status", {"credentialId": "a\x00b", "credentialStatus": STATUS_ENTRY}),
        ("/awards", {"framework": "a\x00b", "level": "x", "recipient": {"email": "a@b.c"}}),
        ("/batches", {"rows": [{"email": "a@b.c", "framework": "a\x00b", "level": "x"}]}),
        ("/credentials/verify", {"verifiableCredential": {"id": "urn:a\x00b"}}),
    ],
)
def test_a_nul_in_a_json_string_is_refused(app_on: Flask, route: str, body: Any) -> None:
    client = app_on.test_client()
    before = _stored(client)
    response = client.post(route, json=body, headers=AUTH)
    assert "NUL" in _assert_problem(response, 400)["detail"]
    assert _stored(client) == before


def test_a_roster_holding_nul_is_refused(app_on: Flask) -> None:
    client = app_on.test_client()
    roster = b"email,framework,level\na@b.c,a\x00b,x\n"
    as_csv = client.post("/batches", data=roster, content_type="text/csv", headers=AUTH)
    assert "NUL" in _assert_problem(as_csv, 400)["detail"]
    upload = {"roster": (io.BytesIO(roster), "cohort.csv")}
    as_form = client.post("/batches", data=upload, content_type="multipart/form-data", headers=AUTH)
    assert "NUL" in _assert_problem(as_form, 400)["detail"]
    assert client.get("/batches", headers=AUTH).get_json()["batches"] == []


@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_a_bug_is_a_500_that_reveals_nothing(app: Flask, accept: str) -> None:
    def broken() -> str:
        raise RuntimeError("secret internals /srv/issuer/keys")

    app.add_url_rule("/broken-on-purpose", view_func=broken)
    app.config["TESTING"] = False  # as in production: no exception propagates to the client
    response = app.test_client().get("/broken-on-purpose", headers={"Accept": accept})
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "Something went wrong on our side." in text
    assert "Traceback" not in text and "secret internals" not in text
