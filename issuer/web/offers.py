"""Wallet offers: an issued credential delivered into the learner's wallet, bound to its DID.

    POST /credentials/{uuid}/offers        (bearer) a new offer and its links
    POST /offers/{id}/lcw                  Learner Credential Wallet's deep link: a signed VP in,
                                           the holder-bound credential out
    GET  /offers/{id}/interaction?iuv=1    VCALM interaction: {"protocols": {"vcapi": ...}}
    POST /offers/{id}/exchange             VCALM exchange: {} -> DIDAuthentication request;
                                           {"verifiablePresentation": VP} -> a VP of the credential

Responses on the wallet paths escape `&`, `<` and `>` in the JSON text (`\\u0026`...): LCW
HTML-entity-decodes the response before parsing it, which would otherwise corrupt a signed
value such as `&region`.
"""

import json
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, request

from issuer.errors import InvalidInput
from issuer.model.credential import format_datetime_z
from issuer.model.offers import CreateOfferRequest, ExchangeRequest, WalletPresentation
from issuer.model.spec import VC_V2_CONTEXT
from issuer.services.offers import CreatedOffer
from issuer.store.credentials import StoredCredential
from issuer.web import services
from issuer.web.apidoc import Reply, operation
from issuer.web.auth import current_actor, require_token
from issuer.web.requests import json_body, parse_body

bp = Blueprint("offers", __name__)


def _now() -> datetime:
    return datetime.now(UTC)


def wallet_json(body: Any, status: int = 200) -> Response:
    """Return `body` as JSON text safe from LCW's HTML-entity decoding (`&<>` escaped)."""
    text = json.dumps(body, ensure_ascii=False)
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    response = Response(text, status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@operation(
    "Offer an issued credential to the learner's wallet",
    description="Creates an offer of a credential this service issued (expires after "
    "`ISSUER_OFFER_TTL` seconds, default 1800). The wallet claims a copy bound to its DID: "
    "`lcw.deepLink` opens Learner Credential Wallet (it POSTs a signed presentation to "
    "`lcw.vcRequestUrl`), `lcw.interactionUrl` starts a VCALM exchange, "
    "`oid4vci.credentialOfferUri` (openid-credential-offer://) starts OpenID4VCI with a "
    'pre-authorized code (`txCode` set when the body asks `{"txCode": true}`). One holder '
    "only: another wallet's claim is refused (409).",
    tags=["Wallet delivery"],
    auth="bearer",
    body=CreateOfferRequest,
    status=201,
    ok=Reply(
        "The offer: {id, expiresAt, lcw: {deepLink, vcRequestUrl, challenge, "
        "interactionUrl}, oid4vci: {credentialOffer, credentialOfferUri, txCode}}"
    ),
    errors=(400, 401, 404, 409, 413, 415, 422),
)
@bp.post("/credentials/<credential_id>/offers")
@require_token
def create_offer(credential_id: str) -> Response:
    """Create an offer of an issued credential (201); 404 unknown, 409 revoked."""
    options = CreateOfferRequest()
    if request.get_data(cache=True).strip():
        options = parse_body(CreateOfferRequest)
    created = services().offers.create(
        credential_id, now=_now(), actor=current_actor(), tx_code=options.tx_code
    )
    response = Response(json.dumps(offer_body(created)), status=201, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def offer_body(created: CreatedOffer) -> dict[str, Any]:
    """Return the JSON of a new offer: its id, expiry, LCW links and OpenID4VCI offer."""
    links = created.links
    return {
        "id": created.offer.id,
        "expiresAt": format_datetime_z(created.offer.expires_at),
        "lcw": {
            "deepLink": links.deep_link,
            "vcRequestUrl": links.vc_request_url,
            "challenge": links.challenge,
            "interactionUrl": links.interaction_url,
        },
        "oid4vci": {
            "credentialOffer": created.oid4vci.credential_offer,
            "credentialOfferUri": created.oid4vci.credential_offer_uri,
            "txCode": created.oid4vci.tx_code,
        },
    }


def delivered(copies: list[StoredCredential]) -> dict[str, Any]:
    """Return what LCW's deep link answers: the one credential, or a presentation of several."""
    documents = [json.loads(copy.document) for copy in copies]
    if len(documents) == 1:
        return documents[0]  # type: ignore[no-any-return]
    return presentation_of(documents)


def presentation_of(documents: list[dict[str, Any]]) -> dict[str, Any]:
    """Return an unsigned VerifiablePresentation holding `documents`."""
    return {
        "@context": [VC_V2_CONTEXT],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": documents,
    }


@operation(
    "Claim an offer from Learner Credential Wallet (deep link's vc_request_url)",
    description="The wallet POSTs a bare VerifiablePresentation signed by its did:key "
    "(Ed25519Signature2020 or eddsa-rdfc-2022, proofPurpose authentication) for the offer's "
    "challenge. Answers the credential with `credentialSubject.id` = the holder "
    "(eddsa-rdfc-2022); the same holder again gets the same credential.",
    tags=["Wallet delivery"],
    body=WalletPresentation,
    ok=Reply("The holder-bound credential"),
    errors=(400, 404, 409, 413, 415, 422),
)
@bp.post("/offers/<offer_id>/lcw")
def claim_lcw(offer_id: str) -> Response:
    """Deliver the holder-bound copy to the wallet whose presentation answers the challenge."""
    presentation = json_body()
    if not isinstance(presentation, dict):
        raise InvalidInput("send the wallet's signed presentation as a JSON object")
    copies = services().offers.claim(offer_id, presentation, now=_now())
    return wallet_json(delivered(copies))


@operation(
    "VCALM interaction URL of an offer (`?iuv=1`)",
    description="Lists the protocols the offer can be claimed with: {protocols: {vcapi}}.",
    tags=["Wallet delivery"],
    ok=Reply("{protocols: {vcapi: the exchange URL}}"),
    errors=(404, 409),
)
@bp.get("/offers/<offer_id>/interaction")
def interaction(offer_id: str) -> Response:
    """Answer the protocols of an open offer."""
    offers = services().offers
    offer = offers.get_open(offer_id, now=_now())
    return wallet_json({"protocols": {"vcapi": offers.links(offer).exchange_url}})


@operation(
    "VCALM exchange of an offer",
    description="`{}` answers a verifiablePresentationRequest (DIDAuthentication, did:key, "
    "challenge and domain); `{verifiablePresentation}` signed for them answers "
    "{verifiablePresentation} holding the holder-bound credential.",
    tags=["Wallet delivery"],
    body=ExchangeRequest,
    ok=Reply("{verifiablePresentationRequest} or {verifiablePresentation}"),
    errors=(400, 404, 409, 413, 415, 422),
)
@bp.post("/offers/<offer_id>/exchange")
def exchange(offer_id: str) -> Response:
    """Run one step of the VCALM exchange."""
    body = parse_body(ExchangeRequest)
    offers = services().offers
    now = _now()
    if body.verifiable_presentation is None:
        return wallet_json(
            {"verifiablePresentationRequest": offers.presentation_request(offer_id, now=now)}
        )
    copies = offers.claim(offer_id, body.verifiable_presentation, now=now, domain=offers.domain)
    documents = [json.loads(copy.document) for copy in copies]
    return wallet_json({"verifiablePresentation": presentation_of(documents)})
