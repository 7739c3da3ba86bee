"""RDFC-1.0 (URDNA2015) for datasets whose blank nodes all have distinct first-degree hashes.

    nquads = canonical_nquads(quads)  # None: some hashes are shared, use pyld

The algorithm (RDFC-1.0 section 4.4, pyld's `URDNA2015.main`) starts by
hashing each blank node with "Hash First Degree Quads" (4.6): serialize every
quad that mentions the node, writing the node itself as `_:a` and any other
blank node as `_:z`, sort those lines, and SHA-256 their concatenation (UTF-8,
lowercase hex). Every node whose hash is unique then gets the next canonical
label `_:c14nN`, in order of hash. When all hashes are unique, that is the
whole labelling: step 5 leaves no node for the N-degree step 6. The output is
each quad serialized with the canonical labels, the lines sorted by code point.

We do exactly this, with pyld's serialization (`issuer.jsonld.quads`), and
return None if two nodes share a hash, so that the caller runs pyld's full
algorithm instead. Like pyld, a quad that mentions one blank node twice
(subject and object) is listed twice for that node. A string that UTF-8
cannot encode (a lone surrogate) also returns None, so pyld raises its own
error.
"""

import hashlib

from issuer.jsonld.quads import Quad, Term

_PREFIX = "_:c14n"


def canonical_nquads(quads: list[Quad]) -> str | None:
    """Return the canonical N-Quads of `quads` (default graph), or None to leave it to pyld."""
    lines_of: dict[int, list[str]] = {}  # blank node -> its first-degree lines
    for subject, predicate, obj in quads:
        if type(subject) is int:
            if type(obj) is int:
                if subject == obj:  # listed twice for that node, as pyld does
                    line = f"_:a {predicate} _:a .\n"
                    lines_of.setdefault(subject, []).extend((line, line))
                else:
                    lines_of.setdefault(subject, []).append(f"_:a {predicate} _:z .\n")
                    lines_of.setdefault(obj, []).append(f"_:z {predicate} _:a .\n")
            else:
                lines_of.setdefault(subject, []).append(f"_:a {predicate} {obj} .\n")
        elif type(obj) is int:
            lines_of.setdefault(obj, []).append(f"{subject} {predicate} _:a .\n")
    hashes: dict[int, str] = {}
    try:
        for node, lines in lines_of.items():
            lines.sort()
            hashes[node] = hashlib.sha256("".join(lines).encode("utf8")).hexdigest()
    except UnicodeEncodeError:
        return None
    if len(set(hashes.values())) != len(hashes):
        return None
    labels: dict[Term, str] = {
        node: f"{_PREFIX}{index}"
        for index, node in enumerate(sorted(hashes, key=hashes.__getitem__))
    }
    output = [
        f"{labels[s] if type(s) is int else s} {p} {labels[o] if type(o) is int else o} .\n"
        for s, p, o in quads
    ]
    output.sort()
    return "".join(output)
