"""The issuer console: sign in with an API token, issue from a framework, revoke or suspend.

    GET  /issue                               sign-in form, or choose a framework / the award form
    POST /issue/sign-in, /issue/sign-out
    POST /issue/preview                       what would be issued (nothing is stored)
    POST /issue/award                         issue (the same AwardService as POST /awards)

The issued credentials, revoking and the audit log are in `issuer.web.console_records`.

Signing in keeps a server-side session (`issuer.web.session`): the cookie holds only its
random id, never the token. The session is checked on every request, so signing out (which
deletes it) or revoking the token ends it. Every form carries the session's CSRF token.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from functools import wraps
from typing import Any, ParamSpec, TypeVar, cast

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from pydantic import ValidationError
from werkzeug.wrappers import Response as BaseResponse

from issuer.credentials.compose import Recipient
from issuer.errors import InvalidInput, NotFound
from issuer.frameworks.mapping import framework_name
from issuer.frameworks.structure import Framework
from issuer.model.api import DID_MESSAGE, EMAIL_MESSAGE, AwardRecipient
from issuer.model.credential import Evidence
from issuer.services.awards import (
    AwardRequest,
    dedupe_key,
    recipient_key,
    select_achievements,
)
from issuer.web import services
from issuer.web.apidoc import (
    FORM,
    ConsoleAwardForm,
    ConsoleIssueQuery,
    CsrfForm,
    Reply,
    SignInForm,
    operation,
    page,
)
from issuer.web.auth import authenticate
from issuer.web.session import (
    check_csrf,
    console_session,
    end_console_session,
    start_console_session,
)

bp = Blueprint("console", __name__)

P = ParamSpec("P")
R = TypeVar("R")


def signed_in_actor() -> str | None:
    """Return who is signed in to the console (their session live, its token valid), or None."""
    found = console_session()
    return f"console:{found.actor}" if found else None


def _sign_in_page(error: str | None = None, status: int = 200) -> Response:
    html = render_template("issue_signin.html", error=error)
    return Response(html, status=status, mimetype="text/html")


def signed_in(view: Callable[P, R]) -> Callable[P, R | Response]:
    """Show the sign-in form (401) instead of `view` unless someone is signed in."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | Response:
        if signed_in_actor() is None:
            return _sign_in_page("Sign in with an API token to use the issuer console.", 401)
        return view(*args, **kwargs)

    return wrapper


@operation(
    "Console: the sign-in form, or choose a framework and fill in the award form",
    tags=["Console"],
    query=ConsoleIssueQuery,
    ok=page(),
)
@bp.get("/issue")
def issue() -> Response | str:
    """Sign in, or choose a framework and fill in the award form."""
    if signed_in_actor() is None:
        return _sign_in_page()
    catalog = services().frameworks
    frameworks = catalog.list()
    chosen = request.args.get("framework")
    framework = None
    if chosen:
        try:
            framework = catalog.get(chosen)
        except NotFound:
            flash(f"There is no framework {chosen!r}; choose one from the list.", "error")
    form = AwardForm.from_values(request.args) if framework else AwardForm()
    return render_template(
        "issue.html",
        frameworks=[(f.id, framework_name(f)) for f in frameworks],
        framework=framework,
        framework_label=framework_name(framework) if framework else None,
        form=form,
    )


@operation(
    "Console: sign in with an API token",
    tags=["Console"],
    body={FORM: SignInForm},
    status=303,
    ok=Reply("Signed in: see /issue", None),
    also={401: page("The token was not accepted: the sign-in form")},
    errors=(400,),
)
@bp.post("/issue/sign-in")
def sign_in() -> BaseResponse:
    """Check the token and start a server-side session for whom it names."""
    check_csrf()
    token = request.form.get("token", "").strip()
    actor = authenticate(token) if token else None
    if actor is None:
        return _sign_in_page("That token was not accepted. Check it and try again.", 401)
    start_console_session(token, actor)
    return redirect(url_for("console.issue"), code=303)


@operation(
    "Console: sign out (ends the session)",
    tags=["Console"],
    body={FORM: CsrfForm},
    status=303,
    ok=Reply("Signed out: see /issue", None),
    errors=(400,),
)
@bp.post("/issue/sign-out")
def sign_out() -> BaseResponse:
    """End the session: a copy of the cookie kept from before no longer signs anyone in."""
    check_csrf()
    end_console_session()
    return redirect(url_for("console.issue"), code=303)


class FieldProblem(InvalidInput):
    """A form value that is wrong, with the field it is about (shown next to it)."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


@dataclass
class AwardForm:
    """The award form's fields, as posted (or passed back to the form to change them)."""

    framework: str = ""
    statements: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    email: str = ""
    did: str = ""
    name: str = ""
    narrative: str = ""
    evidence: str = ""
    expires: str = ""
    suspendable: bool = False
    notify: bool = False

    @classmethod
    def from_values(cls, values: Any) -> "AwardForm":
        """Read the form from request values (a MultiDict)."""
        return cls(
            framework=values.get("framework", "").strip(),
            statements=values.getlist("statements"),
            levels=values.getlist("levels"),
            email=values.get("email", "").strip(),
            did=values.get("did", "").strip(),
            name=values.get("name", "").strip(),
            narrative=values.get("narrative", "").strip(),
            evidence=values.get("evidence", "").strip(),
            expires=values.get("expires", "").strip(),
            suspendable=values.get("suspendable") == "yes",
            notify=values.get("notify") == "yes",
        )

    def valid_until(self, now: datetime) -> datetime | None:
        """Return the end (UTC) of the expiry day, or None; raise `FieldProblem`."""
        if not self.expires:
            return None
        try:
            day = date.fromisoformat(self.expires)
        except ValueError:
            raise FieldProblem("expires", "Enter the expiry date like 2027-12-31.") from None
        until = datetime.combine(day, time(23, 59, 59), tzinfo=UTC)
        if until <= now:
            raise FieldProblem("expires", "Choose an expiry date after today.")
        return until

    def request(self, now: datetime | None = None) -> AwardRequest:
        """Return the award this form asks for; raise `FieldProblem` (or `InvalidInput`)
        with a plain message."""
        try:
            recipient = AwardRecipient(
                email=self.email or None, did=self.did or None, name=self.name or None
            )
        except ValidationError as err:
            raise _recipient_problem(err) from None
        if self.evidence and not self.evidence.startswith(("https://", "http://")):
            raise FieldProblem("evidence", "Enter a link that starts with https:// or http://.")
        return AwardRequest(
            framework=self.framework,
            recipient=Recipient(email=recipient.email, did=recipient.did, name=recipient.name),
            statements=tuple(self.statements),
            levels=tuple(self.levels),
            evidence=(Evidence(id=self.evidence),) if self.evidence else (),
            narrative=self.narrative or None,
            valid_until=self.valid_until(now or datetime.now(UTC)),
            status_purpose="suspension" if self.suspendable else "revocation",
        )


def _recipient_problem(err: ValidationError) -> FieldProblem:
    """Turn the recipient's validation error into a plain message next to its field."""
    first = err.errors(include_url=False)[0]
    where = str(first["loc"][0]) if first["loc"] else ""
    if where == "email":
        return FieldProblem("email", EMAIL_MESSAGE)
    if where == "did":
        return FieldProblem("did", DID_MESSAGE)
    if where == "name":
        return FieldProblem("name", "Keep the name under 500 characters.")
    return FieldProblem("email", "Enter the learner's email address (or their DID).")


def _form_error(
    form: AwardForm, error: str | None, *, field_name: str | None = None, status: int = 422
) -> tuple[str, int]:
    catalog = services().frameworks
    framework: Framework | None
    try:
        framework = catalog.get(form.framework) if form.framework else None
    except NotFound:
        framework = None
    html = render_template(
        "issue.html",
        frameworks=[(f.id, framework_name(f)) for f in catalog.list()],
        framework=framework,
        framework_label=framework_name(framework) if framework else None,
        form=form,
        error=error,
        errors={field_name: error} if field_name and error else {},
    )
    return html, status


@operation(
    "Console: what an award would issue (nothing is stored)",
    tags=["Console"],
    auth="session",
    body={FORM: ConsoleAwardForm},
    ok=page(),
    also={422: page("The form, with what is wrong")},
    errors=(400, 404),
)
@bp.post("/issue/preview")
@signed_in
def preview() -> tuple[str, int] | str:
    """Show what would be issued, with a button to issue it."""
    check_csrf()
    form = AwardForm.from_values(request.form)
    catalog = services().frameworks
    if request.form.get("choose") or form.framework != request.form.get("shown", form.framework):
        # a framework chosen (its levels to show), not an award to preview
        if form.framework != request.form.get("shown"):
            form.statements, form.levels = [], []
        return _form_error(form, None, status=200)
    if not form.framework:
        return _form_error(form, "Choose a framework.", field_name="framework")
    if not form.statements and not form.levels:
        message = "Tick at least one statement, or a whole level."
        return _form_error(form, message, field_name="statements")
    try:
        award = form.request()
        framework = catalog.get(form.framework)
        selected = select_achievements(framework, catalog.achievements(framework.id), award)
    except FieldProblem as err:
        return _form_error(form, str(err), field_name=err.field)
    except NotFound as err:
        return _form_error(form, str(err), field_name="framework")
    except InvalidInput as err:
        return _form_error(form, str(err), field_name="statements")
    recipient = recipient_key(award.recipient)
    keys = [dedupe_key(framework.id, s.achievement.id, recipient) for s in selected]
    existing = services().credentials.find_active(keys)
    return render_template(
        "issue_preview.html",
        form=form,
        framework_label=framework_name(framework),
        items=[
            {"achievement": s.achievement, "kind": s.kind, "existing": key in existing}
            for s, key in zip(selected, keys, strict=True)
        ],
        new=sum(1 for key in keys if key not in existing),
    )


@operation(
    "Console: issue an award",
    tags=["Console"],
    auth="session",
    body={FORM: ConsoleAwardForm},
    ok=page("What was issued"),
    also={422: page("The form, with what is wrong")},
    errors=(400, 404),
)
@bp.post("/issue/award")
@signed_in
def award() -> tuple[str, int] | str:
    """Issue the previewed award."""
    check_csrf()
    form = AwardForm.from_values(request.form)
    try:
        request_ = form.request()
        result = services().awards.award(
            request_, now=datetime.now(UTC), actor=cast(str, signed_in_actor())
        )
    except FieldProblem as err:
        return _form_error(form, str(err), field_name=err.field)
    except InvalidInput as err:
        return _form_error(form, str(err))
    base = services().settings.base_url
    emailed = None
    if form.notify and request_.recipient.email and result.wallet_id:
        services().mail.notify_award(
            email=request_.recipient.email,
            wallet_id=result.wallet_id,
            achievements=[c.achievement.name for c in result.credentials],
            learner_name=request_.recipient.name,
            now=datetime.now(UTC),
        )
        emailed = request_.recipient.email
    return render_template(
        "issue_done.html",
        emailed=emailed,
        mail_sending=services().mail.sending,
        framework_label=framework_name(result.framework),
        credentials=result.credentials,
        base_url=base,
        wallet=f"{base}/wallet/{result.wallet_id}" if result.wallet_id else None,
        issued=sum(1 for c in result.credentials if not c.existing),
    )
