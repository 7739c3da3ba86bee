"""Safe mode: refuse what JSON-LD processing would silently drop.

Expansion drops a property the contexts do not define, and RDF conversion
drops a triple whose IRI is relative (an undefined `@type`, a relative `@id`)
or whose predicate is a blank node. Either way the data would go unsigned, so,
like jsonld.js `safe: true`, we raise `UndefinedTerm` instead.
"""

import re
from typing import Any

from pyld.jsonld import JsonLdError, JsonLdProcessor

from issuer.jsonld import UndefinedTerm
from issuer.jsonld.loader import DocumentLoader
from issuer.jsonld.memo import SharedExpansion

_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_LITERAL_KEYS = frozenset({"@value", "@language", "@direction", "@index"})


def refuse_dropped_property(expanded_property: str | None) -> None:
    """pyld's `on_property_dropped` hook: raise `UndefinedTerm` for the dropped property."""
    if expanded_property is None:
        raise UndefinedTerm("a property is mapped to null by the @context and would be dropped")
    raise UndefinedTerm(f"the term {expanded_property!r} is not defined by the document's @context")


def _is_iri(value: object) -> bool:
    return isinstance(value, str) and (
        value.startswith("_:") or _ABSOLUTE_IRI.match(value) is not None
    )


def require_absolute_iris(expanded: Any) -> None:
    """Raise `UndefinedTerm` if expanded JSON-LD holds an IRI that RDF conversion would drop."""
    stack = [expanded]
    while stack:
        item = stack.pop()
        if type(item) is SharedExpansion:  # immutable: checked once for every document
            if not item.safe:
                require_absolute_iris(dict(item))
                item.safe = True
            continue
        if isinstance(item, list):
            stack.extend(item)
            continue
        if not isinstance(item, dict):
            continue
        is_value = "@value" in item
        for key, value in item.items():
            if key == "@id":
                if not _is_iri(value):
                    raise UndefinedTerm(f"the identifier {value!r} is not an absolute IRI")
            elif key == "@type":
                for type_ in value if isinstance(value, list) else [value]:
                    if not (_is_iri(type_) or (is_value and type_ == "@json")):
                        raise UndefinedTerm(
                            f"the type {type_!r} is not defined by the document's @context"
                        )
            elif key in _LITERAL_KEYS:
                continue
            elif key.startswith("_:"):
                raise UndefinedTerm(f"the property {key!r} is a blank node and would be dropped")
            else:
                stack.append(value)


class SafeProcessor(JsonLdProcessor):  # type: ignore[misc]
    """Plain pyld, through its public API only, in safe mode: the path when the fast path is off.

    Same interface and results as `issuer.jsonld.processor.Processor` (`options`, `expand`,
    `normalize`, `compact`), without its caches or any override of pyld internals.
    """

    def __init__(self, loader: DocumentLoader) -> None:
        super().__init__(on_property_dropped=refuse_dropped_property)
        self._loader = loader

    def options(self, **extra: Any) -> dict[str, Any]:
        """Return pyld options: this loader, and no base IRI (relative IRIs are refused)."""
        return {"documentLoader": self._loader, "base": None, **extra}

    def expand(self, input_: Any, options: dict[str, Any]) -> Any:
        """Expand as pyld does, then refuse relative IRIs (RDF conversion would drop them)."""
        expanded = super().expand(input_, options)
        require_absolute_iris(expanded)
        return expanded

    def normalize(self, input_: Any, options: dict[str, Any]) -> str:
        """Return the URDNA2015 (RDFC-1.0) N-Quads of `input_`, after the safe-mode checks."""
        to_rdf_options = {k: v for k, v in options.items() if k not in ("format", "algorithm")}
        to_rdf_options["produceGeneralizedRdf"] = False
        to_rdf_options.setdefault("extractAllScripts", True)
        to_rdf_options.setdefault("processingMode", "json-ld-1.1")
        try:
            self.expand(input_, to_rdf_options)
        except JsonLdError as cause:  # as pyld's to_rdf words it
            raise JsonLdError(
                "Could not expand input before serialization to RDF.", "jsonld.RdfError"
            ) from cause
        normalize_options = {**to_rdf_options, "algorithm": "URDNA2015"}
        normalize_options["format"] = "application/n-quads"
        return super().normalize(input_, normalize_options)  # type: ignore[no-any-return]
