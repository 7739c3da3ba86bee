"""RDF Dataset Canonicalization (RDFC-1.0, pyld's URDNA2015) in safe mode.

    nquads = canonicalize(document)  # sorted N-Quads, one per line

A term the contexts do not define raises `UndefinedTerm`; an unknown context
URL raises `ContextNotAvailable`; other JSON-LD errors raise `InvalidInput`.
The N-Quads are those of `issuer.jsonld.reference.normalize_plain` (plain
`jsonld.normalize`), computed faster (see `issuer.jsonld.memo`).
"""

from typing import Any

from pyld.jsonld import JsonLdError

from issuer.errors import InvalidInput, IssuerError
from issuer.jsonld.loader import DocumentLoader, document_loader
from issuer.jsonld.memo import memo_for
from issuer.jsonld.processor import Processor


def canonicalize(document: dict[str, Any], *, loader: DocumentLoader | None = None) -> str:
    """Return the RDFC-1.0 canonical N-Quads of `document`."""
    processor = Processor(memo_for(loader or document_loader()))
    try:
        return processor.normalize(document, processor.options())
    except JsonLdError as err:
        raise _domain_error(err) from err


def expand(document: dict[str, Any], *, loader: DocumentLoader | None = None) -> list[Any]:
    """Return the expanded form of `document`, refusing undefined terms as `canonicalize` does."""
    processor = Processor(memo_for(loader or document_loader()))
    try:
        return processor.expand(document, processor.options())  # type: ignore[no-any-return]
    except JsonLdError as err:
        raise _domain_error(err) from err


def _domain_error(err: JsonLdError) -> IssuerError:
    """Return the project error behind a pyld error (e.g. ContextNotAvailable), or InvalidInput."""
    cause: BaseException | None = err
    while cause is not None:
        if isinstance(cause, IssuerError):
            return cause
        cause = cause.__cause__ or cause.__context__
    innermost: BaseException = err
    while isinstance(innermost.__cause__, JsonLdError):
        innermost = innermost.__cause__
    message = innermost.args[0] if innermost.args else type(innermost).__name__
    code = getattr(innermost, "code", None)
    return InvalidInput(
        f"the document is not valid JSON-LD: {message}" + (f" ({code})" if code else "")
    )
