"""The Alembic migrations build exactly the tables the code declares, on SQLite and PostgreSQL."""

import json
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import insert, inspect, text
from sqlalchemy.exc import IntegrityError

from issuer.store.batches import BatchStore
from issuer.store.database import MIGRATIONS_DIR, credentials_table, make_engine, metadata, migrate

NOW = datetime(2026, 11, 22, tzinfo=UTC)


def test_migrations_create_every_table_without_drift(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        migrate(engine)
        migrate(engine)  # idempotent
        assert set(metadata.tables) <= set(inspect(engine).get_table_names())
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.check(config)  # raises if the models and migrations disagree
    finally:
        engine.dispose()


def test_0003_marks_caller_ids_and_keeps_own_ids_unique(database_url: str) -> None:
    engine = make_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    own_url = "https://issuer.example.org/credentials/2b1c0a4e-0000-4000-8000-000000000001"
    caller_url = "urn:uuid:5d6e7f80-0000-4000-8000-000000000002"
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0002")
            for n, url in enumerate((own_url, caller_url), start=1):
                connection.execute(
                    text(
                        "INSERT INTO credentials (id, url, document, cryptosuite, issuer_id,"
                        " issued_at, suspended) VALUES (:id, :url, '{}', 'eddsa-rdfc-2022',"
                        " 'did:example:issuer', :at, false)"
                    ),
                    {
                        "id": f"2b1c0a4e-0000-4000-8000-00000000000{n}",
                        "url": url,
                        "at": "2026-11-22 00:00:00",
                    },
                )
        migrate(engine)
        with engine.connect() as connection:
            flags = dict(connection.execute(text("SELECT url, caller_id FROM credentials")).all())
        assert flags == {own_url: False, caller_url: True}
        row = {
            "document": "{}",
            "cryptosuite": "eddsa-rdfc-2022",
            "issuer_id": "did:example:issuer",
            "issued_at": NOW,
        }
        with engine.begin() as connection:  # a caller's id again: a row of its own
            connection.execute(
                insert(credentials_table),
                {**row, "id": "again-1", "url": caller_url, "caller_id": True},
            )
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(insert(credentials_table), {**row, "id": "again-2", "url": own_url})
    finally:
        engine.dispose()


def test_0008_moves_each_batch_roster_into_its_own_rows(database_url: str) -> None:
    engine = make_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    rows = [{"number": 2, "email": "ana@example.org"}, {"number": 3, "email": "bo@example.org"}]
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0007")
            connection.execute(
                text(
                    "INSERT INTO batches (id, status, source_name, digest, rows_json, options,"
                    " actor, row_count, credential_count, issued, skipped, failed, errors,"
                    " created_at, updated_at) VALUES ('b1', 'failed', 'r.csv', 'd', :rows, '{}',"
                    " 'cli', 2, 2, 1, 0, 0, '[]', :at, :at)"
                ),
                {"rows": json.dumps(rows), "at": NOW},
            )
        migrate(engine)
        store = BatchStore(engine)
        assert list(store.iter_rows("b1")) == rows
        batch = store.get("b1")
        assert batch is not None and batch.issued == 1
    finally:
        engine.dispose()


def test_0012_stores_documents_with_lz4_on_postgresql(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        migrate(engine)
        if engine.dialect.name != "postgresql":
            pytest.skip("SQLite does not compress what it stores")
        with engine.connect() as connection:
            lz4 = connection.execute(
                text(
                    "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression'"
                    " AND 'lz4' = ANY(enumvals)"
                )
            ).first()
        if lz4 is None:
            pytest.skip("this PostgreSQL has no lz4")
        document = json.dumps({"text": "a signed credential " * 400})  # over 2 KB: compressed
        with engine.begin() as connection:
            connection.execute(
                insert(credentials_table),
                {
                    "id": "lz4-1",
                    "url": "https://issuer.example.org/credentials/lz4-1",
                    "document": document,
                    "cryptosuite": "eddsa-rdfc-2022",
                    "issuer_id": "did:example:issuer",
                    "issued_at": NOW,
                },
            )
        with engine.connect() as connection:
            method, stored = connection.execute(
                text("SELECT pg_column_compression(document), document FROM credentials")
            ).one()
        assert (method, stored) == ("lz4", document)
    finally:
        engine.dispose()


def test_0013_gives_every_learner_credential_its_wallet_and_drops_the_recipient_index(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    insert_credential = text(
        "INSERT INTO credentials (id, url, document, cryptosuite, issuer_id, issued_at,"
        " suspended, recipient_key, wallet_id) VALUES (:id, :url, '{}', 'eddsa-rdfc-2022',"
        " 'did:example:issuer', :at, false, :key, :wallet)"
    )
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0012")
            connection.execute(
                text(
                    "INSERT INTO wallets (id, recipient_key, created_at) VALUES ('w1', 'k1', :at)"
                ),
                {"at": NOW},
            )
            for n, key, wallet in [
                (1, "k1", "w1"),
                (2, "k1", None),
                (3, "k2", None),
                (4, None, None),
            ]:
                connection.execute(
                    insert_credential,
                    {"id": f"c{n}", "url": f"u{n}", "at": NOW, "key": key, "wallet": wallet},
                )
        migrate(engine)
        with engine.connect() as connection:
            wallets = dict(connection.execute(text("SELECT recipient_key, id FROM wallets")).all())
            rows = connection.execute(
                text("SELECT id, wallet_id FROM credentials ORDER BY id")
            ).all()
        assert set(wallets) == {"k1", "k2"} and wallets["k1"] == "w1" and len(wallets["k2"]) == 32
        assert [tuple(r) for r in rows] == [
            ("c1", "w1"),
            ("c2", "w1"),
            ("c3", wallets["k2"]),
            ("c4", None),
        ]
        indexes = {i["name"] for i in inspect(engine).get_indexes("credentials")}
        assert "ix_credentials_wallet_id" in indexes
        assert "ix_credentials_recipient_key" not in indexes
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0012")
        indexes = {i["name"] for i in inspect(engine).get_indexes("credentials")}
        assert "ix_credentials_recipient_key" in indexes
    finally:
        engine.dispose()
