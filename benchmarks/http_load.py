"""Open-loop HTTP load: the service under gunicorn, requests sent at a fixed rate.

    .venv/bin/python benchmarks/http_load.py [--rate 100] [--duration 20] [--workers 2]
        [--databases sqlite,postgresql] [--scenarios floor,issue,verify-own,verify-foreign,
        status-list,status-list-304] [--no-status] [--profile LINES] [--keep]

For each database (a fresh SQLite file in a temporary folder, or a new PostgreSQL database
on the local server, dropped afterwards) it runs `ler-issuer init` and starts
`gunicorn --workers N 'issuer.web:create_app()'` (as the README's production section does),
with its own keys folder and API token. Then, one scenario after another, it sends
requests at `--rate` per second for `--duration` seconds:

- `issue`: `POST /credentials/issue` of an OpenBadgeCredential naming the service as
  issuer (with `options.credentialStatus`, unless `--no-status`);
- `verify-own`: `POST /credentials/verify` of credentials this service issued (each with
  a status entry: the service reads its own status list);
- `verify-foreign`: `POST /credentials/verify` of credentials signed by another did:key
  issuer (a single-object `proof`, as the JS stack writes it);
- `status-list`: `GET /status-lists/revocation-1`;
- `status-list-304`: the same with `If-None-Match` of the last ETag (a verifier's cache);
- `floor`: `GET` of a page that does not exist (404, no database): what gunicorn and Flask
  cost per request on this machine, the floor under every other figure.

Open loop: request i is due at start + i/rate whatever happened to the earlier ones, and
its latency counts from when it was due, so time spent queueing (in the client, the
listen backlog or a busy worker) is in the figures. Each request is its own connection
(gunicorn's sync workers close every connection). Printed per scenario: p50, p95, p99 and
max latency, errors (non-2xx/304 answers, timeouts) by kind, the achieved rate, and the
CPU time the gunicorn processes spent per request (from /proc/<pid>/stat before, and
after the service has answered every queued request, so an overloaded scenario does not
spill into the next; for PostgreSQL, its server processes serving the benchmark's
database too). CPU
time is the stable figure on a busy machine; the machine's load average and how busy its
cores were during each scenario are printed beside it.
"""

import argparse
import asyncio
import hashlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from issuer.keys.did import did_key_for
from issuer.keys.ed25519 import KeyPair
from issuer.keys.signer import Signer
from issuer.proofs import add_proof

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
TOKEN = "http-load-benchmark-token"
SCENARIOS = ("floor", "issue", "verify-own", "verify-foreign", "status-list", "status-list-304")
VC2 = "https://www.w3.org/ns/credentials/v2"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
TIMEOUT = 30.0


def unsigned_credential(issuer: Any, n: int) -> dict[str, Any]:
    """Return an OpenBadgeCredential for learner `n` (about 1 KB)."""
    return {
        "@context": [VC2, OB],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer,
        "name": "Customer service basics",
        "credentialSubject": {
            "id": f"did:example:learner-{n}",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://provider.example/achievements/1",
                "type": ["Achievement"],
                "name": "Customer service basics",
                "description": "Handles routine requests.",
                "criteria": {"narrative": "Pass the assessment."},
            },
        },
    }


def foreign_credentials(count: int) -> list[dict[str, Any]]:
    """Return `count` credentials signed by another issuer (did:key, eddsa-rdfc-2022)."""
    pair = KeyPair.from_seed(hashlib.sha256(b"http load foreign issuer").digest())
    did = did_key_for(pair.public_multibase)
    signer = Signer(pair, f"{did}#{pair.public_multibase}")
    profile = {"id": did, "type": ["Profile"], "name": "Another Training Provider"}
    created = datetime.now(UTC).replace(microsecond=0)
    signed = []
    for n in range(count):
        document = {
            **unsigned_credential(profile, n),
            "id": f"urn:uuid:{uuid.uuid4()}",
            "validFrom": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        signed.append(add_proof(document, signer, created=created, as_set=False))
    return signed


# --- one HTTP/1.1 request per connection, on asyncio streams --------------------------------


@dataclass
class Answer:
    """What came back: the status (0: no answer), headers and body, or the error."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None


async def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    """Send one request on a new connection and read the whole answer."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    head = ("\r\n".join(lines) + "\r\n\r\n").encode()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(head + (body or b""))
        await writer.drain()
        raw = await reader.read()
        writer.close()
    except OSError as err:
        return Answer(0, error=type(err).__name__)
    top, _, payload = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = top.decode("latin-1").split("\r\n")
    parts = status_line.split(" ")
    if len(parts) < 2 or not parts[1].isdigit():
        return Answer(0, error="no HTTP answer")
    found = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        found[name.strip().lower()] = value.strip()
    return Answer(int(parts[1]), found, payload)


# --- the service ---------------------------------------------------------------------------


@dataclass
class Service:
    """A running gunicorn serving the issuer."""

    port: int
    master: subprocess.Popen[bytes]
    issuer_did: str
    database_name: str | None  # PostgreSQL only
    env: dict[str, str]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def fresh_database(kind: str, folder: Path) -> Iterator[tuple[str, str | None]]:
    """Yield a new, empty database's URL (and its PostgreSQL name); drop it afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'bench.sqlite3'}", None
        return
    import psycopg

    name = f"ler_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}", name
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def running_service(
    database_url: str, database_name: str | None, folder: Path, workers: int, profile: bool
) -> Iterator[Service]:
    """Run `ler-issuer init`, then gunicorn with `workers` sync workers, until the block ends
    (with `profile`, each worker writes its cProfile statistics to `folder` as it exits)."""
    port = _free_port()
    env = {
        **os.environ,
        "ISSUER_BASE_URL": f"http://127.0.0.1:{port}",
        "ISSUER_DATABASE_URL": database_url,
        "ISSUER_KEYS_DIR": str(folder / "keys"),
        "ISSUER_API_TOKENS": TOKEN,
    }
    bin_dir = Path(sys.executable).parent
    init = subprocess.run(
        [bin_dir / "ler-issuer", "init"], env=env, check=True, capture_output=True, text=True
    )
    did = next(
        line.split(": ", 1)[1] for line in init.stdout.splitlines() if line.startswith("issuer: ")
    )
    log = (folder / "gunicorn.log").open("wb")
    command = [
        str(bin_dir / "gunicorn"),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--backlog",
        "2048",
        "issuer.web:create_app()",
    ]
    if profile:
        (folder / "profile_hooks.py").write_text(PROFILE_HOOKS)
        command[1:1] = ["--config", "python:profile_hooks"]
        env["PYTHONPATH"] = f"{folder}{os.pathsep}{env.get('PYTHONPATH', '')}"
    master = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while len(_children(master.pid)) < workers or not _answers(port):
            if time.monotonic() > deadline or master.poll() is not None:
                raise SystemExit(
                    "gunicorn did not start:\n" + (folder / "gunicorn.log").read_text()
                )
            time.sleep(0.2)
        yield Service(port, master, did, database_name, env)
    finally:
        master.terminate()
        master.wait(timeout=30)
        log.close()


PROFILE_HOOKS = """
import cProfile, os
_profile = cProfile.Profile()
def post_fork(server, worker):
    _profile.enable()
def worker_exit(server, worker):
    _profile.disable()
    _profile.dump_stats(os.path.join(os.path.dirname(__file__), f"worker-{os.getpid()}.prof"))
"""


def print_profile(folder: Path, lines: int) -> None:
    """Print the workers' merged cProfile statistics, by cumulative then internal time."""
    import pstats

    files = sorted(str(path) for path in folder.glob("worker-*.prof"))
    if not files:
        print("no worker profiles were written")
        return
    stats = pstats.Stats(*files)
    stats.sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(lines)


def _answers(port: int) -> bool:
    try:
        return asyncio.run(request(port, "GET", "/openapi.json")).status == 200
    except OSError:
        return False


# --- CPU accounting ------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    """Return the process ids whose parent is `pid`."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def _cpu_seconds(pid: int) -> float:
    """Return user + system CPU seconds of process `pid` (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _postgres_backends(database_name: str) -> list[int]:
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", (database_name,)
        ).fetchall()
    return [int(row[0]) for row in rows]


def _machine_ticks() -> tuple[int, int]:
    """Return (busy, total) CPU ticks of the whole machine since boot."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


@dataclass
class CpuSample:
    """CPU seconds of the service's processes and the machine's ticks at one moment."""

    workers: dict[int, float]
    master: float
    database: dict[int, float]
    machine: tuple[int, int]


def sample_cpu(service: Service) -> CpuSample:
    """Read the CPU time of the gunicorn processes (and PostgreSQL backends) now."""
    workers = {pid: _cpu_seconds(pid) for pid in _children(service.master.pid)}
    database = {}
    if service.database_name:
        database = {pid: _cpu_seconds(pid) for pid in _postgres_backends(service.database_name)}
    return CpuSample(workers, _cpu_seconds(service.master.pid), database, _machine_ticks())


# --- the scenarios -------------------------------------------------------------------------


@dataclass
class Request:
    """One request to send."""

    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    expect: tuple[int, ...] = (200,)


@dataclass
class Outcome:
    """The latencies and errors of one scenario."""

    latencies: list[float]
    errors: Counter[str]
    sent: int
    elapsed: float


async def open_loop(port: int, requests: list[Request], rate: float) -> Outcome:
    """Send `requests` at `rate` per second (due times fixed in advance) and time each."""
    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    errors: Counter[str] = Counter()

    async def one(item: Request, due: float) -> None:
        try:
            answer = await asyncio.wait_for(
                request(port, item.method, item.path, item.body, item.headers), TIMEOUT
            )
        except TimeoutError:
            errors["timeout"] += 1
            return
        latencies.append(loop.time() - due)
        if answer.error:
            errors[answer.error] += 1
        elif answer.status not in item.expect:
            errors[f"HTTP {answer.status}"] += 1

    start = loop.time() + 0.05
    tasks = []
    for i, item in enumerate(requests):
        due = start + i / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(one(item, due)))
    await asyncio.gather(*tasks)
    return Outcome(latencies, errors, len(requests), loop.time() - start)


def _issue_request(issuer_did: str, n: int, status: bool) -> Request:
    credential = unsigned_credential(issuer_did, n)
    options: dict[str, Any] = {"credentialStatus": True} if status else {}
    body = json.dumps({"credential": credential, "options": options}).encode()
    headers = {"Authorization": f"Bearer {TOKEN}"}
    return Request("POST", "/credentials/issue", body, headers, expect=(201,))


def _verify_request(credential: dict[str, Any]) -> Request:
    return Request(
        "POST", "/credentials/verify", json.dumps({"verifiableCredential": credential}).encode()
    )


def prepare(service: Service, count: int, status: bool) -> dict[str, list[Request]]:
    """Issue the credentials to verify, warm every worker, and return each scenario's requests."""
    port = service.port

    async def issue_some(k: int) -> list[dict[str, Any]]:
        answers = await asyncio.gather(
            *(
                request(port, "POST", r.path, r.body, r.headers)
                for r in (_issue_request(service.issuer_did, n, True) for n in range(k))
            )
        )
        bad = [a for a in answers if a.status != 201]
        if bad:
            raise SystemExit(f"issuing failed: HTTP {bad[0].status} {bad[0].body[:300]!r}")
        return [json.loads(a.body)["verifiableCredential"] for a in answers]

    own = asyncio.run(issue_some(min(count, 200)))
    foreign = foreign_credentials(min(count, 200))
    list_path = "/" + own[0]["credentialStatus"]["statusListCredential"].split("/", 3)[3]
    first = asyncio.run(request(port, "GET", list_path))
    etag = first.headers.get("etag", '"none"')
    plans = {
        "floor": [Request("GET", "/no-such-page", expect=(404,)) for _ in range(count)],
        "issue": [_issue_request(service.issuer_did, 1000 + n, status) for n in range(count)],
        "verify-own": [_verify_request(own[n % len(own)]) for n in range(count)],
        "verify-foreign": [_verify_request(foreign[n % len(foreign)]) for n in range(count)],
        "status-list": [Request("GET", list_path) for _ in range(count)],
        "status-list-304": [
            Request("GET", list_path, headers={"If-None-Match": etag}, expect=(304,))
            for _ in range(count)
        ],
    }
    for name, items in plans.items():  # warm-up: every worker serves each kind a few times
        if name != "issue":
            asyncio.run(open_loop(port, items[:20], 50))
    return plans


def _statement(sql: str) -> str:
    """Return a short name of an SQL statement: its verb and table."""
    verb = sql.split(None, 1)[0].upper() if sql.strip() else "?"
    found = re.search(r"\b(?:FROM|INTO|UPDATE)\s+(\w+)", sql, re.IGNORECASE)
    return f"{verb} {found.group(1)}" if found and verb != "BEGIN" else " ".join(sql.split()[:2])


def sql_per_request(env: dict[str, str], plans: dict[str, list[Request]]) -> dict[str, list[str]]:
    """Return the SQL statements one request of each scenario runs (an app in this process,
    on the service's database and keys, its statements recorded)."""
    from flask.testing import FlaskClient
    from sqlalchemy import event

    from issuer.settings import Settings
    from issuer.web import create_app

    app = create_app(Settings.from_env(env))
    engine = app.extensions["issuer"].engine
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(_statement(args[2]))

    event.listen(engine, "before_cursor_execute", record)
    client: FlaskClient = app.test_client()
    found = {}
    for name, items in plans.items():
        for item in items[-2:]:  # the second one: caches warm
            seen.clear()
            kind = "application/json" if item.body is not None else None
            answer = client.open(
                item.path,
                method=item.method,
                data=item.body,
                headers=item.headers,
                content_type=kind,
            )
            if answer.status_code not in item.expect:
                raise SystemExit(f"{name}: HTTP {answer.status_code} {answer.data[:300]!r}")
        found[name] = list(seen)
    engine.dispose()
    return found


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def drain(port: int, limit: float = 300.0) -> None:
    """Wait until the service answers a request at once (its queue is empty), at most `limit` s."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        start = time.monotonic()
        answer = asyncio.run(request(port, "GET", "/status-lists/none"))
        if answer.status and time.monotonic() - start < 0.5:
            return


def run_scenario(service: Service, name: str, items: list[Request], rate: float) -> str:
    """Run one scenario and return its line of figures."""
    before = sample_cpu(service)
    outcome = asyncio.run(open_loop(service.port, items, rate))
    drain(service.port)  # requests given up on are still queued: let the workers finish them
    after = sample_cpu(service)
    if not outcome.latencies:
        return f"{name:<16} no answer within {TIMEOUT:g} s ({outcome.sent} sent)"
    ms = [1000 * x for x in outcome.latencies]
    workers = sum(after.workers.get(p, 0) - s for p, s in before.workers.items())
    database = sum(v - before.database.get(p, 0.0) for p, v in after.database.items())
    master = after.master - before.master
    per = 1000 / max(1, outcome.sent)
    busy = (after.machine[0] - before.machine[0]) / max(1, after.machine[1] - before.machine[1])
    cores = os.cpu_count() or 1
    errors = ", ".join(f"{k} ×{v}" for k, v in outcome.errors.most_common()) or "0"
    db = f" db {database * per:.2f}" if service.database_name else ""
    return (
        f"{name:<16} p50 {statistics.median(ms):6.1f}  p95 {_percentile(ms, 0.95):6.1f}  "
        f"p99 {_percentile(ms, 0.99):6.1f}  max {max(ms):7.1f} ms | "
        f"{outcome.sent / outcome.elapsed:5.1f} req/s  errors {errors} | CPU ms/req: "
        f"workers {workers * per:.2f}{db} master {master * per:.2f} | "
        f"machine {100 * busy:.0f}% of {cores} cores, load {os.getloadavg()[0]:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rate", type=float, default=100.0, help="requests per second")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per scenario")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--databases", default="sqlite", help="sqlite,postgresql")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS), help=", ".join(SCENARIOS))
    parser.add_argument(
        "--no-status", action="store_true", help="issue without options.credentialStatus"
    )
    parser.add_argument("--keep", action="store_true", help="keep the data folder (and log)")
    parser.add_argument(
        "--profile",
        type=int,
        metavar="LINES",
        default=0,
        help="profile the workers (cProfile) and print the top LINES functions after each database",
    )
    args = parser.parse_args()
    scenarios = [s for s in args.scenarios.split(",") if s]
    unknown = set(scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    count = max(1, int(args.rate * args.duration))
    print(
        f"open loop, {args.rate:g} req/s for {args.duration:g} s per scenario ({count} requests), "
        f"gunicorn --workers {args.workers} (sync), {os.cpu_count()} cores, "
        f"load average at start {os.getloadavg()[0]:.1f}; python {sys.version.split()[0]}"
    )
    for kind in [d for d in args.databases.split(",") if d]:
        folder = Path(tempfile.mkdtemp(prefix="ler-http-load-"))
        try:
            with (
                fresh_database(kind, folder) as (url, name),
                running_service(url, name, folder, args.workers, bool(args.profile)) as service,
            ):
                plans = prepare(service, count, not args.no_status)
                print(f"\n{kind}: issuer {service.issuer_did[:24]}...")
                for scenario in scenarios:
                    print(run_scenario(service, scenario, plans[scenario], args.rate), flush=True)
                chosen = {name: plans[name] for name in scenarios}
                for name, statements in sql_per_request(service.env, chosen).items():
                    print(f"SQL per request, {name}: {len(statements)}: {'; '.join(statements)}")
            if args.profile:
                print_profile(folder, args.profile)
        finally:
            if args.keep:
                print(f"data kept in {folder}")
            else:
                shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
