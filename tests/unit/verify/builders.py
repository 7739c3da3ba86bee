"""Really signed credentials, presentations and status lists for the verifier tests."""

import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from issuer.keys.did import did_key_for
from issuer.keys.ed25519 import KeyPair
from issuer.keys.signer import Signer
from issuer.proofs.data_integrity import add_proof
from issuer.status.bitstring import StatusBits

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_V3_0_1 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"
SIGNED_AT = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
STATUS_BASE = "https://issuer.example.org/status-lists"


@dataclass(frozen=True)
class Party:
    """A key pair, its did:key and a signer naming `did#multibase`."""

    key_pair: KeyPair
    did: str = field(init=False)
    signer: Signer = field(init=False)

    def __post_init__(self) -> None:
        multibase = self.key_pair.public_multibase
        did = did_key_for(multibase)
        object.__setattr__(self, "did", did)
        object.__setattr__(self, "signer", Signer(self.key_pair, f"{did}#{multibase}"))

    @classmethod
    def from_number(cls, number: int) -> "Party":
        """A deterministic party: the seed is `number` repeated 32 times."""
        return cls(KeyPair.from_seed(bytes([number]) * 32))


ISSUER = Party.from_number(1)
OTHER = Party.from_number(2)
HOLDER = Party.from_number(3)


def status_entry(purpose: str, index: int, url: str | None = None) -> dict[str, Any]:
    """A BitstringStatusListEntry for `index` in the `purpose` list at `url`."""
    url = url or f"{STATUS_BASE}/{purpose}-1"
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def unsigned_credential(
    issuer: Party = ISSUER, *, status: list[dict[str, Any]] | None = None, **fields: Any
) -> dict[str, Any]:
    """An OpenBadgeCredential (VC 2.0) from `issuer`, with `fields` overriding or added."""
    credential: dict[str, Any] = {
        "@context": [VC_V2, OB_V3],
        "id": "urn:uuid:1e1d0d44-4a4a-4b43-9f0f-2a3b2c1d0e0f",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Teamwork",
        "issuer": {"id": issuer.did, "type": ["Profile"], "name": "Example Training Provider"},
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://issuer.example.org/achievements/teamwork",
                "type": ["Achievement"],
                "name": "Teamwork",
                "description": "Works well in a team.",
                "criteria": {"narrative": "Nominated by peers."},
            },
        },
    }
    if status:
        # OB 3.0's schema allows one entry, as an object; several make a list (VC 2.0)
        credential["credentialStatus"] = status[0] if len(status) == 1 else status
    credential.update(fields)
    return credential


def sign(document: dict[str, Any], party: Party = ISSUER, **options: Any) -> dict[str, Any]:
    """`document` with a real eddsa-rdfc-2022 proof by `party` (options go to add_proof)."""
    return add_proof(document, party.signer, created=SIGNED_AT, **options)


def signed_credential(issuer: Party = ISSUER, **kw: Any) -> dict[str, Any]:
    """A signed OpenBadgeCredential from `issuer`."""
    return sign(unsigned_credential(issuer, **kw), issuer)


def vc11_credential(issuer: Party = ISSUER, **fields: Any) -> dict[str, Any]:
    """A signed VC 1.1 OpenBadgeCredential (issuanceDate/expirationDate)."""
    credential = unsigned_credential(issuer)
    del credential["validFrom"]
    credential["@context"] = [VC_V1, OB_V3_0_1]
    credential["issuanceDate"] = "2025-01-01T00:00:00Z"
    credential.update(fields)
    return sign(credential, issuer)


def status_list(
    purpose: str,
    *,
    set_bits: tuple[int, ...] = (),
    url: str | None = None,
    issuer: Party = ISSUER,
    signer: Party | None = None,
    length: int = 131_072,
    **fields: Any,
) -> dict[str, Any]:
    """A BitstringStatusListCredential with `set_bits` set, signed by `signer` (default issuer)."""
    url = url or f"{STATUS_BASE}/{purpose}-1"
    bits = StatusBits(length)
    for index in set_bits:
        bits.set(index)
    document: dict[str, Any] = {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.did,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": bits.encode(),
        },
    }
    document.update(fields)
    return sign(document, signer or issuer)


def presentation(
    credentials: list[dict[str, Any]],
    *,
    holder: Party | None = HOLDER,
    signed: bool = True,
    challenge: str | None = "c-123",
    domain: str | None = "verifier.example",
) -> dict[str, Any]:
    """A VerifiablePresentation of `credentials`, signed by `holder` for authentication."""
    document: dict[str, Any] = {
        "@context": [VC_V2],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": copy.deepcopy(credentials),
    }
    if holder is not None:
        document["holder"] = holder.did
    if signed and holder is not None:
        document = sign(
            document,
            holder,
            proof_purpose="authentication",
            challenge=challenge,
            domain=domain,
        )
    return document
