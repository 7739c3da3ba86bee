"""Learner emails: the private wallet link after an award or a batch, and link recovery.

Every message is first written to the outbox (`issuer.store.outbox`), then sent through
the SMTP server when one is configured (`ISSUER_SMTP_URL`); a failed send stays queued
with its error and is retried by `ler-issuer outbox send`. Without a server, messages wait
in the outbox (the console lists them at `/issue/outbox`).

Addresses are used at send time only: the outbox holds one until its message is sent, then
drops it with the message (which carries the private link).
"""

import hashlib
import html
import json
import logging
import smtplib
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Protocol
from urllib.parse import urlsplit

from issuer.credentials.compose import Recipient
from issuer.services.awards import recipient_key
from issuer.services.batch_planning import learner_key
from issuer.services.batch_results import RowResult
from issuer.store.credentials import StoredCredential
from issuer.store.outbox import OutboxStore, OutgoingMessage, QueuedMessage

log = logging.getLogger(__name__)

RECOVERY_WINDOW = timedelta(minutes=10)
"""One wallet-link reminder per address per this long, whatever the address."""
CLAIM_LEASE = timedelta(minutes=2)


class Transport(Protocol):
    """Sends one message (`issuer.services.smtp.SmtpTransport`); raises if not accepted."""

    def send(self, message: EmailMessage) -> None: ...


class WalletReader(Protocol):
    """Reads the credentials in a wallet."""

    def in_wallet(self, wallet_id: str) -> list[StoredCredential]: ...


@dataclass(frozen=True)
class WalletApp:
    """A button opening a wallet app with the credentials: a page of the wallet that makes
    the offer when the learner asks (offers expire; an email may be read days later)."""

    label: str
    url: str


def wallet_app_buttons(wallet_url: str) -> list[WalletApp]:
    """Return the wallet-app buttons of a wallet-link email (`GET {wallet}/lcw`, `/oid4vci`)."""
    return [
        WalletApp("Add to Learner Credential Wallet", f"{wallet_url}/lcw"),
        WalletApp("Add to another wallet app (OpenID4VCI)", f"{wallet_url}/oid4vci"),
    ]


BUTTON_STYLE = (
    "display:inline-block;padding:10px 16px;background:#0b4ea2;color:#ffffff;"
    "text-decoration:none;border-radius:4px;font-weight:bold"
)


@dataclass(frozen=True)
class DeliveryReport:
    """What a pass over the outbox did."""

    sent: int
    failed: int
    pending: int


def default_mail_from(base_url: str) -> str:
    """Return `no-reply@` the host of `base_url`."""
    return f"no-reply@{urlsplit(base_url).hostname or 'localhost'}"


def wallet_link_message(
    *,
    issuer_name: str,
    wallet_url: str,
    achievements: Sequence[str],
    learner_name: str | None = None,
    reminder: bool = False,
    wallet_apps: Sequence[WalletApp] = (),
    issuer_url: str | None = None,
    issuer_email: str | None = None,
) -> tuple[str, str, str]:
    """Return (subject, plain text, HTML) of the email carrying a learner's wallet link.

    `wallet_apps`: buttons to add the credentials to a wallet app (`wallet_app_buttons`)."""
    greeting = f"Hello {learner_name}," if learner_name else "Hello,"
    names = list(dict.fromkeys(achievements))
    if reminder:
        subject = f"Your link to your credentials from {issuer_name}"
        intro = f"You asked for the link to the credentials {issuer_name} issued to you."
    else:
        subject = f"{issuer_name} has issued you a credential"
        intro = f"{issuer_name} has issued you {_count(len(names))}."
    lines = [greeting, "", intro]
    if names:
        lines += ["", *(f"- {name}" for name in names)]
    lines += [
        "",
        "See and download them in your wallet (this link is private: keep it to yourself):",
        wallet_url,
    ]
    if wallet_apps:
        lines += ["", "Or keep them in a wallet app on your phone:"]
    for app in wallet_apps:
        lines += ["", f"{app.label}: {app.url}"]
    lines += [
        "",
        "To show a credential to an employer, share its file or its verification link from "
        "your wallet, not the wallet link itself.",
        "",
        f"— {issuer_name}",
    ]
    contact = [v for v in (issuer_url, issuer_email) if v]
    if contact:
        lines.append(" · ".join(contact))
    text = "\n".join(lines) + "\n"
    e = html.escape
    items = "".join(f"<li>{e(name)}</li>" for name in names)
    buttons = (
        "<p>Or keep them in a wallet app on your phone:</p>" if wallet_apps else ""
    ) + "".join(
        f'<p><a href="{e(app.url)}" style="{BUTTON_STYLE}">{e(app.label)}</a></p>'
        for app in wallet_apps
    )
    body = (
        f'<!DOCTYPE html><html lang="en"><body>'
        f"<p>{e(greeting)}</p><p>{e(intro)}</p>"
        + (f"<ul>{items}</ul>" if items else "")
        + "<p>See and download them in your wallet (this link is private: keep it to yourself):"
        f'<br><a href="{e(wallet_url)}">{e(wallet_url)}</a></p>'
        + buttons
        + "<p>To show a credential to an employer, share its file or its verification link "
        "from your wallet, not the wallet link itself.</p>"
        f"<p>— {e(issuer_name)}"
        + "".join(
            f'<br><a href="{e(link)}">{e(value)}</a>'
            for value, link in (
                (issuer_url, issuer_url),
                (issuer_email, f"mailto:{issuer_email}" if issuer_email else None),
            )
            if value and link
        )
        + "</p></body></html>"
    )
    return subject, text, body


def _count(n: int) -> str:
    return "a credential" if n == 1 else f"{n} credentials"


def _document_name(stored: StoredCredential) -> str:
    try:
        document = json.loads(stored.document)
    except ValueError:
        return "a credential"
    subject = document.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    name = achievement.get("name") if isinstance(achievement, dict) else None
    return str(name or document.get("name") or "a credential")


class MailService:
    """Queues learner emails in the outbox and sends them when a server is configured."""

    def __init__(
        self,
        *,
        outbox: OutboxStore,
        transport: Transport | None,
        wallets: WalletReader,
        base_url: str,
        issuer_name: str,
        mail_from: str | None = None,
        issuer_url: str | None = None,
        issuer_email: str | None = None,
    ) -> None:
        self._outbox = outbox
        self._issuer_url = issuer_url
        self._issuer_email = issuer_email
        self._transport = transport
        self._wallets = wallets
        self._base_url = base_url
        self._issuer_name = issuer_name
        self._mail_from = mail_from or default_mail_from(base_url)

    @property
    def outbox(self) -> OutboxStore:
        """The outbox (for listing)."""
        return self._outbox

    @property
    def sending(self) -> bool:
        """Whether a mail server is configured."""
        return self._transport is not None

    def wallet_url(self, wallet_id: str) -> str:
        """Return the learner's private wallet link."""
        return f"{self._base_url}/wallet/{wallet_id}"

    def queue_wallet_link(
        self,
        *,
        email: str,
        wallet_id: str,
        achievements: Sequence[str],
        now: datetime,
        learner_name: str | None = None,
        dedupe_key: str | None = None,
        kind: str = "wallet-link",
        reminder: bool = False,
    ) -> str | None:
        """Queue the wallet-link email; return its id (None: already queued under `dedupe_key`)."""
        wallet_url = self.wallet_url(wallet_id)
        subject, text, body = wallet_link_message(
            issuer_name=self._issuer_name,
            issuer_url=self._issuer_url,
            issuer_email=self._issuer_email,
            wallet_url=wallet_url,
            achievements=achievements,
            learner_name=learner_name,
            reminder=reminder,
            wallet_apps=wallet_app_buttons(wallet_url),
        )
        return self._outbox.add(
            OutgoingMessage(
                kind=kind,
                to_address=email,
                subject=subject,
                text_body=text,
                html_body=body,
                dedupe_key=dedupe_key,
            ),
            now=now,
        )

    def notify_award(
        self,
        *,
        email: str,
        wallet_id: str,
        achievements: Sequence[str],
        now: datetime,
        learner_name: str | None = None,
    ) -> str | None:
        """Queue the wallet link of an award and send it now if a server is configured;
        return the message id."""
        return self._queue_and_send(
            email=email,
            wallet_id=wallet_id,
            achievements=achievements,
            now=now,
            learner_name=learner_name,
        )

    def notify_batch(
        self,
        batch_id: str,
        results: Iterable[RowResult],
        *,
        repeated: Container[str],
        now: datetime,
    ) -> int:
        """Queue and send one wallet-link email per learner of a finished batch (those with an
        email to whom it issued something); return how many were queued (a rerun of the batch
        queues none again).

        Learners of one row are emailed as their row passes; only those whose learner key is
        in `repeated` (more than one row, see `BatchStore.repeated_learners`) are held until
        the last row, so memory stays flat however many learners the batch has.
        """
        held: dict[str, tuple[str, str | None, list[str]]] = {}
        queued = 0
        for result in results:
            if not result.row.email or not result.wallet_id or not result.issued_here:
                continue  # no address, or nothing new for this learner: no email
            names = [_document_name(c) for c in result.credentials]
            if learner_key(result.row) in repeated:
                email, name, held_names = held.setdefault(
                    result.wallet_id, (result.row.email, result.row.name, [])
                )
                held_names.extend(names)
                continue
            queued += self._batch_link(
                batch_id, result.wallet_id, result.row.email, result.row.name, names, now
            )
        for wallet_id, (email, name, names) in held.items():
            queued += self._batch_link(batch_id, wallet_id, email, name, names, now)
        return queued

    def _batch_link(
        self,
        batch_id: str,
        wallet_id: str,
        email: str,
        name: str | None,
        names: list[str],
        now: datetime,
    ) -> int:
        """Queue and send a batch's wallet-link email to one learner; return 1 if queued now
        (0: queued by an earlier run of the batch)."""
        message_id = self._queue_and_send(
            email=email,
            wallet_id=wallet_id,
            achievements=names,
            now=now,
            learner_name=name,
            dedupe_key=f"batch:{batch_id}:{wallet_id}",
        )
        return 0 if message_id is None else 1

    def _queue_and_send(
        self,
        *,
        email: str,
        wallet_id: str,
        achievements: Sequence[str],
        now: datetime,
        learner_name: str | None,
        dedupe_key: str | None = None,
    ) -> str | None:
        """Queue the wallet-link email and send it if it was queued now; return its id."""
        message_id = self.queue_wallet_link(
            email=email,
            wallet_id=wallet_id,
            achievements=achievements,
            now=now,
            learner_name=learner_name,
            dedupe_key=dedupe_key,
        )
        if message_id is not None:
            self.deliver(message_id, now=now)
        return message_id

    def recover(self, email: str, *, now: datetime) -> str | None:
        """Queue a reminder of the wallet link to `email` if credentials were issued to it and
        no reminder went to it in the last `RECOVERY_WINDOW`; return the message id, or None.

        The caller answers the same either way (it must not tell whether the address matched);
        it delivers the message (`deliver`) after answering."""
        key = recipient_key(Recipient(email=email))
        throttle = hashlib.sha256(f"wallet-reminder|{key}".encode()).hexdigest()
        if not self._outbox.take_throttle(throttle, now=now, window=RECOVERY_WINDOW):
            return None
        wallet_id = self._outbox.wallet_of(key)
        if wallet_id is None:
            return None
        names = [_document_name(c) for c in self._wallets.in_wallet(wallet_id)]
        if not names:
            return None
        return self.queue_wallet_link(
            email=email,
            wallet_id=wallet_id,
            achievements=names,
            now=now,
            kind="wallet-reminder",
            reminder=True,
        )

    def deliver(self, message_id: str, *, now: datetime) -> bool:
        """Send one queued message if a server is configured; return whether it was sent.
        A failure is recorded on the message, which stays queued."""
        if self._transport is None:
            return False
        message = self._outbox.claim(message_id, now=now, lease=CLAIM_LEASE)
        if message is None or message.to_address is None:
            return False
        try:
            self._transport.send(self.email(message))
        except (OSError, smtplib.SMTPException, ValueError) as err:
            log.warning("email %s not sent: %s", message.id, err)
            self._outbox.mark_failed(message.id, f"{type(err).__name__}: {err}", now=now)
            return False
        self._outbox.mark_sent(message.id, now=now)
        return True

    def send_pending(self, *, now: datetime, limit: int = 1000) -> DeliveryReport:
        """Try every queued message once (oldest first); return what was sent and failed."""
        sent = failed = 0
        for message in self._outbox.pending(limit=limit):
            if self.deliver(message.id, now=now):
                sent += 1
            else:
                failed += 1
        return DeliveryReport(sent=sent, failed=failed, pending=self._outbox.count_pending())

    def email(self, message: QueuedMessage) -> EmailMessage:
        """Return the email of a queued message: plain text with an HTML alternative."""
        email = EmailMessage()
        email["From"] = Address(display_name=self._issuer_name, addr_spec=self._mail_from)
        email["To"] = message.to_address or ""
        email["Subject"] = message.subject
        if self._issuer_email:
            email["Reply-To"] = self._issuer_email
        email["Date"] = format_datetime(message.created_at)
        email["Message-ID"] = make_msgid(domain=self._mail_from.rpartition("@")[2])
        email.set_content(message.text_body)
        email.add_alternative(message.html_body, subtype="html")
        return email
