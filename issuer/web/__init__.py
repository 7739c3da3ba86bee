"""The Flask application: `create_app()` is the composition root for HTTP."""

import os

from flask import Flask

from issuer.settings import Settings
from issuer.wiring import Services, build_services

EXTENSION_KEY = "issuer"


def create_app(settings: Settings | None = None) -> Flask:
    """Return the app configured by `settings` (default: from the environment)."""
    settings = settings or Settings.from_env(os.environ)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions[EXTENSION_KEY] = build_services(settings)

    from issuer.web import frameworks, pages, problems

    problems.init_app(app)
    app.register_blueprint(frameworks.bp)
    app.register_blueprint(pages.bp)
    return app


def services() -> Services:
    """Return the services of the app handling the current request."""
    from flask import current_app

    return current_app.extensions[EXTENSION_KEY]  # type: ignore[no-any-return]
