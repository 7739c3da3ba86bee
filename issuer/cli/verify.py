"""`ler-issuer verify FILE`: check a credential or presentation and say why it passes or fails."""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from issuer.cli import CliState, pass_state

MARKS = {"passed": "✓", "failed": "✗", "warning": "!"}


@click.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the VC API verify response as JSON.")
@click.option("--challenge", default=None, help="The challenge a presentation must answer.")
@click.option("--domain", default=None, help="The domain a presentation must be made for.")
@click.option(
    "--at",
    "at",
    default=None,
    metavar="DATETIME",
    help="Check validity dates as of this time (ISO 8601 with a time zone) instead of now.",
)
@click.option(
    "--target",
    default=None,
    metavar="FRAMEWORK|LEVEL",
    help="Compare the skills profile with a framework level, e.g. "
    "'43-4171.00-v.26.05|proficient': which of its statements are met and missing.",
)
@pass_state
def verify(
    state: CliState,
    file: Path,
    as_json: bool,
    challenge: str | None,
    domain: str | None,
    at: str | None,
    target: str | None,
) -> None:
    """Verify the credential or presentation in FILE (JSON, or a baked PNG or SVG badge).

    Prints every check with ✓ (passed), ✗ (failed) or ! (warning) and exits with status 0
    when it is verified, 1 when it is not. Verifies as the web service does: keys and
    contexts offline, this service's own status lists read directly, other hosts
    contacted only if listed in ISSUER_FETCH_HOSTS (a status that cannot be checked is
    not verified). A CLR's credentials are verified too, each on its own.
    Then the skills profile: per framework, the statements demonstrated by the credentials
    that verified, level by level (with --json, the `skills` list).
    """
    from issuer.verify.checks import types_of

    document = _read_document(file)
    now = _parse_at(at) if at else datetime.now(UTC)
    verifier = state.services.verifier
    if "VerifiablePresentation" in types_of(document):
        result = verifier.presentation(document, now=now, challenge=challenge, domain=domain)
    else:
        if challenge or domain:
            raise click.UsageError("--challenge and --domain apply to presentations only")
        result = verifier.document(document, now=now)
    profile = state.services.skills.profile(result, target=target)
    if target and not any(entry.target for entry in profile.frameworks):
        raise click.BadParameter(
            f"{target!r} names no level of a framework here or in the credentials "
            "(give FRAMEWORK|LEVEL, e.g. 43-4171.00-v.26.05|proficient)",
            param_hint="--target",
        )
    if as_json:
        body = {**result.to_vc_api(), "skills": profile.to_json()}
        click.echo(json.dumps(body, indent=2, ensure_ascii=False))
    else:
        _print(file, result)
        _print_skills(profile)
    click.get_current_context().exit(0 if result.verified else 1)


def _read_document(file: Path) -> dict[str, Any]:
    """Return the credential or presentation in FILE: JSON, or baked into a PNG or SVG badge."""
    from issuer.errors import InvalidInput
    from issuer.wallet.files import read_credential_file

    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise click.ClickException(f"{file}: no such file") from None
    except OSError as err:
        raise click.ClickException(f"{file}: cannot be read ({err.strerror})") from None
    try:
        return read_credential_file(data)[1]
    except InvalidInput as err:
        raise click.ClickException(f"{file}: {err}") from None


def _parse_at(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO 8601 date and time", param_hint="--at"
        ) from None
    if parsed.tzinfo is None:
        raise click.BadParameter("give a time zone, e.g. 2025-01-01T00:00:00Z", param_hint="--at")
    return parsed


def _print(file: Path, result: Any) -> None:
    verdict = "verified" if result.verified else "NOT verified"
    click.echo(f"{file}: {verdict}")
    click.echo(_describe(result))
    _print_checks(result.checks, indent="  ")
    for number, credential in enumerate(result.credentials, start=1):
        state = "verified" if credential.verified else "NOT verified"
        click.echo(f"  credential {number}: {state}. {_describe(credential)}")
        _print_checks(credential.checks, indent="    ")


def _print_skills(profile: Any) -> None:
    for entry in profile.frameworks:
        occupation = entry.occupation
        soc = f" (O*NET-SOC {occupation['soc']})" if occupation else ""
        partial = " [structure partial: pieced together from the credentials]"
        click.echo(f"skills: {entry.name}{soc}{partial if entry.structure == 'partial' else ''}")
        for level in entry.levels:
            done = sum(1 for s in level.statements if s.demonstrated)
            known = "" if level.known else "+?"
            mark = " complete" if level.complete else ""
            click.echo(f"  {level.label}: {done}/{len(level.statements)}{known}{mark}")
        highest = entry.highest_complete_level
        click.echo(f"  highest complete level: {highest.label if highest else 'none'}")
        for item in entry.not_counted:
            click.echo(f"  not counted ({item.reason}): {item.name}")
        if entry.target is not None:
            target = entry.target
            click.echo(
                f"  target {target.label}: {len(target.met)} met, {len(target.missing)} missing"
            )
            for statement in target.missing:
                click.echo(f"    missing: {statement.name}")


def _print_checks(checks: list[Any], *, indent: str) -> None:
    for check in checks:
        click.echo(f"{indent}{MARKS[check.status]} {check.name}: {check.message}")


def _describe(result: Any) -> str:
    summary = result.summary
    if result.kind == "presentation":
        holder = f" from {summary.holder}" if summary.holder else ""
        return f"A presentation{holder}."
    what = f"“{summary.name}”" if summary.name else "A credential"
    if summary.issuer_name and summary.issuer_id:
        by = f" issued by {summary.issuer_name} ({summary.issuer_id})"
    elif summary.issuer_id:
        by = f" issued by {summary.issuer_id}"
    else:
        by = ""
    return f"{what}{by}."
