"""Expanded JSON-LD to RDF quads for the common case, as pyld's toRdf makes them.

    quads, keys = to_quads(expanded)  # or raises Unsupported

pyld's toRdf flattens the expanded document into a node map (merging nodes
that share an `@id`, dropping duplicate values), then turns each node's
properties into triples. Canonical N-Quads only depend on the resulting
multiset of triples (RDFC-1.0 sorts everything and relabels blank nodes), so
we produce that multiset directly, in one walk, without the node map:

- a node object gives `subject predicate object` for each `@type` and each
  property value; a nested node object gives a reference to its `@id` (or to a
  fresh blank node) and its own triples;
- duplicates are dropped per (subject, predicate) with pyld's own notion of
  equality (`JsonLdProcessor.compare_values`: same `@id`; or same `@type`,
  `@language` and value, where `True` never equals `1`), which is what the
  node map does when it merges nodes;
- subjects, predicates and IRI objects pass the same absolute-IRI test as
  pyld's (`_is_absolute_iri`, regex copied verbatim), and triples failing it
  are dropped as pyld drops them; blank-node predicates are dropped too;
- literals follow `_object_to_rdf` for strings, booleans and integers below
  1e21, and are serialized as `nquads.serialize_nquad` does.

Everything else raises `Unsupported` and the caller uses pyld: `@list`,
`@graph`, `@reverse`, `@included`, `@index`, `@direction`, `@json`
literals, doubles (pyld's own double formatting), blank-node datatypes, and
any other keyword. Blank nodes are numbered (ints); terms that are not blank
nodes are kept as their N-Quads text, so each quad is a tuple
`(subject, predicate, object)` of `str | int`.
"""

import re
from typing import Any

from issuer.jsonld.memo import SharedExpansion

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_BOOLEAN = XSD + "boolean"
XSD_DOUBLE = XSD + "double"
XSD_INTEGER = XSD + "integer"
XSD_STRING = XSD + "string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"

# pyld.jsonld._is_absolute_iri, verbatim (note `$` also matches before a final "\n").
_PYLD_ABSOLUTE_IRI = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")
_NODE_KEYWORDS = frozenset({"@id", "@type"})
_VALUE_KEYWORDS = frozenset({"@value", "@type", "@language"})
_MAX_INTEGER = 10**21  # pyld writes integers from 1e21 up as doubles

Term = str | int
Quad = tuple[Term, str, Term]


class Unsupported(Exception):
    """The expanded document uses a feature this converter leaves to pyld."""


def escape(value: str) -> str:
    """Escape a literal as pyld.nquads.escape does."""
    return (
        value.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace('"', '\\"')
    )


def literal(value: str, datatype: str, language: str | None = None) -> str:
    """Serialize a literal object as pyld.nquads.serialize_nquad does."""
    text = '"' + escape(value) + '"'
    if datatype == RDF_LANGSTRING:
        if language:
            text += "@" + language
    elif datatype != XSD_STRING:
        text += "^^<" + datatype + ">"
    return text


class _Template:
    """The triples of a `SharedExpansion`, its fresh blank nodes numbered from 0."""

    __slots__ = ("blank_count", "identity", "keys", "quads", "term")

    def __init__(self, shared: dict[str, Any]) -> None:
        converter = _Converter()
        self.term, self.identity = converter.value(dict(shared))
        if converter.labels:  # `_:x` labels are shared with the rest of the document
            raise Unsupported("blank node label")
        self.quads, self.keys = converter.quads, converter.keys
        self.blank_count = converter.blank_count


class _Converter:
    def __init__(self) -> None:
        self.quads: list[Quad] = []
        self.keys: list[Any] = []
        self.blank_count = 0
        self.labels: dict[str, int] = {}
        self._seen: set[tuple[Term, str, Any]] = set()

    def blank(self, label: str | None = None) -> int:
        if label is None:
            self.blank_count += 1
            return self.blank_count - 1
        number = self.labels.get(label)
        if number is None:
            number = self.labels[label] = self.blank(None)
        return number

    def resource(self, iri: str) -> Term | None:
        """Return the term for a node `@id` or type: a blank node, an IRI, or None if pyld drops it."""
        if iri.startswith("_:"):
            return self.blank(iri)
        return "<" + iri + ">" if _PYLD_ABSOLUTE_IRI.match(iri) else None

    def add(self, subject: Term | None, predicate: str | None, obj: Term | None, key: Any) -> None:
        if subject is None or predicate is None or obj is None:
            return
        seen = (subject, predicate, key)
        if seen not in self._seen:
            self._seen.add(seen)
            self.quads.append((subject, predicate, obj))
            self.keys.append(key)

    def splice(self, shared: SharedExpansion) -> tuple[Term | None, Any]:
        """Add the triples of a shared subtree from its template, as `value` would make them.

        Its fresh blank nodes are renumbered after ours; every triple still
        goes through `add`, so duplicates with the rest of the document (a
        node with the same `@id` elsewhere) are dropped as pyld's node map
        merges them. A subtree with `_:` labels is converted in place.
        """
        template = shared.quads
        if template is None:
            try:
                template = _Template(shared)
            except Unsupported:
                template = False
            shared.quads = template
        if template is False:
            return self.value(dict(shared))
        offset = self.blank_count
        self.blank_count += template.blank_count
        for (subject, predicate, obj), key in zip(template.quads, template.keys, strict=True):
            if type(subject) is int:
                subject += offset
            if type(obj) is int:
                obj += offset
                key = ("@id", obj)
            self.add(subject, predicate, obj, key)
        term, identity = template.term, template.identity
        if type(term) is int:
            term += offset
            identity = ("@id", term)
        return term, identity

    def node(self, node: dict[str, Any]) -> tuple[Term | None, Any]:
        """Emit the triples of a node object; return its term and its equality key."""
        for key in node:
            if key[:1] == "@" and key not in _NODE_KEYWORDS:
                raise Unsupported(key)
        iri = node.get("@id")
        if iri is None:
            subject: Term | None = self.blank()
            identity: Any = ("@id", subject)
        else:
            if type(iri) is not str:
                raise Unsupported("@id")
            subject = self.resource(iri)
            identity = ("@id", subject if type(subject) is int else iri)
        types = node.get("@type", [])
        if type(types) is not list:
            raise Unsupported("@type")
        for type_ in types:
            if type(type_) is not str:
                raise Unsupported("@type")
            self.add(subject, RDF_TYPE, self.resource(type_), type_)
        for property_, values in node.items():
            if property_[:1] == "@":
                continue
            predicate = (
                "<" + property_ + ">"
                if not property_.startswith("_:") and _PYLD_ABSOLUTE_IRI.match(property_)
                else None
            )
            if type(values) is not list:
                raise Unsupported(property_)
            for value in values:
                obj, key = self.value(value)
                self.add(subject, predicate, obj, key)
        return subject, identity

    def value(self, value: Any) -> tuple[Term | None, Any]:
        if type(value) is SharedExpansion:
            return self.splice(value)
        if type(value) is not dict:
            raise Unsupported(type(value).__name__)
        if "@value" not in value:
            if "@list" in value:
                raise Unsupported("@list")
            return self.node(value)
        for key in value:
            if key not in _VALUE_KEYWORDS:
                raise Unsupported(key)
        raw = value["@value"]
        datatype = value.get("@type")
        language = value.get("@language")
        if datatype is not None and (
            type(datatype) is not str
            or datatype.startswith("_:")
            or datatype in ("@json", XSD_DOUBLE)
        ):
            raise Unsupported("@type")
        kind = type(raw)
        if kind is bool:
            text = literal("true" if raw else "false", datatype or XSD_BOOLEAN)
        elif kind is int:
            if abs(raw) >= _MAX_INTEGER:
                raise Unsupported("large integer")
            text = literal(str(raw), datatype or XSD_INTEGER)
        elif kind is str:
            if language is not None:
                if type(language) is not str:
                    raise Unsupported("@language")
                text = literal(raw, datatype or RDF_LANGSTRING, language)
            else:
                text = literal(raw, datatype or XSD_STRING)
        else:
            raise Unsupported(kind.__name__)
        return text, ("@value", datatype, language, kind is bool, raw)


def to_quads(expanded: Any) -> tuple[list[Quad], list[Any]]:
    """Return the triples pyld's toRdf makes of `expanded` (default graph), or raise Unsupported.

    Also returns, for each triple, the key its object was told apart by when
    dropping duplicates (used by `issuer.jsonld.template`).
    """
    if type(expanded) is not list:
        raise Unsupported("top level")
    converter = _Converter()
    for item in expanded:
        if type(item) is not dict or "@value" in item or "@list" in item:
            raise Unsupported("top-level value")
        converter.node(item)
    return converter.quads, converter.keys
