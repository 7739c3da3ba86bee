"""Status lists as verifiers cache them: ETag and Last-Modified, 304s while unchanged, and a new
list (and ETag) at once after a change, by this worker or another, on SQLite and PostgreSQL."""

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import AUTH, BASE_URL

VC2 = "https://www.w3.org/ns/credentials/v2"


def _issue(client: FlaskClient, purpose: str = "revocation") -> dict[str, Any]:
    issuer = client.application.extensions["issuer"].identity.did
    credential = {
        "@context": [VC2],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "credentialSubject": {"id": "did:example:learner"},
    }
    options = {"credentialStatus": {"statusPurpose": purpose}}
    response = client.post(
        "/credentials/issue", headers=AUTH, json={"credential": credential, "options": options}
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["verifiableCredential"]  # type: ignore[no-any-return]


def _list_path(credential: dict[str, Any]) -> str:
    return str(credential["credentialStatus"]["statusListCredential"]).removeprefix(BASE_URL)


def _change(client: FlaskClient, credential: dict[str, Any], purpose: str, status: bool) -> None:
    response = client.post(
        "/credentials/status",
        headers=AUTH,
        json={
            "credentialId": credential["id"],
            "credentialStatus": {"statusPurpose": purpose},
            "status": status,
        },
    )
    assert response.status_code == 200, response.get_json()


def _encoded(response: TestResponse) -> str:
    return str(json.loads(response.data)["credentialSubject"]["encodedList"])


def test_304_while_unchanged_then_a_new_list_and_etag_after_a_revocation(
    workers: tuple[FlaskClient, FlaskClient],
) -> None:
    client, _ = workers
    credential = _issue(client)
    path = _list_path(credential)
    first = client.get(path)
    assert first.status_code == 200
    assert first.mimetype == "application/vc+ld+json"
    assert first.headers["Cache-Control"] == "public, max-age=30, must-revalidate"
    assert first.headers["Last-Modified"]
    etag = first.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert client.get(path).data == first.data  # the same signed bytes, not signed anew
    _change(client, credential, "revocation", True)
    after = client.get(path, headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after.headers["ETag"] != etag
    assert _encoded(after) != _encoded(first)
    assert client.get(path, headers={"If-None-Match": after.headers["ETag"]}).status_code == 304


def test_a_change_through_another_worker_shows_at_once(
    workers: tuple[FlaskClient, FlaskClient],
) -> None:
    one, other = workers
    credential = _issue(one, "suspension")
    path = _list_path(credential)
    cached = one.get(path)
    assert other.get(path).headers["ETag"] == cached.headers["ETag"]
    _change(other, credential, "suspension", True)
    suspended = one.get(path, headers={"If-None-Match": cached.headers["ETag"]})
    assert suspended.status_code == 200
    assert suspended.data == other.get(path).data
    verdict = one.post("/credentials/verify", json={"verifiableCredential": credential})
    assert verdict.get_json()["verified"] is False
    _change(other, credential, "suspension", False)
    reinstated = one.get(path, headers={"If-None-Match": suspended.headers["ETag"]})
    assert reinstated.status_code == 200
    assert _encoded(reinstated) == _encoded(cached)
    assert reinstated.headers["ETag"] not in (cached.headers["ETag"], suspended.headers["ETag"])
    verdict = one.post("/credentials/verify", json={"verifiableCredential": credential})
    assert verdict.get_json()["verified"] is True


def test_if_modified_since_answers_304_only_once_the_list_has_settled(
    workers: tuple[FlaskClient, FlaskClient],
) -> None:
    client, _ = workers
    path = _list_path(_issue(client))
    last_modified = client.get(path).headers["Last-Modified"]
    # Just changed: a change committed later could carry the same second, so no 304 yet.
    assert client.get(path, headers={"If-Modified-Since": last_modified}).status_code == 200
    services = client.application.extensions["issuer"]
    status_list_id = path.rsplit("/", 1)[1]
    served = services.status.list_document(status_list_id, now=datetime.now(UTC))
    later = served.updated_at + timedelta(minutes=2)
    assert services.status.list_document(status_list_id, now=later) is served  # from memory
    with client.application.test_request_context(
        path, headers={"If-Modified-Since": last_modified}
    ):
        from issuer.web.api import _not_modified

        assert _not_modified(served, later) is True
        assert _not_modified(served, served.updated_at) is False
    earlier = format_datetime(served.updated_at - timedelta(seconds=5), usegmt=True)
    with client.application.test_request_context(path, headers={"If-Modified-Since": earlier}):
        assert _not_modified(served, later) is False
    # If-None-Match wins over If-Modified-Since (RFC 9110 § 13.2.2).
    with client.application.test_request_context(
        path, headers={"If-Modified-Since": last_modified, "If-None-Match": 'W/"other"'}
    ):
        assert _not_modified(served, later) is False


def test_unknown_list_is_404(workers: tuple[FlaskClient, FlaskClient]) -> None:
    client, _ = workers
    response = client.get("/status-lists/revocation-999", headers={"If-None-Match": "*"})
    assert response.status_code == 404
