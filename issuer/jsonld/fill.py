"""A template's canonical N-Quads for one document's leaves, with the fixed work done once.

    plan = FillPlan(template_quads)
    plan.canonical(leaves)  # == canonical_nquads(<the template's quads, leaves filled in>)

`issuer.jsonld.template` keeps, per shape, the probe's triples with each leaf's
place marked (`(subject, predicate, object, key, slots)`, see `_quad_template`
there). Filling them in and labelling the blank nodes (`rdfc.canonical_nquads`)
repeats, for every document, work that only depends on the shape. A plan sorts
the triples once:

- triples without a leaf and without a blank node are output lines, sorted once;
- triples without a leaf that touch blank nodes are split once into the text
  around the node (its first-degree line and its output line only need the node
  written in), and a blank node touched by no leaf keeps its first-degree hash;
- triples with a leaf are filled in by one comprehension per kind
  (subject written, blank-node subject, blank-node object);
- the probe's triples are all different, so a duplicate needs a leaf: two
  triples with the same predicate whose subjects may be equal (the same blank
  node, or IRIs of which one is a leaf) and whose objects' keys may be equal (a
  leaf's key and another key of the same prefix). Only such triples go, in
  template order, through the duplicate check of the plain fill (equal keys give
  equal triples, so which copy is kept does not change the output).

The labelling is RDFC-1.0's first-degree labelling as in `rdfc.canonical_nquads`:
each blank node's sorted first-degree lines are hashed (SHA-256), labels
`_:c14nN` go in hash order, and the plan answers None when two hashes are equal
or a string cannot be encoded as UTF-8, for the caller to use pyld.
`tests/unit/jsonld/test_fast_paths.py` compares the result with plain pyld.
"""

import hashlib
from collections import defaultdict
from typing import Any

from issuer.jsonld.quads import escape

_LABELS = [f"_:c14n{n}" for n in range(64)]


def _label(number: int) -> str:
    return _LABELS[number] if number < len(_LABELS) else f"_:c14n{number}"


def _escape(value: str) -> str:
    if '"' in value or "\\" in value or "\n" in value or "\r" in value or "\t" in value:
        return escape(value)
    return value


def _hash(lines: list[str]) -> str:
    lines.sort()
    return hashlib.sha256("".join(lines).encode("utf8")).hexdigest()


class FillPlan:
    """The template's triples sorted by what a document's leaves change (see the module doc)."""

    def __init__(self, quads: list[Any]) -> None:
        checked = _may_repeat(quads)
        self.checked: list[Any] = []  # in template order, through the duplicate check
        self.lines: list[tuple[str, int, str, int, bool, str]] = []
        self.subject_nodes: list[tuple[int, str, int, bool, str]] = []
        self.object_nodes: list[tuple[int, str, int]] = []
        fixed_lines: list[str] = []
        self.fixed_subject_nodes: list[tuple[int, str]] = []
        self.fixed_object_nodes: list[tuple[str, int]] = []
        self.fixed_pairs: list[tuple[int, str, int]] = []
        first_degree: dict[int, list[str]] = {}
        changing: set[int] = set()
        for quad in quads:
            subject, predicate, obj, _key, slots = quad
            if id(quad) in checked:
                self.checked.append(quad)
                changing.update(t for t in (subject, obj) if type(t) is int)
            elif slots is None:
                _fixed(subject, predicate, obj, self, fixed_lines, first_degree)
            else:
                self._slotted(subject, predicate, obj, slots)
                changing.update(t for t in (subject, obj) if type(t) is int)
        self.fixed_lines = sorted(fixed_lines)
        self._rows_of_checked()
        self.first_degree = {n: lines for n, lines in first_degree.items() if n in changing}
        self.hashes: dict[int, str] = {}
        self.unencodable = False
        try:
            for node, lines in first_degree.items():
                if node not in changing:
                    self.hashes[node] = _hash(list(lines))
        except UnicodeEncodeError:
            self.unencodable = True

    def _slotted(self, subject: Any, predicate: str, obj: Any, slots: Any) -> None:
        subject_slot, object_slot, suffix, _ = slots
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

    def canonical(self, leaves: list[str]) -> str | None:
        """Return the canonical N-Quads with these leaves, or None to leave it to pyld."""
        if self.unencodable:
            return None
        esc = _escape
        output = [
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
        pairs: list[tuple[int, str, int]] = []
        if self.checked and not self._checked_distinct(
            leaves, output, subject_nodes, object_nodes, pairs
        ):
            self._checked(leaves, output, subject_nodes, object_nodes, pairs)
        first_degree = {node: list(lines) for node, lines in self.first_degree.items()}
        for node, rest in subject_nodes:
            first_degree.setdefault(node, []).append("_:a" + rest)
        for front, node in object_nodes:
            first_degree.setdefault(node, []).append(front + "_:a .\n")
        for subject, middle, obj in pairs:
            _pair_lines(subject, middle, obj, first_degree)
        hashes = dict(self.hashes)
        try:
            for node, lines in first_degree.items():
                hashes[node] = _hash(lines)
        except UnicodeEncodeError:
            return None
        if len(set(hashes.values())) != len(hashes):
            return None
        labels = {node: _label(n) for n, node in enumerate(sorted(hashes, key=hashes.__getitem__))}
        output += [labels[node] + rest for node, rest in subject_nodes]
        output += [labels[node] + rest for node, rest in self.fixed_subject_nodes]
        output += [front + labels[node] + " .\n" for front, node in object_nodes]
        output += [front + labels[node] + " .\n" for front, node in self.fixed_object_nodes]
        output += [labels[s] + middle + labels[o] + " .\n" for s, middle, o in pairs]
        output += [labels[s] + middle + labels[o] + " .\n" for s, middle, o in self.fixed_pairs]
        output += self.fixed_lines
        output.sort()
        return "".join(output)

    def _rows_of_checked(self) -> None:
        """Flatten the checked triples for `_checked_distinct`, with their indexes by kind."""
        self.rows: list[tuple[Any, int, str, Any, int, Any, Any, Any]] = []
        self.by_kind: tuple[list[int], list[int], list[int], list[int]] = ([], [], [], [])
        for n, (subject, predicate, obj, key, slots) in enumerate(self.checked):
            at, slot, suffix, prefix = slots if slots is not None else (None, None, None, None)
            self.rows.append(
                (
                    subject,
                    -1 if at is None else at,
                    " " + predicate + " ",
                    obj,
                    -1 if slot is None else slot,
                    suffix,
                    key,
                    prefix,
                )
            )
            node_subject, node_object = type(subject) is int, type(obj) is int
            self.by_kind[2 * node_subject + node_object].append(n)

    def _checked_distinct(
        self,
        leaves: list[str],
        output: list[str],
        subject_nodes: list[tuple[int, str]],
        object_nodes: list[tuple[str, int]],
        pairs: list[tuple[int, str, int]],
    ) -> bool:
        """`_checked` when the filled triples are all different (the usual case), else False.

        Fills every checked triple at once; if two have equal (subject, predicate,
        object key), nothing is filed and the caller runs `_checked`.
        """
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
        if len({(s, m, k) for s, m, _, k in filled}) != len(filled):
            return False
        lines, object_node, subject_node, pair = self.by_kind
        output += [filled[n][0] + filled[n][1] + filled[n][2] + " .\n" for n in lines]
        subject_nodes += [
            (filled[n][0], filled[n][1] + filled[n][2] + " .\n") for n in subject_node
        ]
        object_nodes += [(filled[n][0] + filled[n][1], filled[n][2]) for n in object_node]
        pairs += [(filled[n][0], filled[n][1], filled[n][2]) for n in pair]
        return True

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


def _fixed(
    subject: Any,
    predicate: str,
    obj: Any,
    plan: FillPlan,
    lines: list[str],
    first_degree: dict[int, list[str]],
) -> None:
    """File a triple without leaves: an output line, or text around its blank nodes."""
    middle = " " + predicate + " "
    if type(subject) is int:
        if type(obj) is int:
            plan.fixed_pairs.append((subject, middle, obj))
            _pair_lines(subject, middle, obj, first_degree)
            return
        rest = middle + obj + " .\n"
        plan.fixed_subject_nodes.append((subject, rest))
        first_degree.setdefault(subject, []).append("_:a" + rest)
    elif type(obj) is int:
        plan.fixed_object_nodes.append((subject + middle, obj))
        first_degree.setdefault(obj, []).append(subject + middle + "_:a .\n")
    else:
        lines.append(subject + middle + obj + " .\n")


def _pair_lines(subject: int, middle: str, obj: int, first_degree: dict[int, list[str]]) -> None:
    """Add the first-degree lines of a triple between two blank nodes (twice for a loop)."""
    if subject == obj:
        line = "_:a" + middle + "_:a .\n"
        first_degree.setdefault(subject, []).extend((line, line))
    else:
        first_degree.setdefault(subject, []).append("_:a" + middle + "_:z .\n")
        first_degree.setdefault(obj, []).append("_:z" + middle + "_:a .\n")


def _may_repeat(quads: list[Any]) -> set[int]:
    """Return the `id`s of the triples that some document's leaves can make equal to another."""
    by_predicate: dict[str, list[Any]] = defaultdict(list)
    for quad in quads:
        by_predicate[quad[1]].append(quad)
    found: set[int] = set()
    for group in by_predicate.values():
        for n, first in enumerate(group):
            for second in group[n + 1 :]:
                if (first[4] is not None or second[4] is not None) and _may_equal(first, second):
                    found.update((id(first), id(second)))
    return found


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
