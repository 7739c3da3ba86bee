"""OpenAPI 3.1 document, generated from the pydantic request/response models, and /docs."""

import re
from typing import Any

from flask import Blueprint, Response, jsonify, render_template
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from issuer import __version__
from issuer.model import api
from issuer.web import services

bp = Blueprint("openapi", __name__)

_PROBLEM = {"$ref": "#/components/schemas/Problem"}
_BEARER = [{"bearerAuth": []}]


class Operation(BaseModel):
    """One documented operation."""

    method: str
    path: str
    summary: str
    description: str = ""
    request: str | None = None
    query: str | None = None
    response: str | None = None
    auth: bool = False
    success: int = 200
    errors: tuple[int, ...] = ()
    response_media: str = "application/json"


OPERATIONS = [
    Operation(
        method="post",
        path="/credentials/issue",
        summary="Issue a credential (VC API)",
        description="Signs the caller's unsigned VC 2.0 or 1.1 credential as this "
        "service's issuer. `options.cryptosuite` picks eddsa-jcs-2022 over the default "
        "eddsa-rdfc-2022; `options.credentialStatus` adds a Bitstring Status List entry.",
        request="IssueCredentialRequest",
        auth=True,
        success=201,
        errors=(400, 401, 409, 413, 415, 422),
    ),
    Operation(
        method="post",
        path="/credentials/verify",
        summary="Verify a credential (VC API)",
        description="200 with `verified` and the named checks, whatever the verdict.",
        request="VerifyCredentialRequest",
        errors=(400, 413, 415, 422),
    ),
    Operation(
        method="post",
        path="/presentations/verify",
        summary="Verify a presentation (VC API)",
        request="VerifyPresentationRequest",
        errors=(400, 413, 415, 422),
    ),
    Operation(
        method="post",
        path="/credentials/status",
        summary="Revoke, suspend or unsuspend a credential (VC API)",
        request="UpdateStatusRequest",
        auth=True,
        errors=(400, 401, 404, 409, 422),
    ),
    Operation(
        method="get",
        path="/credentials/{id}",
        summary="A credential exactly as signed (by uuid or URL-encoded id)",
        errors=(404,),
        response_media="application/vc+ld+json",
    ),
    Operation(
        method="get",
        path="/status-lists/{id}",
        summary="A signed BitstringStatusListCredential",
        errors=(404,),
        response_media="application/vc+ld+json",
    ),
    Operation(
        method="get",
        path="/credentials/{id}/badge.png",
        summary="The credential baked into its PNG badge (OB 3.0 Baking, iTXt chunk)",
        errors=(404,),
        response_media="image/png",
    ),
    Operation(
        method="get",
        path="/credentials/{id}/badge.svg",
        summary="The credential baked into its SVG badge (openbadges:credential element)",
        errors=(404,),
        response_media="image/svg+xml",
    ),
    Operation(
        method="get",
        path="/credentials/{id}/qr.svg",
        summary="A QR code opening the credential's verification page",
        errors=(404,),
        response_media="image/svg+xml",
    ),
    Operation(
        method="get",
        path="/wallet/{wallet}/presentation.json",
        summary="A learner's credentials in one unsigned VerifiablePresentation",
        description="The wallet id is the private link given at issue.",
        errors=(404,),
        response_media="application/vp+ld+json",
    ),
    Operation(
        method="get",
        path="/wallet/{wallet}/clr/{framework}.json",
        summary="A signed CLR 2.0 ClrCredential of a learner's credentials from one framework",
        errors=(404,),
        response_media="application/vc+ld+json",
    ),
    Operation(
        method="post",
        path="/awards",
        summary="Award demonstrated statements or a level",
        description="One credential per statement, plus the level credential when every "
        "statement of a level is demonstrated. Already-awarded achievements are returned "
        "with `existing: true` and not issued twice.",
        request="AwardRequestBody",
        response="AwardResponse",
        auth=True,
        success=201,
        errors=(401, 413, 415, 422),
    ),
    Operation(
        method="post",
        path="/batches",
        summary="Issue to a cohort from a roster (202; progress at Location)",
        description="A CSV roster (multipart field `roster`, or a `text/csv` body with "
        "`?replace=`/`?dryRun=`), or JSON rows. Every row is checked first: any bad row is a "
        "422 listing every problem by row (`errors`), and nothing is issued. The same roster "
        "again issues nothing twice and resumes an unfinished batch. `dryRun` only reports "
        "(200). `replace` revokes and reissues credentials already issued (default: skip).",
        request="BatchRequestBody",
        response="BatchStatusBody",
        auth=True,
        success=202,
        errors=(400, 401, 413, 415, 422),
    ),
    Operation(
        method="get",
        path="/batches",
        summary="The newest batches, newest first",
        query="BatchListQuery",
        auth=True,
        errors=(400, 401),
    ),
    Operation(
        method="get",
        path="/batches/{id}",
        summary="A batch's progress: issued, skipped, failed, status and errors by row",
        response="BatchStatusBody",
        auth=True,
        errors=(401, 404),
    ),
    Operation(
        method="get",
        path="/batches/{id}/summary.csv",
        summary="Each roster row's credentials and the learner's wallet link (CSV)",
        auth=True,
        errors=(401, 404, 409),
        response_media="text/csv",
    ),
    Operation(
        method="get",
        path="/batches/{id}/wallets.zip",
        summary="A folder of wallet files per learner (zip; `?clr=false` leaves out CLRs)",
        auth=True,
        errors=(401, 404, 409),
        response_media="application/zip",
    ),
    Operation(
        method="get",
        path="/batches/template.csv",
        summary="A roster template (CSV)",
        response_media="text/csv",
    ),
    Operation(method="get", path="/frameworks", summary="Imported skills frameworks"),
    Operation(
        method="get",
        path="/frameworks/{id}",
        summary="A framework with all its achievements",
        errors=(404,),
    ),
    Operation(
        method="get",
        path="/frameworks/{id}/levels/{level}",
        summary="A level's Achievement",
        errors=(404,),
    ),
    Operation(
        method="get",
        path="/frameworks/{id}/statements/{statement}",
        summary="A statement's Achievement",
        errors=(404,),
    ),
    Operation(
        method="get",
        path="/audit",
        summary="The audit log, newest first",
        query="AuditQuery",
        auth=True,
        errors=(400, 401),
    ),
]

MODELS = [
    api.IssueCredentialRequest,
    api.VerifyCredentialRequest,
    api.VerifyPresentationRequest,
    api.UpdateStatusRequest,
    api.AwardRequestBody,
    api.AwardResponse,
    api.BatchRequestBody,
    api.BatchStatusBody,
]


def query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """Return the OpenAPI query parameters of a query-string model (one per field)."""
    schema = model.model_json_schema(by_alias=True)
    parameters = []
    for name, field in schema["properties"].items():
        description = field.pop("description", "")
        field.pop("title", None)
        # an optional parameter is left out, never sent as null
        branches = [b for b in field.pop("anyOf", []) if b.get("type") != "null"]
        if branches:
            field.update(branches[0])
            if field.get("default") is None:
                field.pop("default", None)
        required = name in schema.get("required", [])
        parameters.append(
            {"name": name, "in": "query", "required": required, "description": description}
            | {"schema": field}
        )
    return parameters


def build_openapi(base_url: str) -> dict[str, Any]:
    """Return the OpenAPI 3.1 document for this service."""
    _, schemas = models_json_schema(
        [(model, "validation") for model in MODELS],
        ref_template="#/components/schemas/{model}",
    )
    components = schemas.get("$defs", {})
    components["Problem"] = {
        "type": "object",
        "description": "RFC 9457 problem details",
        "properties": {k: {"type": "string"} for k in ("type", "title", "detail", "instance")}
        | {"status": {"type": "integer"}},
    }
    paths: dict[str, Any] = {}
    for op in OPERATIONS:
        operation: dict[str, Any] = {"summary": op.summary, "description": op.description}
        parameters = re.findall(r"\{([^}]+)\}", op.path)
        if parameters:
            operation["parameters"] = [
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                for name in parameters
            ]
        if op.query:
            operation["parameters"] = query_parameters(getattr(api, op.query))
        if op.request:
            operation["requestBody"] = {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{op.request}"}}
                },
            }
        success_schema = (
            {"$ref": f"#/components/schemas/{op.response}"} if op.response else {"type": "object"}
        )
        operation["responses"] = {
            str(op.success): {
                "description": "Success",
                "content": {op.response_media: {"schema": success_schema}},
            },
            **{
                str(code): {
                    "description": "Problem",
                    "content": {"application/problem+json": {"schema": _PROBLEM}},
                }
                for code in op.errors
            },
        }
        if op.auth:
            operation["security"] = _BEARER
        paths.setdefault(op.path, {})[op.method] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "LER Issuer",
            "version": __version__,
            "description": "Issue and verify Open Badges 3.0 credentials (W3C VC API).",
        },
        "servers": [{"url": base_url}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }


@bp.get("/openapi.json")
def openapi_json() -> Response:
    """The OpenAPI 3.1 document."""
    return jsonify(build_openapi(services().settings.base_url))


@bp.get("/docs")
def docs() -> str:
    """Human-readable API documentation (no JavaScript needed)."""
    spec = build_openapi(services().settings.base_url)
    return render_template("docs.html", spec=spec, operations=OPERATIONS)
