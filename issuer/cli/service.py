"""`ler-issuer init` and `ler-issuer serve`."""

from datetime import UTC, datetime
from importlib.resources import as_file
from pathlib import Path

import click

from issuer.cli import CliState, pass_state
from issuer.paths import SEEDS_VARIABLE, seed_files, seeds_dir
from issuer.services.keys import ensure_key
from issuer.wiring import Services


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
    """Run the web service (development server; see README for gunicorn).

    Without ISSUER_BASE_URL, the links the service hands out follow the host and port it
    serves on.
    """
    from werkzeug.serving import run_simple

    from issuer.web import create_app

    given = state.settings.base_url_given
    settings = state.settings.served_at(host, port or state.settings.port)
    app = create_app(settings)
    for line in _base_url_notes(app.extensions["issuer"], host, given=given):
        click.echo(line, err=True)
    run_simple(host, settings.port, app, threaded=True)


def _base_url_notes(services: Services, host: str, *, given: bool) -> list[str]:
    """Say where links point, and warn when they cannot stay stable."""
    settings = services.settings
    if given:
        return [f"links and credential ids use ISSUER_BASE_URL={settings.base_url}"]
    notes = [
        f"links and credential ids use {settings.base_url} (set ISSUER_BASE_URL for a "
        "public address; always in production)"
    ]
    if host in ("", "0.0.0.0", "::"):
        notes.append(
            f"serving on every interface, but links say {settings.base_url}: other machines "
            "need ISSUER_BASE_URL set to the address they reach"
        )
    newest, _ = services.credentials.recent(limit=1)
    if newest and not newest[0].url.startswith(f"{settings.base_url}/"):
        notes.append(
            f"credentials issued earlier keep their links ({newest[0].url}); their status "
            "lists are checked there: serve at that address again or set ISSUER_BASE_URL to it"
        )
    if settings.did_method == "web":
        notes.append(
            f"the issuer is {services.identity.did}, derived from the address: with "
            "ISSUER_DID=web set ISSUER_BASE_URL so that it stays the same"
        )
    return notes
