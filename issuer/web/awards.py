"""`POST /awards` (the high-level way to issue) and `GET /audit`."""

import json
from datetime import UTC, datetime

from flask import Blueprint, Response, jsonify

from issuer.credentials.compose import Recipient
from issuer.errors import InvalidInput
from issuer.model.api import AuditQuery, AwardedCredentialBody, AwardRequestBody, AwardResponse
from issuer.model.credential import Evidence
from issuer.services.awards import AwardRequest
from issuer.web import services
from issuer.web.apidoc import Reply, operation
from issuer.web.auth import current_actor, require_token
from issuer.web.requests import parse_body, parse_query

bp = Blueprint("awards", __name__)


@operation(
    "Award demonstrated statements or a level",
    description="One credential per statement, plus the level credential when every statement "
    "of a level is demonstrated. Already-awarded achievements are returned with "
    "`existing: true` and not issued twice (200 when nothing new was issued).",
    tags=["Issuing"],
    auth="bearer",
    body=AwardRequestBody,
    status=201,
    ok=Reply("Issued", model=AwardResponse),
    also={200: Reply("Nothing new: every credential existed", model=AwardResponse)},
    errors=(400, 401, 404, 413, 415, 422),
)
@bp.post("/awards")
@require_token
def award() -> Response:
    """Issue one credential per demonstrated statement, and per complete level (201)."""
    body = parse_body(AwardRequestBody)
    now = datetime.now(UTC)
    if body.valid_until is not None and body.valid_until.tzinfo is None:
        raise InvalidInput("validUntil needs a time zone, e.g. 2030-01-01T00:00:00Z")
    svc = services()
    result = svc.awards.award(
        AwardRequest(
            framework=body.framework,
            recipient=Recipient(
                email=body.recipient.email, did=body.recipient.did, name=body.recipient.name
            ),
            statements=tuple(body.statements),
            levels=tuple(body.levels) + ((body.level,) if body.level else ()),
            evidence=tuple(
                Evidence(id=e.id, name=e.name, narrative=e.narrative) for e in body.evidence
            ),
            narrative=body.narrative,
            valid_until=body.valid_until,
            cryptosuite=body.cryptosuite,
        ),
        now=now,
        actor=current_actor(),
    )
    if body.notify and body.recipient.email and result.wallet_id:
        svc.mail.notify_award(
            email=body.recipient.email,
            wallet_id=result.wallet_id,
            achievements=[c.achievement.name for c in result.credentials],
            learner_name=body.recipient.name,
            now=now,
        )
    base = svc.settings.base_url
    response = AwardResponse(
        framework=result.framework.id,
        credentials=[
            AwardedCredentialBody(
                id=c.stored.id,
                url=c.stored.url,
                achievement=c.achievement.id,
                name=c.achievement.name,
                kind=c.kind,  # type: ignore[arg-type]
                existing=c.existing,
                verifiableCredential=json.loads(c.stored.document),
            )
            for c in result.credentials
        ],
        wallet=f"{base}/wallet/{result.wallet_id}" if result.wallet_id else None,
    )
    issued_any = any(not c.existing for c in result.credentials)
    out = jsonify(response.model_dump(by_alias=True))
    out.status_code = 201 if issued_any else 200
    return out


@operation(
    "The audit log, newest first",
    tags=["Issuing"],
    auth="bearer",
    query=AuditQuery,
    errors=(400, 401),
)
@bp.get("/audit")
@require_token
def audit() -> Response:
    """The audit log, newest first (`?limit=`, `?before=` id, `?action=`)."""
    query = parse_query(AuditQuery)
    events = services().audit.recent(limit=query.limit, before_id=query.before, action=query.action)
    return jsonify(
        {
            "events": [
                {
                    "id": e.id,
                    "at": e.at.isoformat().replace("+00:00", "Z"),
                    "actor": e.actor,
                    "action": e.action,
                    "subject": e.subject,
                    "detail": e.detail,
                }
                for e in events
            ]
        }
    )
