"""`ler-issuer issue`: award one learner the statements (or levels) they demonstrated."""

import json
from datetime import UTC, datetime

import click

from issuer.cli import CliState, pass_state
from issuer.credentials.compose import Recipient
from issuer.model.api import check_did, check_email
from issuer.model.credential import Evidence
from issuer.proofs.suites import DEFAULT_SUITE, SIGNING_SUITES
from issuer.services.awards import AwardRequest
from issuer.services.keys import ensure_key


@click.command()
@click.option("--framework", "-f", required=True, help="Framework id or SOC code.")
@click.option(
    "--level", "-l", "levels", multiple=True, help="A level (key or label): all its statements."
)
@click.option(
    "--statement", "-s", "statements", multiple=True, help="A statement key, e.g. emerging-03."
)
@click.option("--email", help="The learner's email (stored only as a salted hash).")
@click.option("--did", help="The learner's DID.")
@click.option("--name", help="The learner's name, shown on the credential.")
@click.option("--evidence", help="URL of evidence of the work.")
@click.option("--narrative", help="What the learner did (Markdown).")
@click.option(
    "--valid-until",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
    help="Expiry date (UTC).",
)
@click.option(
    "--cryptosuite",
    type=click.Choice(SIGNING_SUITES),
    default=DEFAULT_SUITE,
    show_default=True,
)
@click.option("--json", "as_json", is_flag=True, help="Print the signed credentials as JSON.")
@pass_state
def issue(
    state: CliState,
    framework: str,
    levels: tuple[str, ...],
    statements: tuple[str, ...],
    email: str | None,
    did: str | None,
    name: str | None,
    evidence: str | None,
    narrative: str | None,
    valid_until: datetime | None,
    cryptosuite: str,
    as_json: bool,
) -> None:
    """Issue credentials to one learner (needs --email or --did, and --level or --statement)."""
    if not email and not did:
        raise click.UsageError("give the learner's --email or --did")
    for value, check, option in ((email, check_email, "--email"), (did, check_did, "--did")):
        try:
            check(value)
        except ValueError as err:
            raise click.BadParameter(str(err), param_hint=f"'{option}'") from None
    services = state.services
    ensure_key(services.keys, services.uow, now=datetime.now(UTC), actor="cli")
    result = services.awards.award(
        AwardRequest(
            framework=framework,
            recipient=Recipient(email=email, did=did, name=name),
            statements=statements,
            levels=levels,
            evidence=(Evidence(id=evidence),) if evidence else (),
            narrative=narrative,
            valid_until=valid_until.replace(tzinfo=UTC) if valid_until else None,
            cryptosuite=cryptosuite,
        ),
        now=datetime.now(UTC),
        actor="cli",
    )
    wallet = f"{state.settings.base_url}/wallet/{result.wallet_id}" if result.wallet_id else None
    if as_json:
        click.echo(
            json.dumps(
                {
                    "credentials": [json.loads(c.stored.document) for c in result.credentials],
                    "wallet": wallet,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for credential in result.credentials:
        note = "already issued" if credential.existing else "issued"
        click.echo(f"{note}: {credential.achievement.name}\n  {credential.stored.url}")
    if wallet:
        click.echo(f"learner's wallet: {wallet}")
