"""Credential offers: deliver a copy of an issued credential, bound to the holder's DID, into
the learner's wallet.

    created = offers.create(credential_id, now=now, actor=actor)   # links for the learner
    copies = offers.claim(created.offer.id, presentation, now=now)  # the wallet's signed VP

An offer names one credential issued here, expires (`ttl`) and binds at most one holder.
The wallet proves its DID with a presentation signed for the offer's challenge (LCW's deep
link: no domain; the VCALM exchange: the challenge and this service's domain). The first
holder to prove it gets a copy of the credential with `credentialSubject.id` = its DID (the
recipient's other identifiers kept), its own status entry, signed eddsa-rdfc-2022 through
the one issuing pipeline; the binding commits with the copy. The same holder claiming again
gets the same copy; another holder is refused (`OfferClaimed`). A refused attempt (wrong or
expired challenge, bad proof) binds nothing. Revoking the original revokes its copies
(`services.status`).

Several credentials can be offered together (`create([...])`, "all at once"): one lead
offer and its group, claimed with the lead's challenge or codes, each delivered as its own
holder-bound copy, all bound in one transaction.

Delivery protocols are edges over `deliver`: the LCW deep link and VCALM exchange (`claim`,
a presentation proves the holder) and OpenID4VCI (`issuer.services.oid4vci`: a
pre-authorized code, then a jwt or di_vp proof of the holder's key).
"""

import hashlib
import json
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from issuer.errors import Conflict, InvalidInput, NotFound
from issuer.proofs.suites import DEFAULT_SUITE
from issuer.services.issuing import Draft, IssuedRecord, Issuer
from issuer.services.oid4vci_metadata import (
    TX_CODE_LENGTH,
    credential_offer,
    credential_offer_uri,
)
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


def sha256_hex(value: str) -> str:
    """Return the SHA-256 digest of `value` (UTF-8) in hex: how codes and tokens are stored."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class OfferLinks:
    """Where a wallet claims an offer."""

    deep_link: str
    vc_request_url: str
    challenge: str
    interaction_url: str
    exchange_url: str


@dataclass(frozen=True)
class Oid4vciOffer:
    """The OpenID4VCI credential offer of a new offer (the code is known only at creation)."""

    credential_offer: dict[str, Any]
    credential_offer_uri: str
    """`openid-credential-offer://?credential_offer_uri=...` (the offer by reference)."""
    tx_code: str | None


@dataclass(frozen=True)
class CreatedOffer:
    """A new offer (the lead of its group), its links and its OpenID4VCI offer."""

    offer: StoredOffer
    links: OfferLinks
    oid4vci: Oid4vciOffer
    count: int = 1
    """How many credentials it offers."""


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

    def create(
        self,
        credential_ids: str | Sequence[str],
        *,
        now: datetime,
        actor: str,
        tx_code: bool = False,
    ) -> CreatedOffer:
        """Offer the credential(s) `credential_ids` (several: one group, claimed at once).

        Raise `NotFound`, or `Conflict` if one is revoked. With `tx_code`, OpenID4VCI also asks
        for a transaction code (returned here only; stored as a digest).
        """
        ids = [credential_ids] if isinstance(credential_ids, str) else list(credential_ids)
        if not ids:
            raise InvalidInput("offer at least one credential")
        originals = []
        for credential_id in ids:
            original = self._credentials.get(credential_id)
            if original is None:
                raise NotFound("no such credential was issued here")
            if original.revoked_at is not None:
                raise Conflict("this credential has been revoked; it cannot be offered")
            originals.append(original)
        code = secrets.token_urlsafe(32)
        pin = (
            "".join(secrets.choice("0123456789") for _ in range(TX_CODE_LENGTH))
            if tx_code
            else None
        )
        lead_id = secrets.token_urlsafe(24)
        group_id = lead_id if len(originals) > 1 else None
        offers = [
            StoredOffer(
                id=lead_id if n == 0 else secrets.token_urlsafe(24),
                credential_id=original.id,
                challenge=new_challenge(),
                created_at=now,
                expires_at=now + self._ttl,
                actor=actor,
                pre_authorized_code_sha256=sha256_hex(code) if n == 0 else None,
                tx_code_sha256=sha256_hex(pin) if pin and n == 0 else None,
                group_id=group_id,
            )
            for n, original in enumerate(originals)
        ]
        with self._uow() as tx:
            for offer, original in zip(offers, originals, strict=True):
                tx.offers.insert(offer)
                tx.audit.record(
                    at=now,
                    actor=actor,
                    action="offer",
                    subject=original.url,
                    detail={"offer": offer.id, "expiresAt": offer.expires_at.isoformat()},
                )
        lead = offers[0]
        offer_uri = f"{self._base_url}/oid4vci/offers/{code}"
        return CreatedOffer(
            offer=lead,
            links=self.links(lead),
            oid4vci=Oid4vciOffer(
                credential_offer=credential_offer(
                    self._base_url, code, TX_CODE_LENGTH if pin else None
                ),
                credential_offer_uri=credential_offer_uri(offer_uri),
                tx_code=pin,
            ),
            count=len(offers),
        )

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
    ) -> list[StoredCredential]:
        """Deliver the offer's holder-bound copies to the holder `presentation` proves.

        The presentation must be signed (proofPurpose authentication) for the offer's
        challenge and, if given, `domain`, by a did:key that is its holder. Raise as
        `deliver` does, and `HolderProofRefused`.
        """
        offer = self.get_open(offer_id, now=now)
        holder = self._holder(presentation, offer, now=now, domain=domain)
        return self.deliver(offer.id, holder, now=now)

    def deliver(self, offer_id: str, holder: str, *, now: datetime) -> list[StoredCredential]:
        """Return the holder-bound copies of the offer `offer_id` and its group for `holder`,
        issuing and binding them (in one transaction) on the first claim.

        Raise `NotFound`, `OfferExpired`, `OfferClaimed` (another holder was first), or
        `Conflict` when an offered credential was revoked meanwhile.
        """
        lead = self.get_open(offer_id, now=now)
        members = self._offers.members(lead.id)
        if any(member.holder_did is not None for member in members):
            return self._bound_copies(members, holder)
        drafts: list[Draft] = []
        originals: list[StoredCredential] = []
        for member in members:
            original = self._credentials.get(member.credential_id)
            if original is None:  # pragma: no cover - credentials are never deleted
                raise NotFound("the offered credential is gone")
            if original.revoked_at is not None:
                raise Conflict("the offered credential has been revoked")
            draft_id = new_credential_id()
            originals.append(original)
            drafts.append(
                Draft(
                    document=holder_bound_document(
                        original, holder=holder, url=f"{self._base_url}/credentials/{draft_id}"
                    ),
                    credential_id=draft_id,
                    framework_id=original.framework_id,
                    achievement_id=original.achievement_id,
                    valid_until=original.valid_until,
                )
            )

        def bind(tx: Transaction, records: list[IssuedRecord]) -> None:
            for member, original, record in zip(members, originals, records, strict=True):
                if not tx.offers.bind(
                    member.id, holder_did=holder, credential_id=record.stored.id, now=now
                ):
                    raise _Bound
                tx.audit.record(
                    at=now,
                    actor=f"holder:{holder}",
                    action="offer-claim",
                    subject=original.url,
                    detail={"offer": member.id, "holder": holder, "copy": record.stored.url},
                )

        try:
            records = self._issuer.issue(
                drafts,
                cryptosuite=COPY_CRYPTOSUITE,
                status_purpose="revocation",
                policy="none",
                now=now,
                actor=f"holder:{holder}",
                in_transaction=bind,
            )
        except _Bound:
            return self._bound_copies(self._offers.members(lead.id), holder)
        return [record.stored for record in records]

    def _bound_copies(self, members: list[StoredOffer], holder: str) -> list[StoredCredential]:
        """Return the copies bound to `holder`; raise `OfferClaimed` for another holder."""
        copies = []
        for member in members:
            if member.holder_did != holder or member.bound_credential_id is None:
                raise OfferClaimed("this offer has been claimed by another wallet")
            copy = self._credentials.get(member.bound_credential_id)
            assert copy is not None
            copies.append(copy)
        return copies

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
        return holder_of(presentation)


def holder_of(presentation: dict[str, Any]) -> str:
    """Return the did:key holder of a (verified) presentation: its `holder`, else the key
    that signed it; raise `HolderProofRefused` if that is not a did:key."""
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
