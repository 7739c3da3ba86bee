"""JSON responses (issuer.web.json_provider): orjson writes the text Flask's provider would."""

import dataclasses
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.json.provider import DefaultJSONProvider

from issuer.web.json_provider import OrjsonProvider


@dataclasses.dataclass
class _Point:
    x: int
    label: str


VALUES: list[Any] = [
    {"b": 1, "a": [True, False, None], "é": "naïve — ✓ 𝄞", "sep": "\u2028\u2029"},
    {"controls": '\x00\x01\x1f\x7f"\\/', "nested": {"z": {"y": []}, "x": {}}},
    {"when": datetime(2026, 12, 1, 20, 5, tzinfo=UTC), "day": date(2026, 1, 2)},
    {"point": _Point(3, "p"), "id": uuid.UUID(int=7), "amount": Decimal("1.50")},
    {"big": 2**70, "negative": -(2**63) - 1},  # past 64 bits: Flask's provider writes it
    {1: "integer key", "2": "string key"},  # non-string keys: Flask's provider too
    "just text",
    None,
]


@pytest.mark.parametrize("value", VALUES)
def test_responses_are_the_text_flasks_own_provider_writes(value: Any) -> None:
    app = Flask(__name__)
    flasks = DefaultJSONProvider(app)
    flasks.sort_keys = False
    flasks.ensure_ascii = False
    ours = OrjsonProvider(app)
    with app.app_context():
        expected, answered = flasks.response(value), ours.response(value)
    assert answered.get_data() == expected.get_data()
    assert answered.mimetype == expected.mimetype == "application/json"


def test_floats_are_the_same_numbers_though_exponents_may_be_written_shorter() -> None:
    app = Flask(__name__)
    numbers = [0.1, 1e16, 1.5e-7, -0.0, 2.0, 123456789.123, 5e-324, 1.7976931348623157e308]
    with app.app_context():
        answered = OrjsonProvider(app).response(numbers)
    assert answered.get_json() == numbers
    assert (
        answered.get_data()
        == b"[0.1,1e+16,1.5e-7,-0.0,2.0,123456789.123,5e-324,1.7976931348623157e+308]\n"
    )


def test_debug_mode_keeps_flasks_indented_text() -> None:
    app = Flask(__name__)
    app.debug = True
    with app.app_context():
        text = OrjsonProvider(app).response({"a": [1]}).get_data(as_text=True)
    assert text == '{\n  "a": [\n    1\n  ]\n}\n'


def test_the_app_answers_json_through_orjson(app: Flask) -> None:
    assert isinstance(app.json, OrjsonProvider)
    answer = app.test_client().get("/no-such-page")
    assert answer.status_code == 404
    assert answer.get_json()["status"] == 404
