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
from collections.abc import Callable
from operator import itemgetter
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
REMEMBERED_PER_LEAF = 4  # a plan keeps at most this many encodings per leaf of its shape


class _Plan:
    """The probe's encoding as UTF-8 pieces around the leaves, and the leaves' encodings seen."""

    __slots__ = ("encoded", "in_order", "parts")

    def __init__(self, parts: list[bytes], in_order: Callable[[list[str]], tuple[str, ...]]):
        self.parts = parts  # the pieces at even places; odd places are the leaves'
        self.in_order = in_order
        self.encoded: dict[str, bytes] = {}  # leaf -> its JSON string, UTF-8


_NO_PLAN = _Plan([], tuple)


def _plan(probe: Any, count: int) -> _Plan:
    """Return the plan of a probe (`_NO_PLAN` if its text is not split exactly by its leaves)."""
    if probe is None or not _plain(probe):
        return _NO_PLAN
    try:
        text = _encode(probe)
        parts = _SENTINEL.split(text)
        pieces, slots = parts[0::2], [int(n) for n in parts[1::2]]
        if sorted(slots) != list(range(count)) or any(_MARK in piece for piece in pieces):
            return _NO_PLAN
        return _Plan([part.encode("utf-8") for part in parts], _getter(slots))
    except (TypeError, ValueError):  # UnicodeEncodeError included
        return _NO_PLAN


def _getter(slots: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
    """Return a function giving the leaves at `slots`, as a tuple."""
    if len(slots) == 1:
        (slot,) = slots
        return lambda leaves: (leaves[slot],)
    return itemgetter(*slots) if slots else lambda leaves: ()


def dumps_filled(template: Any, leaves: list[str], document: Any) -> bytes:
    """Return `dumps(document)`, where `template` is its shape's and `leaves` its leaves."""
    plan = template.jcs
    if plan is None:
        plan = template.jcs = _plan(template.probe, len(leaves))
    if plan is _NO_PLAN:
        return dumps(document)
    in_order = plan.in_order(leaves)
    remembered = plan.encoded
    encoded = list(map(remembered.get, in_order))  # documents of a batch repeat most leaves
    if None in encoded:
        try:
            _encode_missing(in_order, encoded, remembered)
        except UnicodeEncodeError:
            return rfc8785.dumps(document)
    out = list(plan.parts)
    out[1::2] = encoded
    return b"".join(out)


def _encode_missing(
    leaves: tuple[str, ...], encoded: list[Any], remembered: dict[str, bytes]
) -> None:
    """Encode the leaves whose encoding is None in `encoded`, remembering a bounded number
    (a few documents' worth: the memory is cleared when full)."""
    if len(remembered) >= REMEMBERED_PER_LEAF * len(leaves):
        remembered.clear()
    at = encoded.index(None)
    while True:
        leaf = leaves[at]
        encoded[at] = remembered[leaf] = _encode_string(leaf).encode("utf-8")
        try:
            at = encoded.index(None, at + 1)
        except ValueError:
            return


def dumps(value: Any) -> bytes:
    """Return `rfc8785.dumps(value)`, computed by the standard library when that is the same."""
    if _plain(value):
        try:
            return _encode(value).encode("utf-8")
        except UnicodeEncodeError:
            pass
    return rfc8785.dumps(value)
