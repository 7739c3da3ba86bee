"""`ler-issuer issue-batch ROSTER` (cohort issuance) and `ler-issuer worker` (the batch queue)."""

import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from issuer.cli import CliState, pass_state
from issuer.errors import InvalidInput
from issuer.proofs.suites import DEFAULT_SUITE, SIGNING_SUITES
from issuer.services.batch_results import summary_lines, write_wallets_zip
from issuer.services.batches import CHUNK_SIZE, BatchOptions, CheckReport
from issuer.services.roster import Roster, read_csv
from issuer.store.batches import StoredBatch
from issuer.wiring import Services

FILE = click.Path(path_type=Path, dir_okay=False, exists=True)
OUT = click.Path(path_type=Path, dir_okay=False, writable=True)


@click.command("issue-batch")
@click.argument("roster", type=FILE)
@click.option("--dry-run", is_flag=True, help="Check every row and report; issue nothing.")
@click.option(
    "--replace",
    is_flag=True,
    help="Revoke and reissue credentials already issued (default: skip them).",
)
@click.option(
    "--notify", is_flag=True, help="Email each learner their wallet link when the batch is done."
)
@click.option("--json", "as_json", is_flag=True, help="End with one JSON line of counts.")
@click.option(
    "--cryptosuite",
    type=click.Choice(SIGNING_SUITES),
    default=DEFAULT_SUITE,
    show_default=True,
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=None,
    help="Signing processes (default: one per core; 0: sign in this process).",
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1, max=5000),
    default=CHUNK_SIZE,
    show_default=True,
    help="Credentials signed together and stored in one transaction.",
)
@click.option(
    "--queue/--here",
    "use_queue",
    default=None,
    help="Send the batch to the worker queue (default when ISSUER_REDIS_URL is set) "
    "or run it in this process.",
)
@click.option("--no-wait", is_flag=True, help="With --queue: return once the batch is queued.")
@click.option("--summary", "summary_path", type=OUT, help="Write the summary CSV to this file.")
@click.option("--wallets", "wallets_path", type=OUT, help="Write the wallet files zip here.")
@pass_state
def issue_batch(
    state: CliState,
    roster: Path,
    dry_run: bool,
    replace: bool,
    notify: bool,
    as_json: bool,
    cryptosuite: str,
    workers: int | None,
    chunk_size: int,
    use_queue: bool | None,
    no_wait: bool,
    summary_path: Path | None,
    wallets_path: Path | None,
) -> None:
    """Issue credentials to every learner of the CSV ROSTER (see README: Cohorts).

    Running the same roster again issues nothing twice, and completes a batch that was
    interrupted. A row is identified by framework, statement and recipient.
    """
    began = time.perf_counter()  # the rate covers the whole run: reading to results
    name = click.format_filename(roster)
    options = BatchOptions(replace=replace, cryptosuite=cryptosuite, notify=notify)
    try:
        parsed = read_csv(roster)  # read as a stream, once a pass: never held whole
    except InvalidInput as err:
        raise click.ClickException(f"{name}: {err}") from err
    services = state.services
    if dry_run:
        try:
            _dry_run(services, name, parsed, options, as_json)
        except InvalidInput as err:  # the file changed since it was read: not a roster now
            raise click.ClickException(f"{name}: {err}") from err
        return
    services.keys.ensure()
    try:
        batch, resumed = services.batches.submit(
            parsed, options=options, source_name=roster.name, actor="cli", now=datetime.now(UTC)
        )
    except InvalidInput as err:  # RosterProblems, or the file changed since it was checked
        raise click.ClickException(f"{name}: {err}") from err
    say = _stderr if as_json else click.echo
    verb = "resuming unfinished batch" if resumed else "batch"
    say(f"{name}: {batch.row_count} rows, {batch.credential_count} credentials ({verb} {batch.id})")
    if use_queue is None:
        use_queue = bool(services.settings.redis_url)
    started = time.perf_counter()
    if use_queue:
        batch = _queue(services, batch, no_wait, as_json)
    else:
        with _Progress(batch.credential_count) as update:
            batch = services.in_process.run(
                batch.id,
                actor="cli",
                workers=workers,
                chunk_size=chunk_size,
                progress=update,
            )
    issuing = time.perf_counter() - started
    if batch.status == "finished":
        _write_results(services, batch, summary_path, wallets_path, say)
    _report(batch, time.perf_counter() - began, as_json, issuing=issuing)


def _dry_run(
    services: Services, name: str, roster: Roster, options: BatchOptions, as_json: bool
) -> None:
    report: CheckReport = services.batches.check(roster, options)
    for problem in report.problems:
        click.echo(f"{name}: {problem}")
    failed_rows = report.failed_rows
    replace = f", {report.to_replace} to replace" if report.to_replace else ""
    summary = (
        f"{name}: {report.rows} rows, {report.credentials} credentials: {report.to_issue} "
        f"to issue{replace}, {report.skipped} to skip as duplicates"
    )
    if report.problems:
        summary += f"; {report.problem_count} problems in {failed_rows} rows, nothing issued"
    click.echo(summary, err=as_json)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "rows": report.rows,
                    "issued": 0,
                    "skipped": report.skipped,
                    "failed": failed_rows,
                    "dryRun": True,
                    "toIssue": report.to_issue,
                    "toReplace": report.to_replace,
                    "problems": [p.to_json() for p in report.problems],
                }
            )
        )
    if report.problems:
        sys.exit(1)


def _queue(services: Services, batch: StoredBatch, no_wait: bool, as_json: bool) -> StoredBatch:
    if not services.settings.redis_url or services.batch_runner.kind != "queue":
        raise click.UsageError("--queue needs ISSUER_REDIS_URL")
    services.batch_runner.start(batch)
    say = _stderr if as_json else click.echo
    say(f"batch {batch.id} queued for a worker (start one with: ler-issuer worker)")
    if no_wait:
        return services.batches.get(batch.id)
    with _Progress(batch.credential_count) as update:
        while True:
            current = services.batches.get(batch.id)
            update(current.issued + current.skipped, current.credential_count)
            if current.status in ("finished", "failed"):
                return current
            time.sleep(0.5)


class _Progress:
    """A click progress bar on stderr (stdout keeps the report), fed (done, total)."""

    def __init__(self, total: int) -> None:
        self._bar = click.progressbar(
            length=max(total, 1), label="issuing", file=sys.stderr, show_pos=True, width=30
        )
        self._done = 0

    def __enter__(self) -> Any:
        self._bar.__enter__()
        return self.update

    def update(self, done: int, total: int) -> None:
        if done > self._done:
            self._bar.update(done - self._done)
            self._done = done

    def __exit__(self, *exc: object) -> None:
        self._bar.__exit__(*exc)  # type: ignore[arg-type]


def _write_results(
    services: Services,
    batch: StoredBatch,
    summary_path: Path | None,
    wallets_path: Path | None,
    say: Any,
) -> None:
    if not summary_path and not wallets_path:
        return
    base_url = services.settings.base_url
    if summary_path:
        with summary_path.open("w", encoding="utf-8", newline="") as text:
            text.writelines(summary_lines(services.batches.results(batch.id), base_url))
        say(f"summary: {summary_path}")
    if wallets_path:
        with wallets_path.open("wb") as out:
            for _ in write_wallets_zip(
                out,
                lambda: services.batches.results(batch.id),
                base_url=base_url,
                wallets=services.wallet,
                now=datetime.now(UTC),
            ):
                pass
        say(f"wallet files: {wallets_path}")


def _report(batch: StoredBatch, seconds: float, as_json: bool, *, issuing: float) -> None:
    """Print the outcome; `seconds` is the whole run (reading the roster to writing the
    results), `issuing` the part spent issuing. The rate is over the whole run."""
    for error in batch.errors:
        where = f"row {error['row']}: " if error.get("row") else ""
        click.echo(f"{batch.source_name}: {where}{error['detail']}", err=True)
    rate = batch.issued / seconds if seconds > 0 else 0.0
    line = (
        f"batch {batch.id} {batch.status}: {batch.issued} issued, {batch.skipped} skipped, "
        f"{batch.failed} failed ({seconds:.1f} s in all, {rate:.0f} credentials/s; "
        f"issuing {issuing:.1f} s)"
    )
    if as_json:
        _stderr(line)
        click.echo(
            json.dumps(
                {
                    "rows": batch.row_count,
                    "issued": batch.issued,
                    "skipped": batch.skipped,
                    "failed": batch.failed,
                    "batch": batch.id,
                    "status": batch.status,
                    "seconds": round(seconds, 3),
                    "issuingSeconds": round(issuing, 3),
                }
            )
        )
    else:
        click.echo(line)
    if batch.status == "failed" or batch.failed:
        sys.exit(1)


def _stderr(message: str) -> None:
    click.echo(message, err=True)


@click.command()
@click.option("--burst", is_flag=True, help="Run the queued jobs, then stop.")
@pass_state
def worker(state: CliState, burst: bool) -> None:
    """Run a batch worker (RQ) on the queue at ISSUER_REDIS_URL; start one per machine."""
    from issuer.services.queue import BatchQueue

    settings = state.settings
    if not settings.redis_url:
        raise click.UsageError("set ISSUER_REDIS_URL to the Redis the service queues batches on")
    queue = BatchQueue(settings.redis_url, settings.batch_queue)
    try:
        queue.worker().work(burst=burst, logging_level="INFO")
    finally:
        queue.close()
