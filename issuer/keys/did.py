"""did:key and did:web identifiers and their DID documents (Multikey form).

did_key_for("z6MkrJVn…")           # "did:key:z6MkrJVn…"
did_web_for("https://a.example:8443/issuers/1")  # "did:web:a.example%3A8443:issuers:1"
"""

from collections.abc import Iterable
from functools import lru_cache
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from issuer.errors import InvalidInput
from issuer.keys.ed25519 import public_key_from_multibase

DID_V1_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1_CONTEXT = "https://w3id.org/security/multikey/v1"
DID_CONTEXTS = [DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT]
DID_KEY = "did:key:"
DID_WEB = "did:web:"
RELATIONSHIPS = (
    "authentication",
    "assertionMethod",
    "capabilityDelegation",
    "capabilityInvocation",
)


@lru_cache(maxsize=256)
def did_key_for(public_multibase: str) -> str:
    """Return the did:key of an Ed25519 Multikey; raise `InvalidInput` if it is not one
    (remembered: the issuer's own keys are asked for on every request)."""
    public_key_from_multibase(public_multibase)
    return DID_KEY + public_multibase


def did_key_multibase(did: str) -> str:
    """Return the Multikey inside a did:key (no fragment); raise `InvalidInput` otherwise."""
    if not did.startswith(DID_KEY) or "#" in did:
        raise InvalidInput(f"{did!r} is not a did:key")
    multibase = did[len(DID_KEY) :]
    public_key_from_multibase(multibase)
    return multibase


def multikey_method(method_id: str, controller: str, public_multibase: str) -> dict[str, str]:
    """Return a Multikey verification method object."""
    return {
        "id": method_id,
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": public_multibase,
    }


def did_key_document(did: str) -> dict[str, Any]:
    """Return the DID document of an Ed25519 did:key (one Multikey, in every relationship)."""
    multibase = did_key_multibase(did)
    method_id = f"{did}#{multibase}"
    document: dict[str, Any] = {
        "@context": list(DID_CONTEXTS),
        "id": did,
        "verificationMethod": [multikey_method(method_id, did, multibase)],
    }
    for relationship in RELATIONSHIPS:
        document[relationship] = [method_id]
    return document


def controller_document(
    did: str,
    keys: Iterable[tuple[str, str]],
    relationships: dict[str, list[str]],
) -> dict[str, Any]:
    """Return a DID document for `did` with Multikeys `(fragment, multibase)` and relationships.

    `relationships` maps e.g. "assertionMethod" to key fragments.
    """
    document: dict[str, Any] = {
        "@context": list(DID_CONTEXTS),
        "id": did,
        "verificationMethod": [
            multikey_method(f"{did}#{fragment}", did, multibase) for fragment, multibase in keys
        ],
    }
    for relationship, fragments in relationships.items():
        document[relationship] = [f"{did}#{fragment}" for fragment in fragments]
    return document


def did_web_for(base_url: str) -> str:
    """Return the did:web naming `base_url` (a port is written %3A, path segments become ':')."""
    parts = urlsplit(base_url)
    if not parts.hostname:
        raise InvalidInput(f"{base_url!r} has no host name")
    host = parts.hostname + (f"%3A{parts.port}" if parts.port else "")
    segments = [quote(s, safe="") for s in parts.path.split("/") if s]
    return ":".join([DID_WEB + host, *segments])


def did_web_url(did: str) -> str:
    """Return the HTTPS URL of a did:web's DID document."""
    if not did.startswith(DID_WEB) or "#" in did:
        raise InvalidInput(f"{did!r} is not a did:web")
    host, *segments = did[len(DID_WEB) :].split(":")
    if not host:
        raise InvalidInput(f"{did!r} has no host")
    path = "/".join(unquote(s) for s in segments) if segments else ".well-known"
    return f"https://{unquote(host)}/{path}/did.json"
