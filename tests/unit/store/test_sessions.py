"""Console sessions live server-side: ended by sign-out, expiry or the token's revocation."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select

from issuer.store.database import console_sessions_table
from issuer.store.sessions import SessionStore, session_digest
from issuer.store.tokens import TokenStore, token_digest

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
HOURS_8 = timedelta(hours=8)


def _rows(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        return list(conn.execute(select(console_sessions_table)).all())


def test_a_session_stores_neither_its_id_nor_the_token(engine: Engine) -> None:
    tokens, sessions = TokenStore(engine), SessionStore(engine)
    token, _record = tokens.create("console", now=NOW)
    session_id = sessions.create(
        token_sha256=token_digest(token), actor="token:console", now=NOW, lifetime=HOURS_8
    )
    assert len(session_id) >= 40
    [row] = _rows(engine)
    values = [str(v) for v in row]  # type: ignore[attr-defined]
    assert token not in values and session_id not in values
    assert row.id_sha256 == session_digest(session_id)  # type: ignore[attr-defined]
    found = sessions.find(session_id, now=NOW + timedelta(hours=1))
    assert found is not None and found.actor == "token:console"
    assert found.expires_at == NOW + HOURS_8
    assert sessions.find(session_id + "x", now=NOW) is None


def test_ending_a_session_deletes_it(engine: Engine) -> None:
    tokens, sessions = TokenStore(engine), SessionStore(engine)
    token, _record = tokens.create("console", now=NOW)
    digest = token_digest(token)
    first = sessions.create(token_sha256=digest, actor="a", now=NOW, lifetime=HOURS_8)
    second = sessions.create(token_sha256=digest, actor="a", now=NOW, lifetime=HOURS_8)
    assert sessions.end(first) is True
    assert sessions.end(first) is False
    assert sessions.find(first, now=NOW) is None
    assert sessions.find(second, now=NOW) is not None  # another browser stays signed in
    assert sessions.end_for_token(digest) == 1
    assert sessions.find(second, now=NOW) is None and _rows(engine) == []


def test_a_session_ends_when_it_expires(engine: Engine) -> None:
    tokens, sessions = TokenStore(engine), SessionStore(engine)
    token, _record = tokens.create("console", now=NOW)
    session_id = sessions.create(
        token_sha256=token_digest(token), actor="a", now=NOW, lifetime=HOURS_8
    )
    assert sessions.find(session_id, now=NOW + HOURS_8 - timedelta(seconds=1)) is not None
    assert sessions.find(session_id, now=NOW + HOURS_8) is None
    assert _rows(engine) == []  # found dead, deleted


def test_expired_sessions_are_tidied_away_at_the_next_sign_in(engine: Engine) -> None:
    sessions = SessionStore(engine)
    sessions.create(token_sha256="0" * 64, actor="a", now=NOW, lifetime=HOURS_8)
    sessions.create(token_sha256="0" * 64, actor="a", now=NOW + HOURS_8, lifetime=HOURS_8)
    assert len(_rows(engine)) == 1


def test_revoking_the_token_ends_its_sessions(engine: Engine) -> None:
    tokens, sessions = TokenStore(engine), SessionStore(engine)
    token, record = tokens.create("console", now=NOW)
    session_id = sessions.create(
        token_sha256=token_digest(token), actor="a", now=NOW, lifetime=HOURS_8
    )
    tokens.revoke(record.id, now=NOW)
    assert sessions.find(session_id, now=NOW) is None
    assert _rows(engine) == []


def test_a_configured_token_keeps_its_session_only_while_configured(engine: Engine) -> None:
    sessions = SessionStore(engine)
    digest = token_digest("configured-token-0123456789")
    session_id = sessions.create(
        token_sha256=digest, actor="config-token", now=NOW, lifetime=HOURS_8
    )
    assert sessions.find(session_id, now=NOW, config_tokens={digest}) is not None
    assert sessions.find(session_id, now=NOW, config_tokens=set()) is None  # token removed
    assert sessions.find(session_id, now=NOW, config_tokens={digest}) is None  # and it stays ended
