"""JSON-LD over the bundled contexts: offline, and in safe mode.

    from issuer.jsonld.canonical import canonicalize

    nquads = canonicalize(credential)  # RDFC-1.0 N-Quads; raises UndefinedTerm, ContextNotAvailable

Nothing here touches the network: `loader.document_loader()` serves the files
under `contexts/` and refuses every other URL.
"""

from issuer.errors import InvalidInput


class UndefinedTerm(InvalidInput):
    """A property or type the document's contexts do not define (it would go unsigned)."""

    code = "undefined-term"
    title = "Term not defined by the JSON-LD contexts"
