"""Credential offers: deliver a copy of an issued credential, bound to the holder's DID, into
the learner's wallet.

    created = offers.create(credential_id, now=now, actor=actor)   # links for the learner
    copy = offers.claim(created.offer.id, presentation, now=now)    # the wallet's signed VP

An offer names one credential issued here, expires (`ttl`) and binds at most one holder.
The wallet proves its DID with a presentation signed for the offer's challenge (LCW's deep
link: no domain; the VCALM exchange: the challenge and this service's domain). The first
holder to prove it gets a copy of the credential with `credentialSubject.id` = its DID (the
recipient's other identifiers kept), its own status entry, signed eddsa-rdfc-2022 through
the one issuing pipeline; the binding commits with the copy. The same holder claiming again
gets the same copy; another holder is refused (`OfferClaimed`). A refused attempt (wrong or
expired challenge, bad proof) binds nothing. Revoking the original revokes its copies
(`services.status`).

Delivery protocols (the LCW deep link and VCALM exchange now; OpenID4VCI later, whose
pre-authorized code and transaction code the offer row already has columns for) are edges
over `claim`.
"""

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from issuer.errors import Conflict, InvalidInput, NotFound
from issuer.proofs.suites import DEFAULT_SUITE
from issuer.services.issuing import Draft, IssuedRecord, Issuer
from issuer.services.signing import new_credential_id
from issuer.services.verification import Verifier
from issuer.store.credentials import StoredCredential
from issuer.store.offers import StoredOffer
from issuer.store.protocols import CredentialReader, OfferReader, Transaction, UnitOfWork

DEFAULT_TTL = timedelta(minutes=30)
COPY_CRYPTOSUITE = DEFAULT_SUITE
"""LCW and VerifierPlus verify only rdfc: every delivered copy is signed with it."""
LCW_REQUEST_PAGE = "https://lcw.app/request.html"


class OfferExpired(Conflict):
    """The offer's time is over (nothing is delivered or bound)."""

    code = "offer-expired"
    title = "Offer expired"


class OfferClaimed(Conflict):
    """Another holder claimed the offer first."""

    code = "offer-claimed"
    title = "Offer already claimed"


class HolderProofRefused(InvalidInput):
    """The wallet's presentation does not prove a DID for this offer."""

    code = "holder-proof-refused"
    title = "Holder proof refused"


def new_challenge() -> str:
    """Return a fresh challenge: base64url (no `+`, which LCW's query parser reads as a space)."""
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class OfferLinks:
    """Where a wallet claims an offer."""

    deep_link: str
    vc_request_url: str
    challenge: str
    interaction_url: str
    exchange_url: str


@dataclass(frozen=True)
class CreatedOffer:
    """A new offer and its links."""

    offer: StoredOffer
    links: OfferLinks


class _Bound(Exception):
    """The offer was bound by a concurrent claim (the copy of this one is rolled back)."""


class OfferService:
    """Creates offers and delivers holder-bound copies (see the module's docstring)."""

    def __init__(
        self,
        *,
        base_url: str,
        issuer_did: Callable[[], str],
        credentials: CredentialReader,
        offers: OfferReader,
        uow: UnitOfWork,
        issuer: Issuer,
        verifier: Verifier,
        ttl: timedelta = DEFAULT_TTL,
    ) -> None:
        self._base_url = base_url
        self._issuer_did = issuer_did
        self._credentials = credentials
        self._offers = offers
        self._uow = uow
        self._issuer = issuer
        self._verifier = verifier
        self._ttl = ttl

    @property
    def domain(self) -> str:
        """The domain a VCALM DIDAuthentication presentation is signed for (our host)."""
        return urlsplit(self._base_url).netloc

    def create(self, credential_id: str, *, now: datetime, actor: str) -> CreatedOffer:
        """Offer the credential `credential_id`; raise `NotFound`, or `Conflict` if revoked."""
        original = self._credentials.get(credential_id)
        if original is None:
            raise NotFound("no such credential was issued here")
        if original.revoked_at is not None:
            raise Conflict("this credential has been revoked; it cannot be offered")
        offer = StoredOffer(
            id=secrets.token_urlsafe(24),
            credential_id=original.id,
            challenge=new_challenge(),
            created_at=now,
            expires_at=now + self._ttl,
            actor=actor,
        )
        with self._uow() as tx:
            tx.offers.insert(offer)
            tx.audit.record(
                at=now,
                actor=actor,
                action="offer",
                subject=original.url,
                detail={"offer": offer.id, "expiresAt": offer.expires_at.isoformat()},
            )
        return CreatedOffer(offer=offer, links=self.links(offer))

    def links(self, offer: StoredOffer) -> OfferLinks:
        """Return the URLs a wallet claims `offer` at."""
        base = f"{self._base_url}/offers/{offer.id}"
        vc_request_url = f"{base}/lcw"
        query = urlencode(
            {
                "issuer": self._issuer_did(),
                "auth_type": "bearer",
                "challenge": offer.challenge,
                "vc_request_url": vc_request_url,
            }
        )
        return OfferLinks(
            deep_link=f"{LCW_REQUEST_PAGE}?{query}",
            vc_request_url=vc_request_url,
            challenge=offer.challenge,
            interaction_url=f"{base}/interaction?iuv=1",
            exchange_url=f"{base}/exchange",
        )

    def get_open(self, offer_id: str, *, now: datetime) -> StoredOffer:
        """Return the offer `offer_id`; raise `NotFound`, or `OfferExpired` when its time is over."""
        offer = self._offers.get(offer_id)
        if offer is None:
            raise NotFound("no such offer")
        if offer.expires_at <= now:
            raise OfferExpired("this offer has expired; ask the issuer for a new one")
        return offer

    def presentation_request(self, offer_id: str, *, now: datetime) -> dict[str, Any]:
        """Return the VCALM verifiablePresentationRequest (DIDAuthentication, did:key)."""
        offer = self.get_open(offer_id, now=now)
        return {
            "query": [{"type": "DIDAuthentication", "acceptedMethods": [{"method": "key"}]}],
            "challenge": offer.challenge,
            "domain": self.domain,
        }

    def claim(
        self, offer_id: str, presentation: Any, *, now: datetime, domain: str | None = None
    ) -> StoredCredential:
        """Deliver the offer's holder-bound copy to the holder `presentation` proves.

        The presentation must be signed (proofPurpose authentication) for the offer's
        challenge and, if given, `domain`, by a did:key that is its holder.
        Raise `NotFound`, `OfferExpired`, `HolderProofRefused`, `OfferClaimed`, or
        `Conflict` when the credential was revoked meanwhile.
        """
        offer = self.get_open(offer_id, now=now)
        holder = self._holder(presentation, offer, now=now, domain=domain)
        if offer.holder_did is not None:
            return self._bound_copy(offer, holder)
        original = self._credentials.get(offer.credential_id)
        if original is None:  # pragma: no cover - credentials are never deleted
            raise NotFound("the offered credential is gone")
        if original.revoked_at is not None:
            raise Conflict("the offered credential has been revoked")
        draft_id = new_credential_id()
        document = holder_bound_document(
            original, holder=holder, url=f"{self._base_url}/credentials/{draft_id}"
        )

        def bind(tx: Transaction, records: list[IssuedRecord]) -> None:
            (record,) = records
            if not tx.offers.bind(
                offer.id, holder_did=holder, credential_id=record.stored.id, now=now
            ):
                raise _Bound
            tx.audit.record(
                at=now,
                actor=f"holder:{holder}",
                action="offer-claim",
                subject=original.url,
                detail={"offer": offer.id, "holder": holder, "copy": record.stored.url},
            )

        try:
            (record,) = self._issuer.issue(
                [
                    Draft(
                        document=document,
                        credential_id=draft_id,
                        framework_id=original.framework_id,
                        achievement_id=original.achievement_id,
                        valid_until=original.valid_until,
                    )
                ],
                cryptosuite=COPY_CRYPTOSUITE,
                status_purpose="revocation",
                policy="none",
                now=now,
                actor=f"holder:{holder}",
                in_transaction=bind,
            )
        except _Bound:
            fresh = self._offers.get(offer.id)
            assert fresh is not None
            return self._bound_copy(fresh, holder)
        return record.stored

    def _bound_copy(self, offer: StoredOffer, holder: str) -> StoredCredential:
        """Return the copy bound to `holder`; raise `OfferClaimed` for another holder."""
        if offer.holder_did != holder or offer.bound_credential_id is None:
            raise OfferClaimed("this offer has been claimed by another wallet")
        copy = self._credentials.get(offer.bound_credential_id)
        assert copy is not None
        return copy

    def _holder(
        self, presentation: Any, offer: StoredOffer, *, now: datetime, domain: str | None
    ) -> str:
        """Return the did:key `presentation` proves for `offer`; raise `HolderProofRefused`."""
        if not isinstance(presentation, dict):
            raise HolderProofRefused("send the wallet's signed presentation as a JSON object")
        result = self._verifier.presentation(
            presentation, now=now, challenge=offer.challenge, domain=domain
        )
        if not result.verified:
            failed = next((c for c in result.checks if c.failed), None)
            reason = failed.message if failed else "it did not verify"
            raise HolderProofRefused(f"the presentation does not prove a holder: {reason}")
        holder = presentation.get("holder")
        if isinstance(holder, dict):
            holder = holder.get("id")
        if holder is None:
            proofs = presentation.get("proof")
            proof = proofs[0] if isinstance(proofs, list) and proofs else proofs
            method = proof.get("verificationMethod") if isinstance(proof, dict) else None
            holder = method.split("#", 1)[0] if isinstance(method, str) else None
        if not isinstance(holder, str) or not holder.startswith("did:key:"):
            raise HolderProofRefused("the presentation's holder must be a did:key")
        return holder


def holder_bound_document(original: StoredCredential, *, holder: str, url: str) -> dict[str, Any]:
    """Return the unsigned copy of `original` for `holder`: id `url`, no proof or status
    entry, `credentialSubject.id` = `holder` (its other properties kept)."""
    document: dict[str, Any] = json.loads(original.document)
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict):
        raise InvalidInput("only a credential with one credentialSubject can be offered")
    document.pop("proof", None)
    document.pop("credentialStatus", None)
    document["id"] = url
    document["credentialSubject"] = {**subject, "id": holder}
    return document
