"""Reading request bodies safely: JSON only, bounded size and nesting, validated by pydantic."""

import json
from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from issuer.errors import InvalidInput

MAX_DEPTH = 64
"""Deepest nesting of objects and arrays accepted in a request body."""

Model = TypeVar("Model", bound=BaseModel)


def json_body() -> Any:
    """Return the request's JSON body; 400/415 problems for anything else."""
    if not request.is_json:
        raise UnsupportedMediaType("send the body as JSON (Content-Type: application/json)")
    raw = request.get_data(cache=True)
    try:
        data = json.loads(raw)
    except RecursionError as err:
        raise BadRequest(f"the JSON body is nested more than {MAX_DEPTH} levels deep") from err
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise BadRequest(f"the body is not valid JSON: {err}") from err
    if nesting_depth(data) > MAX_DEPTH:
        raise BadRequest(f"the JSON body is nested more than {MAX_DEPTH} levels deep")
    return data


def parse_body(model: type[Model]) -> Model:
    """Return the JSON body validated as `model` (pydantic errors become 422 problems)."""
    data = json_body()
    if not isinstance(data, dict):
        raise InvalidInput("the body must be a JSON object")
    return model.model_validate(data)


def nesting_depth(value: Any) -> int:
    """Return how deeply objects and arrays nest in `value` (iteratively, no recursion)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in item)
    return deepest
