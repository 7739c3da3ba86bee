"""VC API issuance: complete a caller's unsigned credential with this service's issuer and id."""

from datetime import datetime
from typing import Any

from issuer.errors import InvalidInput
from issuer.model.base import OB_FAMILY_PREFIXES, VC_V1_CONTEXT
from issuer.model.credential import format_datetime_z
from issuer.model.vcdm import data_model_problems


def prepare_credential(
    credential: dict[str, Any],
    *,
    issuer_id: str,
    issuer_profile: dict[str, Any],
    default_url: str,
    now: datetime,
    status_requested: bool = False,
) -> dict[str, Any]:
    """Return the credential to sign: id (`default_url` unless it has one) and validFrom
    (issuanceDate for VC 1.1) filled in, a bare issuer id completed with the issuer's
    profile; raise `InvalidInput` if it cannot be issued as it is.

    The caller names the issuer (the VC API requires it): this service's id, as a
    string or an object. A `credentialStatus` of the caller's own is signed as given,
    unless `status_requested` (the service then adds its own entry).
    """
    if "proof" in credential:
        raise InvalidInput("send the credential without a proof: this service signs it")
    if "credentialStatus" in credential and status_requested:
        raise InvalidInput(
            "the credential has a credentialStatus and options.credentialStatus asks for "
            "another: send one or the other"
        )
    if "issuer" not in credential:
        raise InvalidInput(f"the credential must name its issuer: {issuer_id}")
    contexts = credential.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else None
    date_field = "issuanceDate" if first == VC_V1_CONTEXT else "validFrom"
    prepared = {"id": default_url, date_field: format_datetime_z(now), **credential}
    problems = data_model_problems(prepared)
    if problems:
        raise InvalidInput("the credential cannot be issued: " + "; ".join(problems))
    prepared["issuer"] = _issuer(credential["issuer"], issuer_id, issuer_profile, contexts or [])
    return _ordered(prepared)


def _issuer(given: Any, issuer_id: str, profile: dict[str, Any], contexts: list[Any]) -> Any:
    """The caller's issuer, checked to be this service. An Open Badges or CLR credential
    naming it by id alone gets the issuer's full Profile, which their schemas require."""
    given_id = given.get("id") if isinstance(given, dict) else given
    if given_id != issuer_id:
        raise InvalidInput(f"issuer mismatch: this service issues as {issuer_id}; use that id")
    if isinstance(given, str) and any(
        isinstance(c, str) and c.startswith(OB_FAMILY_PREFIXES) for c in contexts
    ):
        return profile
    return given


def _ordered(document: dict[str, Any]) -> dict[str, Any]:
    """Put @context, id, type first, as people expect to read them."""
    first = ("@context", "id", "type")
    return {
        **{k: document[k] for k in first if k in document},
        **{k: v for k, v in document.items() if k not in first},
    }
