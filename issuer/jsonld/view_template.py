"""Per-shape templates of the signed view: compact one probe per shape, then fill in the leaves.

    template = view_template(document, memo)   # None: build the view in full
    expanded_ids, view = template.fill(leaves)  # None when these leaves need the full path

Why the filled template is exactly `compact(expand(document))`. The probe P is the
document D with its i-th leaf (`issuer.jsonld.shape`) replaced by a unique sentinel
s_i of the same kind, as in `issuer.jsonld.template`. We expand P once in safe mode and
keep the template only if every s_i lands exactly once, as the whole value of `@value`
or (IRI leaves only) `@id` (`template._landings`). By the argument in
`issuer.jsonld.template`, D then passes safe mode and expand(D) is expand(P) with s_i
replaced by leaf i, provided each `@id` leaf passes `fits` (the same test as
`template.Template.fits`).

Compaction (pyld `_compact`) reads the strings of an expanded document in two places
only. A `@value` string is copied as it is (`_compact_value` asks only whether it is a
string). An `@id` string goes through `_compact_iri`, which returns it unchanged unless
(a) it is a term's IRI or starts with one (term selection, `@vocab` suffixes, CURIEs),
(b) it starts with `term:` for a term (pyld raises "IRI confused with prefix"), or
(c) the context has `@base` or a base IRI is given (relative IRIs); term selection for
a node reference also asks whether that result is a term (`_select_term`). While
compacting the probe we record every active context a sentinel is compacted under; the
template is kept only if no such context has `@base`, no call had a base IRI, and each
sentinel appears exactly once in the output, as a whole string value, never in a key.
A document fits only if none of its `@id` leaves is a term or starts with a term's IRI,
an `@vocab`, or `term:`, over every recorded context (a superset of (a) to (c)). Then
pyld takes the same path for D as for P, and compact(expand(D)) is the compacted probe
with s_i replaced by leaf i. `tests/unit/jsonld/test_view.py` checks this against
plain compaction.

The tree check of `issuer.jsonld.view` reads node ids, which leaves may make equal: the
template reports the document's node ids (`expanded_ids`), and when two are equal the
caller checks the expansion, rebuilt by `expansion(leaves)`.
"""

import threading
import weakref
from typing import Any

from issuer.jsonld.memo import LockedLRU, ProcessingMemo, json_copy
from issuer.jsonld.processor import Processor
from issuer.jsonld.shape import IRI, NotJson, probe_of, shape_of, verbatim
from issuer.jsonld.template import (
    _IRI_PROBE,
    MARK,
    _context_terms,
    _hints,
    _landings,
    _Rejected,
)

MAX_VIEW_TEMPLATES = 256


class _Recorder(Processor):
    """A Processor that records the active contexts sentinels are compacted under."""

    def __init__(self, memo: ProcessingMemo) -> None:
        super().__init__(memo)
        self.contexts: list[Any] = []
        self.based = False

    def _compact_iri(
        self,
        active_ctx: Any,
        iri: Any,
        value: Any = None,
        vocab: bool = False,
        base: Any = None,
        reverse: bool = False,
    ) -> Any:
        if type(iri) is str and MARK in iri:
            self.contexts.append(active_ctx)
            self.based = self.based or bool(base)
        return super()._compact_iri(active_ctx, iri, value, vocab, base, reverse)


class ViewTemplate:
    """The compacted probe of one shape, and what a document's leaves must avoid."""

    __slots__ = ("compacted", "expanded", "id_slots", "ids", "index", "names", "starts", "terms")

    def __init__(
        self,
        expanded: Any,
        compacted: dict[str, Any],
        index: dict[str, int],
        id_slots: tuple[int, ...],
        ids: tuple[Any, ...],
        avoid: tuple[tuple[str, ...], frozenset[str]],
        terms: frozenset[str],
    ) -> None:
        self.expanded = expanded
        self.compacted = compacted
        self.index = index
        self.id_slots = id_slots
        self.ids = ids
        self.starts, self.names = avoid
        self.terms = terms

    def fits(self, leaves: list[str]) -> bool:
        """Whether expansion and compaction return every `@id` leaf unchanged (see above)."""
        terms, starts, names = self.terms, self.starts, self.names
        for slot in self.id_slots:
            leaf = leaves[slot]
            colon = leaf.index(":")
            if leaf in terms or (leaf[colon + 1 : colon + 3] != "//" and leaf[:colon] in terms):
                return False
            if leaf in names or leaf.startswith(starts):
                return False
        return True

    def node_ids(self, leaves: list[str]) -> list[str]:
        """The `@id` of every node object of the document's expansion."""
        return [leaves[i] if type(i) is int else i for i in self.ids]

    def expansion(self, leaves: list[str]) -> Any:
        """The document's expansion: the probe's, with the leaves in place of the sentinels."""
        return _fill(self.expanded, self.index, leaves)

    def view(self, leaves: list[str]) -> dict[str, Any]:
        """The document's compaction: the probe's, with the leaves in place of the sentinels."""
        return _fill(self.compacted, self.index, leaves)  # type: ignore[no-any-return]


def _fill(value: Any, index: dict[str, int], leaves: list[str]) -> Any:
    kind = type(value)
    if kind is str:
        return leaves[index[value]] if MARK in value else value
    if kind is dict:
        return {key: _fill(item, index, leaves) for key, item in value.items()}
    if kind is list:
        return [_fill(item, index, leaves) for item in value]
    return value


_caches: "weakref.WeakKeyDictionary[ProcessingMemo, tuple[LockedLRU, LockedLRU]]" = (
    weakref.WeakKeyDictionary()
)
_caches_lock = threading.Lock()


def _cache(memo: ProcessingMemo) -> tuple[LockedLRU, LockedLRU]:
    with _caches_lock:
        found = _caches.get(memo)
        if found is None:
            found = _caches[memo] = (
                LockedLRU(MAX_VIEW_TEMPLATES),
                LockedLRU(4 * MAX_VIEW_TEMPLATES),
            )
        return found


def view_template(
    document: Any, trusted: list[str], memo: ProcessingMemo
) -> tuple[ViewTemplate | None, list[str]]:
    """Return the view template of `document`'s shape (None if it has none) and its leaves.

    Like `issuer.jsonld.template.lookup`, a shape gets a template from its second
    occurrence on; `trusted` is the compaction context (the document's context URLs).
    """
    if type(document) is not dict:
        return None, []
    try:
        context = document.get("@context")
        hints = _hints(context, memo)
        if hints is None:
            return None, []
        shape = shape_of(document, hints)
        key = (verbatim(context), shape.key)
    except (NotJson, RecursionError, TypeError):
        return None, []
    templates, seen = _cache(memo)
    template = templates.get(key, False)
    if template is False:
        if not seen.get(key):
            seen[key] = True
            return None, shape.leaves
        template = _build(document, shape, hints, trusted, memo)
        templates[key] = template
    if template is None or not template.fits(shape.leaves):
        return None, shape.leaves
    return template, shape.leaves


def _build(
    document: dict[str, Any], shape: Any, hints: Any, trusted: list[str], memo: ProcessingMemo
) -> ViewTemplate | None:
    terms = _context_terms(shape.contexts, memo)
    if terms is None:
        return None
    sentinels = [
        (_IRI_PROBE if kind is IRI else "") + f"{MARK}{i}{MARK}"
        for i, kind in enumerate(shape.kinds)
    ]
    if any(s in terms for s in sentinels) or _IRI_PROBE[:-3] in terms:
        return None
    index = {s: i for i, s in enumerate(sentinels)}
    processor = _Recorder(memo)
    try:
        expanded = json_copy(
            processor.expand(probe_of(document, hints, sentinels), processor.options())
        )
        landed = _landings(expanded, index, shape.kinds)
        compacted = processor.compact(
            json_copy(expanded),
            {"@context": trusted},
            processor.options(compactArrays=True, skipExpansion=True),
        )
        _require_each_once(compacted, index)
    except Exception:  # any failure only means "no template"; the full path reports it
        return None
    avoid = _avoid(processor)
    if avoid is None or type(compacted) is not dict:
        return None
    id_slots = tuple(i for i, where in enumerate(landed) if where == "@id")
    return ViewTemplate(
        expanded, compacted, index, id_slots, _node_ids(expanded, index), avoid, terms
    )


def _require_each_once(compacted: Any, index: dict[str, int]) -> None:
    """Raise `_Rejected` unless each sentinel is exactly one whole string value, in no key."""
    found = [0] * len(index)
    stack = [compacted]
    while stack:
        item = stack.pop()
        if type(item) is dict:
            for key, value in item.items():
                if MARK in key:
                    raise _Rejected(key)
                stack.append(value)
        elif type(item) is list:
            stack.extend(item)
        elif type(item) is str and MARK in item:
            slot = index.get(item)
            if slot is None:
                raise _Rejected(item)
            found[slot] += 1
    if any(count != 1 for count in found):
        raise _Rejected("a sentinel was dropped or repeated")


def _avoid(processor: _Recorder) -> tuple[tuple[str, ...], frozenset[str]] | None:
    """(IRI starts, term names) no `@id` leaf may have, from every recorded context."""
    if processor.based:
        return None
    starts: set[str] = set()
    names: set[str] = set()
    for context in {id(c): c for c in processor.contexts}.values():
        if "@base" in context:
            return None
        if isinstance(context.get("@vocab"), str):
            starts.add(context["@vocab"])
        for term, definition in context.get("mappings", {}).items():
            names.add(term)
            starts.add(term + ":")
            if definition and isinstance(definition.get("@id"), str) and definition["@id"]:
                starts.add(definition["@id"])
    return tuple(sorted(starts)), frozenset(names)


def _node_ids(expanded: Any, index: dict[str, int]) -> tuple[Any, ...]:
    """The `@id` of every node object in `expanded`: a leaf slot, or the string itself."""
    ids: list[Any] = []
    stack = [expanded]
    while stack:
        item = stack.pop()
        if type(item) is list:
            stack.extend(item)
        elif type(item) is dict and "@value" not in item:
            node_id = item.get("@id")
            if type(node_id) is str:
                ids.append(index[node_id] if MARK in node_id else node_id)
            stack.extend(value for key, value in item.items() if key != "@id")
    return tuple(ids)
