"""`ler-issuer init` and `ler-issuer serve`."""

from datetime import UTC, datetime
from importlib.resources import as_file
from pathlib import Path

import click

from issuer.cli import CliState, pass_state
from issuer.paths import SEEDS_VARIABLE, seed_files, seeds_dir
from issuer.services.keys import ensure_key


@click.command()
@click.option(
    "--seeds",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    envvar=SEEDS_VARIABLE,
    show_envvar=True,
    help="Folder of framework exports to import "
    "(default: ./seeds if present, else the packaged examples).",
)
@pass_state
def init(state: CliState, seeds: Path | None) -> None:
    """Create the database and import every framework in seeds/ (safe to run again)."""
    services = state.services
    click.echo(f"database: {services.engine.url.render_as_string(hide_password=True)}")
    now = datetime.now(UTC)
    for seed in seed_files(seeds_dir(seeds, Path.cwd())):
        with as_file(seed) as path:
            framework, outcome = services.frameworks.import_file(path, now=now)
        click.echo(f"framework {framework.id} ({framework.title}): {outcome}")
    key = ensure_key(services.keys, services.uow, now=now, actor="cli")
    click.echo(f"issuer key {key.id} (active since {key.created:%Y-%m-%d})")
    click.echo(f"issuer: {services.identity.did}")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=int, default=None, help="Port (default: $PORT or 5000).")
@pass_state
def serve(state: CliState, host: str, port: int | None) -> None:
    """Run the web service (development server; see README for gunicorn)."""
    from werkzeug.serving import run_simple

    from issuer.web import create_app

    app = create_app(state.settings)
    run_simple(host, port or state.settings.port, app, threaded=True)
