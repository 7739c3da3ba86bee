"""Shared by the checks: reading documents, problem types, result builders."""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from issuer.model.spec import DATA_MODEL_VERSIONS
from issuer.model.spec import VC_V1_CONTEXT as VC_V1_CONTEXT
from issuer.model.spec import VC_V2_CONTEXT as VC_V2_CONTEXT
from issuer.model.spec import as_list as as_list
from issuer.model.verification import CheckResult
from issuer.schemas import CLR_CREDENTIAL, OB_ACHIEVEMENT_CREDENTIAL

log = logging.getLogger(__name__)

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

    @property
    def id(self) -> str: ...

    @property
    def controller(self) -> str: ...


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


def types_of(node: Any) -> list[str]:
    """Return the `type` values of a JSON object (string or list), strings only."""
    if not isinstance(node, dict):
        return []
    return [t for t in as_list(node.get("type")) if isinstance(t, str)]


def status_entry_type(entry: Any) -> str | None:
    """Return the type a status entry is read as: a supported one among its `type` values,
    else its first type name; None when it is not an object with a type name."""
    names = types_of(entry)
    supported = [name for name in names if name in STATUS_ENTRY_TYPES]
    chosen = supported or names
    return chosen[0] if chosen else None


def untyped_status_entry(entry: Any) -> CheckResult:
    """The failed `credentialStatus` check of an entry that does not say what kind it is."""
    return _failed(
        "credentialStatus",
        "We could not check whether this credential has been revoked: its status entry "
        "does not say what kind of status check it is (it has no type name).",
        "Malformed status entry",
        MALFORMED_VALUE_ERROR,
        input=entry,
    )


def contexts_of(document: dict[str, Any]) -> list[Any]:
    """Return the `@context` entries as a list."""
    return as_list(document.get("@context"))


def data_model(document: Any) -> str | None:
    """Return "2.0" or "1.1" from the first @context, or None if it is neither."""
    if not isinstance(document, dict):
        return None
    contexts = contexts_of(document)
    first = contexts[0] if contexts else None
    return DATA_MODEL_VERSIONS.get(first) if isinstance(first, str) else None


def node_id(value: Any) -> str | None:
    """Return the id of a node written as a string or as an object with a string `id`."""
    if isinstance(value, str):
        return value
    identifier = value.get("id") if isinstance(value, dict) else None
    return identifier if isinstance(identifier, str) else None


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
