"""With ISSUER_REDIS_URL, batches go to the RQ queue and `ler-issuer worker` issues them."""

import io
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from redis import Redis
from rq import Queue

from issuer.settings import Settings
from tests.conftest import AUTH, BASE_URL, TEST_TOKEN, Cli

pytestmark = pytest.mark.redis

REDIS_URL = "redis://127.0.0.1:6379/0"
FRAMEWORK = "43-4021.00"
ROSTER = "email,name,framework,statements\n" + "".join(
    f"q{n}@example.org,Q {n},{FRAMEWORK},emerging-01;emerging-02\n" for n in range(30)
)


@pytest.fixture
def queue_name() -> Iterator[str]:
    name = f"ler-test-{uuid.uuid4().hex[:10]}"
    yield name
    with Redis.from_url(REDIS_URL) as redis:
        Queue(name, connection=redis).delete(delete_jobs=True)


@pytest.fixture
def settings(tmp_path: Path, queue_name: str) -> Settings:
    return Settings(
        base_url=BASE_URL,
        database_url=f"sqlite:///{tmp_path / 'issuer.sqlite3'}",
        keys_dir=tmp_path / "keys",
        api_tokens=(TEST_TOKEN,),
        redis_url=REDIS_URL,
        batch_queue=queue_name,
    )


def queued_jobs(name: str) -> int:
    with Redis.from_url(REDIS_URL) as redis:
        return Queue(name, connection=redis).count


def run_worker(run_cli: Cli, queue_name: str) -> None:
    env = {
        **os.environ,
        **run_cli.env,
        "ISSUER_REDIS_URL": REDIS_URL,
        "ISSUER_BATCH_QUEUE": queue_name,
    }
    done = subprocess.run(
        [sys.executable, "-m", "issuer", "worker", "--burst"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_a_posted_batch_is_queued_and_a_burst_worker_issues_it(
    run_cli: Cli, client: FlaskClient, queue_name: str
) -> None:
    assert run_cli("init").exit_code == 0
    data = {"roster": (io.BytesIO(ROSTER.encode()), "queue.csv")}
    response = client.post("/batches", data=data, headers=AUTH, content_type="multipart/form-data")
    assert response.status_code == 202, response.get_json()
    body = response.get_json()
    assert body["status"] == "queued"
    assert queued_jobs(queue_name) == 1

    data = {"roster": (io.BytesIO(ROSTER.encode()), "queue.csv")}
    same = client.post("/batches", data=data, headers=AUTH, content_type="multipart/form-data")
    assert same.get_json()["id"] == body["id"] and same.get_json()["resumed"] is True
    assert queued_jobs(queue_name) == 1  # not queued twice

    run_worker(run_cli, queue_name)
    assert queued_jobs(queue_name) == 0
    done = client.get(response.headers["Location"], headers=AUTH).get_json()
    assert done["status"] == "finished", done
    assert (done["issued"], done["skipped"], done["failed"]) == (60, 0, 0)
    summary = client.get(f"{response.headers['Location']}/summary.csv", headers=AUTH)
    url = summary.get_data(as_text=True).splitlines()[1].split(",")[8].split(";")[0]
    credential = client.get(url.removeprefix(BASE_URL)).get_json()
    verdict = client.post("/credentials/verify", json={"verifiableCredential": credential})
    assert verdict.get_json()["verified"] is True


def test_the_cli_queues_when_redis_is_configured(
    run_cli: Cli, queue_name: str, tmp_path: Path
) -> None:
    assert run_cli("init").exit_code == 0
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    run_cli.env.update({"ISSUER_REDIS_URL": REDIS_URL, "ISSUER_BATCH_QUEUE": queue_name})
    queued = run_cli("issue-batch", str(roster), "--no-wait", "--json")
    assert queued.exit_code == 0, queued.output
    report = json.loads(queued.stdout.strip().splitlines()[-1])
    assert (report["status"], report["issued"]) == ("queued", 0)
    assert queued_jobs(queue_name) == 1

    started = time.monotonic()
    run_worker(run_cli, queue_name)
    assert time.monotonic() - started < 300
    again = run_cli("issue-batch", str(roster), "--here", "--json")
    counts = json.loads(again.stdout.strip().splitlines()[-1])
    assert (counts["issued"], counts["skipped"]) == (0, 60)
