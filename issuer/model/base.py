"""Shared base for JSON-LD document models and the spec strings used everywhere."""

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
OB_V3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
CLR_V2_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
OB_FAMILY_PREFIXES = (
    "https://purl.imsglobal.org/spec/ob/v3p0/",
    "https://purl.imsglobal.org/spec/clr/v2p0/",
)
"""Context URL prefixes of Open Badges 3.0 and CLR 2.0, whose schemas want `proof` as an array."""


def is_open_badges_family(document: dict[str, Any]) -> bool:
    """Whether `document` uses an Open Badges 3.0 or CLR 2.0 context."""
    contexts = document.get("@context")
    return any(
        isinstance(c, str) and c.startswith(OB_FAMILY_PREFIXES)
        for c in (contexts if isinstance(contexts, list) else [contexts])
    )


OB_CREDENTIAL_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
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
