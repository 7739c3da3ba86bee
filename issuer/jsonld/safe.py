"""Safe mode: refuse what JSON-LD processing would silently drop.

Expansion drops a property the contexts do not define, and RDF conversion
drops a triple whose IRI is relative (an undefined `@type`, a relative `@id`)
or whose predicate is a blank node. Either way the data would go unsigned, so,
like jsonld.js `safe: true`, we raise `UndefinedTerm` instead.
"""

import re
from typing import Any

from issuer.jsonld import UndefinedTerm
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
