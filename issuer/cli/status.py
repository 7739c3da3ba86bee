"""`ler-issuer revoke|suspend|unsuspend CREDENTIAL_ID`."""

from datetime import UTC, datetime

import click

from issuer.cli import CliState, pass_state
from issuer.services.status import StatusAction


def _change(
    state: CliState, credential_id: str, action: StatusAction, reason: str | None = None
) -> None:
    url = credential_id
    if ":" not in url:
        url = f"{state.settings.base_url}/credentials/{credential_id}"
    outcome = state.services.status.change(
        url, action, now=datetime.now(UTC), actor="cli", reason=reason
    )
    done = {"revoke": "revoked", "suspend": "suspended", "unsuspend": "reinstated"}[action]
    if outcome.changed:
        click.echo(f"{outcome.credential.url}: {done}")
    else:
        click.echo(f"{outcome.credential.url}: already {done}")


@click.command()
@click.argument("credential_id")
@click.option("--reason", help="Why it is revoked (kept in the audit log).")
@pass_state
def revoke(state: CliState, credential_id: str, reason: str | None) -> None:
    """Revoke a credential (its URL or uuid). Revocation is final."""
    _change(state, credential_id, "revoke", (reason or "").strip() or None)


@click.command()
@click.argument("credential_id")
@pass_state
def suspend(state: CliState, credential_id: str) -> None:
    """Suspend a credential issued with a suspension status entry."""
    _change(state, credential_id, "suspend")


@click.command()
@click.argument("credential_id")
@pass_state
def unsuspend(state: CliState, credential_id: str) -> None:
    """Lift the suspension of a credential."""
    _change(state, credential_id, "unsuspend")
