"""Fuzz the live HTTP service from its own `/openapi.json` with schemathesis (`scripts/fuzz`).

    with running_service(database_url) as service:       # a throwaway instance and its token
        report = fuzz(service.url, service.token, requests=1000)
    print(report.summary()); assert not report.server_errors

Half the requests fit the schema (positive), half break it on purpose (negative). Every
response is counted by status code; a 5xx is a bug, kept with its method, path and body.
"""

import argparse
import collections
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
LER_ISSUER = ROOT / ".venv" / "bin" / "ler-issuer"
EXCERPT = 300
"""Characters of a failing request's body shown in the report."""


@dataclass
class Service:
    """A running service: its base URL and a bearer token for it."""

    url: str
    token: str | None


@dataclass
class ServerError:
    """A request the service answered with a 5xx."""

    method: str
    path: str
    status: int
    body: str

    def __str__(self) -> str:
        return f"{self.status} {self.method} {self.path}  body: {self.body}"


@dataclass
class Report:
    """What the fuzzer sent and what came back."""

    statuses: collections.Counter[int] = field(default_factory=collections.Counter)
    server_errors: list[ServerError] = field(default_factory=list)
    transport_errors: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        """Return how many requests were answered."""
        return sum(self.statuses.values())

    def summary(self) -> str:
        """Return the counts by status code and every 5xx, as printed by `scripts/fuzz`."""
        lines = [f"{self.requests} requests"]
        lines += [f"  {status}: {count}" for status, count in sorted(self.statuses.items())]
        lines.append(f"5xx: {len(self.server_errors)}")
        lines += [f"  {error}" for error in self.server_errors]
        if self.transport_errors:
            lines.append(f"requests that got no answer: {len(self.transport_errors)}")
            lines += [f"  {error}" for error in self.transport_errors[:20]]
        return "\n".join(lines)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the service exited with {process.returncode}")
        try:
            if requests.get(f"{url}/openapi.json", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the service did not answer at {url} within {timeout} s")


@contextmanager
def running_service(database_url: str | None = None) -> Iterator[Service]:
    """Start a throwaway instance (temp keys, `database_url` or a temp SQLite file), init it,
    create a token, serve it on a free port; stop it on exit."""
    with tempfile.TemporaryDirectory(prefix="ler-fuzz-") as tmp:
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "ISSUER_DATABASE_URL": database_url or f"sqlite:///{tmp}/fuzz.sqlite3",
            "ISSUER_KEYS_DIR": f"{tmp}/keys",
            "ISSUER_BASE_URL": url,
            "ISSUER_FETCH_HOSTS": "",
        }
        env.pop("ISSUER_REDIS_URL", None)  # batches run in the service, not on a shared queue
        subprocess.run([LER_ISSUER, "init"], env=env, check=True, capture_output=True)
        created = subprocess.run(
            [LER_ISSUER, "tokens", "create", "fuzz"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        token = created.stdout.strip().splitlines()[-1]
        with open(f"{tmp}/service.log", "wb") as log:
            process = subprocess.Popen(
                [LER_ISSUER, "serve", "--port", str(port)], env=env, stdout=log, stderr=log
            )
            try:
                _wait_until_up(url, process)
                yield Service(url=url, token=token)
            finally:
                process.terminate()
                process.wait(timeout=30)


def _excerpt(case: Any) -> str:
    body = getattr(case, "body", None)
    if body is None or type(body).__name__ == "NotSet":
        return "-"
    try:
        text = json.dumps(body, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(body)
    return text if len(text) <= EXCERPT else f"{text[:EXCERPT]}… ({len(text)} characters)"


def fuzz(url: str, token: str | None, *, requests_wanted: int, seed: int | None = None) -> Report:
    """Send about `requests_wanted` schemathesis requests to the service at `url`."""
    import hypothesis
    import schemathesis
    from hypothesis import HealthCheck, Phase
    from schemathesis.generation import GenerationMode

    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    session = requests.Session()
    report = Report()

    def send(case: Any) -> None:
        try:
            response = case.call(base_url=url, session=session, headers=headers, timeout=60)
        except Exception as err:  # a dropped connection is a finding too
            report.transport_errors.append(f"{case.method} {case.formatted_path}: {err}")
            return
        report.statuses[response.status_code] += 1
        if response.status_code >= 500:
            path = case.formatted_path + (f"?{case.query}" if case.query else "")
            report.server_errors.append(
                ServerError(case.method, path, response.status_code, _excerpt(case))
            )

    rounds = 0
    while report.requests + len(report.transport_errors) < requests_wanted:
        before = report.requests + len(report.transport_errors)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            remaining = requests_wanted - report.requests - len(report.transport_errors)
            if remaining <= 0:
                break
            test = hypothesis.given(case=schema.as_strategy(mode))(send)
            test = hypothesis.settings(
                max_examples=max(1, min(remaining, requests_wanted // 2 + 1)),
                database=None,
                deadline=None,
                derandomize=False,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )(test)
            if seed is not None:
                test = hypothesis.seed(seed + rounds)(test)
            test()
        rounds += 1
        if report.requests + len(report.transport_errors) == before:
            break  # nothing more to generate
    return report


def main(argv: list[str] | None = None) -> int:
    """`scripts/fuzz`: fuzz a service (started here unless `--url`); exit 1 on any 5xx."""
    parser = argparse.ArgumentParser(prog="scripts/fuzz", description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="how many requests (1000)")
    parser.add_argument("--url", help="fuzz this running service instead of starting one")
    parser.add_argument("--token", help="bearer token for --url (else: unauthenticated)")
    parser.add_argument(
        "--database",
        help="database URL for the service started here (default: a temp SQLite file); "
        "e.g. postgresql://postgres@127.0.0.1:5432/ler_fuzz (a throwaway database)",
    )
    parser.add_argument("--seed", type=int, help="hypothesis seed, to repeat a run")
    args = parser.parse_args(argv)
    if args.url and args.database:
        parser.error("--database is for the service started here; leave it out with --url")
    started = time.monotonic()
    if args.url:
        report = fuzz(
            args.url.rstrip("/"), args.token, requests_wanted=args.requests, seed=args.seed
        )
    else:
        with running_service(args.database) as service:
            print(f"service at {service.url} on {args.database or 'a temp SQLite file'}")
            report = fuzz(service.url, service.token, requests_wanted=args.requests, seed=args.seed)
    print(report.summary())
    print(f"{time.monotonic() - started:.0f} s")
    return 1 if report.server_errors or report.transport_errors else 0


if __name__ == "__main__":
    sys.exit(main())
