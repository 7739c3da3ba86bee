"""The SQL unit of work: one write transaction, and the stores bound to its connection."""

import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine

from issuer.store.audit import record_event, record_events
from issuer.store.batches import BatchStore
from issuer.store.credentials import CredentialStore, StoredCredential, ensure_wallets
from issuer.store.database import write_transaction
from issuer.store.offers import OfferStore, StoredOffer
from issuer.store.oid4vci import Oid4vciStore, StoredAccessToken
from issuer.store.protocols import Transaction
from issuer.store.status_lists import StatusListStore, StatusSlot, StoredStatusList


class _Credentials:
    def __init__(self, conn: Connection, store: CredentialStore) -> None:
        self._conn = conn
        self._store = store

    def insert(self, credentials: list[StoredCredential]) -> None:
        self._store.insert(self._conn, credentials)

    def get(self, credential_id: str) -> StoredCredential | None:
        return self._store.get(credential_id, self._conn)

    def lock_all(self, url: str) -> list[StoredCredential]:
        return self._store.lock_all(self._conn, url)

    def mark_revoked(self, credential_id: str, now: datetime) -> None:
        self._store.mark_revoked(self._conn, credential_id, now)

    def mark_revoked_many(self, credential_ids: list[str], now: datetime) -> None:
        self._store.mark_revoked_many(self._conn, credential_ids, now)

    def mark_suspended(self, credential_id: str, suspended: bool) -> None:
        self._store.mark_suspended(self._conn, credential_id, suspended)


class _Wallets:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def ensure(self, recipient_keys: Sequence[str], now: datetime) -> dict[str, str]:
        return ensure_wallets(self._conn, list(recipient_keys), now)


class _StatusLists:
    def __init__(self, conn: Connection, store: StatusListStore) -> None:
        self._conn = conn
        self._store = store

    def get(self, status_list_id: str) -> StoredStatusList | None:
        return self._store.get(status_list_id, self._conn)

    def set_bit(
        self, status_list_id: str, index: int, value: bool, now: datetime
    ) -> StoredStatusList:
        return self._store.set_bit(self._conn, status_list_id, index, value, now)

    def set_bits(self, status_list_id: str, indices: list[int], now: datetime) -> None:
        self._store.set_bits(self._conn, status_list_id, indices, now)

    def save_document(self, status_list_id: str, document: str, version: int) -> None:
        self._store.save_document(self._conn, status_list_id, document, version)

    def allocate(
        self, count: int, *, now: datetime, rng: random.Random | None = None
    ) -> list[StatusSlot]:
        return self._store.allocate_in(self._conn, count, now=now, rng=rng)


class _Audit:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def record(
        self,
        *,
        at: datetime,
        actor: str,
        action: str,
        subject: str,
        detail: dict[str, Any] | None = None,
    ) -> None:
        record_event(self._conn, at=at, actor=actor, action=action, subject=subject, detail=detail)

    def record_many(self, events: list[dict[str, Any]]) -> None:
        record_events(self._conn, events)


class _Batches:
    def __init__(self, conn: Connection, store: BatchStore) -> None:
        self._conn = conn
        self._store = store

    def set_progress(self, batch_id: str, *, issued: int, skipped: int, now: datetime) -> None:
        self._store.set_progress(self._conn, batch_id, issued=issued, skipped=skipped, now=now)


class _Offers:
    def __init__(self, conn: Connection, store: OfferStore) -> None:
        self._conn = conn
        self._store = store

    def insert(self, offer: StoredOffer) -> None:
        self._store.insert(self._conn, offer)

    def get(self, offer_id: str) -> StoredOffer | None:
        return self._store.get(offer_id, self._conn)

    def bind(self, offer_id: str, *, holder_did: str, credential_id: str, now: datetime) -> bool:
        return self._store.bind(
            self._conn, offer_id, holder_did=holder_did, credential_id=credential_id, now=now
        )

    def bound_copies(self, credential_ids: list[str]) -> list[str]:
        return self._store.bound_copies(self._conn, credential_ids)

    def members(self, lead_id: str) -> list[StoredOffer]:
        return self._store.members(lead_id, self._conn)

    def use_code(self, offer_id: str, now: datetime) -> bool:
        return self._store.use_code(self._conn, offer_id, now)

    def count_tx_code_failure(self, offer_id: str) -> int:
        return self._store.count_tx_code_failure(self._conn, offer_id)


class _Oid4vci:
    def __init__(self, conn: Connection, store: Oid4vciStore) -> None:
        self._conn = conn
        self._store = store

    def insert_token(self, token: StoredAccessToken, now: datetime) -> None:
        self._store.insert_token(self._conn, token, now)

    def insert_nonce(self, nonce: str, *, expires_at: datetime, now: datetime) -> None:
        self._store.insert_nonce(self._conn, nonce, expires_at=expires_at, now=now)

    def consume_nonce(self, nonce: str, now: datetime) -> bool:
        return self._store.consume_nonce(self._conn, nonce, now)


class SqlTransaction:
    """The stores of one transaction (a `Transaction`)."""

    def __init__(
        self,
        conn: Connection,
        *,
        credentials: CredentialStore,
        status_lists: StatusListStore,
        batches: BatchStore,
        offers: OfferStore | None = None,
    ) -> None:
        self._credentials = _Credentials(conn, credentials)
        self._wallets = _Wallets(conn)
        self._status_lists = _StatusLists(conn, status_lists)
        self._audit = _Audit(conn)
        self._batches = _Batches(conn, batches)
        self._offers = _Offers(conn, offers or OfferStore(conn.engine))
        self._oid4vci = _Oid4vci(conn, Oid4vciStore(conn.engine))

    @property
    def credentials(self) -> _Credentials:
        return self._credentials

    @property
    def wallets(self) -> _Wallets:
        return self._wallets

    @property
    def status_lists(self) -> _StatusLists:
        return self._status_lists

    @property
    def audit(self) -> _Audit:
        return self._audit

    @property
    def batches(self) -> _Batches:
        return self._batches

    @property
    def offers(self) -> _Offers:
        return self._offers

    @property
    def oid4vci(self) -> _Oid4vci:
        return self._oid4vci


class SqlUnitOfWork:
    """`with uow() as tx:` one write transaction (`write_transaction`) for `tx`'s stores."""

    def __init__(
        self,
        engine: Engine,
        *,
        credentials: CredentialStore,
        status_lists: StatusListStore,
        batches: BatchStore,
    ) -> None:
        self._engine = engine
        self._credentials = credentials
        self._status_lists = status_lists
        self._batches = batches
        self._offers = OfferStore(engine)

    @contextmanager
    def __call__(self) -> Iterator[Transaction]:
        with write_transaction(self._engine) as conn:
            yield SqlTransaction(
                conn,
                credentials=self._credentials,
                status_lists=self._status_lists,
                batches=self._batches,
                offers=self._offers,
            )
