"""The eddsa-rdfc-2022 cryptosuite: RDFC-1.0 canonicalization, SHA-256, Ed25519.

hashData = SHA-256(canonical proof configuration) || SHA-256(canonical document),
where the proof configuration is the proof without `proofValue`, given the
document's `@context` for hashing only. The deprecated name `eddsa-2022`
(`legacy`) uses the same algorithm, for verification only.
"""

from dataclasses import replace
from typing import Any

from issuer.jsonld.canonical import canonical_bytes
from issuer.jsonld.loader import DocumentLoader
from issuer.proofs.cryptosuite import Cryptosuite
from issuer.proofs.proof_config import canonical_proof_config

NAME = "eddsa-rdfc-2022"
LEGACY_NAME = "eddsa-2022"


def proof_configuration(document: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """Return the proof options without `proofValue`, with the document's `@context`."""
    config = {k: v for k, v in options.items() if k not in ("proofValue", "@context")}
    config["@context"] = document.get("@context")
    return config


def canonize(document: dict[str, Any], loader: DocumentLoader | None) -> bytes:
    """Return the RDFC-1.0 canonical N-Quads of `document`."""
    return canonical_bytes(document, loader=loader)


def canonize_proof_config(
    document: dict[str, Any], options: dict[str, Any], loader: DocumentLoader | None
) -> bytes:
    """Return the canonical N-Quads of the proof configuration."""
    return canonical_proof_config(proof_configuration(document, options), loader=loader).encode()


cryptosuite = Cryptosuite(NAME, canonize, canonize_proof_config, config_from_context=True)
legacy = replace(cryptosuite, name=LEGACY_NAME, signs=False)


def hash_data(
    document: dict[str, Any], options: dict[str, Any], *, loader: DocumentLoader | None = None
) -> bytes:
    """Return the 64 bytes to sign: proof configuration hash, then document hash."""
    return cryptosuite.create_verify_data(document, options, loader=loader)
