"""The request-body parser refuses NUL and unpaired surrogates wherever they come from
(issuer.web.bounded_json): escaped, raw in text given as str, in member names, nested; and
it measures nesting as a walk of the text's strings and brackets would."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from issuer.errors import MalformedJson
from issuer.web.bounded_json import MAX_DEPTH, loads, too_deep


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


def _depth_by_tokens(text: str) -> bool:
    """The reference: walk strings and brackets left to right, counting the depth."""
    depth = 0
    for token in re.finditer(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', text, re.DOTALL):
        if token.group() in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif token.group() in "]}":
            depth -= 1
    return False


@settings(max_examples=400)
@given(
    st.lists(
        st.sampled_from(["[", "]", "{", "}", '"', "\\", "a", ",", '"[[[', "[" * 20, "]" * 5]),
        max_size=60,
    )
)
def test_nesting_depth_is_what_a_walk_of_strings_and_brackets_finds(parts: list[str]) -> None:
    text = "".join(parts)
    assert too_deep(text) == _depth_by_tokens(text)


def test_nesting_deeper_than_the_limit_is_refused_and_brackets_in_strings_do_not_count() -> None:
    assert not too_deep("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    assert too_deep("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert not too_deep('["' + "[" * 200 + '"]')
    assert too_deep('["' + "[" * 200 + '", ' + "{" * MAX_DEPTH + '"a": 1' + "}" * MAX_DEPTH + "]")
    with pytest.raises(MalformedJson, match="nested more than"):
        loads("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
