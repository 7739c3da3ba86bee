"""The one issuance pipeline: drafts in, issued records out.

Awards (`services/awards.py`), the VC API (`services/vc_issue.py`) and batches
(`services/batch_running.py`) all issue through `Issuer.issue` (batches through
`Issuer.issue_chunks`, the same pipeline fed chunk after chunk). For each chunk of drafts:

1. duplicates are resolved by the policy, on each draft's `dedupe_key`:
   `skip` answers the active credential already issued; `replace` revokes it and issues
   anew (in the same transaction); `none` always issues (the VC API). A credential issued
   by the same batch as the draft is never replaced: it is answered, as with `skip`;
2. status indices are allocated (committed at once, so never handed out twice);
3. the drafts are signed by the `Signing` strategy (in this process, or a worker pool);
4. credential rows, wallets and audit events (and the caller's `in_transaction` writes)
   are stored in one unit of work. Losing a race on the unique active `dedupe_key` rolls
   it back; the pipeline re-checks, answers (or replaces) what others stored meanwhile,
   and stores the rest.

`Issuer.issue` (a few drafts, signed in this process: an HTTP request) does 2 to 4 in one
transaction: indices reserved, credentials signed and stored, committed once (a signing
error or a lost race rolls the indices back with the rest).
"""

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from issuer.errors import InvalidInput
from issuer.model.status import StatusPurpose
from issuer.services.signing import new_credential_id
from issuer.services.status import revoke_in_transaction
from issuer.store.credentials import StoredCredential, with_wallet
from issuer.store.errors import AlreadyIssued
from issuer.store.protocols import CredentialReader, StatusAllocator, Transaction, UnitOfWork
from issuer.store.status_lists import StatusSlot

log = logging.getLogger(__name__)

Policy = Literal["skip", "replace", "none"]
"""What to do with a draft whose `dedupe_key` an active credential holds already."""

ATTEMPTS = 3
"""How often a chunk is stored when concurrent issuers keep storing some of it first."""


@dataclass(slots=True)
class Draft:
    """A credential to issue, and what is stored beside it.

    `document` is the unsigned credential; or `compose` is what the signing strategy
    composes it from (a batch's `CredentialSpec`, composed in the worker processes).
    """

    document: dict[str, Any] | None = None
    compose: Any = None
    credential_id: str = field(default_factory=new_credential_id)
    framework_id: str | None = None
    achievement_id: str | None = None
    recipient_key: str | None = None
    dedupe_key: str | None = None
    batch_id: str | None = None
    valid_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class ToSign:
    """A draft to sign, and its status-list index (None: no credentialStatus entry)."""

    draft: Draft
    slot: StatusSlot | None


@dataclass(frozen=True)
class Signed:
    """A signed credential's JSON text, or why it could not be made."""

    credential_id: str
    document: str | None
    error: str | None = None


class Signing(Protocol):
    """Signs drafts: at once in this process, or later in worker processes (the future).

    Each item's `slot` becomes its credentialStatus entry (`signing.status_entry`) for
    `status_purpose` before it is signed."""

    def submit(
        self,
        items: list[ToSign],
        *,
        cryptosuite: str,
        status_purpose: StatusPurpose | None,
        now: datetime,
    ) -> Future[list[Signed]]: ...


@dataclass(frozen=True)
class IssuedRecord:
    """A draft's credential: issued now, or `existing` (issued before, and answered)."""

    draft: Draft
    stored: StoredCredential
    existing: bool = False
    replaced: StoredCredential | None = None
    """The credential revoked for this one (policy `replace`)."""


@dataclass(frozen=True)
class Failed:
    """A draft that could not be signed (the others of its chunk are issued)."""

    draft: Draft
    error: str


@dataclass(frozen=True)
class ChunkOutcome:
    """What became of a chunk's drafts."""

    records: list[IssuedRecord]
    failed: list[Failed]


StoreHook = Callable[[Transaction, list[IssuedRecord]], None]
"""Writes of the caller's committed with a chunk (e.g. a batch's counters)."""


@dataclass
class _Prepared:
    todo: list[Draft]
    slots: list[StatusSlot | None]
    replaced: dict[str, StoredCredential]
    answered: list[IssuedRecord]


class Issuer:
    """The issuance pipeline (see the module's docstring)."""

    def __init__(
        self,
        *,
        base_url: str,
        issuer_id: Callable[[], str],
        credentials: CredentialReader,
        status_lists: StatusAllocator,
        uow: UnitOfWork,
        signing: Signing,
    ) -> None:
        self._base_url = base_url
        self._issuer_id = issuer_id
        self._credentials = credentials
        self._status_lists = status_lists
        self._uow = uow
        self._signing = signing

    def issue(
        self,
        drafts: Sequence[Draft],
        *,
        cryptosuite: str,
        status_purpose: StatusPurpose | None,
        policy: Policy,
        now: datetime,
        actor: str,
        in_transaction: StoreHook | None = None,
    ) -> list[IssuedRecord]:
        """Issue `drafts` (signed in this process) in one unit of work: status indices
        reserved, credentials signed, rows, wallets and audit events stored (with the caller's
        `in_transaction` writes, e.g. an offer's binding), committed once."""
        for attempt in range(ATTEMPTS):
            resolved = self._resolve(drafts, policy)
            if not resolved.todo and in_transaction is None:
                return resolved.answered  # (nothing to store)
            try:
                with self._uow() as tx:
                    slots: list[StatusSlot | None] = [None] * len(resolved.todo)
                    if status_purpose is not None and resolved.todo:
                        slots = list(tx.status_lists.allocate(len(resolved.todo), now=now))
                    resolved.slots = slots
                    items = [ToSign(d, slot) for d, slot in zip(resolved.todo, slots, strict=True)]
                    signed = self._signing.submit(
                        items, cryptosuite=cryptosuite, status_purpose=status_purpose, now=now
                    ).result()
                    pending, failed = self._rows(resolved, signed, cryptosuite, status_purpose, now)
                    if failed:
                        raise InvalidInput(failed[0].error)  # (rolls the indices back)
                    issued = self._write(
                        tx,
                        pending,
                        resolved.replaced,
                        resolved.answered,
                        now,
                        actor,
                        in_transaction,
                    )
                return resolved.answered + issued
            except AlreadyIssued:
                # Another issuer stored some of these credentials meanwhile: nothing of this
                # attempt was stored. Resolve the drafts again (answering or replacing theirs).
                if attempt == ATTEMPTS - 1:
                    raise
                log.warning("another issuer stored some of these credentials first; re-checking")
        raise AssertionError("unreachable")  # pragma: no cover

    def issue_chunks(
        self,
        chunks: Iterable[Sequence[Draft]],
        *,
        cryptosuite: str,
        status_purpose: StatusPurpose | None,
        policy: Policy,
        now: datetime,
        actor: str,
        signing: Signing | None = None,
        ahead: int = 0,
        in_transaction: StoreHook | None = None,
    ) -> Iterator[ChunkOutcome]:
        """Issue chunk after chunk, each in its own unit of work; yield each chunk's outcome.

        `ahead`: how many chunks may be signing while an earlier one is stored (so worker
        processes never wait for the database).
        """
        signing = signing or self._signing
        in_flight: deque[tuple[_Prepared, Future[list[Signed]]]] = deque()
        for chunk in chunks:
            prepared = self._prepare(chunk, policy, status_purpose, now)
            items = [
                ToSign(draft, slot)
                for draft, slot in zip(prepared.todo, prepared.slots, strict=True)
            ]
            future = signing.submit(
                items, cryptosuite=cryptosuite, status_purpose=status_purpose, now=now
            )
            in_flight.append((prepared, future))
            while len(in_flight) > ahead:
                yield self._store(
                    *in_flight.popleft(),
                    cryptosuite,
                    status_purpose,
                    policy,
                    now,
                    actor,
                    in_transaction,
                )
        while in_flight:
            yield self._store(
                *in_flight.popleft(),
                cryptosuite,
                status_purpose,
                policy,
                now,
                actor,
                in_transaction,
            )

    def _prepare(
        self,
        chunk: Sequence[Draft],
        policy: Policy,
        status_purpose: StatusPurpose | None,
        now: datetime,
    ) -> _Prepared:
        """Resolve duplicates by the policy, then reserve status indices for the rest."""
        prepared = self._resolve(chunk, policy)
        if status_purpose is not None and prepared.todo:
            prepared.slots = list(self._status_lists.allocate(len(prepared.todo), now=now))
        return prepared

    def _resolve(self, chunk: Sequence[Draft], policy: Policy) -> _Prepared:
        """Resolve duplicates by the policy (no status indices yet)."""
        todo = list(chunk)
        replaced: dict[str, StoredCredential] = {}
        answered: list[IssuedRecord] = []
        keys = [d.dedupe_key for d in chunk if d.dedupe_key]
        if policy != "none" and keys:
            found = self._credentials.find_active(keys)
            todo = []
            for draft in chunk:
                other = found.get(draft.dedupe_key) if draft.dedupe_key else None
                if other is None:
                    todo.append(draft)
                elif _replaces(policy, draft, other):
                    todo.append(draft)
                    replaced[other.dedupe_key or ""] = other
                else:
                    answered.append(IssuedRecord(draft, other, existing=True))
        slots: list[StatusSlot | None] = [None] * len(todo)
        return _Prepared(todo=todo, slots=slots, replaced=replaced, answered=answered)

    def _store(
        self,
        prepared: _Prepared,
        future: Future[list[Signed]],
        cryptosuite: str,
        status_purpose: StatusPurpose | None,
        policy: Policy,
        now: datetime,
        actor: str,
        in_transaction: StoreHook | None,
    ) -> ChunkOutcome:
        """Store a signed chunk in one unit of work (again without what others stored)."""
        pending, failed = self._rows(prepared, future.result(), cryptosuite, status_purpose, now)
        replaced = dict(prepared.replaced)
        answered = list(prepared.answered)
        for attempt in range(ATTEMPTS):
            try:
                issued = self._commit(pending, replaced, answered, now, actor, in_transaction)
                return ChunkOutcome(records=answered + issued, failed=failed)
            except AlreadyIssued:
                # Another issuer stored some of these credentials meanwhile: nothing of this
                # attempt was stored. Answer (or replace) theirs, and store the rest.
                if attempt == ATTEMPTS - 1:
                    raise
                log.warning("another issuer stored some of a chunk first; re-checking")
                found = self._credentials.find_active(
                    [row.dedupe_key for _, row in pending if row.dedupe_key]
                )
                keep = []
                for draft, row in pending:
                    other = found.get(row.dedupe_key or "")
                    if other is None:
                        keep.append((draft, row))
                    elif _replaces(policy, draft, other):
                        keep.append((draft, row))
                        replaced[other.dedupe_key or ""] = other
                    else:
                        answered.append(IssuedRecord(draft, other, existing=True))
                pending = keep
        raise AssertionError("unreachable")  # pragma: no cover

    def _rows(
        self,
        prepared: _Prepared,
        signed: list[Signed],
        cryptosuite: str,
        status_purpose: StatusPurpose | None,
        now: datetime,
    ) -> tuple[list[tuple[Draft, StoredCredential]], list[Failed]]:
        """Return the rows of the signed drafts, and the drafts that could not be signed."""
        issuer_id = self._issuer_id()
        pending: list[tuple[Draft, StoredCredential]] = []
        failed: list[Failed] = []
        for draft, slot, result in zip(prepared.todo, prepared.slots, signed, strict=True):
            if result.document is None:
                failed.append(Failed(draft, result.error or "could not be signed"))
                continue
            own_url = f"{self._base_url}/credentials/{result.credential_id}"
            url = str(draft.document["id"]) if draft.document is not None else own_url
            pending.append(
                (
                    draft,
                    StoredCredential(
                        id=result.credential_id,
                        url=url,
                        caller_id=url != own_url,
                        document=result.document,
                        cryptosuite=cryptosuite,
                        issuer_id=issuer_id,
                        issued_at=now,
                        framework_id=draft.framework_id,
                        achievement_id=draft.achievement_id,
                        recipient_key=draft.recipient_key,
                        dedupe_key=draft.dedupe_key,
                        batch_id=draft.batch_id,
                        valid_until=draft.valid_until,
                        status_set=slot.set_number if slot else None,
                        status_index=slot.index if slot else None,
                        status_purpose=status_purpose if slot else None,
                    ),
                )
            )
        return pending, failed

    def _commit(
        self,
        pending: list[tuple[Draft, StoredCredential]],
        replaced: dict[str, StoredCredential],
        answered: list[IssuedRecord],
        now: datetime,
        actor: str,
        in_transaction: StoreHook | None,
    ) -> list[IssuedRecord]:
        if not pending and not replaced and in_transaction is None:
            return []
        with self._uow() as tx:
            return self._write(tx, pending, replaced, answered, now, actor, in_transaction)

    def _write(
        self,
        tx: Transaction,
        pending: list[tuple[Draft, StoredCredential]],
        replaced: dict[str, StoredCredential],
        answered: list[IssuedRecord],
        now: datetime,
        actor: str,
        in_transaction: StoreHook | None,
    ) -> list[IssuedRecord]:
        """Store the rows, wallets and audit events (revoking what they replace) in `tx`."""
        wallets = tx.wallets.ensure(
            [row.recipient_key for _, row in pending if row.recipient_key], now
        )
        rows = [
            with_wallet(row, wallets.get(row.recipient_key)) if row.recipient_key else row
            for _, row in pending
        ]
        batch_id = next((draft.batch_id for draft, _ in pending if draft.batch_id), None)
        if replaced:
            revoke_in_transaction(
                tx,
                list(replaced.values()),
                now=now,
                actor=actor,
                reason=f"replaced by batch {batch_id}" if batch_id else "replaced",
            )
        tx.credentials.insert(rows)
        tx.audit.record_many([_issue_event(row, now, actor) for row in rows])
        issued = [
            IssuedRecord(draft, row, replaced=replaced.get(row.dedupe_key or ""))
            for (draft, _), row in zip(pending, rows, strict=True)
        ]
        if in_transaction is not None:
            in_transaction(tx, answered + issued)
        return issued


def _replaces(policy: Policy, draft: Draft, other: StoredCredential) -> bool:
    """Whether `draft` is issued in place of the active `other` (never one of its own batch)."""
    return policy == "replace" and not (draft.batch_id and other.batch_id == draft.batch_id)


def _issue_event(row: StoredCredential, now: datetime, actor: str) -> dict[str, Any]:
    detail: dict[str, Any] = {"achievement": row.achievement_id, "cryptosuite": row.cryptosuite}
    if row.batch_id:
        detail["batch"] = row.batch_id
    return {"at": now, "actor": actor, "action": "issue", "subject": row.url, "detail": detail}
