"""Reading requests safely: JSON bodies (bounded, see `bounded_json`) and query strings,
validated by pydantic."""

from typing import Any, TypeVar

from flask import Flask, request
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from issuer.errors import InvalidInput
from issuer.web.bounded_json import MAX_DEPTH, loads

__all__ = ["MAX_DEPTH", "InvalidQuery", "init_app", "json_body", "parse_body", "parse_query"]

Model = TypeVar("Model", bound=BaseModel)


class InvalidQuery(BadRequest):
    """A query parameter out of range or of the wrong kind (400, with `errors` by parameter)."""

    def __init__(self, err: ValidationError) -> None:
        self.errors = [
            {"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]}
            for e in err.errors(include_url=False)
        ]
        first = self.errors[0]
        where = ".".join(str(part) for part in first["loc"]) or "query"
        super().__init__(f"query parameter {where}: {first['msg']}")


def json_body() -> Any:
    """Return the request's JSON body; 400 (`MalformedJson`) or 415 problems for anything else."""
    if not request.is_json:
        raise UnsupportedMediaType("send the body as JSON (Content-Type: application/json)")
    return loads(request.get_data(cache=True))


def parse_body(model: type[Model]) -> Model:
    """Return the JSON body validated as `model` (pydantic errors become 422 problems)."""
    data = json_body()
    if not isinstance(data, dict):
        raise InvalidInput("the body must be a JSON object")
    return model.model_validate(data)


def parse_query(model: type[Model]) -> Model:
    """Return the query string validated as `model`; raise `InvalidQuery` (400) if it is not.

    A parameter given more than once counts by its first value, as `request.args.get` does.
    """
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as err:
        raise InvalidQuery(err) from None


def refuse_nul_in_url() -> None:
    """Refuse (400) a path or query string holding NUL (`%00`): no id or parameter has one,
    and PostgreSQL text cannot hold it, so no lookup may be tried with it."""
    if "\x00" in request.path or b"%00" in request.query_string:
        raise BadRequest("the URL holds a NUL character (%00)")


def init_app(app: Flask) -> None:
    """Check every request's URL before it reaches a view."""
    app.before_request(refuse_nul_in_url)
