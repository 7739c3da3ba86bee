"""What services see of the store: reading protocols, and a unit of work for writing.

Services never touch a database connection: they read through these protocols and write
inside a unit of work, which commits every change made through its transaction together
(or none, if the block raises):

    with uow() as tx:
        wallets = tx.wallets.ensure(keys, now)
        tx.credentials.insert(rows)
        tx.audit.record_many(events)

The SQL implementation is `issuer.store.unit_of_work.SqlUnitOfWork`. A unit of work holds
the database's write lock from its start (SQLite: `BEGIN IMMEDIATE`), so what it reads is
current until it commits: read-modify-write (revoking, status changes) is safe in it.
Refusals come as store exceptions (`issuer.store.errors`), never as driver errors.
"""

import random
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol

from issuer.store.audit import AuditEntry
from issuer.store.credentials import StoredCredential
from issuer.store.offers import StoredOffer
from issuer.store.oid4vci import StoredAccessToken
from issuer.store.status_lists import StatusSlot, StoredStatusList


class CredentialReader(Protocol):
    """Reads issued credentials (each call its own short read)."""

    def get(self, credential_id: str) -> StoredCredential | None: ...

    def get_by_url(self, url: str) -> StoredCredential | None: ...

    def find_active(self, dedupe_keys: list[str]) -> dict[str, StoredCredential]: ...

    def count_in_batch(self, batch_id: str) -> int: ...


class StatusAllocator(Protocol):
    """Reserves status-list indices (committed at once: an index is never handed out twice).

    The cost is the same whatever the fill: a set's indices follow a keyed permutation
    and only its cursor moves (`issuer.store.status_lists`)."""

    def allocate(
        self, count: int, *, now: datetime, rng: random.Random | None = None
    ) -> list[StatusSlot]: ...


class StatusListReader(Protocol):
    """Reads status lists."""

    def get(self, status_list_id: str) -> StoredStatusList | None: ...

    def current_version(self, status_list_id: str) -> tuple[int, datetime] | None:
        """The list's version and when its bits last changed (a small read), or None."""


class AuditReader(Protocol):
    """Reads the audit log."""

    def recent(
        self, *, limit: int = 100, before_id: int | None = None, action: str | None = None
    ) -> list[AuditEntry]: ...


class OfferReader(Protocol):
    """Reads credential offers."""

    def get(self, offer_id: str) -> StoredOffer | None: ...

    def get_by_code(self, code_sha256: str) -> StoredOffer | None: ...

    def members(self, lead_id: str) -> list[StoredOffer]:
        """Return the offers claimed with `lead_id` (itself first)."""


class Oid4vciReader(Protocol):
    """Reads OpenID4VCI access tokens."""

    def get_token(self, token_sha256: str) -> StoredAccessToken | None: ...


class CredentialWrites(Protocol):
    """Credential rows, in a transaction."""

    def insert(self, credentials: list[StoredCredential]) -> None:
        """Raise `AlreadyIssued` if an active credential holds one of their dedupe keys."""

    def get(self, credential_id: str) -> StoredCredential | None: ...

    def lock_all(self, url: str) -> list[StoredCredential]: ...

    def mark_revoked(self, credential_id: str, now: datetime) -> None: ...

    def mark_revoked_many(self, credential_ids: list[str], now: datetime) -> None: ...

    def mark_suspended(self, credential_id: str, suspended: bool) -> None: ...


class WalletWrites(Protocol):
    """Learners' wallets, in a transaction."""

    def ensure(self, recipient_keys: Sequence[str], now: datetime) -> dict[str, str]:
        """Return each recipient's wallet id, creating the missing wallets."""


class StatusListWrites(Protocol):
    """Status list bits and signed documents, in a transaction."""

    def get(self, status_list_id: str) -> StoredStatusList | None: ...

    def set_bit(
        self, status_list_id: str, index: int, value: bool, now: datetime
    ) -> StoredStatusList: ...

    def set_bits(self, status_list_id: str, indices: list[int], now: datetime) -> None: ...

    def allocate(
        self, count: int, *, now: datetime, rng: random.Random | None = None
    ) -> list[StatusSlot]:
        """Reserve `count` indices in this transaction (handed out again if it rolls back;
        it holds the set's lock until it ends, so keep the transaction short)."""

    def save_document(self, status_list_id: str, document: str, version: int) -> None: ...


class AuditWrites(Protocol):
    """The audit log, in a transaction (an event commits with the change it records)."""

    def record(
        self,
        *,
        at: datetime,
        actor: str,
        action: str,
        subject: str,
        detail: dict[str, Any] | None = None,
    ) -> None: ...

    def record_many(self, events: list[dict[str, Any]]) -> None: ...


class BatchWrites(Protocol):
    """Batch counters, in a transaction (so they commit with the credentials they count)."""

    def set_progress(self, batch_id: str, *, issued: int, skipped: int, now: datetime) -> None: ...


class OfferWrites(Protocol):
    """Credential offers, in a transaction (a binding commits with the copy it names)."""

    def insert(self, offer: StoredOffer) -> None: ...

    def get(self, offer_id: str) -> StoredOffer | None: ...

    def bind(self, offer_id: str, *, holder_did: str, credential_id: str, now: datetime) -> bool:
        """Bind an unbound offer; return False (nothing written) if it was bound already."""

    def members(self, lead_id: str) -> list[StoredOffer]: ...

    def use_code(self, offer_id: str, now: datetime) -> bool:
        """Mark the pre-authorized code used; return False if it was used already."""

    def count_tx_code_failure(self, offer_id: str) -> int:
        """Count a wrong transaction code; return the count so far."""

    def bound_copies(self, credential_ids: list[str]) -> list[str]:
        """Return the ids of the holder-bound copies issued from any of `credential_ids`."""


class Oid4vciWrites(Protocol):
    """OpenID4VCI access tokens and nonces, in a transaction."""

    def insert_token(self, token: StoredAccessToken, now: datetime) -> None: ...

    def insert_nonce(self, nonce: str, *, expires_at: datetime, now: datetime) -> None: ...

    def consume_nonce(self, nonce: str, now: datetime) -> bool:
        """Delete the nonce; return whether it was there and unexpired."""


class Transaction(Protocol):
    """One unit of work's view of the store."""

    @property
    def credentials(self) -> CredentialWrites: ...

    @property
    def wallets(self) -> WalletWrites: ...

    @property
    def status_lists(self) -> StatusListWrites: ...

    @property
    def audit(self) -> AuditWrites: ...

    @property
    def batches(self) -> BatchWrites: ...

    @property
    def offers(self) -> OfferWrites: ...

    @property
    def oid4vci(self) -> Oid4vciWrites: ...


class UnitOfWork(Protocol):
    """`with uow() as tx:` everything written through `tx` commits together, or not at all."""

    def __call__(self) -> AbstractContextManager[Transaction]: ...
