"""The `ler-issuer` command. Domain errors end here as one line on stderr and exit status 1."""

import os
from typing import Any

import click

from issuer.errors import IssuerError
from issuer.settings import Settings
from issuer.wiring import Services, build_services


class _IssuerGroup(click.Group):
    """A click group that turns `IssuerError` into a one-line message and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except IssuerError as err:
            raise click.ClickException(str(err)) from err


class CliState:
    """Per-invocation state: settings from the environment, services built on first use."""

    def __init__(self) -> None:
        self._services: Services | None = None

    @property
    def settings(self) -> Settings:
        """The configuration read from `ISSUER_*` variables."""
        return Settings.from_env(os.environ)

    @property
    def services(self) -> Services:
        """The services, connected to the configured database."""
        if self._services is None:
            self._services = build_services(self.settings)
            context = click.get_current_context(silent=True)
            if context is not None:  # close the database connections when the command ends
                context.call_on_close(self._services.engine.dispose)
        return self._services


pass_state = click.make_pass_decorator(CliState, ensure=True)


@click.group(cls=_IssuerGroup)
@click.version_option(package_name="ler-issuer")
def cli() -> None:
    """Issue and verify Learning and Employment Records (Open Badges 3.0)."""


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="ler-issuer")


def _register() -> None:
    from issuer.cli import frameworks, issue, keys, outbox, service, status, tokens
    from issuer.cli.batch import issue_batch, worker
    from issuer.cli.verify import verify

    cli.add_command(service.init)
    cli.add_command(service.serve)
    cli.add_command(frameworks.frameworks)
    cli.add_command(keys.keys)
    cli.add_command(verify)
    cli.add_command(issue_batch)
    cli.add_command(worker)
    cli.add_command(tokens.tokens)
    cli.add_command(outbox.outbox)
    cli.add_command(issue.issue)
    for command in (status.revoke, status.suspend, status.unsuspend):
        cli.add_command(command)


_register()
