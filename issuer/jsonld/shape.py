"""The "shape" of a JSON-LD document: everything its expansion can depend on, minus the leaves.

    shape = shape_of(document, hints)  # shape.key (hashable), shape.leaves, shape.contexts

Credentials issued in a batch differ only in strings that pyld's expansion
treats as opaque payload: names, descriptions, dates (literals), and the
credential's `id` (an absolute IRI). The shape replaces such strings, the
*leaves*, with one of two tokens and keeps everything else verbatim: every
key, every non-string value, every value under a key starting with "@", and
every value under a key the contexts make a keyword alias or a type
(`hints`, see `context_terms`). `issuer.jsonld.template` then expands one
*probe* document per shape, where each leaf is a unique sentinel string, and
proves from the probe's expansion that each leaf is payload (see there).

Leaves come in two kinds, decided by the string alone:

- IRI: matches `[A-Za-z][A-Za-z0-9+.-]*:[^\\s]*` (an absolute IRI to pyld and
  to `safe.py`, never a blank node, a keyword or a relative IRI);
- STR: any other string.

Which strings are leaves is only a matter of speed: a leaf the expansion is
not blind to makes the probe fail its proof, and that shape is then always
processed in full.

Documents of a batch share big node objects (the achievement) by value. Given a
`subtrees` cache, `shape_of` remembers the walk of each node object with an `id`
(other than the document) under its `marshal` image (format 2, no references):
marshal writes exact types only (bool apart from int, no subclasses: it refuses
anything else), so equal images are equal JSON, walked alike. A node object
holding an `@context` is not remembered (its contexts are read as objects later),
nor is one inside `MAX_NESTED` others (so each value is marshalled a few times
at most), nor one whose image exceeds `MAX_IMAGE` bytes (bounded memory).
"""

import marshal
import re
from collections.abc import Hashable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

IRI_LEAF = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s]*")


class _Token:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


# Compared by identity, so no JSON value equals them (True == 1 and 1 == 1.0 in Python).
DICT, LIST, STR, IRI, TRUE, FALSE, FLOAT = (
    _Token(n) for n in ("DICT", "LIST", "STR", "IRI", "TRUE", "FALSE", "FLOAT")
)


class NotJson(Exception):
    """The document holds something other than parsed JSON."""


def verbatim(value: Any) -> Any:
    """Return a hashable stand-in for the JSON `value`, equal only for equal JSON."""
    kind = type(value)
    if kind is str or kind is int or value is None:
        return value
    if kind is dict:
        items: list[Any] = [DICT]
        for key, item in value.items():
            items.append(key)
            items.append(verbatim(item))
        return tuple(items)
    if kind is list:
        return (LIST, *[verbatim(item) for item in value])
    if kind is bool:
        return TRUE if value else FALSE
    if kind is float:
        return (FLOAT, repr(value))
    raise NotJson(kind.__name__)


@dataclass(frozen=True)
class Hints:
    """Keys whose values stay verbatim (`keep`), or whose non-IRI strings do (`ids`)."""

    keep: frozenset[str] = frozenset()
    ids: frozenset[str] = frozenset()


@dataclass
class Shape:
    """A document's shape key, its leaves in document order, and its `@context` values."""

    key: Any = None
    leaves: list[str] = field(default_factory=list)
    kinds: list[Any] = field(default_factory=list)
    contexts: list[Any] = field(default_factory=list)


MAX_NESTED = 3  # node objects remembered inside one another: bounds the marshal work
MAX_IMAGE = 1 << 16  # bytes of a node object's marshal image, to be remembered
Subtrees = MutableMapping[Hashable, Any]
"""(hints, marshal image of a node object) -> its walk: (key, leaves tuple, kinds tuple)."""


def shape_of(document: dict[str, Any], hints: Hints, subtrees: Subtrees | None = None) -> Shape:
    """Return the shape of `document` (raises `NotJson` for non-JSON values)."""
    shape = Shape()
    leaves, kinds, contexts = shape.leaves, shape.kinds, shape.contexts
    keep, ids = hints.keep, hints.ids
    iri = IRI_LEAF.fullmatch
    cache = subtrees if subtrees is not None else {}
    nested = [0 if subtrees is not None else MAX_NESTED]  # remembered() calls under way

    def string(value: str, id_valued: bool) -> Any:
        if ":" in value and iri(value):
            leaves.append(value)
            kinds.append(IRI)
            return IRI
        if id_valued:
            return value
        leaves.append(value)
        kinds.append(STR)
        return STR

    def walk(value: Any, id_valued: bool) -> Any:
        kind = type(value)
        if kind is str:
            return string(value, id_valued)
        if kind is dict:
            if nested[0] < MAX_NESTED and "id" in value and value is not document:
                return remembered(value)
            return walk_dict(value)
        if kind is list:
            return (LIST, *[walk(item, id_valued) for item in value])
        return verbatim(value)

    def walk_dict(value: dict[str, Any]) -> Any:
        items: list[Any] = [DICT]
        append = items.append
        for key, item in value.items():
            append(key)
            if key[:1] == "@" or key in keep:
                if key == "@context":
                    contexts.append(item)
                append(verbatim(item))
            elif type(item) is str:  # the common case, `string` written in place
                if ":" in item and iri(item):
                    leaves.append(item)
                    kinds.append(IRI)
                    append(IRI)
                elif key in ids:
                    append(item)
                else:
                    leaves.append(item)
                    kinds.append(STR)
                    append(STR)
            else:
                append(walk(item, key in ids))
        return tuple(items)

    def remembered(value: dict[str, Any]) -> Any:
        try:
            image = marshal.dumps(value, 2)
        except ValueError:  # not plain data, or too deep: walked (and refused) as usual
            return walk_dict(value)
        if len(image) > MAX_IMAGE:
            return walk_dict(value)
        found = cache.get((hints, image))
        if found is not None:
            leaves.extend(found[1])
            kinds.extend(found[2])
            return found[0]
        start, known_contexts = len(leaves), len(contexts)
        nested[0] += 1
        try:
            key = walk_dict(value)
        finally:
            nested[0] -= 1
        if len(contexts) == known_contexts:
            cache[(hints, image)] = (key, tuple(leaves[start:]), tuple(kinds[start:]))
        return key

    shape.key = walk(document, False)
    return shape


def probe_of(document: dict[str, Any], hints: Hints, sentinels: list[str]) -> Any:
    """Return `document` with its i-th leaf replaced by `sentinels[i]` (same walk as `shape_of`)."""
    keep, ids = hints.keep, hints.ids
    position = iter(range(len(sentinels)))

    def walk(value: Any, id_valued: bool) -> Any:
        kind = type(value)
        if kind is str:
            if not id_valued or (":" in value and IRI_LEAF.fullmatch(value)):
                return sentinels[next(position)]
            return value
        if kind is dict:
            return {
                key: item if key[:1] == "@" or key in keep else walk(item, key in ids)
                for key, item in value.items()
            }
        if kind is list:
            return [walk(item, id_valued) for item in value]
        return value

    return walk(document, False)
