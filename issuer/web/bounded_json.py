"""The one JSON parser for what callers send: bounded nesting, I-JSON numbers and strings.

    data = loads(text)   # raises MalformedJson with a sentence saying what is wrong

Every request body and every pasted or uploaded JSON document goes through `loads`, so no
input can make parsing (or what follows it) fail with a 500:

- nesting over `MAX_DEPTH` objects and arrays is refused *before* parsing (the standard
  parser recurses, and a deep enough document would raise `RecursionError`);
- numbers must be I-JSON (RFC 7493 §2.2): integers within ±(2**53 − 1), finite floats, no
  `NaN`/`Infinity` (a 5,000-digit integer would otherwise hit Python's digit limit, and
  RFC 8785 canonicalization refuses what I-JSON does not allow);
- strings and member names must not hold unpaired surrogates (RFC 7493 §2.1): they cannot
  be encoded as UTF-8, so storing or answering them would fail; nor NUL (U+0000), which
  PostgreSQL text cannot hold.
"""

import json
import math
import re
from itertools import accumulate
from typing import Any

from issuer.errors import MalformedJson

MAX_DEPTH = 64
"""Deepest nesting of objects and arrays accepted."""

MAX_SAFE_INTEGER = 2**53 - 1
"""Largest integer magnitude I-JSON carries exactly (RFC 7493 §2.2)."""

_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")
_DEPTH_CHANGE = {"[": 1, "{": 1, "]": -1, "}": -1}


def loads(text: str | bytes) -> Any:
    """Return the JSON value in `text`; raise `MalformedJson` saying where or why it is refused."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise MalformedJson("not valid JSON: the text is not UTF-8") from None
    if too_deep(text):
        raise MalformedJson(f"JSON nested more than {MAX_DEPTH} levels deep")
    try:
        data = json.loads(text, parse_int=_integer, parse_float=_float, parse_constant=_constant)
    except json.JSONDecodeError as err:
        raise MalformedJson(
            f"not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})"
        ) from None
    if "\\u" in text or not _is_utf8(text):  # else no string can hold NUL or a surrogate
        _check_strings(data)
    return data


def _is_utf8(text: str) -> bool:
    """Return whether `text` encodes to UTF-8 (holds no unpaired surrogate).

    Without a `\\u` escape, a parsed string holds only characters of `text` itself, and
    the parser refuses a raw NUL (a control character): what `_check_strings` looks for
    can then come only from a surrogate already in `text`."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def too_deep(text: str) -> bool:
    """Return whether objects and arrays in `text` nest deeper than `MAX_DEPTH` (no parsing).

    Brackets inside strings do not count; with no more opening brackets than `MAX_DEPTH` in
    all, nothing can nest deeper (the common case, answered without a scan).
    """
    if text.count("{") + text.count("[") <= MAX_DEPTH:
        return False
    brackets = _BRACKETS.findall(_STRINGS.sub("", text))
    return max(accumulate(map(_DEPTH_CHANGE.__getitem__, brackets)), default=0) > MAX_DEPTH


def _integer(digits: str) -> int:
    if len(digits.lstrip("-")) > 16 or abs(value := int(digits)) > MAX_SAFE_INTEGER:
        shown = digits if len(digits) <= 40 else f"{digits[:20]}… ({len(digits)} digits)"
        raise MalformedJson(
            f"the number {shown} is too large: integers must be within ±(2**53 − 1) "
            "(I-JSON, RFC 7493)"
        )
    return value


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        shown = text if len(text) <= 40 else f"{text[:20]}…"
        raise MalformedJson(f"the number {shown} is out of range (I-JSON, RFC 7493)")
    return value


def _constant(name: str) -> Any:
    raise MalformedJson(f"not valid JSON: {name} is not a JSON value")


def _check_strings(data: Any) -> None:
    """Raise `MalformedJson` if a string or member name holds NUL or an unpaired surrogate."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                _check_string(key)
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            _check_string(item)


def _check_string(text: str) -> None:
    if "\x00" in text:
        raise MalformedJson(
            "a string holds a NUL character (\\u0000), which no field takes (and databases "
            "cannot store)"
        )
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise MalformedJson(
            "a string holds an unpaired UTF-16 surrogate (\\ud800-\\udfff), which is not "
            "text (I-JSON, RFC 7493)"
        ) from None
