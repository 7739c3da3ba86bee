"""Races through a real threaded HTTP server, on SQLite and on PostgreSQL.

Concurrent revocations and suspensions all land in the status lists; identical awards at
once answer the one credential; one caller-chosen id issued at once is issued each time;
revoking again repairs a bit an earlier race lost.
"""

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests
from flask.testing import FlaskClient
from sqlalchemy import update
from werkzeug.serving import make_server

from issuer.settings import Settings
from issuer.status.bitstring import StatusBits
from issuer.store.database import status_lists_table
from issuer.web import create_app
from tests.concurrency import (
    assert_all_set,
    at_once,
    award_body,
    award_one,
    change_status,
    served_bits,
)
from tests.conftest import AUTH as CLIENT_AUTH
from tests.conftest import BASE_URL
from tests.factories import SEED_FILES

TOKEN = "status-concurrency-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@dataclass(frozen=True)
class Live:
    """A running server: its base URL and its issuer id."""

    url: str
    did: str


@pytest.fixture
def live(database_url: str, tmp_path: Path) -> Iterator[Live]:
    """The app served by a threaded werkzeug server on a free port, seeded."""
    apps: dict[str, Any] = {}

    def dispatch(environ: dict[str, Any], start_response: Any) -> Any:
        return apps["app"](environ, start_response)

    server = make_server("127.0.0.1", 0, dispatch, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()  # (requests are answered once the app is in place)
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        apps["app"] = create_app(
            Settings(
                base_url=base,
                database_url=database_url,
                keys_dir=tmp_path / "keys",
                api_tokens=(TOKEN,),
            )
        )
        services = apps["app"].extensions["issuer"]
        for seed in SEED_FILES:  # what `ler-issuer init` imports (the CLI keeps its engine open)
            services.frameworks.import_file(seed, now=datetime.now(UTC))
        yield Live(url=base, did=services.identity.did)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        if "app" in apps:
            apps["app"].extensions["issuer"].engine.dispose()


def test_concurrent_revocations_all_land(live: Live) -> None:
    credentials = [award_one(live.url, TOKEN, n) for n in range(40)]
    answers = at_once(40, lambda n: change_status(live.url, TOKEN, credentials[n]["id"]))
    assert [a.status_code for a in answers] == [200] * 40, [a.text for a in answers]
    assert all(a.json()["changed"] and a.json()["status"] == "revoked" for a in answers)
    assert_all_set(credentials, live.url)
    again = at_once(40, lambda n: change_status(live.url, TOKEN, credentials[n]["id"]))
    assert all(a.status_code == 200 and a.json()["changed"] is False for a in again)


def test_concurrent_suspensions_and_unsuspensions_all_land(live: Live) -> None:
    credentials = [_issue(live, {"credentialStatus": _SUSPENSION}) for _ in range(20)]
    suspend = at_once(
        20, lambda n: change_status(live.url, TOKEN, credentials[n]["id"], "suspension")
    )
    assert all(a.status_code == 200 and a.json()["changed"] for a in suspend)
    assert_all_set(credentials, live.url)
    # Half are unsuspended while the other half are suspended again (no change).
    mixed = at_once(
        20,
        lambda n: change_status(live.url, TOKEN, credentials[n]["id"], "suspension", n % 2 == 1),
    )
    assert [a.json()["changed"] for a in mixed] == [n % 2 == 0 for n in range(20)]
    entries = [c["credentialStatus"] for c in credentials]
    bits = served_bits(entries[0]["statusListCredential"], live.url)
    assert [bits.get(int(e["statusListIndex"])) for e in entries] == [n % 2 == 1 for n in range(20)]


def test_concurrent_identical_awards_issue_one_credential(live: Live) -> None:
    body = {**award_body(7), "level": "emerging"}
    del body["statements"]
    answers = at_once(
        12, lambda _: requests.post(f"{live.url}/awards", headers=AUTH, json=body, timeout=120)
    )
    assert all(a.status_code in (200, 201) for a in answers), [a.text for a in answers]
    urls = {tuple(c["url"] for c in a.json()["credentials"]) for a in answers}
    assert len(urls) == 1  # every answer names the same credentials
    assert sum(not c["existing"] for a in answers for c in a.json()["credentials"]) == 11


def test_concurrent_issues_of_one_caller_id_are_each_issued(live: Live) -> None:
    caller_id = "urn:uuid:3f0c2c1e-5a8e-4d0f-9a77-1b2c3d4e5f60"
    answers = at_once(
        10,
        lambda n: requests.post(
            f"{live.url}/credentials/issue",
            headers=AUTH,
            json={
                "credential": {**_unsigned(live, n), "id": caller_id},
                "options": {"credentialStatus": True},
            },
            timeout=120,
        ),
    )
    assert [a.status_code for a in answers] == [201] * 10, [a.text for a in answers]
    issued = [a.json()["verifiableCredential"] for a in answers]
    assert {c["id"] for c in issued} == {caller_id}
    newest = max(issued, key=lambda c: c["validFrom"])
    served = requests.get(f"{live.url}/credentials/{quote(caller_id, safe='')}", timeout=30)
    assert served.status_code == 200
    assert served.json()["validFrom"] == newest["validFrom"]  # the most recent issuance
    revoke = change_status(live.url, TOKEN, caller_id)
    assert revoke.status_code == 200 and revoke.json()["changed"] is True
    assert_all_set(issued, live.url)  # every credential issued with that id is revoked
    assert change_status(live.url, TOKEN, caller_id).json()["changed"] is False


_SUSPENSION = {"type": "BitstringStatusListEntry", "statusPurpose": "suspension"}


def _unsigned(live: Live, n: int = 0) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": live.did,
        "name": f"Fixture {n}",
        "credentialSubject": {"id": f"did:example:subject-{n}"},
    }


def _issue(live: Live, options: dict[str, Any]) -> dict[str, Any]:
    response = requests.post(
        f"{live.url}/credentials/issue",
        headers=AUTH,
        json={"credential": _unsigned(live), "options": options},
        timeout=60,
    )
    assert response.status_code == 201, response.text
    return response.json()["verifiableCredential"]  # type: ignore[no-any-return]


def test_revoking_again_sets_a_bit_an_earlier_race_lost(client: FlaskClient) -> None:
    did = client.application.extensions["issuer"].identity.did
    credential = {**_unsigned(Live(url=BASE_URL, did=did)), "id": "urn:example:lost-bit"}
    issued = client.post(
        "/credentials/issue",
        headers=CLIENT_AUTH,
        json={"credential": credential, "options": {"credentialStatus": True}},
    ).get_json()["verifiableCredential"]
    change = {
        "credentialId": issued["id"],
        "credentialStatus": [{"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}],
        "status": True,
    }
    assert client.post("/credentials/status", headers=CLIENT_AUTH, json=change).json["changed"]
    engine = client.application.extensions["issuer"].engine
    with engine.begin() as conn:  # what lost revocations left: the row revoked, the bit clear
        conn.execute(update(status_lists_table).values(bits=bytes(131_072 // 8), document=None))
    again = client.post("/credentials/status", headers=CLIENT_AUTH, json=change).json
    assert again["changed"] is True and again["status"] == "revoked"
    entry = issued["credentialStatus"]
    listed = client.get(entry["statusListCredential"].removeprefix(BASE_URL)).json
    bits = StatusBits.decode(listed["credentialSubject"]["encodedList"])
    assert bits.get(int(entry["statusListIndex"]))
    final = client.post("/credentials/status", headers=CLIENT_AUTH, json=change).json
    assert final["changed"] is False
