"""API tokens are stored hashed; the audit log appends within the caller's transaction."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select, text

from issuer.store.audit import read_events, record_event
from issuer.store.database import api_tokens_table
from issuer.store.tokens import TokenStore, token_digest

NOW = datetime(2026, 11, 22, tzinfo=UTC)


def test_token_is_stored_only_as_a_hash_and_authenticates(engine: Engine) -> None:
    store = TokenStore(engine)
    token, record = store.create("provider console", now=NOW)
    assert token.startswith("ler_") and len(token) > 40
    with engine.connect() as conn:
        stored = conn.execute(select(api_tokens_table)).one()
    assert token not in [str(v) for v in stored]
    assert stored.token_sha256 == token_digest(token)
    assert store.authenticate(token) == record
    assert store.authenticate(token + "x") is None
    assert store.revoke(record.id, now=NOW) is True
    assert store.revoke(record.id, now=NOW) is False
    assert store.authenticate(token) is None
    assert [t.name for t in store.list()] == ["provider console"]


def test_audit_events_commit_or_roll_back_with_the_change(engine: Engine) -> None:
    with engine.begin() as conn:
        record_event(
            conn,
            at=NOW,
            actor="token:a",
            action="issue",
            subject="urn:1",
            detail={"achievement": "é"},
        )
    with pytest.raises(RuntimeError), engine.begin() as conn:
        record_event(conn, at=NOW, actor="token:a", action="revoke", subject="urn:1")
        raise RuntimeError("the change failed")
    with engine.begin() as conn:
        record_event(
            conn, at=NOW + timedelta(seconds=1), actor="cli", action="key-rotate", subject="key-2"
        )
    events = read_events(engine)
    assert [(e.action, e.subject) for e in events] == [("key-rotate", "key-2"), ("issue", "urn:1")]
    assert events[1].detail == {"achievement": "é"}
    assert [e.action for e in read_events(engine, action="issue")] == ["issue"]
    assert read_events(engine, before_id=events[0].id) == events[1:]
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from audit_log")).scalar() == 2
