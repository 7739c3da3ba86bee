"""The `credentialStatus` check: Bitstring Status List (and StatusList2021) entries.

Fail closed: when the status cannot be determined (the list is on a host this verifier
may not contact, cannot be fetched in time, is too large, unsigned, expired or damaged;
the entry is of a kind or purpose we cannot evaluate), the check fails with "We could
not check whether the issuer has revoked this credential: <reason>." A verifier that
could not look never says "not revoked".

Problem types: the Bitstring Status List codes where the spec defines one
(STATUS_RETRIEVAL_ERROR, STATUS_VERIFICATION_ERROR, STATUS_LIST_LENGTH_ERROR,
RANGE_ERROR), MALFORMED_VALUE_ERROR for a malformed entry, and
`urn:ler-issuer:problem:status-unknown` for the rest (a host not allowed, an entry type
or purpose this verifier does not support).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from issuer.errors import IssuerError
from issuer.jsonld.view import signed_view
from issuer.model.verification import CheckResult
from issuer.status.bitstring import (
    StatusBits,
    StatusIndexOutOfRange,
    StatusListError,
    StatusListTooShort,
)
from issuer.verify.checks.common import (
    MALFORMED_VALUE_ERROR,
    PROBLEM,
    STATUS_ENTRY_TYPES,
    STATUS_LIST_LENGTH_ERROR,
    STATUS_RANGE_ERROR,
    STATUS_RETRIEVAL_ERROR,
    STATUS_VERIFICATION_ERROR,
    _failed,
    _warning,
    as_list,
    date_fields,
    describe_date,
    issuer_id,
    parse_datetime,
    status_entry_type,
    types_of,
    untyped_status_entry,
)
from issuer.verify.list_cache import VerifiedLists, list_digest
from issuer.verify.status import StatusListFetcher, StatusListNotAllowed, StatusListUnavailable

STATUS_UNKNOWN = PROBLEM + "status-unknown"
"""Problem type of a status that cannot be determined and has no spec code of its own."""

REVOKED = PROBLEM + "revoked"
"""Problem type of a revoked credential (final)."""

SUSPENDED = PROBLEM + "suspended"
"""Problem type of a suspended credential (a suspension bit that may be cleared later)."""

KNOWN_PURPOSES = ("revocation", "suspension", "refresh", "message")
"""The status purposes of the Bitstring Status List spec, the only ones we can evaluate."""


@dataclass(frozen=True)
class _Unusable:
    """Why a status list cannot be used: a reason clause, a title and a problem type."""

    reason: str
    title: str
    problem_type: str


@dataclass
class _StatusList:
    """A fetched and verified status list (valid from `start` until `end`), or the reason it
    cannot be used."""

    bits: StatusBits | None = None
    purposes: tuple[str, ...] = ()
    problem: _Unusable | None = None
    start: datetime | None = None
    end: datetime | None = None


def check_credential_status(
    document: dict[str, Any],
    *,
    fetch_status_list: StatusListFetcher,
    verify_list_proofs: Callable[[dict[str, Any]], str | None],
    now: datetime,
    verified_lists: VerifiedLists | None = None,
) -> list[CheckResult]:
    """`credentialStatus`: read each status entry's bit in the issuer's signed status list.

    `verify_list_proofs(list_credential)` returns None when the list's proofs are valid
    and made by the credential's issuer, else a reason ("is not signed by ..."). Each
    list is fetched once, only through `fetch_status_list`. An entry whose status cannot
    be determined gives a failed check (see the module docstring).

    With `verified_lists`, and a `verify_list_proofs` that names the keys it trusts
    (a `trusted` attribute), a list fetched again unchanged is not verified again
    (`issuer.verify.list_cache`).
    """
    entries = as_list(document.get("credentialStatus"))
    if not entries:
        return [
            CheckResult(
                name="credentialStatus",
                status="passed",
                message="The issuer did not give a way to check whether this credential "
                "has been revoked.",
            )
        ]
    lists: dict[tuple[str, str], _StatusList] = {}
    credential_issuer = issuer_id(document)
    results = []
    trusted = getattr(verify_list_proofs, "trusted", None)
    cache = verified_lists if trusted is not None else None
    for entry in entries:
        results.append(
            _check_one_status(
                entry,
                credential_issuer,
                lists,
                fetch_status_list,
                verify_list_proofs,
                now,
                None if cache is None else (cache, trusted),
            )
        )
    return results


def _list_name(purpose: str) -> str:
    """Return the name of a list of `purpose` in messages: "revocation list", ..."""
    return f"{purpose} list" if purpose in ("revocation", "suspension") else "status list"


def unknown_status(
    purpose: str, reason: str, title: str, problem_type: str, entry: Any
) -> CheckResult:
    """The failed check of an entry whose status cannot be determined, saying why."""
    if purpose == "suspension":  # revoking such a credential sets its suspension bit
        opening = "We could not check whether the issuer has revoked or suspended this credential"
    elif purpose in ("refresh", "message"):
        opening = "We could not check the status the issuer has set on this credential"
    else:
        opening = "We could not check whether the issuer has revoked this credential"
    return _failed("credentialStatus", f"{opening}: {reason}.", title, problem_type, input=entry)


def is_status_unknown(check: CheckResult) -> bool:
    """Whether `check` is a failed `credentialStatus` check saying the status is unknown
    (rather than that the credential is revoked or suspended)."""
    return (
        check.name == "credentialStatus"
        and check.failed
        and check.problem_type not in (REVOKED, SUSPENDED)
    )


def revoked(entry: Any, value: int | None = None) -> CheckResult:
    """The failed check of a credential its issuer has revoked (for good)."""
    return _failed(
        "credentialStatus",
        "This credential has been revoked by its issuer.",
        "Credential revoked",
        REVOKED,
        input=entry,
        value=value,
    )


def _check_one_status(
    entry: Any,
    credential_issuer: str | None,
    lists: dict[tuple[str, str], _StatusList],
    fetch: StatusListFetcher,
    verify_list_proofs: Callable[[dict[str, Any]], str | None],
    now: datetime,
    cache: tuple[VerifiedLists, Any] | None,
) -> CheckResult:
    entry_type = status_entry_type(entry)
    if entry_type is None:
        return untyped_status_entry(entry)
    if not isinstance(entry, dict) or entry_type not in STATUS_ENTRY_TYPES:
        return unknown_status(
            "",
            f"the credential uses a kind of status check ({entry_type}) that this verifier "
            "does not support",
            "Unsupported status check",
            STATUS_UNKNOWN,
            entry,
        )
    purpose = entry.get("statusPurpose")
    url = entry.get("statusListCredential")
    raw_index = entry.get("statusListIndex")
    raw_size = entry.get("statusSize", 1)
    index = int(raw_index) if isinstance(raw_index, str) and raw_index.isdigit() else raw_index
    problems = []
    if not isinstance(purpose, str) or not purpose:
        problems.append("it has no statusPurpose")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        problems.append("its statusListCredential is not a web address")
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        problems.append("its statusListIndex is not a whole number")
    if isinstance(raw_size, bool) or not isinstance(raw_size, int) or not 1 <= raw_size <= 8:
        problems.append("its statusSize is not a whole number from 1 to 8")
    elif raw_size > 1 and not isinstance(entry.get("statusMessage"), list):
        problems.append("it has a statusSize above 1 but no statusMessage")
    if problems:
        return unknown_status(
            purpose if isinstance(purpose, str) else "",
            f"the credential's status entry is malformed ({'; '.join(problems)})",
            "Malformed status entry",
            MALFORMED_VALUE_ERROR,
            entry,
        )
    assert isinstance(purpose, str) and isinstance(url, str) and isinstance(index, int)
    if purpose not in KNOWN_PURPOSES:
        return unknown_status(
            purpose,
            f"its status entry has the purpose “{purpose}”, which this verifier does not "
            "know how to read",
            "Unsupported status purpose",
            STATUS_UNKNOWN,
            entry,
        )
    key = (url, entry_type)
    if key not in lists:
        lists[key] = _load_list(
            url, entry_type, entry, credential_issuer, fetch, verify_list_proofs, now, cache
        )
    status_list = lists[key]
    problem = status_list.problem
    if problem is not None:
        return unknown_status(purpose, problem.reason, problem.title, problem.problem_type, entry)
    assert status_list.bits is not None
    list_name = _list_name(purpose)
    if purpose not in status_list.purposes:
        return unknown_status(
            purpose,
            f"the list the credential points to is not a {purpose} list",
            "Status purpose mismatch",
            STATUS_VERIFICATION_ERROR,
            entry,
        )
    if len(status_list.bits) // raw_size < 131_072:
        return unknown_status(
            purpose,
            f"the issuer's {list_name} is too short to protect the holder's privacy",
            "Status list too short",
            STATUS_LIST_LENGTH_ERROR,
            entry,
        )
    try:
        value = status_list.bits.value(index, raw_size)
    except StatusIndexOutOfRange:
        return unknown_status(
            purpose,
            f"the credential points past the end of the issuer's {list_name}",
            "Status index out of range",
            STATUS_RANGE_ERROR,
            entry,
        )
    return _status_outcome(purpose, value, entry)


def _status_outcome(purpose: str, value: int, entry: dict[str, Any]) -> CheckResult:
    def passed(message: str) -> CheckResult:
        return CheckResult(
            name="credentialStatus", status="passed", message=message, input=entry, value=value
        )

    if purpose == "revocation":
        if value:
            return revoked(entry, value)
        return passed("The issuer has not revoked this credential.")
    if purpose == "suspension":
        if value:
            return _failed(
                "credentialStatus",
                "This credential has been suspended by its issuer. It may be reinstated later.",
                "Credential suspended",
                SUSPENDED,
                input=entry,
                value=value,
            )
        return passed("The issuer has not suspended this credential.")
    message = _status_message(entry, value)
    if purpose == "refresh":
        if value:
            return _warning(
                "credentialStatus",
                "The issuer has published a newer version of this credential.",
                "Newer version available",
                PROBLEM + "refresh",
                input=entry,
                value=value,
            )
        return passed("The issuer has not published a newer version of this credential.")
    if message is not None:
        return passed(f"The issuer's status message for this credential: “{message}”.")
    if value:
        return _warning(
            "credentialStatus",
            f"The issuer has set the status “{purpose}” on this credential.",
            "Status set",
            PROBLEM + "status-set",
            input=entry,
            value=value,
        )
    return passed(f"The status “{purpose}” is not set on this credential.")


def _status_message(entry: dict[str, Any], value: int) -> str | None:
    for item in as_list(entry.get("statusMessage")):
        if not isinstance(item, dict) or not isinstance(item.get("status"), str):
            continue
        try:
            message = item.get("message")
            if int(item["status"], 16) == value and isinstance(message, str):
                return message
        except ValueError:
            continue
    return None


def _load_list(
    url: str,
    entry_type: str,
    entry: dict[str, Any],
    credential_issuer: str | None,
    fetch: StatusListFetcher,
    verify_list_proofs: Callable[[dict[str, Any]], str | None],
    now: datetime,
    cache: tuple[VerifiedLists, Any] | None = None,
) -> _StatusList:
    """Fetch, authenticate and decode the list at `url`, or say why it cannot be used.

    With `cache` (the verified lists and the keys `verify_list_proofs` trusts), a usable
    list is kept, and the same list fetched again is taken from there while `now` is
    within its validity period; a list that cannot be used is never kept.
    """
    try:
        list_credential = fetch(url)
    except StatusListNotAllowed as err:
        return _StatusList(problem=_Unusable(str(err), "Status list not fetched", STATUS_UNKNOWN))
    except StatusListUnavailable as err:
        return _StatusList(
            problem=_Unusable(str(err), "Status list unavailable", STATUS_RETRIEVAL_ERROR)
        )
    if cache is None:
        return _use_list(
            url, entry_type, entry, credential_issuer, list_credential, verify_list_proofs, now
        )
    verified_lists, trusted = cache
    key = (url, entry_type, credential_issuer, trusted, list_digest(list_credential))
    found = verified_lists.get(key, now)
    if isinstance(found, _StatusList):
        return found
    loaded = _use_list(
        url, entry_type, entry, credential_issuer, list_credential, verify_list_proofs, now
    )
    if loaded.problem is None:
        verified_lists.put(key, loaded, loaded.start, loaded.end)
    return loaded


def _use_list(
    url: str,
    entry_type: str,
    entry: dict[str, Any],
    credential_issuer: str | None,
    list_credential: dict[str, Any],
    verify_list_proofs: Callable[[dict[str, Any]], str | None],
    now: datetime,
) -> _StatusList:
    """Authenticate and decode a fetched list, or say why it cannot be used."""
    list_type, subject_type, allow_unprefixed = STATUS_ENTRY_TYPES[entry_type]
    list_name = _list_name(str(entry.get("statusPurpose", "")))

    def unusable(reason: str, title: str, problem_type: str) -> _StatusList:
        return _StatusList(
            problem=_Unusable(f"the issuer's {list_name} {reason}", title, problem_type)
        )

    def not_this_list(document: dict[str, Any]) -> _StatusList | None:
        if list_type not in types_of(document):
            return unusable("is not a status list", "Not a status list", STATUS_VERIFICATION_ERROR)
        if "id" in document and document["id"] != url:
            return unusable(
                "is not the list the credential points to (its id differs)",
                "Wrong status list",
                STATUS_VERIFICATION_ERROR,
            )
        if credential_issuer is None or issuer_id(document) != credential_issuer:
            return unusable(
                "was not published by the credential's issuer",
                "Status list from another issuer",
                STATUS_VERIFICATION_ERROR,
            )
        return None

    problem = not_this_list(list_credential)  # as received, before checking its proofs
    if problem is not None:
        return problem
    reason = verify_list_proofs(list_credential)
    if reason is not None:
        return unusable(reason, "Status list not authentic", STATUS_VERIFICATION_ERROR)
    try:  # from here on, what the list's signature covers
        list_credential = signed_view(list_credential)
    except IssuerError as err:
        return unusable(
            f"cannot be read ({str(err).rstrip('.')})",
            "Damaged status list",
            STATUS_VERIFICATION_ERROR,
        )
    problem = not_this_list(list_credential)
    if problem is not None:
        return problem
    valid_from, valid_until = date_fields(list_credential)
    start = parse_datetime(list_credential.get(valid_from))
    end = parse_datetime(list_credential.get(valid_until))
    if start is not None and now < start:
        return unusable("is not valid yet", "Status list not yet valid", STATUS_VERIFICATION_ERROR)
    if end is not None and now >= end:
        return unusable(
            f"expired on {describe_date(end)}", "Status list expired", STATUS_VERIFICATION_ERROR
        )
    subject = list_credential.get("credentialSubject")
    if not isinstance(subject, dict) or subject_type not in types_of(subject):
        return unusable("is not a status list", "Not a status list", STATUS_VERIFICATION_ERROR)
    purposes = tuple(p for p in as_list(subject.get("statusPurpose")) if isinstance(p, str))
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str):
        return unusable(
            "is damaged (its encodedList is not text)",
            "Damaged status list",
            STATUS_VERIFICATION_ERROR,
        )
    try:
        bits = StatusBits.decode(encoded, allow_unprefixed=allow_unprefixed)
    except StatusListTooShort:
        return unusable(
            "is too short to protect the holder's privacy",
            "Status list too short",
            STATUS_LIST_LENGTH_ERROR,
        )
    except StatusListError as err:
        return unusable(f"is damaged ({err})", "Damaged status list", STATUS_VERIFICATION_ERROR)
    return _StatusList(bits=bits, purposes=purposes, start=start, end=end)
