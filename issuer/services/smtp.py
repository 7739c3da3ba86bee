"""Sending one email through an SMTP server (`ISSUER_SMTP_URL`), with the standard library.

    smtp://host:25                  plain (a local relay); STARTTLS if the server offers it
    smtp://user:pass@host:587       STARTTLS, required because a password is sent
    smtps://user:pass@host:465      TLS from the first byte

`?cafile=/path/ca.pem` trusts that CA (a private server's certificate); the server's
certificate and host name are always checked.
"""

import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from issuer.errors import InvalidInput

TIMEOUT_SECONDS = 20


class SmtpTransport:
    """Sends messages through the server named by an `smtp://` or `smtps://` URL."""

    def __init__(self, url: str, *, timeout: float = TIMEOUT_SECONDS) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise InvalidInput("ISSUER_SMTP_URL must look like smtp://user:pass@host:587")
        self._implicit_tls = parts.scheme == "smtps"
        self._host = parts.hostname
        self._user = unquote(parts.username) if parts.username else None
        self._password = unquote(parts.password) if parts.password else ""
        default_port = 465 if self._implicit_tls else (587 if self._user else 25)
        self._port = parts.port or default_port
        cafile = parse_qs(parts.query).get("cafile", [None])[0]
        self._tls = ssl.create_default_context(cafile=cafile)
        self._timeout = timeout

    @property
    def description(self) -> str:
        """Where messages go, without the password (for logs and the CLI)."""
        scheme = "smtps" if self._implicit_tls else "smtp"
        user = f"{self._user}@" if self._user else ""
        return f"{scheme}://{user}{self._host}:{self._port}"

    def send(self, message: EmailMessage) -> None:
        """Send `message`; raise `OSError` or `smtplib.SMTPException` if it was not accepted."""
        client: smtplib.SMTP
        if self._implicit_tls:
            client = smtplib.SMTP_SSL(
                self._host, self._port, timeout=self._timeout, context=self._tls
            )
        else:
            client = smtplib.SMTP(self._host, self._port, timeout=self._timeout)
        with client:
            client.ehlo()
            if not self._implicit_tls:
                if client.has_extn("starttls"):
                    client.starttls(context=self._tls)
                    client.ehlo()
                elif self._user:
                    raise smtplib.SMTPNotSupportedError(
                        "the server does not offer STARTTLS; the password is not sent in clear"
                    )
            if self._user:
                client.login(self._user, self._password)
            client.send_message(message)
