"""Per-shape templates: expand one probe document per shape, then fill in each document's leaves.

    template, leaves = lookup(document, memo)  # None: process the document in full
    template.safe                              # the document passes safe mode
    template.canonical(leaves)                 # its RDFC-1.0 N-Quads (UTF-8), or None

Why a template gives exactly pyld's result. `issuer.jsonld.shape` splits a
document D into its shape (all keys, all non-string values, the `@context`
values and the strings under keys the contexts make keywords or types) and
its leaves. The probe P is D with leaf i replaced by a sentinel s_i, a string
of the same kind (STR or IRI) that occurs nowhere else. We expand P once, in
safe mode, and accept the template only if every s_i occurs exactly once in
the expansion, and only as the whole value of

- `@value`: pyld put the string there through the literal branch of
  `_expand_value` (or an `@value` key or a language map), whose only test on
  the string is its type; the `@type`/`@language` beside it come from the
  term definition. Any string in its place gives the same result with that
  string as `@value`;
- `@id` (IRI leaves only): pyld put it there through `_expand_iri`, which
  returns an IRI-kind string v unchanged when v is not a term and either
  the text after its first ":" starts with "//" or the text before it is not
  a term (it then passes `_is_absolute_iri`). We check that for each such
  leaf of each document against every key of every context the document can
  reach (`_context_terms`), and fall back otherwise.

Every other decision pyld makes reads only what the shape keeps verbatim
(keys, types, contexts), so P and D take the same path: expand(D) is
expand(P) with s_i replaced by leaf i, and the safe-mode checks, which never
look inside `@value` and accept every IRI-kind `@id`, give the same outcome.
For RDF the probe's triples (`issuer.jsonld.quads`) become the template:
a sentinel IRI `<s_i>` or literal `"s_i"…` is refilled with the leaf (escaped
as pyld escapes), and duplicates are dropped again with the leaves in place,
since two leaves may be equal where two sentinels were not. If P fails in
any way, the shape is remembered as having no template and such documents
take the full path, which raises the real error if there is one.
"""

from typing import Any

from issuer.jsonld.fill import FillPlan
from issuer.jsonld.memo import ProcessingMemo
from issuer.jsonld.quads import Unsupported, escape, to_quads
from issuer.jsonld.rdfc import canonical_nquads
from issuer.jsonld.shape import IRI, Hints, NotJson, Shape, probe_of, shape_of, verbatim

MARK = "\ue000"  # a private-use character; leaves may contain it, sentinels are checked unique
_IRI_PROBE = "x-probe://"
_NO_TEMPLATE = None


class _Rejected(Exception):
    """The probe does not prove the shape's leaves to be payload."""


class Template:
    """What every document of one shape expands to, with the leaves left out."""

    __slots__ = ("id_slots", "jcs", "plan", "probe", "quads", "terms")

    def __init__(
        self, terms: frozenset[str], id_slots: tuple[int, ...], quads: Any, probe: Any = None
    ) -> None:
        self.terms = terms
        self.id_slots = id_slots
        self.quads = quads
        self.plan = FillPlan(quads) if quads is not None else None
        self.probe = probe  # the document with leaf i replaced by sentinel i (never expanded)
        self.jcs: Any = None  # `issuer.proofs.jcs`'s fill plan for this shape, made on first use

    def fits(self, leaves: list[str]) -> bool:
        """Whether `_expand_iri` returns each leaf that lands in `@id` unchanged (see above)."""
        terms = self.terms
        for slot in self.id_slots:
            leaf = leaves[slot]
            colon = leaf.index(":")
            if leaf in terms or (leaf[colon + 1 : colon + 3] != "//" and leaf[:colon] in terms):
                return False
        return True

    def canonical(self, leaves: list[str]) -> bytes | None:
        """Return the canonical N-Quads (UTF-8) of the document with these leaves, or None."""
        if self.plan is None:
            return None
        return self.plan.canonical(leaves)

    def canonical_reference(self, leaves: list[str]) -> bytes | None:
        """`canonical` the plain way: fill in every triple, drop repeats, label (for tests)."""
        if self.quads is None:
            return None
        seen: set[Any] = set()
        quads = []
        for subject, predicate, obj, key, slots in self.quads:
            if slots is not None:
                subject_slot, object_slot, suffix, key_prefix = slots
                if subject_slot is not None:
                    subject = "<" + leaves[subject_slot] + ">"
                if object_slot is not None:
                    leaf = leaves[object_slot]
                    obj = "<" + leaf + ">" if suffix is None else '"' + escape(leaf) + '"' + suffix
                    key = (*key_prefix, leaf)
            seen_key = (subject, predicate, key)
            if seen_key not in seen:
                seen.add(seen_key)
                quads.append((subject, predicate, obj))
        nquads = canonical_nquads(quads)
        return None if nquads is None else nquads.encode()


def lookup(document: Any, memo: ProcessingMemo) -> tuple[Template | None, list[str]]:
    """Return the template of `document`'s shape (if it has one that fits) and its leaves."""
    if type(document) is not dict:
        return None, []
    try:
        hints = _hints(document.get("@context"), memo)
        if hints is None:
            return None, []
        shape = shape_of(document, hints, memo.subtrees)
        key = shape.key  # holds the top-level `@context` verbatim
    except (NotJson, RecursionError, TypeError):
        return None, []
    last = memo.last_template  # documents of one shape often come one after another
    if last is not None and last[0] == key:
        template = last[1]
        memo.hits["templates"] += 1
        return (template, shape.leaves) if template.fits(shape.leaves) else (None, shape.leaves)
    template = memo.templates.get(key, False)
    if template is False:
        if not memo.shapes_seen.get(key):  # like subtrees, from a shape's second occurrence on
            memo.shapes_seen[key] = True
            return None, shape.leaves
        template = _build(document, shape, hints, memo)
        memo.templates[key] = template
    else:
        memo.hits["templates"] += 1
    if template is None or not template.fits(shape.leaves):
        return None, shape.leaves
    memo.last_template = (key, template)
    return template, shape.leaves


def _build(document: dict[str, Any], shape: Shape, hints: Hints, memo: ProcessingMemo) -> Any:
    from issuer.jsonld.processor import Processor  # processor imports this package's modules

    terms = _context_terms(shape.contexts, memo)
    if terms is None:
        return _NO_TEMPLATE
    sentinels = [
        (_IRI_PROBE if kind is IRI else "") + f"{MARK}{i}{MARK}"
        for i, kind in enumerate(shape.kinds)
    ]
    if any(s in terms for s in sentinels) or _IRI_PROBE[:-3] in terms:
        return _NO_TEMPLATE
    processor = Processor(memo)
    try:
        expanded = processor.expand(probe_of(document, hints, sentinels), processor.options())
        landed = _landings(expanded, {s: i for i, s in enumerate(sentinels)}, shape.kinds)
    except Exception:  # any failure only means "no template"; the full path reports it
        return _NO_TEMPLATE
    id_slots = tuple(i for i, where in enumerate(landed) if where == "@id")
    try:
        quads = _quad_template(expanded, {s: i for i, s in enumerate(sentinels)})
    except (Unsupported, _Rejected):
        quads = None
    return Template(terms, id_slots, quads, probe_of(document, hints, sentinels))


def _landings(expanded: Any, index: dict[str, int], kinds: list[Any]) -> list[str]:
    """Return where each sentinel landed ("@value" or "@id"); raise `_Rejected` unless proven."""
    landed: list[str | None] = [None] * len(kinds)

    def land(value: Any, where: str) -> None:
        slot = index.get(value)
        if slot is None or landed[slot] is not None or (where == "@id" and kinds[slot] is not IRI):
            raise _Rejected(value)
        landed[slot] = where

    stack = [expanded]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if MARK in key:
                    raise _Rejected(key)
                if key in ("@value", "@id") and type(value) is str and MARK in value:
                    land(value, key)
                else:
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
        elif type(item) is str and MARK in item:
            raise _Rejected(item)
    if any(where is None for where in landed):
        raise _Rejected("a leaf was dropped")
    return landed  # type: ignore[return-value]


def _quad_template(expanded: Any, index: dict[str, int]) -> list[Any]:
    """The probe's triples, with each sentinel-bearing term marked by its slot."""
    quads, keys = to_quads(expanded)
    template = []
    for (subject, predicate, obj), key in zip(quads, keys, strict=True):
        if MARK in predicate or (type(key) is str and MARK in key):
            raise _Rejected(predicate)
        subject_slot = object_slot = suffix = key_prefix = None
        if type(subject) is str and MARK in subject:
            subject_slot = _iri_slot(subject, index)
        if type(obj) is str and MARK in obj:
            if obj[0] == "<":
                object_slot = _iri_slot(obj, index)
                sentinel = obj[1:-1]
            else:
                end = obj.index('"', 1)
                sentinel, suffix = obj[1:end], obj[end + 1 :]
                object_slot = index.get(sentinel)
                if object_slot is None or MARK in suffix:
                    raise _Rejected(obj)
            if type(key) is not tuple or key[-1] != sentinel:
                raise _Rejected(repr(key))
            key_prefix = key[:-1]
        elif type(key) is tuple and any(type(k) is str and MARK in k for k in key):
            raise _Rejected(repr(key))
        slots = (
            None
            if subject_slot is None and object_slot is None
            else (
                subject_slot,
                object_slot,
                suffix,
                key_prefix,
            )
        )
        template.append((subject, predicate, obj, key, slots))
    return template


def _iri_slot(term: str, index: dict[str, int]) -> int:
    slot = index.get(term[1:-1])
    if slot is None or term[0] != "<" or term[-1] != ">":
        raise _Rejected(term)
    return slot


def _hints(context: Any, memo: ProcessingMemo) -> Hints | None:
    """Keys to keep verbatim, from the top-level `@context` (a matter of speed only)."""
    key = ("hints", verbatim(context))
    hints = memo.context_info.get(key, False)
    if hints is False:
        hints = _scan([context], memo, hints_only=True)
        memo.context_info[key] = hints
    return hints  # type: ignore[no-any-return]


def _context_terms(contexts: list[Any], memo: ProcessingMemo) -> frozenset[str] | None:
    """Every key of every context reachable from `contexts`: a superset of all terms."""
    key = ("terms", verbatim(contexts))
    terms = memo.context_info.get(key, False)
    if terms is False:
        terms = _scan(contexts, memo, hints_only=False)
        memo.context_info[key] = terms
    return terms  # type: ignore[no-any-return]


def _scan(contexts: list[Any], memo: ProcessingMemo, *, hints_only: bool) -> Any:
    """Walk `contexts` and every context URL they name (under `@context` or `@import`)."""
    terms: set[str] = set()
    keep: set[str] = set()
    ids: set[str] = set()
    loaded: set[str] = set()
    stack: list[tuple[Any, bool]] = [(c, True) for c in contexts]
    while stack:
        value, is_context = stack.pop()
        if type(value) is str and is_context:
            if "://" not in value:  # pyld would resolve it against a base: not followed here
                return None
            if value not in loaded:
                loaded.add(value)
                try:
                    remote = memo.load(value)
                except Exception:  # the full path reports unknown contexts
                    return None
                stack.append((remote.get("document"), False))
        elif type(value) is dict:
            for term, definition in value.items():
                terms.add(term)
                _classify(term, definition, keep, ids)
                stack.append((definition, term in ("@context", "@import")))
        elif type(value) is list:
            stack.extend((item, is_context) for item in value)
    if hints_only:
        return Hints(keep=frozenset(keep), ids=frozenset(ids - keep))
    return frozenset(terms)


def _classify(term: str, definition: Any, keep: set[str], ids: set[str]) -> None:
    target = definition.get("@id") if type(definition) is dict else definition
    if type(target) is str and target.startswith("@"):
        (ids if target == "@id" else keep).add(term)
    if type(definition) is dict and definition.get("@type") in ("@id", "@vocab"):
        ids.add(term)
