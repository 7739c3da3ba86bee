"""Sign drafts and store them: status index, proof, one transaction for rows, wallets and audit."""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from issuer.model.status import BitstringStatusListEntry, StatusPurpose
from issuer.store.audit import record_event
from issuer.store.credentials import CredentialStore, StoredCredential, ensure_wallet
from issuer.store.status_lists import StatusListStore, StatusSlot, list_id

SignFunction = Callable[[dict[str, Any], str, datetime], dict[str, Any]]
"""Signs a document with a cryptosuite at a time; returns the signed copy."""

STATUS_CONTEXT_V1 = "https://www.w3.org/ns/credentials/status/v1"
VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"


@dataclass(frozen=True)
class Draft:
    """An unsigned credential and what is stored beside it."""

    document: dict[str, Any]
    credential_id: str = ""
    framework_id: str | None = None
    achievement_id: str | None = None
    recipient_key: str | None = None
    dedupe_key: str | None = None
    batch_id: str | None = None
    valid_until: datetime | None = None


def new_credential_id() -> str:
    """Return a fresh uuid for a credential."""
    return str(uuid.uuid4())


def serialize(document: dict[str, Any]) -> str:
    """Return the JSON text stored and served for a signed document."""
    return json.dumps(document, ensure_ascii=False, indent=2)


def status_entry(base_url: str, slot: StatusSlot, purpose: StatusPurpose) -> dict[str, Any]:
    """Return the credentialStatus entry pointing at `slot` in the `purpose` list."""
    list_url = f"{base_url}/status-lists/{list_id(purpose, slot.set_number)}"
    return BitstringStatusListEntry(
        id=f"{list_url}#{slot.index}",
        status_purpose=purpose,
        status_list_index=str(slot.index),
        status_list_credential=list_url,
    ).to_ld()


def with_status(document: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    """Return `document` with `entry` as its credentialStatus (adding the status context to VC 1.1)."""
    result = dict(document)
    contexts = list(result.get("@context", []))
    if VC_V1_CONTEXT in contexts and STATUS_CONTEXT_V1 not in contexts:
        result["@context"] = [*contexts, STATUS_CONTEXT_V1]
    result["credentialStatus"] = entry
    return result


class CredentialSigner:
    """Turns drafts into signed, stored credentials."""

    def __init__(
        self,
        *,
        engine: Engine,
        base_url: str,
        sign: SignFunction,
        issuer_id: Callable[[], str],
        credentials: CredentialStore,
        status_lists: StatusListStore,
    ) -> None:
        self._engine = engine
        self._base_url = base_url
        self._sign = sign
        self._issuer_id = issuer_id
        self._credentials = credentials
        self._status_lists = status_lists

    def sign_and_store(
        self,
        drafts: list[Draft],
        *,
        cryptosuite: str,
        now: datetime,
        actor: str,
        status_purpose: StatusPurpose | None = "revocation",
    ) -> list[StoredCredential]:
        """Sign every draft and store them all in one transaction (all or nothing)."""
        slots: list[StatusSlot | None] = [None] * len(drafts)
        if status_purpose is not None and drafts:
            slots = list(self._status_lists.allocate(len(drafts), now=now))
        rows = []
        for draft, slot in zip(drafts, slots, strict=True):
            document = draft.document
            if slot is not None and status_purpose is not None:
                document = with_status(document, status_entry(self._base_url, slot, status_purpose))
            signed = self._sign(document, cryptosuite, now)
            row_id = draft.credential_id or new_credential_id()
            rows.append(
                StoredCredential(
                    id=row_id,
                    url=str(signed["id"]),
                    caller_id=signed["id"] != f"{self._base_url}/credentials/{row_id}",
                    document=serialize(signed),
                    cryptosuite=cryptosuite,
                    issuer_id=self._issuer_id(),
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
                )
            )
        with self._engine.begin() as conn:
            wallets: dict[str, str] = {}
            for n, row in enumerate(rows):
                if row.recipient_key:
                    if row.recipient_key not in wallets:
                        wallets[row.recipient_key] = ensure_wallet(conn, row.recipient_key, now)
                    rows[n] = replace(row, wallet_id=wallets[row.recipient_key])
            self._credentials.insert(conn, rows)
            for row in rows:
                record_event(
                    conn,
                    at=now,
                    actor=actor,
                    action="issue",
                    subject=row.url,
                    detail={"achievement": row.achievement_id, "cryptosuite": cryptosuite},
                )
        return rows
