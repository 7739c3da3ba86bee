"""Pages for people (server-rendered HTML)."""

from flask import Blueprint, Response, render_template

from issuer.errors import NotFound
from issuer.frameworks.mapping import FrameworkUrls, framework_name
from issuer.model.branding import LOGO_PATH
from issuer.web import services
from issuer.web.apidoc import Reply, operation, page

bp = Blueprint("pages", __name__)


@operation("The home page", tags=["Pages"], ok=page())
@bp.get("/")
def home() -> str:
    """The home page: what the service is and which frameworks it knows."""
    base_url = services().settings.base_url
    frameworks = [
        {"name": framework_name(f), "url": FrameworkUrls(base_url, f.id).framework, "framework": f}
        for f in services().frameworks.list()
    ]
    return render_template(
        "home.html", frameworks=frameworks, issuer_name=services().settings.issuer_name
    )


@operation(
    "The issuer's logo (the issuer Profile's image)",
    description="The `ISSUER_LOGO` file, PNG or JPEG; 404 when none is set.",
    tags=["Pages"],
    ok=Reply("The logo", "image/png"),
    errors=(404,),
)
@bp.get(LOGO_PATH)
def logo() -> Response:
    """The issuer's logo, as set by `ISSUER_LOGO`."""
    branding = services().branding
    if branding.logo is None or branding.logo_type is None:
        raise NotFound("this issuer has no logo (ISSUER_LOGO is not set)")
    response = Response(branding.logo, mimetype=branding.logo_type)
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
