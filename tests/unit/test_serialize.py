"""The JSON text of signed documents: what `json.dumps(..., ensure_ascii=False, indent=2)`
writes, whichever encoder writes it."""

import json
from typing import Any

import pytest

from issuer.services.signing import serialize

DOCUMENTS: list[Any] = [
    {"name": "Ana García", "emoji": "😀", "rtl": "مرحبا", "cjk": "日本語"},
    {"controls": "\x00\x01\x1f\x7f \n\r\t\b\f", "quotes": '"\\/', "separators": "\u2028\u2029"},
    {"html": "</script><!--", "empty list": [], "empty object": {}, "nested": [[], [{}], [1]]},
    {"numbers": [0, -1, 2**53, 1.5, -0.25, 1e-7, 1e21], "flags": [True, False, None]},
    {"big": 2**70, "bigger": -(2**100)},  # past 64 bits: orjson refuses, json writes them
]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_serialize_writes_what_json_dumps_writes(document: Any) -> None:
    text = serialize(document)
    assert json.loads(text) == document
    if document.get("numbers") is None:  # (float spelling may differ: 1e+21 or 1e21)
        assert text == json.dumps(document, ensure_ascii=False, indent=2)


def test_serialize_keeps_member_order() -> None:
    document = {"b": 1, "a": {"z": 1, "y": 2}}
    assert serialize(document) == '{\n  "b": 1,\n  "a": {\n    "z": 1,\n    "y": 2\n  }\n}'
