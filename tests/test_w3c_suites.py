"""The official W3C VC test suites, run unmodified by `../shared/w3c/run.sh` against the
service as `ler-issuer serve` runs it: data model 2.0, vc-di-eddsa (rdfc and jcs), VC API
issuer and verifier, Bitstring Status List. Every planned test must pass.

The suites are set up once per machine by `../shared/w3c/setup.sh` (scripts/test runs it
where the fetched snapshots are); without them this test is skipped, saying so.
"""

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

pytestmark = [pytest.mark.w3c, pytest.mark.node]

HARNESS = Path(__file__).resolve().parents[2] / "shared" / "w3c"
SUITES_DIR = Path(os.environ.get("W3C_SUITES_DIR", "/tmp/w3c-suites"))
SUITES = (
    "vc-data-model-2.0",
    "vc-di-eddsa",
    "vc-api-issuer",
    "vc-api-verifier",
    "vc-bitstring-status-list",
)
TOKEN = "w3c-suites-token"
LAST_LINE = re.compile(r"w3c-suites: (\d+) passed, (\d+) failed, (\d+) skipped")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _missing() -> str | None:
    if not (HARNESS / "run.sh").is_file():
        return f"the W3C harness is not at {HARNESS}"
    for suite in SUITES:
        if not (SUITES_DIR / suite / "node_modules").is_dir():
            return f"the W3C suite {suite} is not set up in {SUITES_DIR} (../shared/w3c/setup.sh)"
    return None


def _wait_until_verify_answers(url: str, log: Path) -> None:
    """Wait (60 s at most) until the verify route answers, as run.sh's 10 s probe expects.

    The first verification loads contexts and schemas; on a busy machine that can outlast
    the harness's probe, so the warm-up happens here.
    """
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.post(f"{url}/credentials/verify", json={}, timeout=30)
            return
        except requests.RequestException:
            time.sleep(0.2)
    pytest.fail(f"ler-issuer serve did not answer in 60 s: {log.read_text()[-2000:]}")


@pytest.fixture
def service(tmp_path: Path) -> Iterator[tuple[str, int, str]]:
    """`ler-issuer serve` on a fresh SQLite database; yields (url, TLS front port, DID)."""
    port, front = _free_port(), _free_port()
    env = {
        **os.environ,
        "ISSUER_BASE_URL": f"https://127.0.0.1:{front}",  # the suites fetch lists through TLS
        "ISSUER_DATABASE_URL": f"sqlite:///{tmp_path / 'issuer.sqlite3'}",
        "ISSUER_KEYS_DIR": str(tmp_path / "keys"),
        "ISSUER_API_TOKENS": TOKEN,
    }
    cli = Path(sys.executable).parent / "ler-issuer"
    subprocess.run([cli, "init"], env=env, check=True, capture_output=True)
    listed = subprocess.run([cli, "keys", "list"], env=env, check=True, capture_output=True)
    did = next(w for w in listed.stdout.decode().split() if w.startswith("did:key:"))
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [cli, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_verify_answers(url, tmp_path / "serve.log")
        yield url, front, did
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def test_every_planned_w3c_test_passes(service: tuple[str, int, str], tmp_path: Path) -> None:
    problem = _missing()
    if problem:
        pytest.skip(problem)
    url, front, did = service
    summary = tmp_path / "results.json"
    env = {
        **os.environ,
        "IMPL_URL": url,
        "IMPL_AUTH": f"Bearer {TOKEN}",
        "IMPL_EXTRA_TAGS": "eddsa-jcs-2022",
        "ISSUER_ID": did,
        "TLS_FRONT_PORT": str(front),
        "RUN_DIR": str(tmp_path / "run"),
        "W3C_SUITES_DIR": str(SUITES_DIR),
    }
    run = subprocess.run(
        ["bash", str(HARNESS / "run.sh"), str(summary), *SUITES],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    lines = [line for line in run.stdout.splitlines() if LAST_LINE.search(line)]
    assert lines, run.stdout[-3000:] + run.stderr[-3000:]
    passed, failed, _skipped = map(int, LAST_LINE.search(lines[-1]).groups())  # type: ignore[union-attr]
    print(lines[-1])
    results = json.loads(summary.read_text())
    failures = [
        f"{name}: {failure['title']} | {failure['error']}"
        for name, suite in results["suites"].items()
        for failure in suite["failures"] + suite["hookFailureDetails"]
    ]
    assert failed == 0, "\n".join(failures)
    assert passed >= 150  # all five suites ran (166 planned, 9 skipped by the suites themselves)
