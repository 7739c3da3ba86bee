"""The eddsa-rdfc-2022 cryptosuite: RDFC-1.0 canonicalization, SHA-256, Ed25519.

hashData = SHA-256(canonical proof configuration) || SHA-256(canonical document),
where the proof configuration is the proof without `proofValue`, given the
document's `@context` for hashing only. The deprecated name `eddsa-2022`
uses the same algorithm.
"""

import hashlib
from typing import Any

from issuer.jsonld.canonical import canonicalize
from issuer.jsonld.loader import DocumentLoader
from issuer.proofs.proof_config import canonical_proof_config

NAME = "eddsa-rdfc-2022"
LEGACY_NAME = "eddsa-2022"


def proof_configuration(document: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """Return the proof options without `proofValue`, with the document's `@context`."""
    config = {k: v for k, v in options.items() if k not in ("proofValue", "@context")}
    config["@context"] = document.get("@context")
    return config


def hash_data(
    document: dict[str, Any], options: dict[str, Any], *, loader: DocumentLoader | None = None
) -> bytes:
    """Return the 64 bytes to sign: proof configuration hash, then document hash."""
    config = proof_configuration(document, options)
    proof_hash = hashlib.sha256(canonical_proof_config(config, loader=loader).encode()).digest()
    document_hash = hashlib.sha256(canonicalize(document, loader=loader).encode()).digest()
    return proof_hash + document_hash
