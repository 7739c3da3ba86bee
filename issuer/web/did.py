"""The issuer's DID document at /.well-known/did.json, when the issuer is a did:web.

Only public keys are ever served: the document lists every key (retired ones
too, so older credentials verify) as Multikey verification methods.
"""

import json
from urllib.parse import urlsplit

from flask import Blueprint, Response

from issuer.errors import NotFound
from issuer.web import services
from issuer.web.apidoc import Reply, operation

bp = Blueprint("did", __name__)

DID_MEDIA_TYPE = "application/did+ld+json"


def _document() -> Response:
    svc = services()
    if svc.settings.did_method != "web":
        raise NotFound("this issuer is identified by a did:key; it publishes no did:web document")
    body = json.dumps(svc.identity.did_document(), indent=2)
    response = Response(body, mimetype=DID_MEDIA_TYPE)
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@operation(
    "The issuer's did:web document (base URL without a path)",
    tags=["Issuer"],
    ok=Reply("The DID document", DID_MEDIA_TYPE),
    errors=(404,),
)
@bp.get("/.well-known/did.json")
def well_known_did() -> Response:
    """The did:web document for a base URL without a path."""
    return _document()


@operation(
    "The issuer's did:web document (base URL with a path)",
    tags=["Issuer"],
    ok=Reply("The DID document", DID_MEDIA_TYPE),
    errors=(404,),
)
@bp.get("/did.json")
def path_did() -> Response:
    """The did:web document when the base URL has a path (did:web:host:path resolves here)."""
    if not urlsplit(services().settings.base_url).path.strip("/"):
        raise NotFound("the DID document is at /.well-known/did.json")
    return _document()
