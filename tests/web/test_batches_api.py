"""POST /batches and its progress, results and console page, through HTTP with real signing."""

import csv
import io
import json
import re
import time
import zipfile
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import AUTH, BASE_URL, Cli

FRAMEWORK = "43-4171.00"
ROSTER = (
    "email,did,name,framework,level,statements,evidence\n"
    f"ana@example.org,,Ana,{FRAMEWORK},,emerging-01;emerging-02,https://ex.org/ana\n"
    f",did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH,Ben,{FRAMEWORK},,emerging-03,\n"
)


@pytest.fixture
def seeded(run_cli: Cli, client: FlaskClient) -> FlaskClient:
    assert run_cli("init").exit_code == 0
    return client


def upload(client: FlaskClient, text: str, **fields: str) -> TestResponse:
    data: dict[str, Any] = {"roster": (io.BytesIO(text.encode()), "cohort.csv"), **fields}
    return client.post("/batches", data=data, headers=AUTH, content_type="multipart/form-data")


def wait(client: FlaskClient, location: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        body = client.get(location, headers=AUTH).get_json()
        if body["status"] in ("finished", "failed"):
            return body  # type: ignore[no-any-return]
        assert time.monotonic() < deadline, body
        time.sleep(0.05)


def test_upload_a_roster_follow_progress_and_fetch_the_results(seeded: FlaskClient) -> None:
    response = upload(seeded, ROSTER)
    assert response.status_code == 202, response.get_json()
    body = response.get_json()
    location = response.headers["Location"]
    assert location == f"/batches/{body['id']}"
    assert (body["rows"], body["credentials"], body["resumed"]) == (2, 3, False)
    assert body["status"] in ("queued", "running", "finished")

    done = wait(seeded, location)
    assert done["status"] == "finished", done
    assert (done["issued"], done["skipped"], done["failed"], done["errors"]) == (3, 0, 0, [])
    assert done["source"] == "cohort.csv"

    summary = seeded.get(f"{location}/summary.csv", headers=AUTH)
    assert summary.status_code == 200 and summary.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(summary.get_data(as_text=True))))
    assert [(r["row"], r["credentials"]) for r in rows] == [("2", "2"), ("3", "1")]
    first_url = rows[0]["credential_urls"].split(";")[0]
    served = seeded.get(first_url.removeprefix(BASE_URL))
    assert served.status_code == 200
    verdict = seeded.post("/credentials/verify", json={"verifiableCredential": served.get_json()})
    assert verdict.get_json()["verified"] is True
    wallet = seeded.get(rows[0]["wallet"].removeprefix(BASE_URL))
    assert wallet.status_code == 200

    archive = seeded.get(f"{location}/wallets.zip?clr=false", headers=AUTH)
    assert archive.status_code == 200 and archive.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.data)) as z:
        names = z.namelist()
        assert "00002-ana/presentation.json" in names
        assert not any("/clr-" in n for n in names)
        (ben,) = [
            n for n in names if n.startswith("00003-ben/credentials/") and n.endswith(".json")
        ]
        assert json.loads(z.read(ben))["credentialSubject"]["id"].startswith("did:key:")

    listed = seeded.get("/batches", headers=AUTH).get_json()["batches"]
    assert [b["id"] for b in listed] == [body["id"]]

    again = upload(seeded, ROSTER)
    assert again.status_code == 202
    second = wait(seeded, again.headers["Location"])
    assert (second["issued"], second["skipped"]) == (0, 3)


def test_a_larger_upload_is_signed_by_worker_processes_from_a_thread(
    seeded: FlaskClient,
) -> None:
    roster = "email,framework,statements\n" + "".join(
        f"p{n}@example.org,{FRAMEWORK},emerging-01;emerging-02\n" for n in range(40)
    )
    response = upload(seeded, roster)
    assert response.status_code == 202
    done = wait(seeded, response.headers["Location"], timeout=120)
    assert (done["status"], done["issued"], done["failed"]) == ("finished", 80, 0)


def test_json_rows_and_a_text_csv_body(seeded: FlaskClient) -> None:
    response = seeded.post(
        "/batches",
        json={
            "rows": [
                {"email": "cy@example.org", "framework": FRAMEWORK, "statements": ["emerging-04"]}
            ],
            "options": {"cryptosuite": "eddsa-jcs-2022"},
        },
        headers=AUTH,
    )
    assert response.status_code == 202, response.get_json()
    done = wait(seeded, response.headers["Location"])
    assert (done["issued"], done["options"]["cryptosuite"]) == (1, "eddsa-jcs-2022")
    assert done["source"] == "rows.json"

    text = seeded.post(
        "/batches",
        data=f"email,framework,statements\ndee@example.org,{FRAMEWORK},emerging-05\n",
        headers={**AUTH, "Content-Type": "text/csv"},
    )
    assert text.status_code == 202
    assert wait(seeded, text.headers["Location"])["issued"] == 1


def test_dry_run_reports_without_issuing(seeded: FlaskClient) -> None:
    bad = ROSTER + f"nobody,,,{FRAMEWORK},,emerging-42,\n"
    response = upload(seeded, bad, dryRun="true")
    assert response.status_code == 200
    body = response.get_json()
    assert body["valid"] is False and body["toIssue"] == 3
    assert [p["row"] for p in body["problems"]] == [4, 4]
    assert seeded.get("/batches", headers=AUTH).get_json()["batches"] == []


@pytest.mark.parametrize(
    ("kwargs", "status", "detail"),
    [
        ({"data": ROSTER, "content_type": "text/plain"}, 415, "multipart/form-data"),
        ({"data": {"other": "x"}, "content_type": "multipart/form-data"}, 400, "'roster'"),
        ({"json": {"rows": [], "surprise": 1}}, 422, ""),
        ({"json": [1, 2]}, 422, "JSON object"),
        (
            {"data": "emial,framework,level\n", "content_type": "text/csv"},
            422,
            "unknown column 'emial'",
        ),
    ],
)
def test_requests_that_are_not_rosters_are_problems(
    seeded: FlaskClient, kwargs: dict[str, Any], status: int, detail: str
) -> None:
    response = seeded.post("/batches", headers=AUTH, **kwargs)
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert detail in response.get_json()["detail"]


def test_bad_rows_are_a_422_with_every_row(seeded: FlaskClient) -> None:
    bad = (
        "email,framework,level,statements\n"
        f"ok@example.org,{FRAMEWORK},Emerging,\n"
        f"no-at-sign,{FRAMEWORK},,emerging-01\n"
        f"x@example.org,{FRAMEWORK},,emerging-77\n"
        "y@example.org,00-0000.00,Emerging,\n"
    )
    response = upload(seeded, bad)
    assert response.status_code == 422
    problem = response.get_json()
    assert response.mimetype == "application/problem+json"
    assert [e["row"] for e in problem["errors"]] == [3, 4, 5]
    assert "no statement 'emerging-77'" in problem["errors"][1]["detail"]
    assert problem["detail"].startswith("row 3: email 'no-at-sign' is not an email address")
    assert seeded.get("/batches", headers=AUTH).get_json()["batches"] == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/batches"),
        ("get", "/batches"),
        ("get", "/batches/x"),
        ("get", "/batches/x/summary.csv"),
        ("get", "/batches/x/wallets.zip"),
    ],
)
def test_batches_need_a_token(client: FlaskClient, method: str, path: str) -> None:
    response = getattr(client, method)(path, headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_unknown_and_unfinished_batches(seeded: FlaskClient) -> None:
    assert seeded.get("/batches/nope", headers=AUTH).status_code == 404
    assert seeded.get("/batches/nope/summary.csv", headers=AUTH).status_code == 404


def test_the_template_is_public_csv(client: FlaskClient) -> None:
    response = client.get("/batches/template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.get_data(as_text=True).startswith(
        "email,did,name,framework,level,statements,evidence,narrative,valid_until\r\n"
    )
    assert "attachment" in response.headers["Content-Disposition"]


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def test_console_upload_check_issue_and_progress(seeded: FlaskClient) -> None:
    assert seeded.get("/issue/batches").status_code == 401  # the sign-in form
    signin = seeded.get("/issue").get_data(as_text=True)
    token = AUTH["Authorization"].removeprefix("Bearer ")
    response = seeded.post("/issue/sign-in", data={"token": token, "csrf_token": _csrf(signin)})
    assert response.status_code == 303

    page = seeded.get("/issue/batches")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'href="/batches/template.csv"' in html and 'type="file"' in html
    csrf = _csrf(html)

    def post(text: str, **fields: str) -> TestResponse:
        data: dict[str, Any] = {
            "roster": (io.BytesIO(text.encode()), "cohort.csv"),
            "csrf_token": csrf,
            **fields,
        }
        return seeded.post("/issue/batches", data=data, content_type="multipart/form-data")

    forged = seeded.post(
        "/issue/batches",
        data={"roster": (io.BytesIO(ROSTER.encode()), "cohort.csv"), "csrf_token": "forged"},
        content_type="multipart/form-data",
    )
    assert forged.status_code == 400

    checked = post(ROSTER + f"zed,,,{FRAMEWORK},,emerging-01,\n", dryRun="yes")
    assert checked.status_code == 200
    text = checked.get_data(as_text=True)
    assert "3 to issue" in text and "is not an email address" in text

    started = post(ROSTER, dryRun="no")
    assert started.status_code == 303
    location = started.headers["Location"]
    batch_id = location.rsplit("/", 1)[1]
    wait(seeded, f"/batches/{batch_id}")
    progress = seeded.get(location).get_data(as_text=True)
    assert "Finished" in progress and 'http-equiv="refresh"' not in progress
    assert seeded.get(f"{location}/summary.csv").status_code == 200
    assert seeded.get(f"{location}/wallets.zip?clr=false").status_code == 200
    listing = seeded.get("/issue/batches").get_data(as_text=True)
    assert f'href="/issue/batches/{batch_id}"' in listing
