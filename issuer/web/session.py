"""The browser session of the issuer console: a signed cookie, its secret, and CSRF tokens.

The cookie is Flask's signed session: HttpOnly, SameSite=Strict, Secure when the service
is served over https. Its secret is generated once and kept in the keys folder
(`session-secret`, mode 0600), so every worker and restart shares it; it is never in the
repository. Every form that changes something carries `csrf_token()` in a hidden field and
is checked with `check_csrf()`.
"""

import hmac
import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask, request, session
from werkzeug.exceptions import BadRequest

from issuer.errors import KeyUnavailable

SECRET_FILE = "session-secret"
CSRF_FIELD = "csrf_token"


def session_secret(keys_dir: Path) -> str:
    """Return the session secret kept in `keys_dir`, creating it (mode 0600) the first time."""
    keys_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = keys_dir / SECRET_FILE
    if not path.exists():
        temporary = keys_dir / f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
        try:
            os.link(temporary, path)  # atomic: the first writer wins, others read its secret
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    if path.stat().st_mode & 0o077:
        raise KeyUnavailable(f"{path} is readable by other users; run: chmod 600 {path}")
    secret = path.read_text(encoding="ascii").strip()
    if len(secret) < 32:
        raise KeyUnavailable(f"{path} does not hold a usable secret; delete it to make a new one")
    return secret


def csrf_token() -> str:
    """Return this session's CSRF token (made on first use), for a hidden form field."""
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def check_csrf() -> None:
    """Refuse (400) a form post whose CSRF token is missing or not this session's."""
    sent = request.form.get(CSRF_FIELD, "")
    expected = session.get("csrf")
    if not isinstance(expected, str) or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise BadRequest(
            "This form has expired or did not come from this site. Go back, reload the page "
            "and try again."
        )


def init_app(app: Flask, *, keys_dir: Path, secure: bool) -> None:
    """Give the app its session secret and cookie settings, and `csrf_token` in templates."""
    app.secret_key = session_secret(keys_dir)
    app.config.update(
        SESSION_COOKIE_NAME="ler_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=secure,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
    )
    app.jinja_env.globals["csrf_token"] = csrf_token
