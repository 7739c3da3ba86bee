"""The plain pyld call, as the oracle for the fast path and the benchmark baseline.

No safe mode and no caches beyond pyld's own: exactly what a straightforward
implementation does for each document.
"""

from typing import Any

from pyld import jsonld

from issuer.jsonld.loader import DocumentLoader, document_loader


def normalize_plain(document: dict[str, Any], *, loader: DocumentLoader | None = None) -> str:
    """Return `jsonld.normalize(document)` as RDFC-1.0 (URDNA2015) N-Quads."""
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": loader or document_loader(),
    }
    return jsonld.normalize(document, options)  # type: ignore[no-any-return]
