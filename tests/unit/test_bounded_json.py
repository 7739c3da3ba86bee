"""The request-body parser refuses NUL and unpaired surrogates wherever they come from
(issuer.web.bounded_json): escaped, raw in text given as str, in member names, nested."""

import pytest

from issuer.errors import MalformedJson
from issuer.web.bounded_json import loads


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ('{"a": "x\\u0000y"}', "NUL"),
        ('{"a\\u0000": 1}', "NUL"),
        ('{"a": ["ok", {"b": "\\ud800"}]}', "surrogate"),
        ('{"\\udfff": 1}', "surrogate"),
        ('{"a": "\ud800"}', "surrogate"),  # raw, in text given as str (no escape to see)
        ('{"é": {"b": "\udc80"}}', "surrogate"),
        ('{"a": "x\x00y"}', "not valid JSON"),  # a raw NUL: the parser refuses it
    ],
)
def test_nul_and_unpaired_surrogates_are_refused(text: str, refused: str) -> None:
    with pytest.raises(MalformedJson, match=refused):
        loads(text)


@pytest.mark.parametrize(
    "text",
    [
        '{"name": "Ana García 😀", "path": "C:\\\\users\\\\ana"}',  # a \\u that is no escape
        '{"pair": "\\ud83d\\ude00", "é": "\\u00e9"}',  # escapes of whole characters
        '["plain ascii", {"k": [1, 2.5, true, null]}]',
    ],
)
def test_text_and_escapes_of_whole_characters_are_read(text: str) -> None:
    assert loads(text) is not None
    assert loads(text.encode("utf-8")) == loads(text)
