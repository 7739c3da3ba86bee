"""A template's canonical N-Quads for one document's leaves, with the fixed work done once.

    plan = FillPlan(template_quads)
    plan.canonical(leaves)  # == canonical_nquads(<the template's quads, leaves filled in>), UTF-8

`issuer.jsonld.template` keeps, per shape, the probe's triples with each leaf's
place marked (`(subject, predicate, object, key, slots)`, see `_quad_template`
there). Filling them in and labelling the blank nodes (`rdfc.canonical_nquads`)
repeats, for every document, work that only depends on the shape. A plan sorts
the triples once:

- triples without a leaf and without a blank node are output lines, sorted once;
- triples without a leaf that touch blank nodes are split once into the text
  around the node (its first-degree line and its output line only need the node
  written in), and a blank node touched by no leaf keeps its first-degree hash;
- triples with a leaf are grouped into *segments* by subject (a leaf, a blank
  node or a fixed IRI), each filled in by one comprehension per kind (subject
  written, blank-node subject, blank-node object);
- the probe's triples are all different, so a duplicate needs a leaf: two
  triples with the same predicate whose subjects may be equal (the same blank
  node, or IRIs of which one is a leaf) and whose objects' keys may be equal (a
  leaf's key and another key of the same prefix). Such triples form segments of
  their own (one per group that may repeat), filled by subject (`_Piece`); when
  two filled triples of a group are equal, the group is filled again in template
  order through the duplicate check of the plain fill (equal keys give equal
  triples, so which copy is kept does not change the output).

Documents of a shape mostly repeat their leaves (the same achievement for every
learner, or a few achievements in turn). Each segment remembers its last
`MAX_FILLS` fills by the values of its leaves: a segment whose leaves were seen
is not filled again (nor is a piece of a group that may repeat, whose last fill
it remembers), and each blank node remembers its hash by its segments' leaves.
What equals the last document's (`_Last`) is taken from it without a lookup. A
filled segment remembers its output lines under the labels of its own blank
nodes (a few labellings: the labels shift as other nodes' hashes change). The
memos are dicts filled and cleared whole entries at a time, and each call reads
one snapshot of `_Last` and replaces it whole, so threads sharing a plan at
worst lose hits. Reuse is
decided by the leaves' values (strings) and the labels, never by object
identity.

Lines are kept as UTF-8 bytes, each encoded once: UTF-8 sorts as code points
do, so the bytes are those of the sorted text, without encoding the whole
document for its hash. The labelling is RDFC-1.0's first-degree labelling as in
`rdfc.canonical_nquads`: each blank node's sorted first-degree lines are hashed
(SHA-256), labels `_:c14nN` go in hash order, and the plan answers None when two
hashes are equal or a string cannot be encoded as UTF-8, for the caller to use
pyld. `tests/unit/jsonld/test_fast_paths.py` compares the result with plain pyld.
"""

import hashlib
from collections import defaultdict
from operator import itemgetter
from typing import Any, NamedTuple

from issuer.jsonld.quads import escape

_LABELS = [f"_:c14n{n}".encode() for n in range(64)]
MAX_LABELLINGS = 8  # labellings remembered per filled segment
MAX_FILLS = 16  # fills remembered per segment, and hashes per blank node
_A, _DOT, _A_DOT = b"_:a", b" .\n", b"_:a .\n"

Lines = dict[int, list[bytes]]
"""Blank node -> its first-degree lines."""


def _label(number: int) -> bytes:
    return _LABELS[number] if number < len(_LABELS) else f"_:c14n{number}".encode()


def _escape(value: str) -> str:
    if '"' in value or "\\" in value or "\n" in value or "\r" in value or "\t" in value:
        return escape(value)
    return value


def _hash(lines: list[bytes]) -> str:
    lines.sort()
    return hashlib.sha256(b"".join(lines)).hexdigest()


class _Filled(NamedTuple):
    """One segment with a document's leaves in: its lines, by what they still need."""

    lines: list[bytes]  # output lines, complete
    subject_nodes: list[tuple[int, bytes]]  # (blank-node subject, rest of the line)
    object_nodes: list[tuple[bytes, int]]  # (front of the line, blank-node object)
    pairs: list[tuple[int, bytes, int]]  # (subject, middle, object), both blank nodes
    first_degree: Lines
    by_labels: dict[Any, list[bytes]]  # the labels of its nodes -> its output lines

    def labelled(self, labels: dict[int, bytes], named: Any) -> list[bytes]:
        """Return the segment's output lines, sorted, blank nodes written with `labels`
        (`named`: the labels of the segment's own nodes, under which they are remembered)."""
        return _remembered(self.by_labels, named, self, labels)


def _remembered(
    by_labels: dict[Any, list[bytes]], named: Any, lines: Any, labels: Any
) -> list[bytes]:
    """Return `lines` labelled (see `_labelled`), from `by_labels` if seen with these labels."""
    found = by_labels.get(named)
    if found is None:
        if len(by_labels) >= MAX_LABELLINGS:
            by_labels.clear()
        found = by_labels[named] = _labelled(
            lines.lines, lines.subject_nodes, lines.object_nodes, lines.pairs, labels
        )
    return found


def _labelled(
    lines: list[bytes],
    subject_nodes: list[tuple[int, bytes]],
    object_nodes: list[tuple[bytes, int]],
    pairs: list[tuple[int, bytes, int]],
    labels: dict[int, bytes],
) -> list[bytes]:
    out = list(lines)
    out += [labels[node] + rest for node, rest in subject_nodes]
    out += [front + labels[node] + _DOT for front, node in object_nodes]
    out += [labels[s] + middle + labels[o] + _DOT for s, middle, o in pairs]
    out.sort()
    return out


class _Memo(dict[Any, Any]):
    """A segment's fills (or a blank node's hashes) by leaf values, and its hits."""

    hits = 0


def _recalled(memo: _Memo | None, key: Any) -> Any:
    """Return what `memo` holds under `key` (counting the hit), or None."""
    if memo is None:
        return None
    found = memo.get(key)
    if found is not None:
        memo.hits += 1
    return found


def _remember(memo: _Memo | None, key: Any, value: Any) -> _Memo | None:
    """Add `value` under `key`; return the memo, or None once it filled up with no hit
    (values seen once per document: remembering them would only cost)."""
    if memo is None:
        return None
    if len(memo) >= MAX_FILLS:
        if not memo.hits:
            return None
        memo.clear()
        memo.hits = 0
    memo[key] = value
    return memo


class _Last(NamedTuple):
    """What the plan's last call filled in: most documents repeat the one before."""

    keys: list[Any]
    fills: list[_Filled]
    hashes: dict[int, str]
    labels: dict[int, bytes]


class FillPlan:
    """The template's triples sorted by what a document's leaves change (see the module doc)."""

    def __init__(self, quads: list[Any]) -> None:
        self.unencodable = False
        self._last: _Last | None = None
        try:
            self._prepare(quads)
        except UnicodeEncodeError:
            self.unencodable = True

    def _prepare(self, quads: list[Any]) -> None:
        repeating = _may_repeat(quads)
        grouped: dict[Any, _Segment] = {}
        fixed = _Fixed()
        for quad in quads:
            subject, predicate, obj, _key, slots = quad
            group = repeating.get(id(quad))
            if group is not None:
                grouped.setdefault(("checked", group), _Segment()).checked.append(quad)
            elif slots is None:
                fixed.add(subject, predicate, obj)
            else:
                owner = ("node", subject) if type(subject) is int else ("at", slots[0], subject)
                grouped.setdefault(owner, _Segment()).add(subject, predicate, obj, slots)
        self.fixed = fixed
        self.segments = list(grouped.values())
        self.getters = [segment.finish() for segment in self.segments]
        self.namers = [_getter(sorted(segment.nodes)) for segment in self.segments]
        self.fixed_namer = _getter(sorted(fixed.first_degree))
        node_segments: dict[int, list[int]] = defaultdict(list)
        for n, segment in enumerate(self.segments):
            for node in segment.nodes:
                node_segments[node].append(n)
        self.node_segments = {node: tuple(ns) for node, ns in node_segments.items()}
        self._fills: list[_Memo | None] = [_Memo() for _ in self.segments]
        self._hashes: dict[int, _Memo | None] = {node: _Memo() for node in node_segments}
        self.first_degree = {n: ls for n, ls in fixed.first_degree.items() if n in node_segments}
        self.hashes = {
            node: _hash(list(lines))
            for node, lines in fixed.first_degree.items()
            if node not in node_segments
        }

    def canonical(self, leaves: list[str]) -> bytes | None:
        """Return the canonical N-Quads with these leaves (UTF-8), or None to leave it to pyld."""
        if self.unencodable:
            return None
        keys = [get(leaves) for get in self.getters]
        last = self._last
        fills: list[_Filled] = []
        dirty: set[int] = set()  # segments whose leaves differ from the last document's
        try:
            for n, segment in enumerate(self.segments):
                if last is not None and keys[n] == last.keys[n]:
                    fills.append(last.fills[n])
                    continue
                dirty.add(n)
                filled = _recalled(self._fills[n], keys[n])
                if filled is None:
                    filled = segment.fill(leaves)
                    self._fills[n] = _remember(self._fills[n], keys[n], filled)
                fills.append(filled)
        except UnicodeEncodeError:
            return None
        hashes = dict(self.hashes)
        for node, segments in self.node_segments.items():
            if last is not None and dirty.isdisjoint(segments):
                hashes[node] = last.hashes[node]
                continue
            memo = self._hashes[node]
            key = None if memo is None else tuple([keys[n] for n in segments])
            found = _recalled(memo, key)
            if found is None:
                lines = list(self.first_degree.get(node, ()))
                for n in segments:
                    lines += fills[n].first_degree.get(node, ())
                found = _hash(lines)
                self._hashes[node] = _remember(memo, key, found)
            hashes[node] = found
        if last is not None and hashes == last.hashes:
            labels = last.labels
        elif len(set(hashes.values())) != len(hashes):
            return None
        else:
            by_hash = sorted(hashes, key=hashes.__getitem__)
            labels = {node: _label(n) for n, node in enumerate(by_hash)}
        output = list(self.fixed.labelled(labels, self.fixed_namer(labels)))
        for filled, name in zip(fills, self.namers, strict=True):
            output += filled.labelled(labels, name(labels))
        output.sort()
        self._last = _Last(keys, fills, hashes, labels)
        return b"".join(output)


class _Fixed:
    """The triples without leaves: output lines, and text around their blank nodes."""

    def __init__(self) -> None:
        self.lines: list[bytes] = []
        self.subject_nodes: list[tuple[int, bytes]] = []
        self.object_nodes: list[tuple[bytes, int]] = []
        self.pairs: list[tuple[int, bytes, int]] = []
        self.first_degree: Lines = {}
        self.by_labels: dict[Any, list[bytes]] = {}

    def add(self, subject: Any, predicate: str, obj: Any) -> None:
        """File one triple (raises UnicodeEncodeError for text UTF-8 cannot encode)."""
        middle = (" " + predicate + " ").encode()
        if type(subject) is int:
            if type(obj) is int:
                self.pairs.append((subject, middle, obj))
                _pair_lines(subject, middle, obj, self.first_degree)
                return
            rest = middle + obj.encode() + _DOT
            self.subject_nodes.append((subject, rest))
            self.first_degree.setdefault(subject, []).append(_A + rest)
        elif type(obj) is int:
            front = subject.encode() + middle
            self.object_nodes.append((front, obj))
            self.first_degree.setdefault(obj, []).append(front + _A_DOT)
        else:
            self.lines.append(subject.encode() + middle + obj.encode() + _DOT)

    def labelled(self, labels: dict[int, bytes], named: Any) -> list[bytes]:
        """Return the output lines, sorted, blank nodes written with `labels` (see `_Filled`)."""
        return _remembered(self.by_labels, named, self, labels)


def _no_key(values: Any) -> tuple[()]:
    return ()


def _getter(keys: list[int]) -> Any:
    """Return a function of a list or dict giving its items at `keys`, as one comparable value."""
    return itemgetter(*keys) if keys else _no_key


class _Segment:
    """Triples of one subject (or of one group that may repeat), filled in together."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, int, str, int, bool, str]] = []
        self.subject_nodes: list[tuple[int, str, int, bool, str]] = []
        self.object_nodes: list[tuple[int, str, int]] = []
        self.checked: list[Any] = []  # in template order, through the duplicate check
        self.nodes: set[int] = set()
        self.slots: set[int] = set()

    def add(self, subject: Any, predicate: str, obj: Any, slots: Any) -> None:
        """File a triple with a leaf and without a duplicate check."""
        subject_slot, object_slot, suffix, _ = slots
        self.slots.update(s for s in (subject_slot, object_slot) if s is not None)
        self.nodes.update(t for t in (subject, obj) if type(t) is int)
        if object_slot is None:
            pre, slot, literal, post = " " + predicate + " ", -1, False, " .\n"
            if type(obj) is int:  # a written subject (its leaf), a blank-node object
                self.object_nodes.append((subject_slot, pre, obj))
                return
            post = " " + predicate + " " + obj + " .\n"
            pre = ""
        elif suffix is None:
            pre, slot, literal, post = " " + predicate + " <", object_slot, False, "> .\n"
        else:
            pre, slot, literal, post = (
                " " + predicate + ' "',
                object_slot,
                True,
                '"' + suffix + " .\n",
            )
        if type(subject) is int:
            self.subject_nodes.append((subject, pre, slot, literal, post))
        elif subject_slot is not None:
            self.lines.append(("", subject_slot, pre, slot, literal, post))
        else:
            self.lines.append((subject, -1, pre, slot, literal, post))

    def finish(self) -> Any:
        """Split the checked triples into pieces by subject; return the getter of the slots."""
        by_subject: dict[Any, list[Any]] = {}
        for subject, predicate, obj, key, slots in self.checked:
            at, slot, suffix, prefix = slots if slots is not None else (None, None, None, None)
            self.slots.update(s for s in (at, slot) if s is not None)
            self.nodes.update(t for t in (subject, obj) if type(t) is int)
            row = (
                subject,
                -1 if at is None else at,
                " " + predicate + " ",
                obj,
                -1 if slot is None else slot,
                suffix,
                key,
                prefix,
            )
            by_subject.setdefault(subject if at is None else at, []).append(row)
        self.pieces = [_Piece(rows) for rows in by_subject.values()]
        return _getter(sorted(self.slots))

    def fill(self, leaves: list[str]) -> _Filled:
        """Return the segment's triples with these leaves in (UnicodeEncodeError if unencodable)."""
        if self.checked:
            return self._fill_checked(leaves)
        esc = _escape
        lines = [
            (text if at < 0 else "<" + leaves[at] + ">")
            + pre
            + ("" if slot < 0 else esc(leaves[slot]) if literal else leaves[slot])
            + post
            for text, at, pre, slot, literal, post in self.lines
        ]
        subject_nodes = [
            (node, pre + (esc(leaves[slot]) if literal else leaves[slot]) + post)
            for node, pre, slot, literal, post in self.subject_nodes
        ]
        object_nodes = [("<" + leaves[at] + ">" + pre, node) for at, pre, node in self.object_nodes]
        return _encoded(lines, subject_nodes, object_nodes, [])

    def _fill_checked(self, leaves: list[str]) -> _Filled:
        """Fill the triples that may repeat: by piece, unless two filled triples are equal."""
        results = []
        for piece in self.pieces:
            result = piece.fill(leaves)
            if result is None:
                return self._fill_repeating(leaves)
            results.append(result)
        if len(results) == 1:
            return results[0][1]
        seen: set[Any] = set()
        for keys, _ in results:
            seen.update(keys)
        if len(seen) != sum(len(keys) for keys, _ in results):
            return self._fill_repeating(leaves)
        return _merged([filled for _, filled in results])

    def _fill_repeating(self, leaves: list[str]) -> _Filled:
        """Fill the triples that may repeat in template order, dropping repeats."""
        lines: list[str] = []
        subject_nodes: list[tuple[int, str]] = []
        object_nodes: list[tuple[str, int]] = []
        pairs: list[tuple[int, str, int]] = []
        self._checked(leaves, lines, subject_nodes, object_nodes, pairs)
        return _encoded(lines, subject_nodes, object_nodes, pairs)

    def _checked(
        self,
        leaves: list[str],
        output: list[str],
        subject_nodes: list[tuple[int, str]],
        object_nodes: list[tuple[str, int]],
        pairs: list[tuple[int, str, int]],
    ) -> None:
        """Fill the triples that may repeat, drop repeats, and file them with the others."""
        seen: set[Any] = set()
        for subject, predicate, obj, key, slots in self.checked:
            if slots is not None:
                subject_slot, object_slot, suffix, key_prefix = slots
                if subject_slot is not None:
                    subject = "<" + leaves[subject_slot] + ">"
                if object_slot is not None:
                    leaf = leaves[object_slot]
                    obj = "<" + leaf + ">" if suffix is None else '"' + escape(leaf) + '"' + suffix
                    key = (*key_prefix, leaf)
            seen_key = (subject, predicate, key)
            if seen_key in seen:
                continue
            seen.add(seen_key)
            middle = " " + predicate + " "
            if type(subject) is int:
                if type(obj) is int:
                    pairs.append((subject, middle, obj))
                else:
                    subject_nodes.append((subject, middle + obj + " .\n"))
            elif type(obj) is int:
                object_nodes.append((subject + middle, obj))
            else:
                output.append(subject + middle + obj + " .\n")


class _Piece:
    """Checked triples of one subject, filled together and remembered by their leaves."""

    __slots__ = ("by_kind", "get", "last", "rows")

    def __init__(self, rows: list[tuple[Any, int, str, Any, int, Any, Any, Any]]) -> None:
        self.rows = rows
        self.by_kind: tuple[list[int], list[int], list[int], list[int]] = ([], [], [], [])
        for n, (subject, _, _, obj, _, _, _, _) in enumerate(rows):
            self.by_kind[2 * (type(subject) is int) + (type(obj) is int)].append(n)
        slots = {s for row in rows for s in (row[1], row[4]) if s >= 0}
        self.get = _getter(sorted(slots))
        self.last: tuple[Any, tuple[list[Any], _Filled]] | None = None

    def fill(self, leaves: list[str]) -> tuple[list[Any], _Filled] | None:
        """Return the (subject, predicate, object key) of each triple and the filled triples,
        or None if two of them are equal (the caller then drops repeats in template order)."""
        memo_key, last = self.get(leaves), self.last
        if last is not None and last[0] == memo_key:
            return last[1]
        esc = _escape
        filled: list[tuple[Any, str, Any, Any]] = [
            (
                subject if at < 0 else "<" + leaves[at] + ">",
                middle,
                obj
                if slot < 0
                else "<" + leaves[slot] + ">"
                if suffix is None
                else '"' + esc(leaves[slot]) + '"' + suffix,
                key if slot < 0 else (*prefix, leaves[slot]),
            )
            for subject, at, middle, obj, slot, suffix, key, prefix in self.rows
        ]
        keys = [(s, m, k) for s, m, _, k in filled]
        if len(set(keys)) != len(keys):
            return None
        lines, object_node, subject_node, pair = self.by_kind
        result = (
            keys,
            _encoded(
                [filled[n][0] + filled[n][1] + filled[n][2] + " .\n" for n in lines],
                [(filled[n][0], filled[n][1] + filled[n][2] + " .\n") for n in subject_node],
                [(filled[n][0] + filled[n][1], filled[n][2]) for n in object_node],
                [(filled[n][0], filled[n][1], filled[n][2]) for n in pair],
            ),
        )
        self.last = (memo_key, result)
        return result


def _merged(fills: list[_Filled]) -> _Filled:
    """Return the filled triples of several pieces as one."""
    merged = _Filled([], [], [], [], {}, {})
    for filled in fills:
        merged.lines.extend(filled.lines)
        merged.subject_nodes.extend(filled.subject_nodes)
        merged.object_nodes.extend(filled.object_nodes)
        merged.pairs.extend(filled.pairs)
        for node, lines in filled.first_degree.items():
            merged.first_degree.setdefault(node, []).extend(lines)
    return merged


def _encoded(
    lines: list[str],
    subject_nodes: list[tuple[int, str]],
    object_nodes: list[tuple[str, int]],
    pairs: list[tuple[int, str, int]],
) -> _Filled:
    """Return a segment's filled-in text as UTF-8, with its blank nodes' first-degree lines."""
    filled = _Filled(
        [line.encode() for line in lines],
        [(node, rest.encode()) for node, rest in subject_nodes],
        [(front.encode(), node) for front, node in object_nodes],
        [(subject, middle.encode(), obj) for subject, middle, obj in pairs],
        {},
        {},
    )
    first_degree = filled.first_degree
    for node, rest in filled.subject_nodes:
        first_degree.setdefault(node, []).append(_A + rest)
    for front, node in filled.object_nodes:
        first_degree.setdefault(node, []).append(front + _A_DOT)
    for subject, middle, obj in filled.pairs:
        _pair_lines(subject, middle, obj, first_degree)
    return filled


def _pair_lines(subject: int, middle: bytes, obj: int, first_degree: Lines) -> None:
    """Add the first-degree lines of a triple between two blank nodes (twice for a loop)."""
    if subject == obj:
        line = _A + middle + _A_DOT
        first_degree.setdefault(subject, []).extend((line, line))
    else:
        first_degree.setdefault(subject, []).append(_A + middle + b"_:z .\n")
        first_degree.setdefault(obj, []).append(b"_:z" + middle + _A_DOT)


def _may_repeat(quads: list[Any]) -> dict[int, int]:
    """Map the `id` of each triple that some document's leaves can make equal to another to
    its group: triples of different groups are never equal."""
    by_predicate: dict[str, list[Any]] = defaultdict(list)
    for quad in quads:
        by_predicate[quad[1]].append(quad)
    parent: dict[int, int] = {}

    def root(item: int) -> int:
        while parent[item] != item:
            item = parent[item]
        return item

    for group in by_predicate.values():
        for n, first in enumerate(group):
            for second in group[n + 1 :]:
                if (first[4] is not None or second[4] is not None) and _may_equal(first, second):
                    a = root(parent.setdefault(id(first), id(first)))
                    b = root(parent.setdefault(id(second), id(second)))
                    parent[b] = a
    return {item: root(item) for item in parent}


def _may_equal(first: Any, second: Any) -> bool:
    """Whether two triples of one predicate can get equal subjects and object keys."""
    (subject_a, _, _, key_a, slots_a), (subject_b, _, _, key_b, slots_b) = first, second
    at_a = slots_a[0] if slots_a is not None else None
    at_b = slots_b[0] if slots_b is not None else None
    if type(subject_a) is int or type(subject_b) is int:
        if subject_a != subject_b:
            return False
    elif at_a is None and at_b is None and subject_a != subject_b:
        return False
    leaf_a = slots_a is not None and slots_a[1] is not None
    leaf_b = slots_b is not None and slots_b[1] is not None
    if leaf_a and leaf_b:
        return bool(slots_a[3] == slots_b[3])
    if leaf_a:
        return type(key_b) is tuple and key_b[:-1] == slots_a[3]
    if leaf_b:
        return type(key_a) is tuple and key_a[:-1] == slots_b[3]
    return bool(key_a == key_b)
