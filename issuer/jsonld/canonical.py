"""RDF Dataset Canonicalization (RDFC-1.0, pyld's URDNA2015) in safe mode.

    nquads = canonicalize(document)  # sorted N-Quads, one per line
    data = canonical_bytes(document)  # the same, UTF-8 (what a signature hashes)

A term the contexts do not define raises `UndefinedTerm`; an unknown context
URL raises `ContextNotAvailable`; other JSON-LD errors raise `InvalidInput`.
The N-Quads are those of `issuer.jsonld.reference.normalize_plain` (plain
`jsonld.normalize`), computed faster: from a per-shape template
(`issuer.jsonld.template`) when the document has one, else by memoized pyld
expansion (`issuer.jsonld.memo`) and a direct RDF conversion and labelling
(`issuer.jsonld.quads`, `issuer.jsonld.rdfc`) that defer to pyld whenever
they do not apply. `check_terms(document)` runs the safe-mode checks alone.

The fast path is hazmat (see `issuer.jsonld.fast`): when `fast_path_enabled()` is
false, every function here runs plain pyld in the same safe mode instead
(`issuer.jsonld.safe.SafeProcessor`).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pyld.jsonld import JsonLdError

from issuer.errors import InvalidInput, IssuerError
from issuer.jsonld.fast import fast_path_enabled
from issuer.jsonld.loader import DocumentLoader, document_loader
from issuer.jsonld.memo import ProcessingMemo, json_copy, memo_for
from issuer.jsonld.processor import Processor
from issuer.jsonld.safe import SafeProcessor
from issuer.jsonld.template import Template, lookup


def processor_for(memo: ProcessingMemo) -> Processor | SafeProcessor:
    """Return the fast path's processor over `memo`, or plain pyld (loading through it) when off."""
    if fast_path_enabled():
        return Processor(memo)
    return SafeProcessor(memo.load)


def canonicalize(document: dict[str, Any], *, loader: DocumentLoader | None = None) -> str:
    """Return the RDFC-1.0 canonical N-Quads of `document`."""
    data = _from_template(document, loader)
    return data.decode() if data is not None else _normalize(document, loader)


def canonical_bytes(document: dict[str, Any], *, loader: DocumentLoader | None = None) -> bytes:
    """Return `canonicalize(document)` encoded as UTF-8."""
    data = _from_template(document, loader)
    return data if data is not None else _normalize(document, loader).encode()


def _from_template(document: dict[str, Any], loader: DocumentLoader | None) -> bytes | None:
    """The canonical N-Quads from the document's shape template, or None."""
    if not fast_path_enabled():
        return None
    template, leaves = lookup(document, memo_for(loader or document_loader()))
    return template.canonical(leaves) if template is not None else None


def _normalize(document: dict[str, Any], loader: DocumentLoader | None) -> str:
    processor = processor_for(memo_for(loader or document_loader()))
    with domain_errors():
        return processor.normalize(document, processor.options())


def expand(document: dict[str, Any], *, loader: DocumentLoader | None = None) -> list[Any]:
    """Return the expanded form of `document`, refusing undefined terms as `canonicalize` does."""
    processor = processor_for(memo_for(loader or document_loader()))
    with domain_errors():
        # a copy: the expansion may share memoized subtrees, which must not be mutated
        return json_copy(processor.expand(document, processor.options()))  # type: ignore[no-any-return]


def check_terms(
    document: dict[str, Any], *, loader: DocumentLoader | None = None
) -> tuple[Template | None, list[str]]:
    """Raise as `expand` would (`UndefinedTerm`, `ContextNotAvailable`, `InvalidInput`), or return.

    A document whose shape has a template (`issuer.jsonld.template`) passed
    these checks through its probe; any other document is expanded in full.
    Returns that template and the document's leaves, or `(None, [])`.
    """
    if fast_path_enabled():
        template, leaves = lookup(document, memo_for(loader or document_loader()))
        if template is not None:
            return template, leaves
    expand(document, loader=loader)
    return None, []


@contextmanager
def domain_errors() -> Iterator[None]:
    """Turn what pyld raises about a document into the project's errors (`_domain_error`);
    pyld's plain ValueErrors (a relative `@context`, an IRI with no base) become
    `InvalidInput`. A ValueError from anywhere else is a bug and is left alone."""
    try:
        yield
    except JsonLdError as err:
        raise _domain_error(err) from err
    except ValueError as err:
        if not _raised_by_pyld(err):
            raise
        raise InvalidInput(f"the document is not valid JSON-LD: {err}") from err


def _raised_by_pyld(err: ValueError) -> bool:
    """Return whether pyld itself raised `err` about the document (e.g. a relative `@context`
    or IRI with no base to resolve it against); a ValueError from anywhere else is a bug."""
    frame = err.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    return frame is not None and frame.tb_frame.f_globals.get("__name__", "").startswith("pyld.")


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
