"""Request bodies of the wallet offer routes (`issuer.web.offers`)."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class CreateOfferRequest(BaseModel):
    """`POST /credentials/{uuid}/offers`: `{}`, or `{"txCode": true}` (OpenID4VCI then asks
    the wallet for a transaction code, answered as `oid4vci.txCode`)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    tx_code: bool = Field(False, alias="txCode")


class WalletPresentation(BaseModel):
    """What Learner Credential Wallet POSTs to `vcRequestUrl`: a bare VerifiablePresentation,
    signed (proofPurpose authentication) for the offer's challenge by its did:key holder."""

    model_config = ConfigDict(extra="allow")

    context: list[Any] | str = Field(alias="@context")
    type: list[str] | str
    holder: Any = None
    proof: Any


class ExchangeRequest(BaseModel):
    """`POST` to a VCALM exchange: `{}` starts it (answered with a DIDAuthentication request);
    `{"verifiablePresentation": VP}` answers that request."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    verifiable_presentation: Any = Field(None, alias="verifiablePresentation")
