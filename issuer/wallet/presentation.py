"""A W3C VerifiablePresentation holding a learner's credentials, for handing over in one file.

The presentation is deliberately **unsigned**. A presentation's proof shows who presents
the credentials (proof purpose `authentication`, by the holder's key); this service does
not hold the learner's key, and signing with the issuer's key would claim the issuer is
the holder. Each credential inside keeps its own issuer signature, so verifiers check
every credential and only warn that the presentation itself is not signed. `holder` is
the learner's DID when the credentials name one.
"""

from typing import Any

from issuer.model.base import VC_V2_CONTEXT


def build_presentation(
    credentials: list[dict[str, Any]], *, presentation_id: str, holder: str | None = None
) -> dict[str, Any]:
    """Return the unsigned presentation of `credentials` (each exactly as signed)."""
    document: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT],
        "id": presentation_id,
        "type": ["VerifiablePresentation"],
    }
    if holder:
        document["holder"] = holder
    document["verifiableCredential"] = credentials
    return document


def holder_of(credentials: list[dict[str, Any]]) -> str | None:
    """Return the DID naming the learner in the credentials, if they all name the same one."""
    ids = {
        subject.get("id")
        for credential in credentials
        if isinstance(subject := credential.get("credentialSubject"), dict)
    }
    if len(ids) == 1:
        (only,) = ids
        return only if isinstance(only, str) and only.startswith("did:") else None
    return None
