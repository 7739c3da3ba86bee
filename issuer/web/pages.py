"""Pages for people (server-rendered HTML)."""

from flask import Blueprint, render_template

from issuer.frameworks.mapping import FrameworkUrls, framework_name
from issuer.web import services
from issuer.web.apidoc import operation, page

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
