"""Learner emails on the web: the console's outbox, and wallet-link recovery.

    GET  /issue/outbox    messages waiting to be sent (signed-in console users)
    POST /wallet          a learner asks for their wallet link by email

Recovery never tells whether the address matched: the same page answers either way, after
at least `MIN_ANSWER_SECONDS`, and the message is sent after answering (in a thread), so
a match does not take longer. One reminder per address per ten minutes (`MailService`).
"""

import re
import threading
import time
from datetime import UTC, datetime

from flask import Blueprint, Response, render_template, request

from issuer.web import services
from issuer.web.apidoc import FORM, RecoveryForm, operation, page
from issuer.web.console import signed_in
from issuer.web.session import check_csrf
from issuer.wiring import Services

bp = Blueprint("mail", __name__)

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_ANSWER_SECONDS = 0.3


@operation(
    "Console: learner emails waiting to be sent",
    tags=["Console"],
    auth="session",
    ok=page(),
)
@bp.get("/issue/outbox")
@signed_in
def outbox() -> str:
    """The outbox: messages not yet sent, with their attempts and last error."""
    mail = services().mail
    return render_template(
        "issue_outbox.html",
        messages=mail.outbox.pending(limit=200),
        total=mail.outbox.count_pending(),
        sending=mail.sending,
    )


@operation(
    "Email me my wallet link",
    description="If credentials were issued to the address, its wallet link is emailed to it "
    "(once per ten minutes). The answer is the same whether or not the address matched.",
    tags=["Wallet"],
    body={FORM: RecoveryForm},
    ok=page("The same answer whether or not the address matched"),
    also={422: page("The form, with what is wrong")},
    errors=(400,),
)
@bp.post("/wallet")
def recover() -> Response:
    """Email the wallet link to a learner who enters their address."""
    started = time.monotonic()
    check_csrf()
    email = request.form.get("email", "").strip()
    if len(email) > 320 or not EMAIL.match(email):
        html = render_template(
            "wallet_help.html", error="Enter your email address, e.g. ana@example.org.", email=email
        )
        return Response(html, status=422, mimetype="text/html")
    svc = services()
    message_id = svc.mail.recover(email, now=datetime.now(UTC))
    if message_id is not None:
        threading.Thread(
            target=_deliver, args=(svc, message_id), name="wallet-reminder", daemon=True
        ).start()
    remaining = MIN_ANSWER_SECONDS - (time.monotonic() - started)
    if remaining > 0:
        time.sleep(remaining)
    return Response(render_template("wallet_help.html", asked=True), mimetype="text/html")


def _deliver(svc: Services, message_id: str) -> None:
    svc.mail.deliver(message_id, now=datetime.now(UTC))
