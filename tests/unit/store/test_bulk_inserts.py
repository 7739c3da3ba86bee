"""Bulk inserts through the driver store exactly what SQLAlchemy's `insert` stores; a
learner's credentials are found by wallet."""

from dataclasses import FrozenInstanceError, replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, insert, select, text
from sqlalchemy.exc import IntegrityError

from issuer.store.audit import record_events
from issuer.store.credentials import (
    AlreadyIssued,
    CredentialFilter,
    CredentialStore,
    StoredCredential,
    _conditions,
    ensure_wallets,
    with_wallet,
)
from issuer.store.database import (
    audit_log_table,
    credentials_table,
    wallets_table,
)

NOW = datetime(2026, 11, 22, 9, 30, 15, 123456, tzinfo=UTC)
ELSEWHERE = timezone(timedelta(hours=-5))


def _credential(n: int, **changes: object) -> StoredCredential:
    values: dict[str, object] = {
        "id": f"2b1c0a4e-0000-4000-8000-{n:012d}",
        "url": f"https://issuer.example.org/credentials/2b1c0a4e-0000-4000-8000-{n:012d}",
        "document": f'{{"name": "Ana García", "n": {n}}}',
        "cryptosuite": "eddsa-rdfc-2022",
        "issuer_id": "did:example:issuer",
        "issued_at": NOW,
        "framework_id": "43-4171.00",
        "achievement_id": "https://issuer.example.org/achievements/x",
        "recipient_key": f"{n:064x}",
        "wallet_id": f"wallet-{n}",
        "dedupe_key": f"{n + 1000:064x}",
        "batch_id": "5d6e7f80-0000-4000-8000-000000000002",
        "valid_until": (NOW + timedelta(days=n)).astimezone(ELSEWHERE),
        "status_set": 1,
        "status_index": n,
        "status_purpose": "revocation",
    }
    return StoredCredential(**{**values, **changes})  # type: ignore[arg-type]


def _raw(engine: Engine, table: str, order: str) -> list[tuple[object, ...]]:
    """Every row as the driver reads it back (SQLite: the stored text of each datetime)."""
    with engine.connect() as conn:
        return [
            tuple(row) for row in conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY {order}")
        ]


def test_credentials_are_stored_as_sqlalchemy_stores_them(engine: Engine) -> None:
    rows = [
        _credential(1),
        _credential(2, valid_until=None, caller_id=True, url="urn:uuid:caller", wallet_id=None),
        _credential(3, revoked_at=NOW, suspended=True, status_set=None, status_index=None),
    ]
    with engine.begin() as conn:
        CredentialStore(engine).insert(conn, rows)
    bulk = _raw(engine, "credentials", "id")
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM credentials"))
        conn.execute(insert(credentials_table), [row.__dict__ for row in rows])
    assert bulk == _raw(engine, "credentials", "id")
    assert CredentialStore(engine).get(rows[0].id) == rows[0]


def test_a_second_active_credential_with_a_dedupe_key_is_refused(engine: Engine) -> None:
    with engine.begin() as conn:
        CredentialStore(engine).insert(conn, [_credential(1)])
    with pytest.raises(AlreadyIssued), engine.begin() as conn:
        CredentialStore(engine).insert(conn, [_credential(2, dedupe_key=_credential(1).dedupe_key)])
    with pytest.raises(IntegrityError), engine.begin() as conn:
        CredentialStore(engine).insert(conn, [_credential(1, dedupe_key=None)])  # same id


def test_audit_events_are_stored_as_sqlalchemy_stores_them(engine: Engine) -> None:
    events = [
        {"at": NOW, "actor": "ana", "action": "issue", "subject": "s1", "detail": {"b": 1}},
        {"at": NOW.astimezone(ELSEWHERE), "actor": "ana", "action": "issue", "subject": "s2"},
        {
            "at": NOW + timedelta(seconds=1),
            "actor": "é",
            "action": "revoke",
            "subject": "s3",
            "detail": {"list": [1, 2]},
        },
    ]
    with engine.begin() as conn:
        record_events(conn, events)
    bulk = _raw(engine, "audit_log", "id")
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))
        conn.execute(
            insert(audit_log_table),
            [
                {**e, "detail": '{"b": 1}' if n == 0 else "{}" if n == 1 else '{"list": [1, 2]}'}
                for n, e in enumerate(events)
            ],
        )
    again = _raw(engine, "audit_log", "id")
    assert [row[1:] for row in bulk] == [row[1:] for row in again]  # (new ids)


def test_wallets_are_created_once_and_found_again(engine: Engine) -> None:
    with engine.begin() as conn:
        first = ensure_wallets(conn, ["k2", "k1", "k2"], NOW)
    with engine.begin() as conn:
        second = ensure_wallets(conn, ["k1", "k3"], NOW + timedelta(days=1))
    assert set(first) == {"k1", "k2"} and second["k1"] == first["k1"]
    stored = {row[1]: row for row in _raw(engine, "wallets", "recipient_key")}
    assert set(stored) == {"k1", "k2", "k3"}
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM wallets"))
        conn.execute(
            insert(wallets_table),
            [
                {"id": first["k1"], "recipient_key": "k1", "created_at": NOW},
                {"id": first["k2"], "recipient_key": "k2", "created_at": NOW},
                {"id": second["k3"], "recipient_key": "k3", "created_at": NOW + timedelta(days=1)},
            ],
        )
    assert stored == {row[1]: row for row in _raw(engine, "wallets", "recipient_key")}


def test_with_wallet_is_the_row_with_its_wallet_and_frozen() -> None:
    row = _credential(1, wallet_id=None)
    copy = with_wallet(row, "wallet-9")
    assert copy == replace(row, wallet_id="wallet-9") and row.wallet_id is None
    with pytest.raises(FrozenInstanceError):
        copy.wallet_id = "other"  # type: ignore[misc]


def test_a_learners_credentials_are_found_by_wallet_through_its_index(engine: Engine) -> None:
    store = CredentialStore(engine)
    with engine.begin() as conn:
        wallets = ensure_wallets(conn, ["k1", "k2"], NOW)
        store.insert(
            conn,
            [
                _credential(n, recipient_key=key, wallet_id=wallets[key])
                for n, key in [(1, "k1"), (2, "k2"), (3, "k1")]
            ],
        )
    found, total = store.search(CredentialFilter(recipient_key="k1"), now=NOW)
    assert total == 2 and {c.id for c in found} == {_credential(1).id, _credential(3).id}
    assert store.search(CredentialFilter(recipient_key="k9"), now=NOW) == ([], 0)
    query = select(credentials_table).where(*_conditions(CredentialFilter(recipient_key="k1"), NOW))
    sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            plan = " ".join(str(row) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
        else:
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            plan = " ".join(str(row) for row in conn.exec_driver_sql(f"EXPLAIN {sql}"))
    assert "ix_credentials_wallet_id" in plan
