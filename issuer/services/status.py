"""Revocation and suspension: flip a credential's bit and re-sign its status list.

A credential carries one BitstringStatusListEntry (the OB 3.0 schema allows one):
- `revocation` (the default): it can be revoked, which is final;
- `suspension`: it can be suspended and unsuspended; revoking it sets its suspension bit
  for good (verifiers then report it suspended) and refuses any later change.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from issuer.errors import Conflict, NotFound
from issuer.model.base import VC_V2_CONTEXT
from issuer.model.credential import format_datetime_z
from issuer.proofs.suites import DEFAULT_SUITE
from issuer.services.signing import SignFunction, serialize
from issuer.status.bitstring import StatusBits
from issuer.store.credentials import StoredCredential
from issuer.store.protocols import StatusListReader, Transaction, UnitOfWork
from issuer.store.status_lists import StoredStatusList, list_id

StatusAction = Literal["revoke", "suspend", "unsuspend"]


def build_list_credential(
    *, list_url: str, issuer_id: str, purpose: str, bits: bytes, valid_from: datetime
) -> dict[str, Any]:
    """Return the unsigned BitstringStatusListCredential for `bits`."""
    return {
        "@context": [VC_V2_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id,
        "validFrom": format_datetime_z(valid_from),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": StatusBits.from_bytes(bits).encode(),
        },
    }


@dataclass(frozen=True)
class ServedList:
    """A signed status list as served: its JSON text (and bytes), version and HTTP validators.

    The same object is answered until the list's bits change (`StatusService.list_document`),
    so what is built from it (e.g. a verified state) can be kept by identity.
    """

    id: str
    document: str
    body: bytes
    version: int
    updated_at: datetime
    """When the list's bits last changed (its Last-Modified)."""

    @property
    def etag(self) -> str:
        """The entity tag (weak: workers that signed the same bits at once hold different
        proofs of the same list, and either is as good)."""
        return f"{self.id}-{self.version}-{int(self.updated_at.timestamp() * 1_000_000)}"


@dataclass(frozen=True)
class StatusChange:
    """The outcome of a status change."""

    credential: StoredCredential
    action: StatusAction
    changed: bool


class StatusService:
    """Serves signed status lists and changes credentials' status."""

    def __init__(
        self,
        *,
        uow: UnitOfWork,
        base_url: str,
        status_lists: StatusListReader,
        sign: SignFunction,
        issuer_id: Callable[[], str],
    ) -> None:
        self._uow = uow
        self._base_url = base_url
        self._lists = status_lists
        self._sign = sign
        self._issuer_id = issuer_id
        self._served: dict[str, ServedList] = {}

    def list_url(self, status_list_id: str) -> str:
        """Return the public URL of a status list credential."""
        return f"{self._base_url}/status-lists/{status_list_id}"

    def list_document(self, status_list_id: str, *, now: datetime) -> ServedList:
        """Return the signed list credential; raise `NotFound`.

        Kept in memory by version: while the list's version and time of change (one small
        read) are those cached, the same `ServedList` is answered without reading the row;
        any change of the bits, by any process, bumps the version.
        """
        current = self._lists.current_version(status_list_id)
        if current is None:
            raise NotFound(f"no status list {status_list_id!r}")
        cached = self._served.get(status_list_id)
        if cached is not None and (cached.version, cached.updated_at) == current:
            return cached
        stored = self._lists.get(status_list_id)
        if stored is None:
            raise NotFound(f"no status list {status_list_id!r}")
        document = stored.document
        if document is None:
            with self._uow() as tx:
                fresh = tx.status_lists.get(status_list_id)
                assert fresh is not None
                stored, document = fresh, fresh.document
                if document is None:  # (nobody signed it meanwhile)
                    document = self._signed_list(stored, now)
                    tx.status_lists.save_document(status_list_id, document, stored.version)
        served = ServedList(
            id=status_list_id,
            document=document,
            body=document.encode("utf-8"),
            version=stored.version,
            updated_at=stored.updated_at,
        )
        self._served[status_list_id] = served
        return served

    def _signed_list(self, stored: StoredStatusList, now: datetime) -> str:
        """Sign the list as of when its bits last changed (never later than any credential
        pointing at it was issued), with the proof created `now`."""
        unsigned = build_list_credential(
            list_url=self.list_url(stored.id),
            issuer_id=self._issuer_id(),
            purpose=stored.purpose,
            bits=stored.bits,
            valid_from=stored.updated_at,
        )
        return serialize(self._sign(unsigned, DEFAULT_SUITE, now))

    def change(
        self,
        credential_url: str,
        action: StatusAction,
        *,
        now: datetime,
        actor: str,
        reason: str | None = None,
    ) -> StatusChange:
        """Apply `action` to every credential issued with id `credential_url` (a caller's id
        may have been issued more than once) whose status entry allows it; raise `NotFound`,
        or `Conflict` when none does.

        One write transaction reads the credentials, sets the bits, re-signs the lists and
        marks the rows, so concurrent changes queue and none is lost: `changed` is false only
        when every bit already had the wanted value.
        """
        with self._uow() as tx:
            found = tx.credentials.lock_all(credential_url)
            if not found:
                raise NotFound(f"no credential {credential_url!r} was issued here")
            plans, refusals = _plans(found, action)
            if not plans:
                raise refusals[0]
            updated: dict[str, StoredStatusList] = {}
            for credential, bit, changes in sorted(plans, key=_list_order):
                # (a row marked revoked whose bit is missing, as concurrent revocations could
                # leave it on SQLite before issue 9 was fixed, gets its bit now)
                if changes or self._bit(tx, credential, updated) != bit:
                    updated.update(self._apply(tx, credential, action, bit, now, actor, reason))
            for status_list_id, stored in sorted(updated.items()):
                tx.status_lists.save_document(
                    status_list_id, self._signed_list(stored, now), stored.version
                )
            if action == "revoke":
                copies = bound_copies(tx, [plan[0] for plan in plans])
                if copies:
                    revoke_in_transaction(
                        tx,
                        copies,
                        now=now,
                        actor=actor,
                        reason=f"{credential_url} was revoked" + (f": {reason}" if reason else ""),
                    )
            fresh = tx.credentials.get(plans[0][0].id)
        assert fresh is not None
        return StatusChange(credential=fresh, action=action, changed=bool(updated))

    def _bit(
        self, tx: Transaction, credential: StoredCredential, read: dict[str, StoredStatusList]
    ) -> bool:
        """Return the credential's bit as its status list holds it now."""
        assert credential.status_set is not None and credential.status_index is not None
        status_list_id = list_id(credential.status_purpose or "", credential.status_set)
        stored = read.get(status_list_id) or tx.status_lists.get(status_list_id)
        if stored is None:
            raise KeyError(status_list_id)
        return stored.bit(credential.status_index)

    def _apply(
        self,
        tx: Transaction,
        credential: StoredCredential,
        action: StatusAction,
        bit: bool,
        now: datetime,
        actor: str,
        reason: str | None = None,
    ) -> dict[str, StoredStatusList]:
        """Set the credential's bit and mark its row, in the caller's transaction."""
        assert credential.status_set is not None and credential.status_index is not None
        status_list_id = list_id(credential.status_purpose or "", credential.status_set)
        updated = tx.status_lists.set_bit(status_list_id, credential.status_index, bit, now)
        if action == "revoke":
            if credential.revoked_at is None:
                tx.credentials.mark_revoked(credential.id, now)
        else:
            tx.credentials.mark_suspended(credential.id, action == "suspend")
        tx.audit.record(
            at=now,
            actor=actor,
            action=action,
            subject=credential.url,
            detail={"statusList": status_list_id, "index": credential.status_index}
            | ({"reason": reason} if reason else {}),
        )
        return {status_list_id: updated}


def revoke_in_transaction(
    tx: Transaction,
    credentials: list[StoredCredential],
    *,
    now: datetime,
    actor: str,
    reason: str,
) -> None:
    """Revoke many active credentials in the caller's unit of work (one write per status list).

    A revocation entry gets its revocation bit, a suspension entry its suspension bit for
    good (as `StatusService.change`); the lists are re-signed when next read.
    """
    known = {c.id for c in credentials}
    copies = [c for c in bound_copies(tx, credentials) if c.id not in known]
    credentials = [*credentials, *copies]
    by_list: dict[str, list[int]] = {}
    for credential in credentials:
        if credential.status_set is not None and credential.status_index is not None:
            status_list_id = list_id(credential.status_purpose or "", credential.status_set)
            by_list.setdefault(status_list_id, []).append(credential.status_index)
    # Credential rows first, then lists (in id order): the order `StatusService.change` locks
    # them in, so the two never wait on each other in a cycle (PostgreSQL).
    tx.credentials.mark_revoked_many(sorted(c.id for c in credentials), now)
    for status_list_id, indices in sorted(by_list.items()):
        tx.status_lists.set_bits(status_list_id, indices, now)
    tx.audit.record_many(
        [
            {
                "at": now,
                "actor": actor,
                "action": "revoke",
                "subject": c.url,
                "detail": {"reason": reason, "index": c.status_index},
            }
            for c in credentials
        ],
    )


def bound_copies(tx: Transaction, credentials: list[StoredCredential]) -> list[StoredCredential]:
    """Return the unrevoked holder-bound copies offers issued from `credentials` (revoking a
    credential revokes its copies in the same transaction)."""
    copies = []
    for copy_id in tx.offers.bound_copies([c.id for c in credentials]):
        copy = tx.credentials.get(copy_id)
        if copy is not None and copy.revoked_at is None:
            copies.append(copy)
    return copies


def _plans(
    credentials: list[StoredCredential], action: StatusAction
) -> tuple[list[tuple[StoredCredential, bool, bool]], list[Conflict]]:
    """Return (each credential `action` applies to, with its new bit and whether that bit
    changes), in the given order; and why `action` does not apply to the others."""
    plans: list[tuple[StoredCredential, bool, bool]] = []
    refusals: list[Conflict] = []
    for credential in credentials:
        try:
            plans.append((credential, *_plan(credential, action)))
        except Conflict as refusal:
            refusals.append(refusal)
    return plans, refusals


def _list_order(plan: tuple[StoredCredential, bool, bool]) -> tuple[str, int]:
    """Sort key: the status list of a plan's credential (one order, so no deadlocks)."""
    return plan[0].status_purpose or "", plan[0].status_set or 0


def _plan(credential: StoredCredential, action: StatusAction) -> tuple[bool, bool]:
    """Return (new bit value, whether anything changes); raise `Conflict` if not allowed."""
    if credential.status_purpose is None:
        raise Conflict(
            "this credential was issued without a status entry, so its status cannot change"
        )
    if credential.revoked_at is not None:
        if action == "revoke":
            return True, False
        raise Conflict("this credential has been revoked; revocation is final")
    if action == "revoke":
        return True, True
    if credential.status_purpose != "suspension":
        raise Conflict(
            "this credential's status entry is for revocation only; it can be revoked but not "
            "suspended (issue with a suspension entry to suspend)"
        )
    wanted = action == "suspend"
    return wanted, credential.suspended != wanted


def status_summary(credential: StoredCredential) -> dict[str, Any]:
    """Return the credential's status as plain data (for API responses)."""
    state = (
        "revoked" if credential.revoked_at else "suspended" if credential.suspended else "active"
    )
    return {
        "status": state,
        "statusPurpose": credential.status_purpose,
        "revokedAt": format_datetime_z(credential.revoked_at) if credential.revoked_at else None,
    }
