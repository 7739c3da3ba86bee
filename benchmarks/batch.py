"""Cohort issuance end to end: a roster's rows become signed, stored, status-allocated credentials.

    .venv/bin/python benchmarks/batch.py [--sizes 10000,100000] [--million]
                                         [--databases sqlite,postgresql] [--workers 2]
                                         [--chunk-size 500] [--no-ceiling]

For each roster size, database (a fresh one each run: a SQLite file in a temporary folder,
or a new PostgreSQL database on the local server, dropped afterwards) and number of
signing processes, a child process imports the seed frameworks, writes a roster of that
many learners (each one eddsa-rdfc-2022 credential, for one of the first ten statements of
a seed framework), then times the whole `issue-batch` path: reading the CSV, checking
every row, then signing, allocating status indices and storing every credential (with
wallets and audit events). It checks the count and verifies a sample.

Printed per run: wall time (check phase, issue phase, total), credentials/s, the CPU time
of the main process and of the signing processes (which, unlike wall time, other load on
the machine does not inflate much), the peak RSS of the main process and of the largest
signing process (forked: its RSS counts the pages it still shares with the main process),
and the load average before and after. Then, per database, the growth between sizes
(wall time and main CPU per credential at the larger size over the smaller: 1.00 is
linear), the speed-up of a second signing process when more than one count is given, and
last, as a ceiling, composing and signing alone (no database) in the
same worker processes. `--million` adds a 1,000,000-row run (minutes; it lifts the roster
limit of 100,000 rows for that run only).
"""

import argparse
import itertools
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

import issuer.services.roster as roster_module
from issuer.paths import seed_files
from issuer.services.batches import CHUNK_SIZE, BatchOptions
from issuer.services.roster import read_csv
from issuer.settings import Settings
from issuer.store.database import credentials_table
from issuer.wiring import build_services

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
FRAMEWORK = "43-4171.00"


def write_roster(path: Path, rows: int) -> Path:
    """Write a roster of `rows` learners, one statement credential each, line by line."""
    with path.open("w", encoding="utf-8") as out:
        out.write("email,name,framework,statements\n")
        for n in range(rows):
            statement = f"emerging-{1 + n % 10:02d}"
            out.write(f"learner{n:05d}@example.org,Learner {n},{FRAMEWORK},{statement}\n")
    return path


def fresh_database(kind: str, folder: Path) -> tuple[str, str | None]:
    """Return a URL of a new, empty database, and the PostgreSQL name to drop after."""
    if kind == "sqlite":
        return f"sqlite:///{folder / 'bench.sqlite3'}", None
    import psycopg

    name = f"ler_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql://postgres@127.0.0.1:5432/{name}", name


def drop_database(name: str | None) -> None:
    if name is None:
        return
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def peak_memory(process: subprocess.Popen[str], every: float = 0.2) -> tuple[float, float]:
    """Wait for `process`, sampling its resident memory from /proc (Linux); return the peak
    (MB) of its anonymous part (the heap, SQLite's page caches) and of file pages mapped in
    (SQLite's mmap reads: the OS cache, shared and given back under pressure). Sampled from
    here, so the benchmarked process stays single-threaded (its workers are forked)."""
    anon = mapped = 0.0
    while process.poll() is None:
        try:
            with open(f"/proc/{process.pid}/status") as status:
                fields = dict(line.split(":", 1) for line in status)
            anon = max(anon, int(fields["RssAnon"].split()[0]) / 1024)
            mapped = max(mapped, int(fields["RssFile"].split()[0]) / 1024)
        except (OSError, KeyError):
            pass
        time.sleep(every)
    return anon, mapped


def run_once(kind: str, rows: int, workers: int, chunk_size: int) -> dict[str, float]:
    """Issue a `rows`-learner roster on a fresh `kind` database; return the timings."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url, pg_name = fresh_database(kind, folder)
        try:
            settings = Settings(
                base_url="https://issuer.example.org", database_url=url, keys_dir=folder / "keys"
            )
            services = build_services(settings)
            now = datetime.now(UTC)
            services.keys.ensure(now=now)
            for path in seed_files():
                services.frameworks.import_file(path, now=now)
            path = write_roster(folder / "bench.csv", rows)
            if rows > roster_module.MAX_ROWS:  # the 1,000,000-row run: past the roster limit
                roster_module.MAX_ROWS = rows

            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = time.process_time()
            started = time.perf_counter()
            roster = read_csv(path)  # as `issue-batch` does: a stream, read once a pass
            batch, _ = services.batches.submit(
                roster, options=BatchOptions(), source_name="bench.csv", actor="bench", now=now
            )
            checked = time.perf_counter()
            done = services.in_process.run(batch.id, workers=workers, chunk_size=chunk_size)
            finished = time.perf_counter()
            parent_cpu = time.process_time() - cpu
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            workers_cpu = (after.ru_utime + after.ru_stime) - (
                children.ru_utime + children.ru_stime
            )

            with services.engine.connect() as conn:
                stored = conn.execute(
                    select(func.count()).select_from(credentials_table)
                ).scalar_one()
                sample = conn.execute(
                    select(credentials_table.c.document).order_by(func.random()).limit(20)
                ).scalars()
                documents = [json.loads(text) for text in sample]
            assert done.issued == stored == rows, (done, stored)
            for document in random.sample(documents, min(5, len(documents))):
                verdict = services.verifier.credential(document, now=datetime.now(UTC))
                assert verdict.verified, verdict
            services.engine.dispose()
        finally:
            drop_database(pg_name)
    total = finished - started
    return {
        "rows": rows,
        "check": checked - started,
        "issue": finished - checked,
        "total": total,
        "rate": rows / total,
        "parent_cpu": parent_cpu,
        "workers_cpu": workers_cpu,
        "main_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def run_in_child(kind: str, rows: int, workers: int, chunk_size: int) -> dict[str, float]:
    """Run `run_once` in a fresh Python process (so its peak RSS is this run's alone)."""
    load_before = os.getloadavg()[0]
    child = subprocess.Popen(
        [sys.executable, __file__, "--child", f"{kind},{rows},{workers},{chunk_size}"],
        stdout=subprocess.PIPE,
        text=True,
    )
    anon, mapped = peak_memory(child)
    output = child.stdout.read() if child.stdout else ""
    if child.returncode:
        raise SystemExit(f"the {kind} run of {rows} rows failed ({child.returncode})")
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    result["main_anon_mb"], result["main_file_mb"] = anon, mapped
    result["load_before"] = load_before
    result["load_after"] = os.getloadavg()[0]
    return result


def signing_ceiling(count: int, workers: int, chunk_size: int) -> float:
    """Return credentials/s of composing and signing alone (no database), in `workers`
    processes: the most the end-to-end run could reach on this machine right now."""
    from issuer.credentials.compose import Recipient
    from issuer.services.batch_signing import (
        ChunkContext,
        CredentialSpec,
        sign_chunk,
        signing_pool,
    )
    from issuer.store.status_lists import StatusSlot

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        settings = Settings(
            base_url="https://issuer.example.org",
            database_url=f"sqlite:///{folder / 'c.sqlite3'}",
            keys_dir=folder / "keys",
        )
        services = build_services(settings)
        now = datetime.now(UTC)
        services.keys.ensure(now=now)
        for path in seed_files():
            services.frameworks.import_file(path, now=now)
        statements = services.frameworks.achievements(FRAMEWORK).statements
        context = ChunkContext(
            base_url=settings.base_url,
            issuer=services.issuer_profile(),
            cryptosuite="eddsa-rdfc-2022",
            now=now,
        )
        slots = [StatusSlot(1, n) for n in range(count)]
        specs = [
            CredentialSpec(
                credential_id=str(uuid.uuid4()),
                achievement=statements[f"emerging-{1 + n % 10:02d}"],
                recipient=Recipient(email=f"learner{n:05d}@example.org", name=f"Learner {n}"),
            )
            for n in range(count)
        ]
        with signing_pool(services.signer_ref(), workers=workers) as pool:
            started = time.perf_counter()
            futures = [
                pool.submit(
                    sign_chunk, context, specs[i : i + chunk_size], slots[i : i + chunk_size]
                )
                for i in range(0, count, chunk_size)
            ]
            for future in futures:
                future.result()
            elapsed = time.perf_counter() - started
        services.engine.dispose()
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated roster sizes")
    parser.add_argument("--rows", type=int, help="one roster size (instead of --sizes)")
    parser.add_argument("--million", action="store_true", help="add a 1,000,000-row run")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--workers", default="2", help="comma-separated process counts")
    parser.add_argument("--chunk-size", type=int, default=CHUNK_SIZE)
    parser.add_argument(
        "--no-ceiling", action="store_true", help="skip timing signing alone (no database)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, rows, workers, chunk_size = args.child.split(",")
        print(json.dumps(run_once(kind, int(rows), int(workers), int(chunk_size))))
        return
    sizes = [args.rows] if args.rows else [int(n) for n in args.sizes.split(",")]
    if args.million:
        sizes.append(1_000_000)
    worker_counts = [int(w) for w in args.workers.split(",")]
    print(
        f"rosters of {', '.join(f'{n:,}' for n in sizes)} rows, one eddsa-rdfc-2022 credential "
        f"a row; {os.cpu_count()} cores; chunks of {args.chunk_size}; "
        f"load average now {os.getloadavg()[0]:.1f} (other work on the machine inflates wall "
        "time; CPU time much less)"
    )
    print(
        f"{'database':<11}{'rows':>9}{'workers':>8}{'check s':>9}{'issue s':>9}{'total s':>9}"
        f"{'cred/s':>8}{'main CPU s':>11}{'workers CPU s':>14}{'main RSS MB':>12}"
        f"{'anon/file':>10}{'worker RSS MB':>14}{'load':>11}"
    )
    for kind in args.databases.split(","):
        results: dict[tuple[int, int], dict[str, float]] = {}
        for rows in sizes:
            for workers in worker_counts:
                result = run_in_child(kind, rows, workers, args.chunk_size)
                results[rows, workers] = result
                print(
                    f"{kind:<11}{rows:>9}{workers:>8}{result['check']:>9.2f}"
                    f"{result['issue']:>9.2f}{result['total']:>9.2f}{result['rate']:>8.0f}"
                    f"{result['parent_cpu']:>11.2f}{result['workers_cpu']:>14.2f}"
                    f"{result['main_rss_mb']:>12.0f}"
                    f"{result['main_anon_mb']:>6.0f}/{result['main_file_mb']:<3.0f}"
                    f"{result['worker_rss_mb']:>14.0f}"
                    f"{result['load_before']:>5.1f}->{result['load_after']:<4.1f}",
                    flush=True,
                )
        for smaller, larger in itertools.pairwise(sizes):
            for workers in worker_counts:
                a, b = results[smaller, workers], results[larger, workers]
                wall = (b["total"] / larger) / (a["total"] / smaller)
                cpu = (b["parent_cpu"] / larger) / (a["parent_cpu"] / smaller)
                rss = b["main_rss_mb"] / a["main_rss_mb"]
                print(
                    f"{kind:<11} growth {smaller:,} -> {larger:,} rows ({workers} workers): "
                    f"wall time per credential x{wall:.2f}, main CPU per credential x{cpu:.2f}, "
                    f"main peak RSS x{rss:.2f}"
                )
        for rows in sizes:
            if (rows, 1) in results and (rows, 2) in results:
                speedup = results[rows, 2]["rate"] / results[rows, 1]["rate"]
                print(f"{kind:<11} {rows:,} rows: speed-up from the second core x{speedup:.2f}")
    if not args.no_ceiling:
        count = min(sizes[0], 4000)
        for workers in worker_counts:
            rate = signing_ceiling(count, workers, args.chunk_size)
            print(f"signing alone (no database), {workers} processes: {rate:.0f} credentials/s")


if __name__ == "__main__":
    main()
