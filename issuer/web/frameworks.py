"""Frameworks and their achievements over HTTP (public, read-only).

Framework, level and statement URLs answer JSON to JSON clients and a page to browsers
(content negotiation on `Accept`, `Vary: Accept`): `Accept: text/html` preferred over JSON
gets the page; `*/*`, no `Accept`, or JSON first gets JSON. `/issuer` does the same for the
issuer: its Profile, or a page listing what it issues.
"""

from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request

from issuer.frameworks.mapping import FrameworkUrls, framework_name, map_creator
from issuer.frameworks.structure import Framework
from issuer.model.base import OB_V3_CONTEXT, VC_V2_CONTEXT
from issuer.web import services
from issuer.web.apidoc import operation

bp = Blueprint("frameworks", __name__)

LD_CONTEXT = [VC_V2_CONTEXT, OB_V3_CONTEXT]
NEGOTIATED = (
    "JSON for JSON clients; a page for people when `Accept` prefers `text/html` (`Vary: Accept`)."
)


JSON_TYPES = ("application/json", "application/ld+json")


def wants_html() -> bool:
    """Whether the client prefers HTML to JSON (a browser), by its `Accept` header."""
    best = request.accept_mimetypes.best_match([*JSON_TYPES, "text/html"])
    return best == "text/html"


def _negotiated(response: Response) -> Response:
    response.vary.add("Accept")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _page(template: str, **context: Any) -> Response:
    return _negotiated(Response(render_template(template, **context), mimetype="text/html"))


def _ld(document: dict[str, Any]) -> Response:
    return _negotiated(jsonify({"@context": LD_CONTEXT, **document}))


def summarize(framework: Framework) -> dict[str, Any]:
    """Return the short description of a framework used in listings."""
    urls = FrameworkUrls(services().settings.base_url, framework.id)
    occupation = framework.export.occupation
    return {
        "id": framework.id,
        "url": urls.framework,
        "name": framework_name(framework),
        "occupation": {"soc": occupation.soc, "title": occupation.title},
        "version": framework.version,
        "levels": [
            {
                "key": lv.key,
                "label": lv.label,
                "statements": len(lv.statements),
                "achievement": urls.level(lv.key),
            }
            for lv in framework.levels
        ],
    }


@operation("Imported skills frameworks, in short", tags=["Frameworks"])
@bp.get("/frameworks")
def list_frameworks() -> Response:
    """Every imported framework, in short."""
    frameworks = services().frameworks.list()
    return jsonify({"frameworks": [summarize(f) for f in frameworks]})


@operation(
    "A framework with all its achievements",
    description=NEGOTIATED,
    tags=["Frameworks"],
    errors=(404,),
)
@bp.get("/frameworks/<framework_id>")
def get_framework(framework_id: str) -> Response:
    """One framework with its levels, statements and all their achievements."""
    catalog = services().frameworks
    framework = catalog.get(framework_id)
    achievements = catalog.achievements(framework.id)
    export = framework.export
    body = {
        **summarize(framework),
        "occupation": export.occupation.model_dump(by_alias=True, exclude_none=True),
        "description": export.framework.description,
        "contextCovered": export.framework.context_covered,
        "sources": export.sources,
        "attribution": export.attribution,
        "exportedAt": export.exported_at,
        "schemaVersion": export.schema_version,
        "levels": [
            {
                "key": lv.key,
                "label": lv.label,
                "rank": lv.rank,
                "achievement": achievements.levels[lv.key].to_ld(),
                "statements": [
                    {
                        "key": s.key,
                        "topic": s.topic,
                        "text": s.text,
                        "achievement": achievements.statements[s.key].to_ld(),
                    }
                    for s in lv.statements
                ],
            }
            for lv in framework.levels
        ],
    }
    if wants_html():
        return _page("framework.html", framework=body)
    return _negotiated(jsonify(body))


@operation("The framework export exactly as imported", tags=["Frameworks"], errors=(404,))
@bp.get("/frameworks/<framework_id>/export")
def get_export(framework_id: str) -> Response:
    """The framework export exactly as it was imported."""
    catalog = services().frameworks
    framework = catalog.get(framework_id)
    stored = services().frameworks.stored(framework.id)
    return Response(stored.source_text, mimetype="application/json")


@operation(
    "A level's Achievement",
    description=NEGOTIATED,
    tags=["Frameworks"],
    errors=(404,),
)
@bp.get("/frameworks/<framework_id>/levels/<level_key>")
def get_level_achievement(framework_id: str, level_key: str) -> Response:
    """The Achievement for a whole level."""
    achievement = services().frameworks.achievement(framework_id, level=level_key).to_ld()
    return _achievement(framework_id, achievement, "level")


@operation(
    "A statement's Achievement",
    description=NEGOTIATED,
    tags=["Frameworks"],
    errors=(404,),
)
@bp.get("/frameworks/<framework_id>/statements/<statement_key>")
def get_statement_achievement(framework_id: str, statement_key: str) -> Response:
    """The Achievement for one competency statement."""
    achievement = services().frameworks.achievement(framework_id, statement=statement_key)
    return _achievement(framework_id, achievement.to_ld(), "statement")


def _achievement(framework_id: str, achievement: dict[str, Any], kind: str) -> Response:
    if not wants_html():
        return _ld(achievement)
    framework = services().frameworks.get(framework_id)
    urls = FrameworkUrls(services().settings.base_url, framework.id)
    return _page(
        "achievement.html",
        achievement=achievement,
        kind=kind,
        framework={"name": framework_name(framework), "url": urls.framework},
    )


@operation(
    "The issuer: its Profile, or a page listing what it issues",
    description=NEGOTIATED,
    tags=["Frameworks"],
)
@bp.get("/issuer")
def get_issuer() -> Response:
    """The issuer Profile (JSON), or for browsers a page of the frameworks it issues from."""
    profile = services().issuer_profile().to_ld()
    if not wants_html():
        return _ld(profile)
    frameworks = [summarize(f) for f in services().frameworks.list()]
    return _page("issuer.html", profile=profile, frameworks=frameworks)


@operation("The Profile of the framework's creator", tags=["Frameworks"], errors=(404,))
@bp.get("/frameworks/<framework_id>/creator")
def get_creator(framework_id: str) -> Response:
    """The Profile of the framework's creator."""
    framework = services().frameworks.get(framework_id)
    return _ld(map_creator(framework, services().settings.base_url).to_ld())
