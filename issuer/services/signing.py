"""Signing helpers of the issuance pipeline: ids, status entries, serialization, and the
in-process signing strategy (`InProcessSigning`; batches sign in worker processes with
`batch_signing.PoolSigning`)."""

import json
import os
import time
from collections.abc import Callable
from concurrent.futures import Future
from datetime import datetime
from typing import TYPE_CHECKING, Any

import orjson

from issuer.model.spec import STATUS_CONTEXT_V1, VC_V1_CONTEXT
from issuer.model.status import BitstringStatusListEntry, StatusPurpose
from issuer.store.status_lists import StatusSlot, list_id

if TYPE_CHECKING:
    from issuer.services.issuing import Signed, ToSign

SignFunction = Callable[[dict[str, Any], str, datetime], dict[str, Any]]
"""Signs a document with a cryptosuite at a time; returns the signed copy."""


def new_credential_id() -> str:
    """Return a fresh uuid for a credential: a version 7 UUID (RFC 9562: the Unix time in
    milliseconds, then 74 random bits), so credentials issued together have neighbouring
    ids, and the indexes on ids and URLs grow at their end instead of at random pages (a
    100,000-credential batch writes about half as much to SQLite)."""
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (
        (millis & (1 << 48) - 1) << 80
        | 0x7 << 76  # version 7
        | (rand >> 62 & 0xFFF) << 64
        | 0b10 << 62  # the RFC 4122 / 9562 variant
        | rand & (1 << 62) - 1
    )
    digits = f"{value:032x}"  # (str(uuid.UUID(int=value)), without building the object)
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def serialize(document: dict[str, Any]) -> str:
    """Return the JSON text stored and served for a signed document: indented by two spaces,
    not ASCII-escaped (the text `json.dumps(document, ensure_ascii=False, indent=2)` gives).

    Written by orjson (a tenth of the time of the standard library's indenting encoder,
    which is pure Python: a third of a batch worker's time); a document orjson refuses (an
    integer past 64 bits) is written by the standard library."""
    try:
        return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode()
    except orjson.JSONEncodeError:
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


class InProcessSigning:
    """The pipeline's signing strategy for a few credentials: sign them here, at once.

    A signing error is raised from the future (to the caller of `Issuer.issue`)."""

    def __init__(self, sign: SignFunction, *, base_url: str) -> None:
        self._sign = sign
        self._base_url = base_url

    def submit(
        self,
        items: list["ToSign"],
        *,
        cryptosuite: str,
        status_purpose: StatusPurpose | None,
        now: datetime,
    ) -> Future[list["Signed"]]:
        from issuer.services.issuing import Signed

        future: Future[list[Signed]] = Future()
        try:
            out = []
            for item in items:
                document = item.draft.document
                if document is None:
                    raise ValueError("in-process signing needs each draft's document")
                if item.slot is not None and status_purpose is not None:
                    entry = status_entry(self._base_url, item.slot, status_purpose)
                    document = with_status(document, entry)
                signed = self._sign(document, cryptosuite, now)
                out.append(Signed(item.draft.credential_id, serialize(signed)))
            future.set_result(out)
        except Exception as err:  # handed to the caller through the future
            future.set_exception(err)
        return future
