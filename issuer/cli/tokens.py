"""`ler-issuer tokens create|list|revoke`: bearer tokens for the HTTP API."""

from datetime import UTC, datetime

import click

from issuer.cli import CliState, pass_state


@click.group()
def tokens() -> None:
    """Create, list and revoke API bearer tokens."""


@tokens.command("create")
@click.argument("name", default="api")
@pass_state
def create(state: CliState, name: str) -> None:
    """Create a token called NAME and print it (it is shown only this once)."""
    token, record = state.services.tokens.create(name, now=datetime.now(UTC))
    click.echo(token)
    click.echo(f"token {record.id} ({name}) created; only its hash is stored", err=True)


@tokens.command("list")
@pass_state
def list_(state: CliState) -> None:
    """List tokens (never their secrets)."""
    for record in state.services.tokens.list():
        status = f"revoked {record.revoked_at:%Y-%m-%d}" if record.revoked_at else "active"
        click.echo(f"{record.id}  {record.name}  created {record.created_at:%Y-%m-%d}  {status}")


@tokens.command("revoke")
@click.argument("token_id")
@pass_state
def revoke(state: CliState, token_id: str) -> None:
    """Revoke the token with id TOKEN_ID."""
    if not state.services.tokens.revoke(token_id, now=datetime.now(UTC)):
        raise click.ClickException(f"no active token {token_id}")
    click.echo(f"token {token_id} revoked")
