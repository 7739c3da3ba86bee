"""What each route says about itself in the OpenAPI document: `@operation(...)` on the view.

    @operation("A signed BitstringStatusListCredential", tags=["VC API"],
               ok=Reply("The status list", VC_MEDIA), errors=(404,))
    @bp.get("/status-lists/<status_list_id>")
    def get_status_list(status_list_id: str) -> Response: ...

The decorator only stores an `Operation` on the view function (`operation_of(view)`);
`issuer.web.openapi` walks `app.url_map` and builds the document from these and the rules.
The models below describe query strings and HTML forms that the views read by hand; they
are for the document only (the views' own parsing stays the authority).
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from issuer.model.api import Cryptosuite

Auth = Literal["bearer", "session", "public"]
"""`bearer`: `Authorization: Bearer <token>`; `session`: the console's signed-in cookie."""

JSON = "application/json"
HTML = "text/html"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
VC_MEDIA = "application/vc+ld+json"
CSV = "text/csv"
ZIP = "application/zip"

View = TypeVar("View", bound=Callable[..., Any])

_ATTRIBUTE = "__openapi_operation__"


@dataclass(frozen=True)
class Reply:
    """One documented response: its description, media type (None: no body) and model."""

    description: str
    media: str | None = JSON
    model: type[BaseModel] | None = None


@dataclass(frozen=True)
class Operation:
    """The OpenAPI metadata of one view (one method of one route)."""

    summary: str
    description: str = ""
    tags: tuple[str, ...] = ()
    auth: Auth = "public"
    body: Mapping[str, type[BaseModel] | None] = field(default_factory=dict)
    """Request media type -> its model (None: a plain string body, e.g. text/csv)."""
    query: type[BaseModel] | None = None
    responses: Mapping[int, Reply] = field(default_factory=dict)
    errors: tuple[int, ...] = ()
    """Problem (RFC 9457) statuses; HTML pages send them as an error page too."""


def operation(
    summary: str,
    *,
    description: str = "",
    tags: Sequence[str] = (),
    auth: Auth = "public",
    body: type[BaseModel] | Mapping[str, type[BaseModel] | None] | None = None,
    query: type[BaseModel] | None = None,
    ok: Reply | None = None,
    status: int = 200,
    also: Mapping[int, Reply] | None = None,
    errors: Sequence[int] = (),
) -> Callable[[View], View]:
    """Return a decorator storing this `Operation` on a view.

    `body` is a JSON body's model, or media type -> model; `ok` is the `status` response
    (default: a JSON object); `also` adds other non-problem responses (e.g. 303, 304).
    A `session` operation answers 401 with the sign-in page when no one is signed in.
    """
    bodies = {JSON: body} if isinstance(body, type) else dict(body or {})
    responses = {status: ok or Reply("Success")} | dict(also or {})
    if auth == "session":
        responses.setdefault(401, page("Not signed in: the sign-in form"))
    metadata = Operation(
        summary=summary,
        description=description,
        tags=tuple(tags),
        auth=auth,
        body=bodies,
        query=query,
        responses=dict(sorted(responses.items())),
        errors=tuple(sorted(set(errors))),
    )

    def mark(view: View) -> View:
        setattr(view, _ATTRIBUTE, metadata)
        return view

    return mark


def operation_of(view: Callable[..., Any]) -> Operation | None:
    """Return the `Operation` declared on a view, or None when it declares none."""
    found = getattr(view, _ATTRIBUTE, None)
    return found if isinstance(found, Operation) else None


def page(description: str = "The page") -> Reply:
    """Return the reply of a page for people (HTML)."""
    return Reply(description, HTML)


def see_other(where: str) -> Mapping[int, Reply]:
    """Return the 303 reply of a form post that redirects to `where`."""
    return {303: Reply(f"Done: see {where} (Location)", None)}


# Query strings and forms read by hand ------------------------------------------------------


class _Fields(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class DownloadQuery(_Fields):
    """`?download`: have the browser save the file (Content-Disposition: attachment)."""

    download: str | None = Field(None, description="Any value: send as an attachment")


class WalletsZipQuery(_Fields):
    """`GET .../wallets.zip` parameters."""

    clr: Literal["true", "false"] | None = Field(
        None, description="`false` leaves the CLR files out (default: true)"
    )


class BatchUploadQuery(_Fields):
    """`POST /batches` parameters of a `text/csv` body (a form or JSON carries its own)."""

    replace: Literal["true", "false"] | None = Field(
        None, description="Revoke and reissue credentials already issued (default: skip them)"
    )
    dry_run: Literal["true", "false"] | None = Field(
        None, alias="dryRun", description="Only check the roster (200), issue nothing"
    )
    notify: Literal["true", "false"] | None = Field(
        None, description="Email each learner their wallet link when the batch has finished"
    )


class RosterUpload(_Fields):
    """A roster CSV uploaded as a form (API and console)."""

    roster: bytes = Field(description="The roster CSV (UTF-8)")
    replace: Literal["true", "false"] | None = None
    dry_run: Literal["true", "false"] | None = Field(None, alias="dryRun")
    cryptosuite: Cryptosuite | None = None
    notify: Literal["true", "false", "yes", "no"] | None = None


class ConsoleRosterUpload(RosterUpload):
    """The console's roster form (with its CSRF token)."""

    csrf_token: str = Field(description="The session's CSRF token (from the page's form)")


class VerifyPageQuery(_Fields):
    """`GET /verify` parameters."""

    credential: str | None = Field(
        None, description="The link (or uuid) of a credential issued here, to verify it"
    )
    email: str | None = Field(
        None, description="The candidate's email: does the credential's recipient match it?"
    )
    target: str | None = Field(
        None, description="A target level, `{framework URL or id}|{level key}`: met and missing"
    )


class VerifyForm(_Fields):
    """`POST /verify`: pasted JSON or an uploaded file (JSON, PNG or SVG badge)."""

    text: str | None = Field(None, description="A pasted credential or presentation (JSON)")
    file: bytes | None = Field(None, description="A credential file: JSON, or a baked badge")
    checked: str | None = Field(
        None, description="What the page checked before (base64url JSON), to check it again"
    )
    email: str | None = Field(
        None, description="The candidate's email: does the credential's recipient match it?"
    )
    target: str | None = Field(
        None, description="A target level, `{framework URL or id}|{level key}`: met and missing"
    )


class ConsoleIssueQuery(_Fields):
    """`GET /issue` parameters (the award form, filled in from the query)."""

    framework: str | None = Field(None, description="The framework to issue from")
    email: str | None = None
    did: str | None = None
    name: str | None = None
    expires: str | None = None


class CsrfForm(_Fields):
    """A console form with nothing but its CSRF token."""

    csrf_token: str = Field(description="The session's CSRF token (from the page's form)")


class SignInForm(CsrfForm):
    """The console's sign-in form."""

    token: str = Field(description="An API token (`ler-issuer tokens create`)")


class ConsoleAwardForm(CsrfForm):
    """The console's award form (preview and issue)."""

    framework: str
    levels: list[str] = Field(default_factory=list, description="Level keys (whole levels)")
    statements: list[str] = Field(default_factory=list, description="Statement keys")
    email: str | None = None
    did: str | None = None
    name: str | None = None
    narrative: str | None = None
    evidence: str | None = Field(None, description="An evidence URL")
    expires: str | None = Field(
        None, description="Expiry day (YYYY-MM-DD): validUntil is its end, UTC"
    )
    choose: Literal["yes"] | None = Field(
        None, description="Show the chosen framework's levels (the form again), no preview"
    )
    shown: str | None = Field(None, description="The framework whose levels the form showed")
    suspendable: Literal["yes"] | None = None
    notify: Literal["yes"] | None = None


class RecoveryForm(CsrfForm):
    """`POST /wallet`: the learner's email, to be sent their wallet link."""

    email: str = Field(max_length=320, description="The address credentials were issued to")


class CredentialsPageQuery(_Fields):
    """`GET /issue/credentials` parameters."""

    page: int | None = Field(None, ge=1, description="The page (25 credentials a page)")
    learner: str | None = Field(
        None, description="The learner's name (part of it), exact email address or DID"
    )
    framework: str | None = Field(None, description="A framework id")
    status: Literal["active", "revoked", "suspended", "expired"] | None = None
    batch: str | None = Field(None, description="A batch id")
    from_: str | None = Field(None, alias="from", description="Issued on or after (YYYY-MM-DD)")
    to: str | None = Field(None, description="Issued on or before (YYYY-MM-DD)")


class AuditPageQuery(_Fields):
    """`GET /issue/audit` parameters."""

    action: str | None = Field(None, description="Only this action (issue, revoke, ...)")
    before: int | None = Field(None, ge=1, description="Only events older than this event id")


class StatusForm(CsrfForm):
    """The console's revoke / suspend / reinstate buttons."""

    action: Literal["revoke", "suspend", "unsuspend"]
    confirm: Literal["yes"] | None = Field(
        None, description="A revocation without it answers its confirm page"
    )
    reason: str | None = Field(
        None, max_length=500, description="Why it is revoked (required to revoke; audited)"
    )
    back: str | None = Field(None, description="The list page (with its search) to go back to")


class BatchPageQuery(_Fields):
    """`GET /issue/batches/{batch_id}` parameters."""

    refresh: Literal["off"] | None = Field(None, description="`off`: no automatic reload")
