"""VC API issuance: complete a caller's unsigned credential with this service's issuer and id."""

from datetime import datetime
from typing import Any

from issuer.errors import InvalidInput
from issuer.model.base import VC_V1_CONTEXT, VC_V2_CONTEXT
from issuer.model.credential import format_datetime_z

OB_FAMILY_PREFIXES = (
    "https://purl.imsglobal.org/spec/ob/v3p0/",
    "https://purl.imsglobal.org/spec/clr/v2p0/",
)


def prepare_credential(
    credential: dict[str, Any],
    *,
    issuer_id: str,
    issuer_profile: dict[str, Any],
    default_url: str,
    now: datetime,
) -> dict[str, Any]:
    """Return the credential to sign: issuer, id (`default_url` unless it has one) and issuance
    date filled in; raise `InvalidInput` if it cannot be issued."""
    contexts = credential.get("@context")
    contexts = [contexts] if isinstance(contexts, str) else contexts
    if not isinstance(contexts, list) or not contexts:
        raise InvalidInput(
            "the credential needs an @context (https://www.w3.org/ns/credentials/v2)"
        )
    if contexts[0] not in (VC_V2_CONTEXT, VC_V1_CONTEXT):
        raise InvalidInput(
            f"the first @context must be {VC_V2_CONTEXT} (VC 2.0) or {VC_V1_CONTEXT} (VC 1.1)"
        )
    types = credential.get("type")
    types = [types] if isinstance(types, str) else types
    if not isinstance(types, list) or "VerifiableCredential" not in types:
        raise InvalidInput('the credential\'s type must include "VerifiableCredential"')
    if "proof" in credential:
        raise InvalidInput("send the credential without a proof: this service signs it")
    if "credentialStatus" in credential:
        raise InvalidInput(
            "send the credential without credentialStatus; ask for one with options.credentialStatus"
        )
    if not isinstance(credential.get("credentialSubject"), dict | list):
        raise InvalidInput("the credential needs a credentialSubject")
    prepared = {**credential, "@context": contexts, "type": types}
    profile = _profile_for(contexts, issuer_id, issuer_profile)
    prepared["issuer"] = _issuer(credential.get("issuer"), issuer_id, profile)
    given_id = credential.get("id", default_url)
    if not isinstance(given_id, str) or ":" not in given_id or any(c.isspace() for c in given_id):
        raise InvalidInput("the credential's id must be a URL or URN")
    prepared["id"] = given_id
    date_field = "validFrom" if contexts[0] == VC_V2_CONTEXT else "issuanceDate"
    prepared.setdefault(date_field, format_datetime_z(now))
    return _ordered(prepared)


def _profile_for(contexts: list[Any], issuer_id: str, profile: dict[str, Any]) -> Any:
    """Return the issuer value whose terms the credential's contexts define.

    The full Profile needs the Open Badges (or CLR) context; VC 2.0 alone defines `name`;
    VC 1.1 alone gets the bare issuer id.
    """
    if any(isinstance(c, str) and c.startswith(OB_FAMILY_PREFIXES) for c in contexts):
        return profile
    if contexts[0] == VC_V2_CONTEXT:
        return {"id": issuer_id, "name": profile["name"]} if "name" in profile else issuer_id
    return issuer_id


def _issuer(given: Any, issuer_id: str, profile: dict[str, Any]) -> Any:
    if given is None:
        return profile
    given_id = given.get("id") if isinstance(given, dict) else given
    if given_id != issuer_id:
        raise InvalidInput(
            f"issuer mismatch: this service issues as {issuer_id}; leave issuer out or use that id"
        )
    return given


def _ordered(document: dict[str, Any]) -> dict[str, Any]:
    """Put @context, id, type first, as people expect to read them."""
    first = ("@context", "id", "type")
    return {
        **{k: document[k] for k in first if k in document},
        **{k: v for k, v in document.items() if k not in first},
    }
