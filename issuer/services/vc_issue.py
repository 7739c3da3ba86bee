"""VC API issuance: complete a caller's unsigned credential with this service's issuer and id."""

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from issuer.errors import Conflict, InvalidInput
from issuer.model.base import VC_V1_CONTEXT, is_open_badges_family
from issuer.model.credential import format_datetime_z
from issuer.model.status import StatusPurpose
from issuer.model.vcdm import data_model_problems
from issuer.services.issuing import Draft, Issuer
from issuer.store.credentials import StoredCredential
from issuer.store.protocols import CredentialReader


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
    open_badges = is_open_badges_family(credential)
    prepared["issuer"] = _issuer(credential["issuer"], issuer_id, issuer_profile, open_badges)
    return _ordered(prepared)


def _issuer(given: Any, issuer_id: str, profile: dict[str, Any], open_badges: bool) -> Any:
    """The caller's issuer, checked to be this service. An Open Badges or CLR credential
    naming it by id alone gets the issuer's full Profile, which their schemas require."""
    given_id = given.get("id") if isinstance(given, dict) else given
    if given_id != issuer_id:
        raise InvalidInput(f"issuer mismatch: this service issues as {issuer_id}; use that id")
    if isinstance(given, str) and open_badges:
        return profile
    return given


def _ordered(document: dict[str, Any]) -> dict[str, Any]:
    """Put @context, id, type first, as people expect to read them."""
    first = ("@context", "id", "type")
    return {
        **{k: document[k] for k in first if k in document},
        **{k: v for k, v in document.items() if k not in first},
    }


class VcApiIssuance:
    """`POST /credentials/issue`: complete the caller's credential and issue it (policy `none`:
    a caller's own id may be issued again, each time as its own record)."""

    def __init__(
        self,
        *,
        base_url: str,
        issuer: Issuer,
        credentials: CredentialReader,
        issuer_id: Callable[[], str],
        issuer_profile: Callable[[], dict[str, Any]],
    ) -> None:
        self._base_url = base_url
        self._issuer = issuer
        self._credentials = credentials
        self._issuer_id = issuer_id
        self._issuer_profile = issuer_profile

    def issue(
        self,
        credential: dict[str, Any],
        *,
        credential_id: str | None,
        cryptosuite: str,
        status_purpose: StatusPurpose | None,
        now: datetime,
        actor: str,
    ) -> StoredCredential:
        """Sign and store the caller's credential; raise `InvalidInput` or `Conflict`."""
        draft = Draft()
        own_url = f"{self._base_url}/credentials/{draft.credential_id}"
        document = prepare_credential(
            credential,
            issuer_id=self._issuer_id(),
            issuer_profile=self._issuer_profile(),
            default_url=credential_id or own_url,
            now=now,
            status_requested=status_purpose is not None,
        )
        # Only the ids this service builds stay unique (a fresh uuid's needs no look-up).
        if document["id"] != own_url:
            existing = self._credentials.get_by_url(document["id"])
            if existing is not None and not existing.caller_id:
                raise Conflict(f"{document['id']} is the id of a credential this service issued")
        (record,) = self._issuer.issue(
            [replace(draft, document=document)],
            cryptosuite=cryptosuite,
            status_purpose=status_purpose,
            policy="none",
            now=now,
            actor=actor,
        )
        return record.stored
