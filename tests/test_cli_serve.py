"""`ler-issuer serve --port P` without ISSUER_BASE_URL: every link follows the port served."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from issuer.settings import Settings

TOKEN = "serve-test-token-0123456789"
FRAMEWORK = "43-4171.00-v.26.05"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Served:
    base: str
    log: Path
    env: dict[str, str]


def _serve(tmp_path: Path, port: int, extra: dict[str, str]) -> subprocess.Popen[bytes]:
    env = {
        key: value for key, value in os.environ.items() if key not in ("ISSUER_BASE_URL", "PORT")
    }
    env.update(extra)
    bin_dir = Path(sys.executable).parent
    with (tmp_path / f"serve-{port}.log").open("wb") as log:
        return subprocess.Popen(
            [bin_dir / "ler-issuer", "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def _wait(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/frameworks", timeout=5).ok:
                return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError(f"{base} did not start")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """`ler-issuer init`, then `ler-issuer serve --port P` (a free port, not 5000)."""
    port = _free_port()
    env = {
        "ISSUER_DATABASE_URL": f"sqlite:///{tmp_path / 'issuer.sqlite3'}",
        "ISSUER_KEYS_DIR": str(tmp_path / "keys"),
        "ISSUER_API_TOKENS": TOKEN,
    }
    bin_dir = Path(sys.executable).parent
    clean = {k: v for k, v in os.environ.items() if k not in ("ISSUER_BASE_URL", "PORT")}
    subprocess.run(
        [bin_dir / "ler-issuer", "init"], env={**clean, **env}, check=True, capture_output=True
    )
    server = _serve(tmp_path, port, env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base)
        yield Served(base=base, log=tmp_path / f"serve-{port}.log", env=env)
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_links_follow_the_port_served_and_the_credential_verifies(served: Served) -> None:
    base = served.base
    response = requests.post(
        f"{base}/awards",
        json={
            "framework": FRAMEWORK,
            "recipient": {"email": "ana@example.org"},
            "level": "Emerging",
        },
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=60,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["wallet"].startswith(f"{base}/wallet/")
    document = body["credentials"][0]["verifiableCredential"]
    assert document["id"].startswith(f"{base}/credentials/")
    assert document["credentialStatus"]["statusListCredential"].startswith(f"{base}/status-lists/")
    achievement = document["credentialSubject"]["achievement"]["id"]
    assert achievement.startswith(f"{base}/")
    assert ":5000" not in response.text
    # every link answers on the port served
    assert requests.get(document["id"], timeout=10).status_code == 200
    assert requests.get(body["wallet"], timeout=10).status_code == 200
    status_list = document["credentialStatus"]["statusListCredential"]
    assert requests.get(status_list, timeout=10).status_code == 200
    verdict = requests.post(
        f"{base}/credentials/verify", json={"verifiableCredential": document}, timeout=60
    )
    assert verdict.json()["verified"] is True, verdict.text
    notes = served.log.read_text()
    assert f"links and credential ids use {base}" in notes
    assert "always in production" in notes


def test_a_restart_on_another_port_warns_that_earlier_links_stay(
    served: Served, tmp_path: Path
) -> None:
    requests.post(
        f"{served.base}/awards",
        json={
            "framework": FRAMEWORK,
            "recipient": {"email": "bo@example.org"},
            "statements": ["emerging-01"],
        },
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=60,
    ).raise_for_status()
    port = _free_port()
    other = _serve(tmp_path, port, served.env)
    try:
        _wait(f"http://127.0.0.1:{port}")
    finally:
        other.terminate()
        other.wait(timeout=20)
    notes = (tmp_path / f"serve-{port}.log").read_text()
    assert f"credentials issued earlier keep their links ({served.base}/credentials/" in notes


def test_a_base_url_set_is_kept_whatever_the_port() -> None:
    given = Settings(base_url="https://badges.example.org")
    assert given.served_at("127.0.0.1", 5150).base_url == "https://badges.example.org"
    assert given.served_at("127.0.0.1", 5150).port == 5150
    default = Settings()
    assert not default.base_url_given
    assert default.served_at("127.0.0.1", 5150).base_url == "http://127.0.0.1:5150"
    assert default.served_at("0.0.0.0", 8000).base_url == "http://127.0.0.1:8000"
    assert default.served_at("::1", 8000).base_url == "http://[::1]:8000"
    assert default.served_at("localhost", 80).port == 80
    assert Settings.from_env({"ISSUER_BASE_URL": "http://h:1"}).base_url_given
    assert not Settings.from_env({}).base_url_given
