"""RFC 8785 (JCS) canonical JSON: the standard library's encoder where it provably agrees, else rfc8785.

    data = dumps(value)  # bytes, equal to rfc8785.dumps(value)

JCS is ECMAScript's `JSON.stringify` with object members sorted by their
names as UTF-16 code units. `json.dumps(value, ensure_ascii=False,
sort_keys=True, separators=(",", ":"))` writes the same bytes (after UTF-8
encoding) when:

- the value holds only dicts, lists, strings, booleans, None and integers
  within ±(2**53 - 1) (rfc8785's integer domain; numbers then print as
  decimal integers in both). Floats, whose formatting differs, and anything
  else go to rfc8785;
- every object key is a string below U+D800: code-point order and UTF-16
  order agree on those (they differ only between supplementary characters,
  written as surrogates D800-DFFF in UTF-16, and characters E000-FFFF);
- strings are escaped alike: both write `\\"`, `\\\\`, `\\b`, `\\f`, `\\n`,
  `\\r`, `\\t`, other characters below U+0020 as `\\u00xx` (lowercase hex),
  and everything else (U+007F, U+2028, emoji) as itself;
- the text encodes to UTF-8, i.e. has no lone surrogate (otherwise rfc8785
  decides what happens).

`tests/unit/proofs/test_fast_path.py` compares both over many documents,
adversarial keys and strings included.

`dumps_filled(template, leaves, document)` gives the same bytes for a document
with a per-shape template (`issuer.jsonld.template`): documents of one shape
differ only in their leaves (strings), so whether they are in the domain above
is decided once, on the shape's probe, and the encoder's output is the probe's
with each sentinel's JSON string replaced by the leaf's (`json` writes a
string the same way wherever it is, and sorts members by their keys alone).
A plan is made only when each sentinel is found exactly once and no other
text holds the sentinels' mark.
"""

import json
import re
from typing import Any

import rfc8785

MAX_INTEGER = 2**53 - 1
_SURROGATES = "\ud800"
_encode = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
).encode


def _plain(value: Any) -> bool:
    """Whether `value` is in the domain where `json.dumps` equals JCS (see above)."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is dict:
            for key, member in item.items():
                if type(key) is not str or (not key.isascii() and max(key) >= _SURROGATES):
                    return False
                stack.append(member)
        elif kind is list:
            stack.extend(item)
        elif kind is int:
            if not -MAX_INTEGER <= item <= MAX_INTEGER:
                return False
        else:
            return False
    return True


_encode_string = json.encoder.encode_basestring
_SENTINEL = re.compile('"(?:x-probe://)?\ue000([0-9]+)\ue000"')
_MARK = "\ue000"
_NO_PLAN = (None, ())


def _plan(probe: Any, count: int) -> tuple[Any, tuple[int, ...]]:
    """Return the probe's encoding split around its sentinels, and their slots in output order."""
    if probe is None or not _plain(probe):
        return _NO_PLAN
    try:
        text = _encode(probe)
    except (TypeError, ValueError):
        return _NO_PLAN
    parts = _SENTINEL.split(text)
    pieces, slots = tuple(parts[0::2]), tuple(int(n) for n in parts[1::2])
    if sorted(slots) != list(range(count)) or any(_MARK in piece for piece in pieces):
        return _NO_PLAN
    return pieces, slots


def dumps_filled(template: Any, leaves: list[str], document: Any) -> bytes:
    """Return `dumps(document)`, where `template` is its shape's and `leaves` its leaves."""
    plan = template.jcs
    if plan is None:
        plan = template.jcs = _plan(template.probe, len(leaves))
    pieces, slots = plan
    if pieces is None:
        return dumps(document)
    encode = _encode_string
    out = [pieces[0]]
    for slot, piece in zip(slots, pieces[1:], strict=True):
        out.append(encode(leaves[slot]))
        out.append(piece)
    try:
        return "".join(out).encode("utf-8")
    except UnicodeEncodeError:
        return rfc8785.dumps(document)


def dumps(value: Any) -> bytes:
    """Return `rfc8785.dumps(value)`, computed by the standard library when that is the same."""
    if _plain(value):
        try:
            return _encode(value).encode("utf-8")
        except UnicodeEncodeError:
            pass
    return rfc8785.dumps(value)
