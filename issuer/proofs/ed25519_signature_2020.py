"""Ed25519Signature2020 (deprecated; verification only).

Same hashing as eddsa-rdfc-2022: URDNA2015 N-Quads of the proof options (with
the document's `@context`, which must include the suite's own context) and of
the document, SHA-256 each, proof hash first.
"""

from typing import Any

from issuer.jsonld.loader import DocumentLoader
from issuer.proofs import eddsa_rdfc_2022

NAME = "Ed25519Signature2020"
CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"


def hash_data(
    document: dict[str, Any], options: dict[str, Any], *, loader: DocumentLoader | None = None
) -> bytes:
    """Return the 64 bytes the signature covers."""
    return eddsa_rdfc_2022.hash_data(document, options, loader=loader)
