"""JSON responses written by orjson (`jsonify`, problem+json), the text Flask's own gives.

Keys in the order given, non-ASCII characters as they are, compact separators: what
`DefaultJSONProvider` writes with `sort_keys` and `ensure_ascii` off, in a fraction of the
time (floats are the same numbers, an exponent perhaps written shorter: 1.5e-7 for 1.5e-07).
Values orjson cannot write as Flask would (an integer past 64 bits, non-string keys) and
debug-mode indenting are left to Flask's provider; dates and dataclasses go through Flask's
`default` as before.
"""

from typing import Any

import orjson
from flask import Response
from flask.json.provider import DefaultJSONProvider
from werkzeug.sansio.response import Response as BaseResponse

_OPTIONS = (
    orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_APPEND_NEWLINE
)


class OrjsonProvider(DefaultJSONProvider):
    """Flask's JSON provider, with responses serialized by orjson."""

    sort_keys = False
    ensure_ascii = False

    def response(self, *args: Any, **kwargs: Any) -> BaseResponse:
        """Return `args`/`kwargs` as an application/json response (see `jsonify`)."""
        value = self._prepare_response_obj(args, kwargs)
        if self.compact is False or (self.compact is None and self._app.debug):
            return super().response(value)
        try:
            text = orjson.dumps(value, default=self.default, option=_OPTIONS)
        except orjson.JSONEncodeError:
            return super().response(value)
        return Response(text, mimetype=self.mimetype)
