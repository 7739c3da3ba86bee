"""The console's records: issued credentials (search, CSV), revoking with a reason, the audit log.

GET  /issue/credentials                   issued credentials, newest first, searchable
GET  /issue/credentials.csv               the same list (all pages) as CSV
GET  /issue/credentials/{uuid}/revoke     confirm a revocation and give its reason
POST /issue/credentials/{uuid}/status     revoke (confirmed, with a reason), suspend or reinstate
GET  /issue/audit                         the audit log, newest first, by action
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from issuer.errors import Conflict, InvalidInput, NotFound
from issuer.frameworks.mapping import framework_name
from issuer.services.credential_search import (
    STATES,
    SearchTerms,
    credentials_csv,
    search,
)
from issuer.services.status import StatusAction
from issuer.store.audit import AuditEntry
from issuer.store.credentials import StoredCredential
from issuer.wallet.describe import describe_credential
from issuer.web import services
from issuer.web.apidoc import (
    CSV,
    FORM,
    AuditPageQuery,
    CredentialsPageQuery,
    Reply,
    StatusForm,
    operation,
    page,
)
from issuer.web.console import signed_in, signed_in_actor
from issuer.web.session import check_csrf

bp = Blueprint("records", __name__)

PAGE_SIZE = 25
AUDIT_PAGE_SIZE = 50
REASON_LIMIT = 500
AUDIT_ACTIONS = {
    "issue": "Issued",
    "revoke": "Revoked",
    "suspend": "Suspended",
    "unsuspend": "Reinstated",
}


def _terms() -> tuple[SearchTerms, str | None]:
    try:
        return SearchTerms.from_values(request.args), None
    except InvalidInput as err:
        return SearchTerms(), str(err)


@operation(
    "Console: issued credentials, newest first, searchable",
    tags=["Console"],
    auth="session",
    query=CredentialsPageQuery,
    ok=page(),
)
@bp.get("/issue/credentials")
@signed_in
def credentials() -> tuple[str, int]:
    """Issued credentials matching the search, with each learner's wallet and the actions."""
    try:
        number = max(1, int(request.args.get("page", "1")))
    except ValueError:
        number = 1
    terms, error = _terms()
    now = datetime.now(UTC)
    found, total = search(
        services().credentials, terms, now=now, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
    )
    catalog = services().frameworks
    frameworks = [(f.id, framework_name(f)) for f in catalog.list()]
    html = render_template(
        "issue_credentials.html",
        items=found,
        page=number,
        pages=max(1, -(-total // PAGE_SIZE)),
        total=total,
        terms=terms,
        query=terms.as_query(),
        searching=bool(terms.as_query()),
        error=error,
        states=STATES,
        frameworks=frameworks,
        framework_names=dict(frameworks),
        batches=services().batches.recent(limit=50),
        base_url=services().settings.base_url,
        now=now,
    )
    return html, 422 if error else 200


@operation(
    "Console: the issued credentials the search selects, as CSV (every page)",
    tags=["Console"],
    auth="session",
    query=CredentialsPageQuery,
    ok=Reply("The credentials: one row each, text cells escaped against formulas", CSV),
    errors=(422,),
)
@bp.get("/issue/credentials.csv")
@signed_in
def credentials_export() -> Response:
    """Download the credentials the search selects (every page) as CSV."""
    terms = SearchTerms.from_values(request.args)
    found, _ = search(services().credentials, terms, now=datetime.now(UTC), limit=None)
    body = credentials_csv(found, base_url=services().settings.base_url)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    return Response(
        body,
        mimetype=CSV,
        headers={"Content-Disposition": f'attachment; filename="credentials-{stamp}.csv"'},
    )


def _stored(credential_id: str) -> StoredCredential:
    stored = services().credentials.get(credential_id)
    if stored is None:
        raise NotFound("no such credential was issued here")
    return stored


@dataclass(frozen=True)
class Described:
    """A credential by name: what it is and whom it was issued to."""

    name: str
    level: str | None
    learner: str | None

    @property
    def words(self) -> str:
        """“Name” (issued to Learner)."""
        who = f" issued to {self.learner}" if self.learner else ""
        return f"“{self.name}”{who}"


def describe(stored: StoredCredential) -> Described:
    """Return what a credential is, in words."""
    document = json.loads(stored.document)
    view = describe_credential(document if isinstance(document, dict) else {})
    return Described(view.achievement.name, view.achievement.level, view.recipient)


def _revoke_page(stored: StoredCredential, *, reason: str = "", error: str | None = None) -> str:
    return render_template(
        "issue_revoke.html",
        row=stored,
        described=describe(stored),
        reason=reason,
        error=error,
        back=request.values.get("back", ""),
        base_url=services().settings.base_url,
    )


@operation(
    "Console: confirm revoking a credential and give the reason",
    tags=["Console"],
    auth="session",
    ok=page(),
    errors=(404,),
)
@bp.get("/issue/credentials/<credential_id>/revoke")
@signed_in
def confirm_revoke(credential_id: str) -> str:
    """Say what would be revoked, and ask why."""
    return _revoke_page(_stored(credential_id))


ACTIONS: dict[str, tuple[StatusAction, str]] = {
    "revoke": ("revoke", "revoked"),
    "suspend": ("suspend", "suspended"),
    "unsuspend": ("unsuspend", "reinstated"),
}


def _back() -> str:
    """The list page (with its search) to go back to; only a path of this console."""
    back = request.values.get("back", "")
    if back.startswith("/issue/credentials") and "//" not in back and "\\" not in back:
        return back
    return url_for("records.credentials")


@operation(
    "Console: revoke (confirmed, with a reason), suspend or reinstate a credential",
    tags=["Console"],
    auth="session",
    body={FORM: StatusForm},
    status=303,
    ok=Reply("Done: see /issue/credentials (a revocation not confirmed: its confirm page)", None),
    also={422: page("The confirm page: the reason is missing or too long")},
    errors=(400, 404, 422),
)
@bp.post("/issue/credentials/<credential_id>/status")
@signed_in
def change_status(credential_id: str) -> BaseResponse | tuple[str, int]:
    """Revoke, suspend or reinstate one credential, then go back to the list."""
    check_csrf()
    action = request.form.get("action", "")
    if action not in ACTIONS:
        raise InvalidInput("Choose revoke, suspend or reinstate.")
    stored = _stored(credential_id)
    reason = request.form.get("reason", "").strip()
    if action == "revoke":
        if request.form.get("confirm") != "yes":
            return redirect(
                url_for("records.confirm_revoke", credential_id=stored.id, back=_back()), code=303
            )
        if not reason:
            error = "Enter why you revoke it (kept in the audit log)."
            return _revoke_page(stored, error=error), 422
        if len(reason) > REASON_LIMIT:
            error = f"Keep the reason under {REASON_LIMIT} characters."
            return _revoke_page(stored, reason=reason, error=error), 422
    verb, done = ACTIONS[action]
    words = describe(stored).words
    try:
        outcome = services().status.change(
            stored.url,
            verb,
            now=datetime.now(UTC),
            actor=cast(str, signed_in_actor()),
            reason=reason or None,
        )
        message = f"{words} is {'now' if outcome.changed else 'already'} {done}."
        flash(message + (f" Reason: {reason}" if reason else ""), "success")
    except Conflict as err:
        flash(f"{words} was not changed: {err}.", "error")
    return redirect(_back(), code=303)


@dataclass(frozen=True)
class AuditRow:
    """One audit event as the console shows it."""

    entry: AuditEntry
    action: str
    what: str
    link: str | None
    reason: str | None


def _audit_row(entry: AuditEntry, base_url: str) -> AuditRow:
    stored = None
    if entry.subject.startswith(f"{base_url}/credentials/"):
        stored = services().credentials.get_by_url(entry.subject)
    what = describe(stored).words if stored else entry.subject
    link = f"{base_url}/credentials/{stored.id}/verify" if stored else None
    reason = entry.detail.get("reason") if isinstance(entry.detail, dict) else None
    return AuditRow(
        entry=entry,
        action=AUDIT_ACTIONS.get(entry.action, entry.action.replace("-", " ").capitalize()),
        what=what,
        link=link,
        reason=str(reason) if reason else None,
    )


def _int_arg(name: str) -> int | None:
    try:
        value = int(request.args.get(name, ""))
    except ValueError:
        return None
    return value if value > 0 else None


@operation(
    "Console: the audit log, newest first, filtered by action",
    tags=["Console"],
    auth="session",
    query=AuditPageQuery,
    ok=page(),
)
@bp.get("/issue/audit")
@signed_in
def audit() -> str:
    """Who issued, revoked, suspended or reinstated what, and why."""
    action = request.args.get("action", "").strip() or None
    before = _int_arg("before")
    events = services().audit.recent(limit=AUDIT_PAGE_SIZE + 1, before_id=before, action=action)
    more = len(events) > AUDIT_PAGE_SIZE
    events = events[:AUDIT_PAGE_SIZE]
    base = services().settings.base_url
    return render_template(
        "issue_audit.html",
        rows=[_audit_row(e, base) for e in events],
        action=action or "",
        actions=AUDIT_ACTIONS,
        before=before,
        older=events[-1].id if more and events else None,
        now=datetime.now(UTC),
    )
