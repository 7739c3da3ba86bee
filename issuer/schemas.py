"""Validation against the 1EdTech JSON Schemas bundled in `schemas/` (package data, never fetched)."""

import json
from functools import cache
from typing import Any

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


def is_known_schema(schema_id: str) -> bool:
    """Return whether a local copy of the schema `schema_id` is bundled."""
    return schema_id in SCHEMA_FILES


@cache
def _validator(relative_path: str) -> Draft201909Validator:
    schema = json.loads(SCHEMAS.joinpath(*relative_path.split("/")).read_text(encoding="utf-8"))
    return Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)


def schema_errors(document: Any, schema_id: str, *, compaction: bool = False) -> list[str]:
    """Return one line per violation of schema `schema_id` (empty when valid); KeyError if unknown."""
    path = (COMPACTION_VARIANTS if compaction else SCHEMA_FILES)[schema_id]
    return [
        f"{error.json_path}: {error.message}"
        for error in sorted(_validator(path).iter_errors(document), key=lambda e: e.json_path)
    ]
