"""The VC Data Model's rules on a credential's JSON, checked when issuing and when verifying.

    problems = data_model_problems(credential)  # [] when it keeps every rule

Each problem is a short clause ("its validFrom is not a date and time with a time
zone") that callers join into one sentence. These are rules on the JSON as
written (VC 2.0 §4, and the VC API's request shapes): arrays where the model
wants ordered sets, `type` on every typed object, dates with time zones,
related resources with digests that match. What the credential *says* is read
from its signed form by the verifier's other checks.
"""

import base64
import binascii
import hashlib
import re
from datetime import datetime
from typing import Any

from issuer.model.related import known_digests
from issuer.model.spec import DATA_MODEL_VERSIONS, VC_V1_CONTEXT, VC_V2_CONTEXT, as_list

DATE_TIME_STAMP = re.compile(
    r"-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)"
    r"(\.\d+)?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))"
)
"""XML Schema `dateTimeStamp`: a date and time with a time zone (VC 2.0 dates)."""

DATE_TIME = re.compile(DATE_TIME_STAMP.pattern + "?")
"""XML Schema `dateTime`: the time zone optional (VC 1.1 dates)."""

TYPED_PROPERTIES = (
    "credentialStatus",
    "termsOfUse",
    "evidence",
    "refreshService",
    "credentialSchema",
)
"""Properties whose every object must say its `type`."""

_SRI = re.compile(r"(sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+")


def is_url(value: Any) -> bool:
    """Whether `value` is one absolute URL (or URN, DID...) with no spaces."""
    return isinstance(value, str) and _URL.fullmatch(value) is not None


def data_model_problems(credential: dict[str, Any]) -> list[str]:
    """Return what breaks the Data Model's rules in `credential` (a parsed JSON object)."""
    contexts = credential.get("@context")
    version = _version(contexts)
    problems = _context_problems(contexts)
    problems += _type_problems(credential.get("type"))
    if "id" in credential and not is_url(credential["id"]):
        problems.append("its id is not a single URL")
    problems += _issuer_problems(credential)
    problems += _subject_problems(credential)
    problems += _date_problems(credential, version)
    for name in TYPED_PROPERTIES:
        problems += _typed_object_problems(name, credential.get(name))
    for schema in as_list(credential.get("credentialSchema")):
        if isinstance(schema, dict) and not is_url(schema.get("id")):
            problems.append("each credentialSchema needs an id that is a URL")
    for status in as_list(credential.get("credentialStatus")):
        if isinstance(status, dict) and "id" in status and not is_url(status["id"]):
            problems.append("a credentialStatus id must be a single URL")
    problems += _language_problems(credential)
    if "relatedResource" in credential:
        problems += related_resource_problems(credential["relatedResource"])
    return problems


def _version(contexts: Any) -> str | None:
    first = contexts[0] if isinstance(contexts, list) and contexts else None
    return DATA_MODEL_VERSIONS.get(first) if isinstance(first, str) else None


def _context_problems(contexts: Any) -> list[str]:
    if not isinstance(contexts, list) or not contexts:
        return [f"its @context must be a list, and its first @context {VC_V2_CONTEXT}"]
    problems = []
    if _version(contexts) is None:
        problems.append(
            f"its first @context must be {VC_V2_CONTEXT} (or {VC_V1_CONTEXT} for version 1.1)"
        )
    if not all(isinstance(c, str | dict) for c in contexts):
        problems.append("each @context must be a URL or an object")
    return problems


def _type_problems(types: Any) -> list[str]:
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        return ["its type must be a list of names (strings)"]
    if "VerifiableCredential" not in types:
        return ['its type must include "VerifiableCredential"']
    return []


def _issuer_problems(credential: dict[str, Any]) -> list[str]:
    if "issuer" not in credential:
        return ["it does not name its issuer"]
    issuer = credential["issuer"]
    identifier = issuer.get("id") if isinstance(issuer, dict) else issuer
    if identifier is None:
        return ["it does not name its issuer (a URL, or an object whose id is a URL)"]
    if not is_url(identifier):
        return [f"its issuer id ({identifier}) is not a URL"]
    return []


def _subject_problems(credential: dict[str, Any]) -> list[str]:
    subject = credential.get("credentialSubject")
    subjects = as_list(subject)
    if not subjects or not all(isinstance(s, dict) for s in subjects):
        return ["its credentialSubject must be an object (or a list of objects)"]
    if any(not s for s in subjects):
        return ["each credentialSubject must say something about its subject"]
    if any("id" in s and not is_url(s["id"]) for s in subjects):
        return ["a credentialSubject's id must be a single URL"]
    return []


def _date_problems(credential: dict[str, Any], version: str | None) -> list[str]:
    fields = ("validFrom", "validUntil") if version != "1.1" else ("issuanceDate", "expirationDate")
    pattern = DATE_TIME if version == "1.1" else DATE_TIME_STAMP
    problems = []
    for name in fields:
        value = credential.get(name)
        if name in credential and not (isinstance(value, str) and pattern.fullmatch(value)):
            problems.append(f"its {name} is not a date and time with a time zone")
    start, end = (_parse(credential.get(name)) for name in fields)
    if start is not None and end is not None and end < start:
        problems.append(f"its {fields[1]} is before its {fields[0]}")
    if version == "1.1" and "issuanceDate" not in credential:
        problems.append("it has no issuanceDate, which version 1.1 credentials must have")
    return problems


def _parse(value: Any) -> datetime | None:
    """The moment a date field gives, when it has a time zone; else None."""
    if not isinstance(value, str) or not DATE_TIME_STAMP.fullmatch(value):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _typed_object_problems(name: str, value: Any) -> list[str]:
    for item in as_list(value):
        if not isinstance(item, dict):
            return [f"each {name} must be an object"]
        kinds = item.get("type")
        if not kinds or not all(isinstance(k, str) and k for k in as_list(kinds)):
            return [f"each {name} must say its type"]
    return []


def _language_problems(credential: dict[str, Any]) -> list[str]:
    nodes = [credential, credential.get("issuer")]
    for node in nodes:
        if not isinstance(node, dict):
            continue
        for name in ("name", "description"):
            if name in node and not all(_is_text(v) for v in as_list(node[name])):
                return [f"its {name} must be text, or text with a language and direction"]
    return []


def _is_text(value: Any) -> bool:
    if isinstance(value, str):
        return True
    return (
        isinstance(value, dict)
        and isinstance(value.get("@value"), str)
        and set(value) <= {"@value", "@language", "@direction"}
    )


def related_resource_problems(value: Any) -> list[str]:
    """Return what is wrong with a `relatedResource` value, digests included.

    A digest is checked against the bytes of the resource where this service
    knows them (`issuer.model.related`); a resource it does not know cannot be
    checked, which is a problem too (nothing unverifiable is vouched for).
    """
    resources = as_list(value)
    if not resources or not all(isinstance(r, dict) for r in resources):
        return ["its relatedResource must be one or more objects"]
    ids = [r.get("id") for r in resources]
    if not all(is_url(i) for i in ids):
        return ["each relatedResource needs an id that is a URL"]
    if len(set(ids)) != len(ids):
        return ["each relatedResource must have a different id"]
    problems = []
    for resource in resources:
        if "digestSRI" not in resource and "digestMultibase" not in resource:
            problems.append(f"the related resource {resource['id']} has no digest")
            continue
        problem = _digest_problem(resource)
        if problem:
            problems.append(problem)
    return problems


def _digest_problem(resource: dict[str, Any]) -> str | None:
    url = resource["id"]
    known = known_digests(url)
    if not known:
        return f"the digest of the related resource {url} cannot be checked here"
    given: list[tuple[str, bytes | None]] = []
    if "digestSRI" in resource:
        given.append(_decode_sri(resource["digestSRI"]))
    if "digestMultibase" in resource:
        given.append(("sha256", _decode_multibase(resource["digestMultibase"])))
    for algorithm, digest in given:
        if digest is None or digest not in known.get(algorithm, ()):
            return f"the digest of the related resource {url} does not match it"
    return None


def _decode_sri(value: Any) -> tuple[str, bytes | None]:
    match = _SRI.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return "sha256", None
    try:
        digest = base64.b64decode(match.group(2), validate=True)
    except (binascii.Error, ValueError):
        return match.group(1), None
    return match.group(1), digest if len(digest) == hashlib.new(
        match.group(1)
    ).digest_size else None


def _decode_multibase(value: Any) -> bytes | None:
    """Decode a base64url (`u`) multibase SHA-256 digest, raw or as a sha2-256 multihash."""
    if not isinstance(value, str) or not value.startswith("u"):
        return None
    body = value[1:]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        return None
    if len(raw) == 34 and raw[:2] == b"\x12\x20":  # multihash: sha2-256, 32 bytes
        raw = raw[2:]
    return raw if len(raw) == 32 else None
