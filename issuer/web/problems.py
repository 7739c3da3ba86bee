"""Errors as RFC 9457 problem details (`application/problem+json`), never a stack trace."""

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from issuer import errors

PROBLEM_BASE = "urn:ler-issuer:problem:"

STATUS_BY_ERROR: list[tuple[type[errors.IssuerError], int]] = [
    (errors.MalformedJson, 400),
    (errors.NotFound, 404),
    (errors.Conflict, 409),
    (errors.InvalidInput, 422),
    (errors.KeyUnavailable, 500),
    (errors.IssuerError, 500),
]

INTERNAL_DETAIL = "Something went wrong on our side."

log = logging.getLogger(__name__)


def problem(status: int, title: str, detail: str, code: str, **extra: Any) -> Response:
    """Return a problem-details response."""
    body = {
        "type": PROBLEM_BASE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
        **extra,
    }
    if _wants_html():
        html = render_template("error.html", problem=body)
        return Response(html, status=status, mimetype="text/html")
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _wants_html() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "text/html"
        and request.accept_mimetypes[best] > request.accept_mimetypes["application/json"]
    )


def _issuer_error(err: errors.IssuerError) -> Response:
    status = next(code for cls, code in STATUS_BY_ERROR if isinstance(err, cls))
    if status >= 500:
        log.error("%s: %s", type(err).__name__, err)
    return problem(status, err.title, str(err), err.code)


def _validation_error(err: ValidationError) -> Response:
    details = [
        {"loc": list(e["loc"]), "msg": _plain(e["msg"]), "type": e["type"]}
        for e in err.errors(include_url=False)
    ]
    detail = _plain(err.errors()[0]["msg"])
    return problem(422, "Invalid request body", detail, "invalid-input", errors=details)


def _plain(message: str) -> str:
    """A validator's own sentence, without pydantic's "Value error, " prefix."""
    return message.removeprefix("Value error, ")


def _http_error(err: HTTPException) -> Response:
    code = (err.name or "error").lower().replace(" ", "-")
    errors = getattr(err, "errors", None)
    extra = {"errors": errors} if isinstance(errors, list) else {}
    response = problem(err.code or 500, err.name, err.description or err.name, code, **extra)
    own = err.get_response().headers  # (rendered once: it writes werkzeug's HTML page)
    for header in ("Allow", "WWW-Authenticate", "Retry-After"):
        if header in own:
            response.headers[header] = own[header]
    return response


def _unexpected(err: Exception) -> Response:
    """A bug: logged with its traceback, answered with a generic 500 that reveals nothing."""
    log.exception("unhandled error")
    try:
        return problem(500, "Internal error", INTERNAL_DETAIL, "internal-error")
    except Exception:  # even the error page failed: answer a fixed body, never a traceback
        log.exception("the error response failed too")
        return Response(
            '{"type": "urn:ler-issuer:problem:internal-error", "title": "Internal error", '
            f'"status": 500, "detail": "{INTERNAL_DETAIL}"}}',
            status=500,
            mimetype="application/problem+json",
        )


def init_app(app: Flask) -> None:
    """Register the app-level error handlers (app-level, so routing 404/405 are covered too)."""
    app.register_error_handler(errors.IssuerError, _issuer_error)
    app.register_error_handler(ValidationError, _validation_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
