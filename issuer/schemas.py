"""Validation against the 1EdTech JSON Schemas bundled in `schemas/` (package data, never fetched).

Two validators, each compiled once per schema file: the Rust-backed `jsonschema_rs` answers
"valid" in microseconds, and `jsonschema` (the reference) decides everything else and words
the errors. Date and date-time formats are checked by `jsonschema`'s own format checker in
both, so a fast "valid" never admits a document the reference rejects;
tests/unit/verify/test_schema_differential.py compares them.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import jsonschema_rs
from jsonschema import Draft201909Validator

from issuer.paths import SCHEMAS

OB_ACHIEVEMENT_CREDENTIAL = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
CLR_CREDENTIAL = (
    "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json"
)

SCHEMA_FILES = {
    OB_ACHIEVEMENT_CREDENTIAL: "ob_v3p0/formal-variant/ob_v3p0_achievementcredential_schema.json",
    CLR_CREDENTIAL: "clr_v2p0/jsonld-compaction-variant/clr_v2p0_clrcredential_schema.json",
}
COMPACTION_VARIANTS = {
    OB_ACHIEVEMENT_CREDENTIAL: "ob_v3p0/jsonld-compaction-variant/ob_v3p0_achievementcredential_schema.json",
}
_FORMATS = ("date", "date-time")
"""The formats the bundled schemas use, checked as `jsonschema`'s format checker does."""


@dataclass(frozen=True)
class SchemaVerdict:
    """How a document matches a schema: `follows` the formal schema, its JSON-LD compaction
    variant (single values where lists are usual), or neither (`errors`, one line each)."""

    follows: Literal["formal", "compacted"] | None
    errors: tuple[str, ...] = ()


def is_known_schema(schema_id: str) -> bool:
    """Return whether a local copy of the schema `schema_id` is bundled."""
    return schema_id in SCHEMA_FILES


@cache
def _schema(relative_path: str) -> dict[str, Any]:
    text = SCHEMAS.joinpath(*relative_path.split("/")).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator(relative_path: str) -> Draft201909Validator:
    return Draft201909Validator(
        _schema(relative_path), format_checker=Draft201909Validator.FORMAT_CHECKER
    )


def _format(name: str) -> Callable[[str], bool]:
    checker = Draft201909Validator.FORMAT_CHECKER
    return lambda value: checker.conforms(value, name)


@cache
def _fast_validator(relative_path: str) -> jsonschema_rs.Draft201909Validator:
    return jsonschema_rs.Draft201909Validator(
        _schema(relative_path),
        validate_formats=True,
        formats={name: _format(name) for name in _FORMATS},
        offline=True,
    )


def _fast_valid(document: Any, relative_path: str) -> bool:
    """Whether the fast validator accepts `document` (False when it cannot read it)."""
    try:
        return _fast_validator(relative_path).is_valid(document)
    except ValueError:  # not JSON (a non-string key): the reference decides
        return False


def _errors(document: Any, relative_path: str) -> list[str]:
    errors = _validator(relative_path).iter_errors(document)
    return [
        f"{error.json_path}: {error.message}" for error in sorted(errors, key=lambda e: e.json_path)
    ]


def schema_errors(document: Any, schema_id: str, *, compaction: bool = False) -> list[str]:
    """Return one line per violation of schema `schema_id` (empty when valid); KeyError if unknown."""
    return _errors(document, (COMPACTION_VARIANTS if compaction else SCHEMA_FILES)[schema_id])


def check_schema(document: Any, schema_id: str) -> SchemaVerdict:
    """Return how `document` matches schema `schema_id` (KeyError if unknown): the formal
    schema first, then its compaction variant if it has one.

    A document the fast validator accepts is not validated again; only a document it
    rejects goes to the reference validator, whose verdict and errors are the answer.
    """
    formal, compaction = SCHEMA_FILES[schema_id], COMPACTION_VARIANTS.get(schema_id)
    if _fast_valid(document, formal):
        return SchemaVerdict("formal")
    if compaction is not None and _fast_valid(document, compaction):
        return SchemaVerdict("compacted")
    errors = _errors(document, formal)
    if not errors:
        return SchemaVerdict("formal")
    if compaction is not None and not _errors(document, compaction):
        return SchemaVerdict("compacted")
    return SchemaVerdict(None, tuple(errors))
