"""Shared base for JSON-LD document models (the spec strings live in `issuer.model.spec`)."""

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from issuer.model.spec import (
    CLR_V2_CONTEXT,
    OB_CREDENTIAL_SCHEMA,
    OB_EXTENSIONS_CONTEXT,
    OB_FAMILY_PREFIXES,
    OB_V3_CONTEXT,
    VC_V1_CONTEXT,
    VC_V2_CONTEXT,
    as_list,
)

__all__ = [  # the spec strings are re-exported for older imports; new code uses issuer.model.spec
    "CLR_V2_CONTEXT",
    "OB_CREDENTIAL_SCHEMA",
    "OB_EXTENSIONS_CONTEXT",
    "OB_FAMILY_PREFIXES",
    "OB_V3_CONTEXT",
    "VC_V1_CONTEXT",
    "VC_V2_CONTEXT",
    "LdModel",
    "is_open_badges_family",
]


def is_open_badges_family(document: dict[str, Any]) -> bool:
    """Whether `document` uses an Open Badges 3.0 or CLR 2.0 context."""
    return any(
        isinstance(c, str) and c.startswith(OB_FAMILY_PREFIXES)
        for c in as_list(document.get("@context"))
    )


class LdModel(BaseModel):
    """A JSON-LD object: snake_case fields in Python, camelCase keys in JSON.

    `to_ld()` gives the plain JSON form (nulls omitted), in the array form the
    OB 3.0 "Serialization" section asks for: models declare multi-valued
    properties as lists and never emit an empty one.
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
    )

    def to_ld(self) -> dict[str, Any]:
        """Return the document as JSON-ready data, keys by alias, without nulls or empty lists."""
        data = self.model_dump(by_alias=True, exclude_none=True, mode="json")
        return _drop_empty_lists(data)  # type: ignore[no-any-return]


def _drop_empty_lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_empty_lists(v) for k, v in value.items() if v != []}
    if isinstance(value, list):
        return [_drop_empty_lists(v) for v in value]
    return value
