"""Bearer-token authorisation for issuing, status changes and the audit log."""

import hmac
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import g, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from issuer.web import services

P = ParamSpec("P")
R = TypeVar("R")


def authenticate(token: str) -> str | None:
    """Return the caller's name for `token`, or None."""
    for configured in services().settings.api_tokens:
        if hmac.compare_digest(configured.encode(), token.encode()):
            return "config-token"
    record = services().tokens.authenticate(token)
    return f"token:{record.name}" if record else None


def current_actor() -> str:
    """Return who is making the current (authorised) request."""
    return str(g.get("actor", "anonymous"))


def require_token(view: Callable[P, R]) -> Callable[P, R]:
    """Refuse the request with 401 unless it carries a valid bearer token."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        actor = authenticate(token.strip()) if scheme.lower() == "bearer" and token else None
        if actor is None:
            raise Unauthorized(
                "a valid bearer token is required (Authorization: Bearer ...)",
                www_authenticate=WWWAuthenticate("bearer", {"realm": "ler-issuer"}),
            )
        g.actor = actor
        return view(*args, **kwargs)

    return wrapper
