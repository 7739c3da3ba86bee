"""OpenID4VCI 1.0 (pre-authorized code, `ldp_vc`): metadata, offers by reference, token,
nonce and credential endpoints.

    GET  /.well-known/openid-credential-issuer    credential issuer metadata
    GET  /.well-known/oauth-authorization-server  authorization server metadata
    GET  /oid4vci/offers/{code}                   a credential offer (credential_offer_uri)
    POST /oid4vci/token                           form: grant_type, pre-authorized_code, tx_code
    POST /oid4vci/nonce                           {"c_nonce"} (no-store)
    POST /oid4vci/credential                      Bearer; {credential_configuration_id, proofs}

Refusals are OAuth error objects `{"error", "error_description"}`: 400, or 401 with
`WWW-Authenticate: Bearer` for a missing or bad access token (RFC 6749 §5.2, RFC 6750 §3).
"""

import json
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, request
from pydantic import BaseModel, ConfigDict, Field

from issuer.errors import MalformedJson
from issuer.services.oid4vci import OAuthError
from issuer.services.oid4vci_metadata import (
    authorization_server_metadata,
    credential_issuer_metadata,
)
from issuer.web import services
from issuer.web.apidoc import FORM, JSON, Reply, operation
from issuer.web.bounded_json import loads
from issuer.web.offers import wallet_json

bp = Blueprint("oid4vci", __name__)

TAGS = ["OpenID4VCI"]


class TokenForm(BaseModel):
    """The token request (form-encoded); other parameters are ignored."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    grant_type: str = Field(description="urn:ietf:params:oauth:grant-type:pre-authorized_code")
    pre_authorized_code: str = Field(alias="pre-authorized_code")
    tx_code: str | None = Field(None, description="The transaction code, if the offer has one")


class CredentialRequest(BaseModel):
    """The credential request: the configuration and one proof of the holder's key."""

    model_config = ConfigDict(extra="allow")

    credential_configuration_id: str | None = Field(None, description="OpenBadgeCredential_ldp_vc")
    proofs: dict[str, Any] | None = Field(
        None, description='{"jwt": [compact JWS]} or {"di_vp": [signed presentation]}'
    )


def _now() -> datetime:
    return datetime.now(UTC)


def oauth_json(body: dict[str, Any], status: int = 200) -> Response:
    """Return `body` as JSON, never cached."""
    response = Response(json.dumps(body), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(OAuthError)
def _oauth_error(err: OAuthError) -> Response:
    status = 401 if err.unauthorized else 400
    response = oauth_json({"error": err.error, "error_description": err.description}, status)
    if err.unauthorized:
        response.headers["WWW-Authenticate"] = f'Bearer error="{err.error}"'
    return response


@operation(
    "OpenID4VCI credential issuer metadata",
    description="One configuration: `OpenBadgeCredential_ldp_vc` (eddsa-rdfc-2022 credentials "
    "bound to the holder's did:key; proofs `jwt` EdDSA or `di_vp`).",
    tags=TAGS,
    ok=Reply("Credential issuer metadata (OpenID4VCI 1.0 §12.2)"),
)
@bp.get("/.well-known/openid-credential-issuer")
def issuer_metadata() -> Response:
    """Answer the credential issuer metadata."""
    svc = services()
    body = credential_issuer_metadata(svc.oid4vci.credential_issuer, name=svc.settings.issuer_name)
    return Response(json.dumps(body), mimetype=JSON)


@operation(
    "OAuth authorization server metadata (pre-authorized code grant)",
    tags=TAGS,
    ok=Reply("Authorization server metadata (RFC 8414)"),
)
@bp.get("/.well-known/oauth-authorization-server")
def as_metadata() -> Response:
    """Answer the authorization server metadata."""
    body = authorization_server_metadata(services().oid4vci.credential_issuer)
    return Response(json.dumps(body), mimetype=JSON)


@operation(
    "A credential offer, by reference (`credential_offer_uri`)",
    description="The offer object of an open, unused pre-authorized code.",
    tags=TAGS,
    ok=Reply("{credential_issuer, credential_configuration_ids, grants}"),
    errors=(404,),
)
@bp.get("/oid4vci/offers/<code>")
def offer_by_reference(code: str) -> Response:
    """Answer the credential offer of `code`."""
    return oauth_json(services().oid4vci.offer_by_reference(code, now=_now()))


@operation(
    "Token endpoint: a pre-authorized code for an access token",
    description="Form-encoded. A code is good once; a wrong, used or expired code or "
    "transaction code is `invalid_grant` (400, OAuth error JSON).",
    tags=TAGS,
    body={FORM: TokenForm},
    ok=Reply("{access_token, token_type: Bearer, expires_in}"),
    also={400: Reply("OAuth error {error, error_description}")},
    errors=(413,),
)
@bp.post("/oid4vci/token")
def token() -> Response:
    """Exchange a pre-authorized code."""
    if request.mimetype != FORM:
        raise OAuthError("invalid_request", f"send the token request as {FORM}")
    form = {key: request.form.get(key, "") for key in request.form}
    return oauth_json(services().oid4vci.token(form, now=_now()))


@operation(
    "Nonce endpoint: a fresh c_nonce for a proof",
    tags=TAGS,
    ok=Reply("{c_nonce} (Cache-Control: no-store)"),
)
@bp.post("/oid4vci/nonce")
def nonce() -> Response:
    """Hand out a nonce."""
    return oauth_json(services().oid4vci.nonce(now=_now()))


@operation(
    "Credential endpoint: the holder-bound credential(s) of the offer",
    description="Bearer access token from the token endpoint; one `jwt` proof (header `kid` "
    "a did:key URL or `jwk`; `aud` the credential issuer; `nonce` a c_nonce) or one `di_vp` "
    "presentation (domain the credential issuer, challenge a c_nonce). Answers "
    '`{"credentials": [{"credential": VC}]}` with credentialSubject.id = the holder.',
    tags=TAGS,
    auth="bearer",
    body=CredentialRequest,
    ok=Reply('{"credentials": [{"credential": VC}]}'),
    also={
        400: Reply("OAuth error (invalid_proof, invalid_nonce, credential_request_denied...)"),
        401: Reply("OAuth error invalid_token"),
    },
    errors=(413,),
)
@bp.post("/oid4vci/credential")
def credential() -> Response:
    """Deliver the offer's holder-bound credential(s)."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    access_token = value.strip() if scheme.lower() in ("bearer", "dpop") else None
    if not request.is_json:
        body: Any = None
    else:
        try:
            body = loads(request.get_data(cache=True))
        except MalformedJson as err:
            raise OAuthError("invalid_credential_request", str(err)) from None
    result = services().oid4vci.credential(access_token, body, now=_now())
    return wallet_json(result)
