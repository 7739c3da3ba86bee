"""Cohort issuance end to end: a roster's rows become signed, stored, status-allocated credentials.

    .venv/bin/python benchmarks/batch.py [--rows 10000] [--databases sqlite,postgresql]
                                         [--workers 1,2] [--chunk-size 200]

For each database (a fresh one each run: a SQLite file in a temporary folder, or a new
PostgreSQL database on the local server, dropped afterwards) and each number of signing
processes, it imports the seed frameworks, writes a roster of `--rows` learners (each
one eddsa-rdfc-2022 credential, for one of the first ten statements of a seed
framework), then times the whole `issue-batch` path in this process: reading the CSV,
checking every row, then signing, allocating status indices and storing every credential
(with wallets and audit events). It checks the count, verifies a sample, and prints
credentials per second and the speed-up of the second worker process over the first,
and the CPU time of the main process and of the signing processes (which, unlike wall
time, other load on the machine does not inflate). Last, as a ceiling, it times composing
and signing alone (no database) in the same worker processes.
"""

import argparse
import json
import os
import random
import resource
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from issuer.paths import seed_files
from issuer.services.batches import BatchOptions
from issuer.services.roster import read_csv
from issuer.settings import Settings
from issuer.store.database import credentials_table
from issuer.wiring import build_services

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
FRAMEWORK = "43-4171.00"


def roster_csv(rows: int) -> str:
    """Return a roster of `rows` learners, one statement credential each."""
    lines = ["email,name,framework,statements"]
    for n in range(rows):
        statement = f"emerging-{1 + n % 10:02d}"
        lines.append(f"learner{n:05d}@example.org,Learner {n},{FRAMEWORK},{statement}")
    return "\n".join(lines) + "\n"


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
            data = roster_csv(rows).encode()

            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = time.process_time()
            started = time.perf_counter()
            roster = read_csv(data)
            plan = services.batches.plan(roster)  # as `issue-batch` does: planned once
            batch, _ = services.batches.submit(
                roster,
                options=BatchOptions(),
                source_name="bench.csv",
                actor="bench",
                now=now,
                plan=plan,
            )
            checked = time.perf_counter()
            done = services.in_process.run(
                batch.id, workers=workers, chunk_size=chunk_size, plan=plan
            )
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
        "check": checked - started,
        "issue": finished - checked,
        "total": total,
        "rate": rows / total,
        "parent_cpu": parent_cpu,
        "workers_cpu": workers_cpu,
    }


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
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--workers", default="1,2", help="comma-separated process counts")
    parser.add_argument("--chunk-size", type=int, default=200)
    parser.add_argument(
        "--no-ceiling", action="store_true", help="skip timing signing alone (no database)"
    )
    args = parser.parse_args()
    worker_counts = [int(w) for w in args.workers.split(",")]
    print(
        f"{args.rows} rows -> {args.rows} eddsa-rdfc-2022 credentials; "
        f"{os.cpu_count()} cores; chunks of {args.chunk_size}"
    )
    print(
        f"{'database':<11}{'workers':>8}{'check s':>9}{'issue s':>9}{'total s':>9}{'cred/s':>9}"
        f"{'main CPU s':>12}{'workers CPU s':>15}"
    )
    for kind in args.databases.split(","):
        rates: dict[int, float] = {}
        for workers in worker_counts:
            result = run_once(kind, args.rows, workers, args.chunk_size)
            rates[workers] = result["rate"]
            print(
                f"{kind:<11}{workers:>8}{result['check']:>9.2f}{result['issue']:>9.2f}"
                f"{result['total']:>9.2f}{result['rate']:>9.0f}"
                f"{result['parent_cpu']:>12.2f}{result['workers_cpu']:>15.2f}",
                flush=True,
            )
        if 1 in rates and 2 in rates:
            print(f"{kind:<11} speed-up from the second core: x{rates[2] / rates[1]:.2f}")
    if not args.no_ceiling:
        count = min(args.rows, 4000)
        for workers in worker_counts:
            rate = signing_ceiling(count, workers, args.chunk_size)
            print(f"signing alone (no database), {workers} processes: {rate:.0f} credentials/s")


if __name__ == "__main__":
    main()
