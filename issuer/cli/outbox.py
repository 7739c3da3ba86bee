"""`ler-issuer outbox list|send`: learner emails waiting in the outbox."""

import json
from datetime import UTC, datetime

import click

from issuer.cli import CliState, pass_state


@click.group()
def outbox() -> None:
    """Learner emails waiting to be sent (see ISSUER_SMTP_URL)."""


@outbox.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@pass_state
def list_(state: CliState, as_json: bool) -> None:
    """List the messages not yet sent, oldest first."""
    for m in state.services.mail.outbox.pending(limit=10_000):
        created = m.created_at.isoformat().replace("+00:00", "Z")
        if as_json:
            click.echo(
                json.dumps(
                    {
                        "id": m.id,
                        "kind": m.kind,
                        "to": m.to_address,
                        "subject": m.subject,
                        "createdAt": created,
                        "attempts": m.attempts,
                        "lastError": m.last_error,
                    }
                )
            )
        else:
            error = f"  last error: {m.last_error}" if m.last_error else ""
            click.echo(f"{m.id}  {created}  {m.to_address}  {m.subject}  tries {m.attempts}{error}")


@outbox.command("send")
@pass_state
def send(state: CliState) -> None:
    """Send every queued message through ISSUER_SMTP_URL (failed ones stay queued)."""
    mail = state.services.mail
    if not mail.sending:
        raise click.ClickException("set ISSUER_SMTP_URL to the mail server to send through")
    report = mail.send_pending(now=datetime.now(UTC))
    click.echo(f"sent {report.sent}, failed {report.failed}, still queued {report.pending}")
    if report.failed:
        raise SystemExit(1)
