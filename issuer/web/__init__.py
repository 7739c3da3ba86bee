"""The Flask application: `create_app()` is the composition root for HTTP."""

import os
from datetime import UTC, datetime

from flask import Flask

from issuer.services.keys import ensure_key
from issuer.services.warmup import warm_up
from issuer.settings import Settings
from issuer.store.sessions import SessionStore
from issuer.web.json_provider import OrjsonProvider
from issuer.wiring import Services, build_services

EXTENSION_KEY = "issuer"


def create_app(settings: Settings | None = None) -> Flask:
    """Return the app configured by `settings` (default: from the environment)."""
    settings = settings or Settings.from_env(os.environ)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    app.json = OrjsonProvider(app)
    services = build_services(settings)
    ensure_key(services.keys, services.uow, now=datetime.now(UTC), actor="service start")
    warm_up(services.verifier, now=datetime.now(UTC))  # (once per process)
    app.extensions[EXTENSION_KEY] = services
    app.jinja_env.globals["branding"] = services.branding  # base.html header and footer

    from issuer.web import (
        api,
        awards,
        batches,
        console,
        console_records,
        did,
        frameworks,
        mail,
        offers,
        oid4vci,
        openapi,
        pages,
        problems,
        requests,
        security,
        session,
        verify_page,
        wallet,
        when,
    )

    problems.init_app(app)
    when.init_app(app)
    requests.init_app(app)
    security.init_app(app, base_url=settings.base_url)
    session.init_app(
        app,
        keys_dir=settings.keys_dir,
        secure=settings.base_url.startswith("https://"),
        store=SessionStore(services.engine),
    )
    for blueprint in (frameworks.bp, pages.bp, did.bp, api.bp, awards.bp, openapi.bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(offers.bp)
    app.register_blueprint(console_records.bp)
    app.register_blueprint(oid4vci.bp)
    for blueprint in (wallet.bp, verify_page.bp, console.bp, batches.bp, mail.bp):
        app.register_blueprint(blueprint)
    return app


def services() -> Services:
    """Return the services of the app handling the current request."""
    from flask import current_app

    return current_app.extensions[EXTENSION_KEY]  # type: ignore[no-any-return]
