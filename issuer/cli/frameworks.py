"""`ler-issuer frameworks validate|import|list`."""

import json
from datetime import UTC, datetime
from pathlib import Path

import click

from issuer.cli import CliState, pass_state
from issuer.frameworks.loader import read_export
from issuer.frameworks.mapping import map_framework
from issuer.frameworks.structure import Framework, index_framework

FILE = click.Path(path_type=Path, dir_okay=False)


@click.group()
def frameworks() -> None:
    """Validate, import and list skills frameworks."""


def _describe(framework: Framework) -> str:
    statements = len(framework.statements())
    return (
        f"{framework.id}: {framework.title}, {len(framework.levels)} levels, "
        f"{statements} statements"
    )


def _validate_all(paths: tuple[Path, ...], base_url: str) -> list[Framework]:
    """Validate and map every file; stop at the first bad one."""
    indexed = []
    for path in paths:
        export, _ = read_export(path)
        framework = index_framework(export)
        map_framework(framework, base_url)
        indexed.append(framework)
    return indexed


@frameworks.command("validate")
@click.argument("files", nargs=-1, required=True, type=FILE)
@pass_state
def validate(state: CliState, files: tuple[Path, ...]) -> None:
    """Check framework export FILES without importing them."""
    for path, framework in zip(files, _validate_all(files, state.settings.base_url), strict=True):
        click.echo(f"{path}: valid ({_describe(framework)})")


@frameworks.command("import")
@click.argument("files", nargs=-1, required=True, type=FILE)
@click.option(
    "--replace",
    is_flag=True,
    help="Overwrite an imported framework of the same id and version that differs.",
)
@pass_state
def import_(state: CliState, files: tuple[Path, ...], replace: bool) -> None:
    """Import framework export FILES (all are checked before any is imported)."""
    _validate_all(files, state.settings.base_url)
    now = datetime.now(UTC)
    for path in files:
        framework, outcome = state.services.frameworks.import_file(path, now=now, replace=replace)
        click.echo(f"{path}: {outcome} ({_describe(framework)})")


@frameworks.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_state
def list_(state: CliState, as_json: bool) -> None:
    """List imported frameworks."""
    items = state.services.frameworks.list()
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "id": f.id,
                        "soc": f.soc,
                        "title": f.title,
                        "version": f.version,
                        "levels": [lv.label for lv in f.levels],
                        "statements": len(f.statements()),
                    }
                    for f in items
                ],
                ensure_ascii=False,
            )
        )
        return
    if not items:
        click.echo("no frameworks imported (try: ler-issuer init)")
    for framework in items:
        levels = ", ".join(lv.label for lv in framework.levels)
        click.echo(f"{_describe(framework)} [{levels}]")
