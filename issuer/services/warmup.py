"""Warm-up at start: sign and verify one Open Badges credential in memory, so the first
requests of a worker do not pay for loading the JSON-LD contexts, compiling the JSON
schemas and building the signing and signed-view templates (tens of milliseconds each).

Nothing is stored and nothing is fetched: the credential is signed by a throwaway did:key
and has no status entry. Once per process, the caches being the modules' own.
"""

import hashlib
import logging
from datetime import datetime
from typing import Any

from issuer.keys.did import did_key_for
from issuer.keys.ed25519 import KeyPair
from issuer.keys.signer import Signer
from issuer.model.base import OB_V3_CONTEXT, VC_V2_CONTEXT
from issuer.model.credential import format_datetime_z
from issuer.proofs.data_integrity import add_proof
from issuer.services.verification import Verifier

log = logging.getLogger(__name__)

_done = False


def sample_credential(issuer_did: str, now: datetime) -> dict[str, Any]:
    """Return an unsigned OpenBadgeCredential of the shape the VC API usually receives."""
    return {
        "@context": [VC_V2_CONTEXT, OB_V3_CONTEXT],
        "id": "urn:uuid:6f1b8e52-9d8c-4d1e-8f3a-0c2b7a5e4d10",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer_did, "type": ["Profile"], "name": "Warm-up"},
        "validFrom": format_datetime_z(now),
        "name": "Warm-up",
        "credentialSubject": {
            "id": "did:example:warm-up",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:0d6f0a7e-3c1b-4f7e-9a52-5b8e1c2d3f40",
                "type": ["Achievement"],
                "name": "Warm-up",
                "description": "Warm-up.",
                "criteria": {"narrative": "Warm-up."},
            },
        },
    }


def warm_up(verifier: Verifier, *, now: datetime) -> None:
    """Sign and verify a sample credential once per process; log (never raise) a failure."""
    global _done
    if _done:
        return
    _done = True
    try:
        pair = KeyPair.from_seed(hashlib.sha256(b"ler-issuer warm-up").digest())
        did = did_key_for(pair.public_multibase)
        signer = Signer(pair, f"{did}#{pair.public_multibase}")
        for as_set in (True, False):  # as Open Badges are issued here, and as others sign them
            signed = add_proof(sample_credential(did, now), signer, created=now, as_set=as_set)
            result = verifier.credential(signed, now=now)
            if not result.verified:
                log.warning("warm-up credential did not verify: %s", result.to_vc_api())
    except Exception:  # a warm-up must never stop the service from starting
        log.exception("warm-up failed")
