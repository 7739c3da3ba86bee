"""The browser session of the issuer console: a cookie holding a random id, and CSRF tokens.

The cookie is Flask's signed session, HttpOnly, SameSite=Strict, Secure when the service is
served over https, and it holds nothing but a random session id (and, for one page view,
flashed messages). Who is signed in, with which token (by its SHA-256 only) and until when is
kept server-side (`issuer.store.sessions`): signing out deletes that row, so a copy of the
cookie stops working, and revoking the token ends its sessions.

The cookie's signing secret is generated once and kept in the keys folder (`session-secret`,
mode 0600), so every worker and restart shares it; it is never in the repository. Every form
that changes something carries `csrf_token()` (an HMAC of the session id) in a hidden field
and is checked with `check_csrf()`.
"""

import hashlib
import hmac
import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask, current_app, g, request, session
from werkzeug.exceptions import BadRequest

from issuer.errors import KeyUnavailable
from issuer.store.sessions import ConsoleSession, SessionStore
from issuer.store.tokens import token_digest
from issuer.web import services

SECRET_FILE = "session-secret"
CSRF_FIELD = "csrf_token"
SESSION_ID = "sid"
STORE_KEY = "console_sessions"


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


def _session_id(*, create: bool) -> str | None:
    """Return the browser's session id, giving it a new random one if `create` is set."""
    value = session.get(SESSION_ID)
    if isinstance(value, str) and value:
        return value
    if not create:
        return None
    value = secrets.token_urlsafe(32)
    session[SESSION_ID] = value
    return value


def _csrf_for(session_id: str) -> str:
    key = str(current_app.secret_key).encode("utf-8")
    return hmac.new(key, f"csrf:{session_id}".encode(), hashlib.sha256).hexdigest()


def csrf_token() -> str:
    """Return this session's CSRF token (for a hidden form field), starting a session if needed."""
    return _csrf_for(str(_session_id(create=True)))


def check_csrf() -> None:
    """Refuse (400) a form post whose CSRF token is missing or not this session's."""
    sent = request.form.get(CSRF_FIELD, "")
    session_id = _session_id(create=False)
    expected = _csrf_for(session_id) if session_id else None
    if expected is None or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise BadRequest(
            "This form has expired or did not come from this site. Go back, reload the page "
            "and try again."
        )


def _store() -> SessionStore:
    return current_app.extensions[STORE_KEY]  # type: ignore[no-any-return]


def start_console_session(token: str, actor: str) -> None:
    """Sign the browser in as `actor` (who holds `token`): a new session id, stored server-side."""
    end_console_session()  # a new session id (and CSRF token) after signing in
    session[SESSION_ID] = _store().create(
        token_sha256=token_digest(token),
        actor=actor,
        now=datetime.now(UTC),
        lifetime=current_app.permanent_session_lifetime,
    )
    session.permanent = True
    g.pop("console_session", None)


def console_session() -> ConsoleSession | None:
    """Return the browser's live console session (its token still accepted), or None."""
    if "console_session" not in g:
        session_id = _session_id(create=False)
        accepted = {token_digest(t) for t in services().settings.api_tokens}
        g.console_session = (
            _store().find(session_id, now=datetime.now(UTC), config_tokens=accepted)
            if session_id
            else None
        )
    return g.console_session  # type: ignore[no-any-return]


def end_console_session() -> None:
    """Sign the browser out: delete its server-side session and forget the cookie's contents."""
    session_id = _session_id(create=False)
    if session_id:
        _store().end(session_id)
    session.clear()
    g.pop("console_session", None)


def init_app(app: Flask, *, keys_dir: Path, secure: bool, store: SessionStore) -> None:
    """Give the app its session secret, cookie settings and store, and `csrf_token` in templates."""
    app.secret_key = session_secret(keys_dir)
    app.extensions[STORE_KEY] = store
    app.config.update(
        SESSION_COOKIE_NAME="ler_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=secure,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
    )
    app.jinja_env.globals["csrf_token"] = csrf_token
