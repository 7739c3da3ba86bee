"""`ISSUER_SMTP_URL` and `ISSUER_MAIL_FROM`: parsing, defaults, and the message's shape."""

import pytest
from pydantic import ValidationError

from issuer.errors import InvalidInput
from issuer.services.mail import default_mail_from, wallet_link_message
from issuer.services.smtp import SmtpTransport
from issuer.settings import Settings


@pytest.mark.parametrize(
    ("url", "description"),
    [
        ("smtp://relay.local", "smtp://relay.local:25"),
        ("smtp://mailer:p%40ss@mail.example.org", "smtp://mailer@mail.example.org:587"),
        ("smtps://mailer:secret@mail.example.org", "smtps://mailer@mail.example.org:465"),
        ("smtp://mail.example.org:2525", "smtp://mail.example.org:2525"),
    ],
)
def test_smtp_urls_and_their_default_ports(url: str, description: str) -> None:
    transport = SmtpTransport(url)
    assert transport.description == description  # never the password


def test_settings_read_the_mail_variables_and_refuse_other_schemes() -> None:
    settings = Settings.from_env(
        {"ISSUER_SMTP_URL": "smtp://relay.local:25", "ISSUER_MAIL_FROM": "badges@example.org"}
    )
    assert (settings.smtp_url, settings.mail_from) == (
        "smtp://relay.local:25",
        "badges@example.org",
    )
    assert Settings.from_env({}).smtp_url is None
    with pytest.raises(ValidationError, match="smtp://"):
        Settings.from_env({"ISSUER_SMTP_URL": "http://mail.example.org"})
    with pytest.raises(InvalidInput):
        SmtpTransport("smtp://")


def test_the_sender_defaults_to_no_reply_at_the_base_urls_host() -> None:
    assert default_mail_from("https://badges.example.org:8443/x") == "no-reply@badges.example.org"


def test_the_message_escapes_names_and_has_a_place_for_wallet_apps() -> None:
    from issuer.services.mail import WalletApp

    subject, text, html = wallet_link_message(
        issuer_name="A <b>&</b> B",
        wallet_url="https://issuer.example.org/wallet/abc",
        achievements=["Greets <visitors>", "Greets <visitors>"],
        learner_name="Ana",
        wallet_apps=[WalletApp("Add to Learner Credential Wallet", "https://lcw.app/x?a=1&b=2")],
    )
    assert subject == "A <b>&</b> B has issued you a credential"
    assert text.count("Greets <visitors>") == 1
    assert "https://lcw.app/x?a=1&b=2" in text
    assert "<b>" not in html and "Greets &lt;visitors&gt;" in html
    assert 'href="https://lcw.app/x?a=1&amp;b=2"' in html
