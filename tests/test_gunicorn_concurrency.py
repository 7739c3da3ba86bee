"""Several gunicorn worker processes sharing one database (SQLite or PostgreSQL): they never
hand out the same status index, and concurrent revocations through them all land."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.concurrency import assert_all_set, at_once, award_one, change_status

TOKEN = "concurrency-test-token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def gunicorn_service(database_url: str, tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "ISSUER_BASE_URL": base,
        "ISSUER_DATABASE_URL": database_url,
        "ISSUER_KEYS_DIR": str(tmp_path / "keys"),
        "ISSUER_API_TOKENS": TOKEN,
    }
    bin_dir = Path(sys.executable).parent
    subprocess.run([bin_dir / "ler-issuer", "init"], env=env, check=True, capture_output=True)
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [
            bin_dir / "gunicorn",
            "--workers",
            "4",
            "--threads",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "issuer.web:create_app()",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{base}/frameworks", timeout=5).ok:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start: " + (tmp_path / "gunicorn.log").read_text())
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def test_concurrent_issuing_uses_each_index_once(gunicorn_service: str) -> None:
    def issue(n: int) -> dict:  # type: ignore[type-arg]
        response = requests.post(
            f"{gunicorn_service}/awards",
            headers={"Authorization": f"Bearer {TOKEN}"},
            json={
                "framework": "43-4021.00",
                "level": "emerging",
                "recipient": {"email": f"learner{n}@example.org"},
            },
            timeout=60,
        )
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    with ThreadPoolExecutor(max_workers=12) as pool:
        awards = list(pool.map(issue, range(24)))
    entries = [
        (
            c["verifiableCredential"]["credentialStatus"]["statusListCredential"],
            c["verifiableCredential"]["credentialStatus"]["statusListIndex"],
        )
        for award in awards
        for c in award["credentials"]
    ]
    assert len(entries) == 24 * 11
    assert len(set(entries)) == len(entries)
    sample = awards[5]["credentials"][-1]["verifiableCredential"]
    verdict = requests.post(
        f"{gunicorn_service}/credentials/verify", json={"verifiableCredential": sample}, timeout=30
    ).json()
    assert verdict["verified"] is True


def test_concurrent_revocations_through_several_workers_all_land(gunicorn_service: str) -> None:
    credentials = at_once(
        8, lambda n: [award_one(gunicorn_service, TOKEN, 5 * n + k) for k in range(5)]
    )
    flat = [c for five in credentials for c in five]
    answers = at_once(40, lambda n: change_status(gunicorn_service, TOKEN, flat[n]["id"]))
    assert [a.status_code for a in answers] == [200] * 40, [a.text for a in answers]
    assert all(a.json()["changed"] for a in answers)
    assert_all_set(flat, gunicorn_service)
    again = at_once(40, lambda n: change_status(gunicorn_service, TOKEN, flat[n]["id"]))
    assert all(a.status_code == 200 and a.json()["changed"] is False for a in again)
