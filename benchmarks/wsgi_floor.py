"""What gunicorn and Flask cost per request on this machine, before any of the service's code.

    .venv/bin/python benchmarks/wsgi_floor.py [--rate 100] [--duration 20] [--workers 2]

Starts gunicorn (sync workers, as `benchmarks/http_load.py` does) on two applications in
turn, a bare WSGI function and an empty Flask app, and sends `GET /nope` open loop at
`--rate` per second for `--duration` seconds, each request its own connection (answered
404 by both). Prints the workers' CPU time per request and the latency percentiles: the
floor under `http_load.py`'s CPU figures (its `floor` scenario is the service's own 404,
with its hooks and problem+json).
"""

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from http_load import Request, _children, _cpu_seconds, _free_port, _percentile, open_loop

APPS = """\
from flask import Flask


def bare(environ, start_response):
    start_response("404 NOT FOUND", [("Content-Type", "text/plain"), ("Content-Length", "9")])
    return [b"not found"]


flask_app = Flask(__name__)
"""


def measure(folder: Path, app: str, rate: float, count: int, workers: int) -> str:
    """Serve `app` under gunicorn, send `count` requests at `rate`; return the printed line."""
    port = _free_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [str(gunicorn), "--workers", str(workers), "--bind", f"127.0.0.1:{port}", app]
    server = subprocess.Popen(command, cwd=folder, stderr=subprocess.DEVNULL)
    try:
        time.sleep(2)
        pids = _children(server.pid)
        requests = [Request("GET", "/nope", expect=(404,)) for _ in range(count)]
        asyncio.run(open_loop(port, requests[: min(100, count)], rate))  # warm-up
        before = sum(_cpu_seconds(pid) for pid in pids)
        outcome = asyncio.run(open_loop(port, requests, rate))
        spent = sum(_cpu_seconds(pid) for pid in pids) - before
    finally:
        server.terminate()
        server.wait()
    p50, p99 = (1000 * _percentile(outcome.latencies, q) for q in (0.50, 0.99))
    return (
        f"{app:<16} p50 {p50:6.1f}  p99 {p99:6.1f} ms | CPU ms/req: workers "
        f"{1000 * spent / count:.2f} | errors {sum(outcome.errors.values())}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "apps.py").write_text(APPS)
        for app in ("apps:bare", "apps:flask_app"):
            print(measure(folder, app, args.rate, int(args.rate * args.duration), args.workers))


if __name__ == "__main__":
    main()
