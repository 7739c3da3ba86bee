"""The OpenAPI 3.1 document, generated from the routes themselves, and /docs.

Every view declares its metadata with `@operation(...)` (`issuer.web.apidoc`); this module
walks `app.url_map`, turns each rule into a path (`<path:x>`, `<x>` -> `{x}`) and each
method into an operation, and takes the request and response schemas from the pydantic
models (`components/schemas`). A route without metadata is left out of the document, and
`tests/web/test_openapi.py` fails on it unless it is listed in `EXCLUDED`.
"""

import re
from http import HTTPStatus
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from werkzeug.routing import Rule

from issuer import __version__
from issuer.web import services
from issuer.web.apidoc import HTML, Operation, Reply, operation, operation_of, page
from issuer.web.markdown import markdown, markdown_inline

bp = Blueprint("openapi", __name__)

EXCLUDED: dict[str, str] = {
    "static": "the pages' own stylesheet and images, served by Flask: files, not operations",
}
"""Endpoints deliberately left out of the document, each with the reason."""

IGNORED_METHODS = frozenset({"HEAD", "OPTIONS"})
"""Methods Flask adds to every route by itself."""

_PROBLEM = {"$ref": "#/components/schemas/Problem"}
_SECURITY: dict[str, list[dict[str, list[str]]] | None] = {
    "bearer": [{"bearerAuth": []}],
    "session": [{"consoleSession": []}],
    "public": None,
}
_PARAMETER = re.compile(r"<(?:(?P<converter>[a-zA-Z_]+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


def openapi_path(rule: str) -> str:
    """Return a Flask rule as an OpenAPI path: `/a/<path:x>/<y>.json` -> `/a/{x}/{y}.json`."""
    return _PARAMETER.sub(lambda m: "{" + m["name"] + "}", rule)


def _path_parameters(rule: str) -> list[dict[str, Any]]:
    parameters = []
    for match in _PARAMETER.finditer(rule):
        converter = match["converter"] or "string"
        schema: dict[str, Any] = {"type": "integer" if converter == "int" else "string"}
        parameter = {"name": match["name"], "in": "path", "required": True, "schema": schema}
        if converter == "path":
            parameter["description"] = "May hold `/` (URL-encode it)"
        parameters.append(parameter)
    return parameters


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


def routes(app: Flask) -> list[tuple[Rule, str, Operation | None]]:
    """Return every (rule, method, its metadata or None) of the app but `EXCLUDED`, by path."""
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint in EXCLUDED:
            continue
        metadata = operation_of(app.view_functions[rule.endpoint])
        for method in sorted((rule.methods or set()) - IGNORED_METHODS):
            found.append((rule, method, metadata))
    return found


def _is_json(media: str) -> bool:
    return media == "application/json" or media.endswith("+json")


def _models(documented: list[tuple[Rule, str, Operation]]) -> list[type[BaseModel]]:
    models: set[type[BaseModel]] = set()
    for _, _, op in documented:
        models.update(model for model in op.body.values() if model is not None)
        models.update(reply.model for reply in op.responses.values() if reply.model)
    return sorted(models, key=lambda model: (model.__name__, model.__module__))


def _operation(
    rule: Rule, method: str, op: Operation, refs: dict[type[BaseModel], dict[str, str]]
) -> dict[str, Any]:
    def schema(model: type[BaseModel] | None, media: str) -> dict[str, Any]:
        if model is not None:
            return refs[model]
        if _is_json(media):
            return {"type": "object"}
        if media.startswith("text/"):
            return {"type": "string"}
        return {"type": "string", "contentMediaType": media}

    def response(reply: Reply) -> dict[str, Any]:
        out: dict[str, Any] = {"description": reply.description}
        if reply.media:
            out["content"] = {reply.media: {"schema": schema(reply.model, reply.media)}}
        return out

    problem_content: dict[str, Any] = {"application/problem+json": {"schema": _PROBLEM}}
    if any(reply.media == HTML for reply in op.responses.values()):
        problem_content[HTML] = {"schema": {"type": "string"}}
    methods = (rule.methods or set()) - IGNORED_METHODS
    operation: dict[str, Any] = {
        "operationId": rule.endpoint + (f"_{method.lower()}" if len(methods) > 1 else ""),
        "summary": op.summary,
    }
    if op.description:
        operation["description"] = op.description
    if op.tags:
        operation["tags"] = list(op.tags)
    parameters = _path_parameters(rule.rule) + (query_parameters(op.query) if op.query else [])
    if parameters:
        operation["parameters"] = parameters
    if op.body:
        operation["requestBody"] = {
            "required": True,
            "content": {
                media: {"schema": schema(model, media)} for media, model in op.body.items()
            },
        }
    operation["responses"] = {str(code): response(reply) for code, reply in op.responses.items()}
    for code in op.errors:
        operation["responses"][str(code)] = {
            "description": HTTPStatus(code).phrase,
            "content": problem_content,
        }
    security = _SECURITY[op.auth]
    if security:
        operation["security"] = security
    return operation


def build_openapi(app: Flask, base_url: str) -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of every documented route of `app`."""
    documented = [(rule, method, op) for rule, method, op in routes(app) if op is not None]
    models = _models(documented)
    ref_of, schemas = models_json_schema(
        [(model, "validation") for model in models],
        ref_template="#/components/schemas/{model}",
    )
    refs = {model: ref_of[(model, "validation")] for model in models}
    components: dict[str, Any] = dict(schemas.get("$defs", {}))
    components["Problem"] = {
        "type": "object",
        "description": "RFC 9457 problem details",
        "properties": {k: {"type": "string"} for k in ("type", "title", "detail", "instance")}
        | {"status": {"type": "integer"}},
    }
    paths: dict[str, Any] = {}
    tags: list[str] = []
    for rule, method, op in documented:
        paths.setdefault(openapi_path(rule.rule), {})[method.lower()] = _operation(
            rule, method, op, refs
        )
        tags += [tag for tag in op.tags if tag not in tags]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "LER Issuer",
            "version": __version__,
            "description": "Issue and verify Open Badges 3.0 credentials (W3C VC API), "
            "and the pages for people that go with them.",
        },
        "servers": [{"url": base_url}],
        "tags": [{"name": tag} for tag in tags],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "consoleSession": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "ler_session",
                    "description": "The issuer console's session (sign in at /issue)",
                },
            },
        },
    }


def _auth_label(security: list[dict[str, Any]]) -> str | None:
    if {"consoleSession": []} in security:
        return "signed in"
    return "token" if security else None


def _docs_view(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the operations as /docs lists them."""
    listed = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            codes = [int(code) for code in op["responses"]]
            problems = {
                int(code)
                for code, reply in op["responses"].items()
                if "application/problem+json" in reply.get("content", {})
            }
            content = op.get("requestBody", {}).get("content", {})
            refs = [m["schema"]["$ref"] for m in content.values() if "$ref" in m["schema"]]
            listed.append(
                {
                    "method": method,
                    "path": path,
                    "auth": _auth_label(op.get("security", [])),
                    "summary": op["summary"],
                    "description": op.get("description", ""),
                    "success": ", ".join(str(c) for c in codes if c not in problems),
                    "errors": sorted(problems),
                    "media": ", ".join(content),
                    "request": refs[0].rsplit("/", 1)[-1] if refs else None,
                }
            )
    return listed


@operation(
    "This OpenAPI 3.1 document",
    tags=["Documentation"],
    ok=Reply("The OpenAPI document"),
)
@bp.get("/openapi.json")
def openapi_json() -> Response:
    """The OpenAPI 3.1 document."""
    return jsonify(build_openapi(current_app, services().settings.base_url))


bp.add_app_template_filter(markdown, "markdown")
bp.add_app_template_filter(markdown_inline, "markdown_inline")


@operation("The API documentation (HTML)", tags=["Documentation"], ok=page())
@bp.get("/docs")
def docs() -> str:
    """Human-readable API documentation (no JavaScript needed)."""
    spec = build_openapi(current_app, services().settings.base_url)
    return render_template("docs.html", spec=spec, operations=_docs_view(spec))
