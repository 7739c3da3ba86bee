"""Shared base for JSON-LD document models (the spec strings live in `issuer.model.spec`)."""

from collections.abc import Callable
from typing import Any, get_origin

from pydantic import BaseModel, ConfigDict, Field
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
    "ld_list",
]


def is_open_badges_family(document: dict[str, Any]) -> bool:
    """Whether `document` uses an Open Badges 3.0 or CLR 2.0 context."""
    return any(
        isinstance(c, str) and c.startswith(OB_FAMILY_PREFIXES)
        for c in as_list(document.get("@context"))
    )


def _is_empty(value: Any) -> bool:
    return type(value) is list and not value


def ld_list(default: Callable[[], list[Any]] = list, **options: Any) -> Any:
    """A multi-valued property of an `LdModel`: a list (empty by default), left out of
    `to_ld()` while empty. `options` go to pydantic's `Field` (e.g. `alias`)."""
    return Field(default_factory=default, exclude_if=_is_empty, **options)


class LdModel(BaseModel):
    """A JSON-LD object: snake_case fields in Python, camelCase keys in JSON.

    `to_ld()` gives the plain JSON form (nulls omitted), in the array form the
    OB 3.0 "Serialization" section asks for: models declare multi-valued
    properties as lists (`ld_list`) and never emit an empty one.
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
    )

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        """Refuse a list field not declared with `ld_list` (it would emit `[]`)."""
        super().__pydantic_init_subclass__(**kwargs)
        for name, field in cls.model_fields.items():
            if get_origin(field.annotation) is list and field.exclude_if is not _is_empty:
                raise TypeError(f"{cls.__name__}.{name}: declare list fields with ld_list()")

    def to_ld(self) -> dict[str, Any]:
        """Return the document as JSON-ready data, keys by alias, without nulls or empty lists."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")
