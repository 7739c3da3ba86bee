"""The named checks of verification, one function each, each returning CheckResults.

Checks never raise for anything wrong with the document: they report it. The proof
layer is passed in (`verify_proof`, `resolve`) so each check stays a plain function of
its inputs; `pipeline.py` wires in the real ones.

Check names: shape, proof, issuer, holder, challenge, domain, validFrom, validUntil,
credentialStatus, credentialSchema (and `credentials` for a presentation, in pipeline.py).

Decisions worth knowing:
- Every proof must verify; a document without a proof fails the `proof` check.
- `issuer`: the key that signed must belong to the issuer (the verification method's
  controller equals the issuer id). If the issuer id is not a DID or an http(s) URL
  (e.g. `urn:uuid:...`), no key can ever be linked to it: that is a warning, not a failure.
- `credentialStatus`: a list on a host the verifier may not contact is a warning (the
  operator chose not to look, and the spec warns against "phoning home"); a list that
  should have been fetched but could not be, or that is unsigned, badly signed, from
  another issuer or damaged, is a failure, so `verified` never means "not revoked as far
  as we know, which is nothing".
- `credentialSchema`: a schema id we have no local copy of is a warning (never fetched).
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from issuer.errors import ContextNotAvailable, IssuerError
from issuer.jsonld import UndefinedTerm
from issuer.model.verification import CheckResult
from issuer.proofs.errors import ProofError
from issuer.schemas import CLR_CREDENTIAL, OB_ACHIEVEMENT_CREDENTIAL, is_known_schema, schema_errors
from issuer.status.bitstring import (
    StatusBits,
    StatusIndexOutOfRange,
    StatusListError,
    StatusListTooShort,
)
from issuer.verify.status import StatusListFetcher, StatusListNotAllowed, StatusListUnavailable

log = logging.getLogger(__name__)

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
OB_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})

# ProblemDetails types: the specs' own codes where one fits, else this project's URNs.
PARSING_ERROR = "https://www.w3.org/TR/vc-data-model#PARSING_ERROR"
MALFORMED_VALUE_ERROR = "https://www.w3.org/TR/vc-data-model#MALFORMED_VALUE_ERROR"
PROOF_VERIFICATION_ERROR = "https://w3id.org/security#PROOF_VERIFICATION_ERROR"
INVALID_CHALLENGE_ERROR = "https://w3id.org/security#INVALID_CHALLENGE_ERROR"
INVALID_DOMAIN_ERROR = "https://w3id.org/security#INVALID_DOMAIN_ERROR"
CREDENTIAL_EXPIRED = "https://www.w3.org/TR/vc-data-model-2.0#CREDENTIAL_EXPIRED"
STATUS_LIST = "https://www.w3.org/ns/credentials/status-list#"
STATUS_RETRIEVAL_ERROR = STATUS_LIST + "STATUS_RETRIEVAL_ERROR"
STATUS_VERIFICATION_ERROR = STATUS_LIST + "STATUS_VERIFICATION_ERROR"
STATUS_LIST_LENGTH_ERROR = STATUS_LIST + "STATUS_LIST_LENGTH_ERROR"
STATUS_RANGE_ERROR = STATUS_LIST + "RANGE_ERROR"
PROBLEM = "urn:ler-issuer:problem:"

SCHEMA_NAMES = {
    OB_ACHIEVEMENT_CREDENTIAL: "the Open Badges 3.0 credential schema",
    CLR_CREDENTIAL: "the Comprehensive Learner Record 2.0 schema",
}
SCHEMA_TYPES = ("1EdTechJsonSchemaValidator2019", "JsonSchema")

# (entry type) -> (list credential type, list subject type, unprefixed encoding allowed)
STATUS_ENTRY_TYPES = {
    "BitstringStatusListEntry": ("BitstringStatusListCredential", "BitstringStatusList", False),
    "StatusList2021Entry": ("StatusList2021Credential", "StatusList2021", True),
}


class VerifiedMethod(Protocol):
    """What the proof layer returns for a valid proof: the key's id and its controller."""

    id: str
    controller: str


class ProofVerifier(Protocol):
    """`issuer.proofs.verify_proof`: returns the verification method, raises on a bad proof."""

    def __call__(
        self,
        document: dict[str, Any],
        proof: dict[str, Any],
        *,
        resolve: Any,
        expected_purpose: str = ...,
    ) -> VerifiedMethod: ...


@dataclass(frozen=True)
class ProofOutcome:
    """One `proof` check and, when the proof verified, the controller of its key."""

    check: CheckResult
    controller: str | None = None


# ---------------------------------------------------------------------------------------
# Reading documents


def as_list(value: Any) -> list[Any]:
    """Return `value` as a list: [] for None, itself for a list, else [value]."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def types_of(node: Any) -> list[str]:
    """Return the `type` values of a JSON object (string or list), strings only."""
    if not isinstance(node, dict):
        return []
    return [t for t in as_list(node.get("type")) if isinstance(t, str)]


def contexts_of(document: dict[str, Any]) -> list[Any]:
    """Return the `@context` entries as a list."""
    return as_list(document.get("@context"))


def data_model(document: Any) -> str | None:
    """Return "2.0" or "1.1" from the first @context, or None if it is neither."""
    if not isinstance(document, dict):
        return None
    contexts = contexts_of(document)
    first = contexts[0] if contexts else None
    return (
        {VC_V2_CONTEXT: "2.0", VC_V1_CONTEXT: "1.1"}.get(first) if isinstance(first, str) else None
    )


def node_id(value: Any) -> str | None:
    """Return the id of a node written as a string or as an object with a string `id`."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"]
    return None


def issuer_id(document: Any) -> str | None:
    """Return the credential's issuer id (`issuer` as a URL or a Profile object)."""
    return node_id(document.get("issuer")) if isinstance(document, dict) else None


def issuer_name(document: Any) -> str | None:
    """Return the issuer's `name` when the issuer is an object with a string name."""
    issuer = document.get("issuer") if isinstance(document, dict) else None
    name = issuer.get("name") if isinstance(issuer, dict) else None
    return name if isinstance(name, str) else None


def date_fields(document: dict[str, Any]) -> tuple[str, str]:
    """Return the names of the validity fields: validFrom/validUntil, or the VC 1.1 names."""
    if data_model(document) == "1.1":
        return "issuanceDate", "expirationDate"
    return "validFrom", "validUntil"


def parse_datetime(value: Any) -> datetime | None:
    """Return an aware datetime for an XML Schema dateTime string (no zone = UTC), else None."""
    if not isinstance(value, str) or "T" not in value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def describe_date(value: datetime) -> str:
    """Return a date in plain words, in UTC: "10 November 2022 at 15:38 UTC"."""
    utc = value.astimezone(UTC)
    return f"{utc.day} {utc:%B %Y} at {utc:%H:%M} UTC"


def is_linkable_id(identifier: str) -> bool:
    """Whether keys can be linked to this id: a DID or an http(s) URL."""
    return identifier.startswith(("did:", "https://", "http://"))


def _kind_of(document: dict[str, Any]) -> str:
    types = set(types_of(document))
    if types & OB_TYPES:
        return "Open Badges 3.0 credential"
    if "ClrCredential" in types:
        return "Comprehensive Learner Record"
    if "EndorsementCredential" in types:
        return "Open Badges 3.0 endorsement"
    return "Verifiable Credential"


def _sentence(problems: list[str]) -> str:
    return "; ".join(problems) + "."


def _failed(name: str, message: str, title: str, problem_type: str, **kw: Any) -> CheckResult:
    return CheckResult(
        name=name, status="failed", message=message, title=title, problem_type=problem_type, **kw
    )


def _warning(name: str, message: str, title: str, problem_type: str, **kw: Any) -> CheckResult:
    return CheckResult(
        name=name, status="warning", message=message, title=title, problem_type=problem_type, **kw
    )


# ---------------------------------------------------------------------------------------
# shape


def check_shape(document: Any) -> CheckResult:
    """`shape`: the JSON is a VC 2.0 or 1.1 credential (contexts, type, issuer, subject)."""
    if not isinstance(document, dict):
        return _failed(
            "shape",
            "This is not a credential: a credential is a JSON object.",
            "Not a credential",
            PARSING_ERROR,
        )
    problems: list[str] = []
    version = data_model(document)
    if version is None:
        problems.append(
            "its first @context must be the W3C Verifiable Credentials context "
            f"({VC_V2_CONTEXT}, or {VC_V1_CONTEXT} for version 1.1)"
        )
    types = types_of(document)
    if "VerifiablePresentation" in types:
        problems.append("it is a presentation, not a credential")
    elif "VerifiableCredential" not in types:
        problems.append('its type does not include "VerifiableCredential"')
    if "id" in document and not isinstance(document["id"], str):
        problems.append("its id is not a URL")
    identifier = issuer_id(document)
    if identifier is None:
        problems.append("it does not name its issuer")
    elif ":" not in identifier:
        problems.append(f"its issuer id ({identifier}) is not a URL")
    subjects = as_list(document.get("credentialSubject"))
    if not subjects or not all(isinstance(s, dict) for s in subjects):
        problems.append("it says nothing about anyone (credentialSubject is missing or empty)")
    if version == "1.1" and "issuanceDate" not in document:
        problems.append("it has no issuanceDate, which version 1.1 credentials must have")
    if problems:
        return _failed(
            "shape",
            "This is not a well-formed Verifiable Credential: " + _sentence(problems),
            "Malformed credential",
            MALFORMED_VALUE_ERROR,
        )
    return CheckResult(
        name="shape",
        status="passed",
        message=f"This is a well-formed {_kind_of(document)} "
        f"(W3C Verifiable Credentials Data Model {version}).",
    )


def check_presentation_shape(document: Any) -> CheckResult:
    """`shape` of a presentation: VC contexts, type VerifiablePresentation, credentials as objects."""
    if not isinstance(document, dict):
        return _failed(
            "shape",
            "This is not a presentation: a presentation is a JSON object.",
            "Not a presentation",
            PARSING_ERROR,
        )
    problems: list[str] = []
    version = data_model(document)
    if version is None:
        problems.append(
            "its first @context must be the W3C Verifiable Credentials context "
            f"({VC_V2_CONTEXT}, or {VC_V1_CONTEXT} for version 1.1)"
        )
    if "VerifiablePresentation" not in types_of(document):
        problems.append('its type does not include "VerifiablePresentation"')
    if "holder" in document and node_id(document["holder"]) is None:
        problems.append("its holder is not a URL")
    enclosed = as_list(document.get("verifiableCredential"))
    if not all(isinstance(c, dict) for c in enclosed):
        problems.append("some of the credentials it holds are not JSON objects")
    elif any("EnvelopedVerifiableCredential" in types_of(c) for c in enclosed):
        problems.append("it holds enveloped (JWT or COSE) credentials, which are not supported")
    if problems:
        return _failed(
            "shape",
            "This is not a well-formed Verifiable Presentation: " + _sentence(problems),
            "Malformed presentation",
            MALFORMED_VALUE_ERROR,
        )
    count = len(enclosed)
    holding = f"holding {count} credential{'s' if count != 1 else ''}"
    return CheckResult(
        name="shape",
        status="passed",
        message=f"This is a well-formed Verifiable Presentation {holding} "
        f"(W3C Verifiable Credentials Data Model {version}).",
    )


# ---------------------------------------------------------------------------------------
# proof, issuer, holder, challenge, domain


def check_proofs(
    document: dict[str, Any],
    *,
    resolve: Any,
    verify_proof: ProofVerifier,
    expected_purpose: str = "assertionMethod",
    what: str = "credential",
    signer: str = "issuer",
) -> list[ProofOutcome]:
    """`proof`: one result per proof; every proof must verify with an allowed cryptosuite.

    `what` names the document in messages ("credential", "presentation", "status list").
    A document without any proof gets a single failed check.
    """
    proofs = as_list(document.get("proof"))
    if not proofs:
        return [
            ProofOutcome(
                _failed(
                    "proof",
                    f"The {what} is not signed, so there is no way to tell who made it "
                    "or whether it was changed.",
                    "Not signed",
                    PROOF_VERIFICATION_ERROR,
                )
            )
        ]
    return [
        _check_one_proof(document, proof, resolve, verify_proof, expected_purpose, what, signer)
        for proof in proofs
    ]


def _check_one_proof(
    document: dict[str, Any],
    proof: Any,
    resolve: Any,
    verify_proof: ProofVerifier,
    expected_purpose: str,
    what: str,
    signer: str,
) -> ProofOutcome:
    if not isinstance(proof, dict):
        return ProofOutcome(
            _failed(
                "proof",
                f"One of the {what}'s signatures is not a JSON object, so it cannot be checked.",
                "Malformed proof",
                PROOF_VERIFICATION_ERROR,
                input=proof,
            )
        )
    unresolved: list[str] = []

    def recording_resolve(method_id: str) -> Any:
        try:
            return resolve(method_id)
        except IssuerError:
            unresolved.append(method_id)
            raise

    try:
        method = verify_proof(
            document, proof, resolve=recording_resolve, expected_purpose=expected_purpose
        )
    except IssuerError as err:
        title, message = _proof_failure(err, what, unresolved)
        return ProofOutcome(_failed("proof", message, title, PROOF_VERIFICATION_ERROR, input=proof))
    except Exception:  # hostile input must not crash verification
        log.exception("unexpected error while verifying a proof")
        return ProofOutcome(
            _failed(
                "proof",
                f"The {what}'s signature could not be checked: the {what} is malformed.",
                "Signature not checked",
                PROOF_VERIFICATION_ERROR,
                input=proof,
            )
        )
    return ProofOutcome(
        CheckResult(
            name="proof",
            status="passed",
            message=f"The signature is valid: the {what} has not been changed since "
            f"the {signer} signed it.",
            input=proof,
        ),
        controller=method.controller,
    )


SIGNATURE_MISMATCH = "the signature does not verify"
"""The proof layer's message when the Ed25519 signature itself is wrong."""


def _proof_failure(err: IssuerError, what: str, unresolved: list[str]) -> tuple[str, str]:
    """Return (title, sentence) for a proof-layer error; its own message is plain English."""
    detail = str(err).strip().rstrip(".")
    if unresolved:
        return (
            "Signing key not found",
            f"We could not find the key that signed the {what} ({unresolved[0]}), so its "
            f"signature could not be checked: {detail}.",
        )
    if isinstance(err, ContextNotAvailable):
        return (
            "Unknown JSON-LD context",
            f"The {what}'s signature could not be checked: it uses a JSON-LD context this "
            f"verifier does not have ({detail}).",
        )
    if isinstance(err, UndefinedTerm) or isinstance(err.__cause__, UndefinedTerm):
        cause = str(err.__cause__ or err).strip().rstrip(".")
        return (
            "Undefined term",
            f"The {what} contains data its JSON-LD contexts do not define, so the signature "
            f"would not cover it ({cause}).",
        )
    if isinstance(err, ProofError) and detail == SIGNATURE_MISMATCH:
        return (
            "Invalid signature",
            f"The signature does not match: the {what} has been changed since it was signed, "
            "or it was not signed with the key it names.",
        )
    return ("Invalid signature", f"The {what}'s signature is not valid: {detail}.")


def check_issuer(document: dict[str, Any], outcomes: Iterable[ProofOutcome]) -> CheckResult:
    """`issuer`: the key that signed belongs to the issuer (its controller is the issuer id)."""
    identifier = issuer_id(document)
    controllers = [o.controller for o in outcomes if o.controller is not None]
    if identifier is None:
        return _failed(
            "issuer",
            "The credential does not name its issuer.",
            "No issuer",
            MALFORMED_VALUE_ERROR,
        )
    name = issuer_name(document)
    who = f"{name} ({identifier})" if name else identifier
    if not controllers:
        return _failed(
            "issuer",
            f"We could not confirm that {who} issued this credential, because its "
            "signature could not be verified.",
            "Issuer not confirmed",
            PROOF_VERIFICATION_ERROR,
            input=identifier,
        )
    if identifier in controllers:
        return CheckResult(
            name="issuer",
            status="passed",
            message=f"The credential was signed with a key that belongs to its issuer, {who}.",
            input=identifier,
        )
    if not is_linkable_id(identifier):
        return _warning(
            "issuer",
            f"The issuer is identified only as {identifier}, which no key can be linked to, "
            f"so we cannot confirm who issued this credential. It was signed with a key "
            f"that belongs to {controllers[0]}.",
            "Issuer not confirmed",
            PROBLEM + "issuer-not-linkable",
            input=identifier,
        )
    return _failed(
        "issuer",
        f"The credential says it was issued by {who}, but it was signed with a key that "
        f"belongs to {controllers[0]}. Someone other than the issuer may have made it.",
        "Signed by someone else",
        PROBLEM + "issuer-mismatch",
        input=identifier,
    )


def check_holder(document: dict[str, Any], outcomes: Iterable[ProofOutcome]) -> CheckResult | None:
    """`holder` of a presentation: the key that signed it belongs to its holder.

    Returns None when the presentation names no holder (nothing to check).
    """
    holder = node_id(document.get("holder"))
    if holder is None:
        return None
    outcomes = list(outcomes)
    controllers = [o.controller for o in outcomes if o.controller is not None]
    if holder in controllers:
        return CheckResult(
            name="holder",
            status="passed",
            message=f"The presentation was signed with a key that belongs to its holder, {holder}.",
            input=holder,
        )
    if not as_list(document.get("proof")):
        return _warning(
            "holder",
            f"The presentation says it comes from {holder}, but it is not signed, "
            "so this cannot be confirmed.",
            "Holder not confirmed",
            PROBLEM + "holder-not-confirmed",
            input=holder,
        )
    if not controllers:
        return _failed(
            "holder",
            f"We could not confirm that the presentation comes from {holder}, because "
            "its signature could not be verified.",
            "Holder not confirmed",
            PROOF_VERIFICATION_ERROR,
            input=holder,
        )
    return _failed(
        "holder",
        f"The presentation says it comes from {holder}, but it was signed with a key "
        f"that belongs to {controllers[0]}.",
        "Signed by someone else",
        PROBLEM + "holder-mismatch",
        input=holder,
    )


def check_challenge(document: dict[str, Any], challenge: str) -> CheckResult:
    """`challenge`: a proof of the presentation carries the challenge the verifier asked for.

    Its signature covers the challenge, so this is sound once the `proof` check passed.
    """
    found = [p.get("challenge") for p in as_list(document.get("proof")) if isinstance(p, dict)]
    if challenge in found:
        return CheckResult(
            name="challenge",
            status="passed",
            message="The presentation answers the challenge we sent, so it was made just now "
            "for us and is not a copy of an older one.",
            input=challenge,
        )
    return _failed(
        "challenge",
        "The presentation does not answer the challenge we sent, so it may be a copy "
        "of one made for someone else or at another time.",
        "Wrong challenge",
        INVALID_CHALLENGE_ERROR,
        input=challenge,
    )


def check_domain(document: dict[str, Any], domain: str) -> CheckResult:
    """`domain`: a proof of the presentation names the domain the verifier expects."""
    found: list[Any] = []
    for proof in as_list(document.get("proof")):
        if isinstance(proof, dict):
            found.extend(as_list(proof.get("domain")))
    if domain in found:
        return CheckResult(
            name="domain",
            status="passed",
            message=f"The presentation was made for {domain}.",
            input=domain,
        )
    return _failed(
        "domain",
        f"The presentation was not made for {domain}, so it may have been meant for "
        "another website or service.",
        "Wrong domain",
        INVALID_DOMAIN_ERROR,
        input=domain,
    )


# ---------------------------------------------------------------------------------------
# validFrom, validUntil


def check_valid_from(document: dict[str, Any], now: datetime) -> CheckResult:
    """`validFrom` (issuanceDate for VC 1.1): the credential is already valid at `now`."""
    field, _ = date_fields(document)
    raw = document.get(field)
    if raw is None:
        return CheckResult(
            name="validFrom",
            status="passed",
            message="The credential does not say from when it is valid.",
        )
    start = parse_datetime(raw)
    if start is None:
        return _failed(
            "validFrom",
            f"The date from which the credential is valid ({field} {raw!r}) is not a valid date.",
            "Malformed date",
            MALFORMED_VALUE_ERROR,
            input=raw,
        )
    if now < start:
        return _failed(
            "validFrom",
            f"This credential is not valid yet: it becomes valid on {describe_date(start)}.",
            "Not yet valid",
            PROBLEM + "not-yet-valid",
            input=raw,
        )
    return CheckResult(
        name="validFrom",
        status="passed",
        message=f"The credential has been valid since {describe_date(start)}.",
        input=raw,
    )


def check_valid_until(document: dict[str, Any], now: datetime) -> CheckResult:
    """`validUntil` (expirationDate for VC 1.1): the credential has not expired at `now`."""
    _, field = date_fields(document)
    raw = document.get(field)
    if raw is None:
        return CheckResult(
            name="validUntil", status="passed", message="The credential does not expire."
        )
    end = parse_datetime(raw)
    if end is None:
        return _failed(
            "validUntil",
            f"The credential's expiry date ({field} {raw!r}) is not a valid date.",
            "Malformed date",
            MALFORMED_VALUE_ERROR,
            input=raw,
        )
    if now >= end:
        return _failed(
            "validUntil",
            f"This credential expired on {describe_date(end)}.",
            "Credential expired",
            CREDENTIAL_EXPIRED,
            input=raw,
        )
    return CheckResult(
        name="validUntil",
        status="passed",
        message=f"The credential is valid until {describe_date(end)}.",
        input=raw,
    )


# ---------------------------------------------------------------------------------------
# credentialSchema


def check_credential_schema(document: dict[str, Any]) -> list[CheckResult]:
    """`credentialSchema`: the credential matches each 1EdTech JSON Schema it names.

    Schemas are the local copies in `schemas/`, never fetched; an id without a local copy
    is a warning. An Open Badges 3.0 credential (VC 2.0) is always checked against the OB
    schema, whether or not it names it.
    """
    entries = as_list(document.get("credentialSchema"))
    results = [_check_one_schema(document, entry) for entry in entries]
    named = {entry.get("id") for entry in entries if isinstance(entry, dict)}
    is_ob = bool(set(types_of(document)) & OB_TYPES) and data_model(document) == "2.0"
    if is_ob and OB_ACHIEVEMENT_CREDENTIAL not in named:
        results.append(_validate(document, OB_ACHIEVEMENT_CREDENTIAL, input=None))
    if not results:
        results.append(
            CheckResult(
                name="credentialSchema",
                status="passed",
                message="The credential does not name a schema to check it against.",
            )
        )
    return results


def _check_one_schema(document: dict[str, Any], entry: Any) -> CheckResult:
    schema_id = entry.get("id") if isinstance(entry, dict) else None
    if not isinstance(schema_id, str):
        return _failed(
            "credentialSchema",
            "One of the credential's schema references has no id.",
            "Malformed schema reference",
            MALFORMED_VALUE_ERROR,
            input=entry,
        )
    schema_type = entry.get("type")
    if schema_type not in SCHEMA_TYPES or not is_known_schema(schema_id):
        return _warning(
            "credentialSchema",
            f"The credential says it follows the schema {schema_id}, which this verifier "
            "does not have a copy of, so that was not checked.",
            "Schema not checked",
            PROBLEM + "schema-not-checked",
            input=entry,
        )
    return _validate(document, schema_id, input=entry)


def _validate(document: dict[str, Any], schema_id: str, *, input: Any) -> CheckResult:
    label = SCHEMA_NAMES.get(schema_id, f"the schema {schema_id}")
    errors = schema_errors(document, schema_id)
    if not errors:
        return CheckResult(
            name="credentialSchema",
            status="passed",
            message=f"The credential follows {label}.",
            input=input,
        )
    try:
        compacted_errors = schema_errors(document, schema_id, compaction=True)
    except KeyError:
        compacted_errors = errors
    if not compacted_errors:
        return CheckResult(
            name="credentialSchema",
            status="passed",
            message=f"The credential follows {label} in its compacted JSON-LD form "
            "(single values where lists are usual).",
            input=input,
        )
    count = len(errors)
    return _failed(
        "credentialSchema",
        f"The credential does not follow {label}: {count} problem{'s' if count != 1 else ''}, "
        f"the first being {_shorten(errors[0])}.",
        "Schema mismatch",
        PROBLEM + "schema-mismatch",
        input=input,
    )


def _shorten(text: str, limit: int = 160) -> str:
    text = text.rstrip(".")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# ---------------------------------------------------------------------------------------
# credentialStatus


@dataclass
class _StatusList:
    """A fetched and verified status list, or the reason it cannot be used."""

    bits: StatusBits | None = None
    purposes: tuple[str, ...] = ()
    problem: CheckResult | None = None


def check_credential_status(
    document: dict[str, Any],
    *,
    fetch_status_list: StatusListFetcher,
    verify_list_proofs: Callable[[dict[str, Any]], str | None],
    now: datetime,
) -> list[CheckResult]:
    """`credentialStatus`: read each status entry's bit in the issuer's signed status list.

    `verify_list_proofs(list_credential)` returns None when the list's proofs are valid
    and made by the credential's issuer, else a reason ("is not signed by ..."). Each
    list is fetched once, only through `fetch_status_list`.
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
    for entry in entries:
        results.append(
            _check_one_status(
                entry, credential_issuer, lists, fetch_status_list, verify_list_proofs, now
            )
        )
    return results


def _status_words(purpose: str) -> tuple[str, str]:
    """Return (what is checked, the list's name) for messages about `purpose`."""
    if purpose == "revocation":
        return "whether this credential has been revoked", "revocation list"
    if purpose == "suspension":
        return "whether this credential has been suspended", "suspension list"
    return "this credential's status", "status list"


def _check_one_status(
    entry: Any,
    credential_issuer: str | None,
    lists: dict[tuple[str, str], _StatusList],
    fetch: StatusListFetcher,
    verify_list_proofs: Callable[[dict[str, Any]], str | None],
    now: datetime,
) -> CheckResult:
    entry_type = entry.get("type") if isinstance(entry, dict) else None
    if not isinstance(entry, dict) or entry_type not in STATUS_ENTRY_TYPES:
        shown = entry_type if isinstance(entry_type, str) else "unknown"
        return _warning(
            "credentialStatus",
            f"The credential uses a kind of status check ({shown}) that this verifier does "
            "not support, so we could not check whether it has been revoked.",
            "Status not checked",
            PROBLEM + "status-not-checked",
            input=entry,
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
    checking = _status_words(purpose if isinstance(purpose, str) else "")[0]
    if problems:
        return _failed(
            "credentialStatus",
            f"We could not check {checking}: the credential's status entry is malformed "
            f"({'; '.join(problems)}).",
            "Malformed status entry",
            MALFORMED_VALUE_ERROR,
            input=entry,
        )
    assert isinstance(purpose, str) and isinstance(url, str) and isinstance(index, int)
    key = (url, entry_type)
    if key not in lists:
        lists[key] = _load_list(
            url, entry_type, entry, credential_issuer, fetch, verify_list_proofs, now
        )
    status_list = lists[key]
    if status_list.problem is not None:
        return status_list.problem.model_copy(update={"input": entry})
    assert status_list.bits is not None
    checking, list_name = _status_words(purpose)
    if purpose not in status_list.purposes:
        return _failed(
            "credentialStatus",
            f"We could not check {checking}: the list the credential points to is not a "
            f"{purpose} list.",
            "Status purpose mismatch",
            STATUS_VERIFICATION_ERROR,
            input=entry,
        )
    if len(status_list.bits) // raw_size < 131_072:
        return _failed(
            "credentialStatus",
            f"We could not check {checking}: the issuer's {list_name} is too short to "
            "protect the holder's privacy.",
            "Status list too short",
            STATUS_LIST_LENGTH_ERROR,
            input=entry,
        )
    try:
        value = status_list.bits.value(index, raw_size)
    except StatusIndexOutOfRange:
        return _failed(
            "credentialStatus",
            f"We could not check {checking}: the credential points past the end of the "
            f"issuer's {list_name}.",
            "Status index out of range",
            STATUS_RANGE_ERROR,
            input=entry,
        )
    return _status_outcome(purpose, value, entry)


def _status_outcome(purpose: str, value: int, entry: dict[str, Any]) -> CheckResult:
    def passed(message: str) -> CheckResult:
        return CheckResult(
            name="credentialStatus", status="passed", message=message, input=entry, value=value
        )

    if purpose == "revocation":
        if value:
            return _failed(
                "credentialStatus",
                "This credential has been revoked by its issuer.",
                "Credential revoked",
                PROBLEM + "revoked",
                input=entry,
                value=value,
            )
        return passed("The issuer has not revoked this credential.")
    if purpose == "suspension":
        if value:
            return _failed(
                "credentialStatus",
                "This credential has been suspended by its issuer. It may be reinstated later.",
                "Credential suspended",
                PROBLEM + "suspended",
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
            if int(item["status"], 16) == value and isinstance(item.get("message"), str):
                return item["message"]
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
) -> _StatusList:
    """Fetch, authenticate and decode the list at `url`, or say why it cannot be used."""
    list_type, subject_type, allow_unprefixed = STATUS_ENTRY_TYPES[entry_type]
    purpose = entry.get("statusPurpose", "")
    checking, list_name = _status_words(purpose)

    def unusable(reason: str, title: str, problem_type: str) -> _StatusList:
        return _StatusList(
            problem=_failed(
                "credentialStatus",
                f"We could not check {checking}: the issuer's {list_name} {reason}.",
                title,
                problem_type,
            )
        )

    try:
        list_credential = fetch(url)
    except StatusListNotAllowed:
        host = url.split("/")[2] if url.count("/") >= 2 else url
        return _StatusList(
            problem=_warning(
                "credentialStatus",
                f"We did not check {checking}, because its {list_name} is kept at {host}, "
                "which this verifier is not set up to contact.",
                "Status not checked",
                PROBLEM + "status-not-checked",
            )
        )
    except StatusListUnavailable as err:
        return unusable(
            f"could not be fetched ({err})", "Status list unavailable", STATUS_RETRIEVAL_ERROR
        )
    if list_type not in types_of(list_credential):
        return unusable("is not a status list", "Not a status list", STATUS_VERIFICATION_ERROR)
    if "id" in list_credential and list_credential["id"] != url:
        return unusable(
            "is not the list the credential points to (its id differs)",
            "Wrong status list",
            STATUS_VERIFICATION_ERROR,
        )
    if credential_issuer is None or issuer_id(list_credential) != credential_issuer:
        return unusable(
            "was not published by the credential's issuer",
            "Status list from another issuer",
            STATUS_VERIFICATION_ERROR,
        )
    reason = verify_list_proofs(list_credential)
    if reason is not None:
        return unusable(reason, "Status list not authentic", STATUS_VERIFICATION_ERROR)
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
    try:
        bits = StatusBits.decode(subject.get("encodedList"), allow_unprefixed=allow_unprefixed)
    except StatusListTooShort:
        return unusable(
            "is too short to protect the holder's privacy",
            "Status list too short",
            STATUS_LIST_LENGTH_ERROR,
        )
    except StatusListError as err:
        return unusable(f"is damaged ({err})", "Damaged status list", STATUS_VERIFICATION_ERROR)
    return _StatusList(bits=bits, purposes=purposes)
