"""W3C VC API routes: issue, verify, status, and reading issued credentials and status lists."""

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import BadRequest

from issuer.errors import InvalidInput, NotFound
from issuer.model.api import (
    IssueCredentialRequest,
    UpdateStatusRequest,
    VerifyCredentialRequest,
    VerifyPresentationRequest,
)
from issuer.model.verification import VerificationResult
from issuer.services.status import ServedList, StatusAction, status_summary
from issuer.store.credentials import StoredCredential
from issuer.web import services
from issuer.web.apidoc import VC_MEDIA, DownloadQuery, Reply, operation
from issuer.web.auth import current_actor, require_token
from issuer.web.requests import parse_body

bp = Blueprint("api", __name__)

VC_MEDIA_TYPE = "application/vc+ld+json"


def _now() -> datetime:
    return datetime.now(UTC)


def verdict_status(result: VerificationResult) -> int:
    """The VC API status of a verification: 200 verified; 400 when the document is not a
    well-formed credential or presentation; 422 when it is but did not verify."""
    if result.verified:
        return 200
    malformed = any(check.name == "shape" and check.failed for check in result.checks)
    return 400 if malformed else 422


def _json(body: Any, status: int = 200) -> Response:
    response = jsonify(body)
    response.status_code = status
    return response


@operation(
    "Issue a credential (VC API)",
    description="Signs the caller's unsigned VC 2.0 or 1.1 credential as this service's issuer. "
    "`options.cryptosuite` picks eddsa-jcs-2022 over the default eddsa-rdfc-2022; "
    "`options.credentialStatus` adds a Bitstring Status List entry.",
    tags=["VC API"],
    auth="bearer",
    body=IssueCredentialRequest,
    status=201,
    ok=Reply("The signed credential: {verifiableCredential} (Location: its URL)"),
    errors=(400, 401, 409, 413, 415, 422),
)
@bp.post("/credentials/issue")
@require_token
def issue_credential() -> Response:
    """Sign the caller's credential as this service's issuer (201 {verifiableCredential})."""
    body = parse_body(IssueCredentialRequest)
    option = body.options.credential_status
    purpose = None
    if option:
        purpose = "revocation" if option is True else option.status_purpose
    stored = services().vc_issue.issue(
        body.credential,
        credential_id=body.options.credential_id,
        cryptosuite=body.options.cryptosuite,
        status_purpose=purpose,
        now=_now(),
        actor=current_actor(),
    )
    response = Response(
        '{"verifiableCredential": ' + stored.document + "}",
        status=201,
        mimetype="application/json",
    )
    response.headers["Location"] = stored.url
    return response


@operation(
    "Verify a credential (VC API)",
    description="200 with `verified` and the named checks when verified; the same body with "
    "400 (not a well-formed credential) or 422 (did not verify) otherwise.",
    tags=["VC API"],
    body=VerifyCredentialRequest,
    ok=Reply("Verified: {verified, checks, warnings, errors}"),
    errors=(400, 413, 415, 422),
)
@bp.post("/credentials/verify")
def verify_credential() -> Response:
    """Verify a credential: 200 when verified, else 4xx (see `verdict_status`), same body."""
    body = parse_body(VerifyCredentialRequest)
    if not isinstance(body.verifiable_credential, dict):
        raise BadRequest('the request holds no credential: send {"verifiableCredential": {...}}')
    result = services().verifier.credential(body.verifiable_credential, now=_now())
    chosen = body.options.chosen_checks()
    if chosen is not None:
        result = result.restricted_to(chosen)
    return _json(result.to_vc_api(), verdict_status(result))


@operation(
    "Verify a presentation (VC API)",
    description="As for credentials: 200 when the presentation and every credential in it "
    "verify, else 400 or 422 with the same body. `skills` is the skills profile: per "
    "framework, its levels and statements and which ones the credentials that verified "
    "demonstrate (README, Skills profile).",
    tags=["VC API"],
    body=VerifyPresentationRequest,
    ok=Reply("Verified: {verified, checks, results, skills...}"),
    errors=(400, 413, 415, 422),
)
@bp.post("/presentations/verify")
def verify_presentation() -> Response:
    """Verify a presentation and every credential in it."""
    body = parse_body(VerifyPresentationRequest)
    presentation = body.verifiable_presentation or body.presentation
    if not isinstance(presentation, dict):
        raise BadRequest(
            'the request holds no presentation: send {"verifiablePresentation": {...}}'
        )
    result = services().verifier.presentation(
        presentation,
        now=_now(),
        challenge=body.options.challenge,
        domain=body.options.domain,
    )
    skills = services().skills.profile(result).to_json()
    return _json({**result.to_vc_api(), "skills": skills}, verdict_status(result))


@operation(
    "Revoke, suspend or unsuspend a credential (VC API)",
    tags=["VC API"],
    auth="bearer",
    body=UpdateStatusRequest,
    ok=Reply("What changed: {credentialId, action, changed, ...}"),
    errors=(400, 401, 404, 409, 413, 415, 422),
)
@bp.post("/credentials/status")
@require_token
def update_status() -> Response:
    """Revoke (final), suspend or unsuspend a credential issued here."""
    body = parse_body(UpdateStatusRequest)
    changes = body.credential_status
    (change,) = changes if isinstance(changes, list) else [changes]
    if change.status_purpose == "revocation":
        if not body.status:
            raise InvalidInput("revocation is final: a revoked credential cannot be reinstated")
        action: StatusAction = "revoke"
    else:
        action = "suspend" if body.status else "unsuspend"
    outcome = services().status.change(
        _credential_url(body.credential_id), action, now=_now(), actor=current_actor()
    )
    return _json(
        {
            "credentialId": outcome.credential.url,
            "action": action,
            "changed": outcome.changed,
            **status_summary(outcome.credential),
        }
    )


def _credential_url(reference: str) -> str:
    """Accept a credential's id (URL) or the uuid of one issued here."""
    if ":" in reference:
        return reference
    stored = services().credentials.get(reference)
    return stored.url if stored else f"{services().settings.base_url}/credentials/{reference}"


@operation(
    "A credential exactly as signed (by uuid or URL-encoded id)",
    tags=["Credentials"],
    query=DownloadQuery,
    ok=Reply("The signed credential", VC_MEDIA),
    errors=(404,),
)
@bp.get("/credentials/<path:reference>")
def get_credential(reference: str) -> Response:
    """Return an issued credential exactly as signed (by uuid, or by its URL-encoded id)."""
    stored = _find_credential(reference)
    response = Response(stored.document, mimetype=VC_MEDIA_TYPE)
    response.headers["Cache-Control"] = "no-store"
    if "download" in request.args:  # the wallet's "download" button: save as a .json file
        from issuer.web.wallet import file_stem

        response.headers.set(
            "Content-Disposition", "attachment", filename=f"{file_stem(stored)}.json"
        )
    return response


def _find_credential(reference: str) -> StoredCredential:
    svc = services()
    stored = svc.credentials.get(reference) if ":" not in reference else None
    if stored is None:
        stored = svc.credentials.get_by_url(unquote(reference))
    if stored is None:
        raise NotFound("no such credential was issued here")
    return stored


@operation(
    "A signed BitstringStatusListCredential (cacheable for 30 seconds)",
    description="Conditional requests: `If-None-Match` with the `ETag` (or `If-Modified-Since` "
    "with the `Last-Modified`) answer 304 while the list is unchanged; revoking or suspending "
    "a credential changes its list (and ETag) at once.",
    tags=["VC API"],
    ok=Reply("The status list credential", VC_MEDIA),
    also={304: Reply("Not modified (If-None-Match or If-Modified-Since)", None)},
    errors=(404,),
)
@bp.get("/status-lists/<status_list_id>")
def get_status_list(status_list_id: str) -> Response:
    """Return a signed BitstringStatusListCredential (the cached bytes), or 304."""
    now = _now()
    served = services().status.list_document(status_list_id, now=now)
    if _not_modified(served, now):
        response = Response(status=304, mimetype=VC_MEDIA_TYPE)
    else:
        response = Response(served.body, mimetype=VC_MEDIA_TYPE)
    response.headers["Cache-Control"] = STATUS_LIST_CACHING
    response.set_etag(served.etag, weak=True)
    response.last_modified = served.updated_at
    return response


STATUS_LIST_CACHING = "public, max-age=30, must-revalidate"
"""Verifiers may keep a list half a minute, then must ask again (a 304 while unchanged)."""

SETTLED = timedelta(seconds=60)
"""How long after its bits changed a list's Last-Modified date is trusted for 304s."""


def _not_modified(served: ServedList, now: datetime) -> bool:
    """Whether the request's validators match `served` (If-None-Match wins, as RFC 9110 says).

    Last-Modified has whole seconds, and a change's time is taken when its request starts, so
    a change committed later can carry the same second as a copy served meanwhile. A date is
    therefore trusted only once the list has not changed for `SETTLED` (longer than any
    status-change transaction); until then If-Modified-Since alone gets the full list.
    """
    if_none_match = request.if_none_match
    if if_none_match:
        return if_none_match.contains_weak(served.etag)
    since = request.if_modified_since
    if since is None:
        return False
    return served.updated_at.replace(microsecond=0) <= since and now - served.updated_at >= SETTLED
