"""`ler-issuer keys list|generate|rotate`: the issuer's signing keys. Never prints private keys."""

import json
from datetime import UTC, datetime

import click

from issuer.cli import CliState, pass_state
from issuer.keys.did import did_key_for
from issuer.keys.identity import IssuerIdentity
from issuer.keys.store import IssuerKey, KeyStore
from issuer.services.keys import generate_key, rotate_key


def _identity(state: CliState) -> IssuerIdentity:
    settings = state.settings
    return IssuerIdentity.from_settings(settings, KeyStore(settings.keys_dir))


def _did_of(identity: IssuerIdentity, key: IssuerKey) -> str:
    return identity.web_did if identity.did_method == "web" else did_key_for(key.public_multibase)


@click.group()
def keys() -> None:
    """Manage the issuer's signing keys (in ISSUER_KEYS_DIR)."""


@keys.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_state
def list_keys(state: CliState, as_json: bool) -> None:
    """List every key: id, created, status, public key and DID."""
    identity = _identity(state)
    rows = [
        {
            **key.to_json(),
            "did": _did_of(identity, key),
            "verificationMethod": identity.verification_method(key),
        }
        for key in identity.key_store.all()
    ]
    if as_json:
        click.echo(json.dumps({"keys": rows}, indent=2))
        return
    if not rows:
        click.echo(
            f"no issuer keys in {identity.key_store.keys_dir}; run `ler-issuer keys generate`"
        )
        return
    for row in rows:
        click.echo(
            f"{row['id']}  {row['created']}  {row['status']:<7}  "
            f"{row['publicKeyMultibase']}  {row['did']}"
        )


@keys.command()
@pass_state
def generate(state: CliState) -> None:
    """Create the first key (fails if one exists; use `rotate` to replace it)."""
    identity = _identity(state)
    key = generate_key(identity.key_store, state.services.uow, now=datetime.now(UTC), actor="cli")
    click.echo(f"created {key.id} ({key.public_multibase})")
    click.echo(f"issuer: {identity.did}")


@keys.command()
@pass_state
def rotate(state: CliState) -> None:
    """Retire the active key and make a new one active; retired keys still verify."""
    identity = _identity(state)
    before = identity.key_store.active()
    key = rotate_key(identity.key_store, state.services.uow, now=datetime.now(UTC), actor="cli")
    click.echo(f"retired {before.id}; {key.id} is now active ({key.public_multibase})")
    click.echo(f"issuer: {identity.did}")
    if identity.did_method == "key":
        click.echo(
            "the issuer id (did:key) changed; credentials signed earlier keep verifying "
            "under their own did:key"
        )
