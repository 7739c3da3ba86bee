"""The `credentialSchema` check, against local copies of the 1EdTech JSON Schemas."""

from typing import Any

from issuer.model.verification import CheckResult
from issuer.schemas import OB_ACHIEVEMENT_CREDENTIAL, check_schema, is_known_schema
from issuer.verify.checks.common import (
    MALFORMED_VALUE_ERROR,
    OB_TYPES,
    PROBLEM,
    SCHEMA_NAMES,
    SCHEMA_TYPES,
    _failed,
    _warning,
    as_list,
    data_model,
    types_of,
)


def check_credential_schema(
    document: dict[str, Any], *, signed: dict[str, Any] | None = None
) -> list[CheckResult]:
    """`credentialSchema`: the credential matches each 1EdTech JSON Schema it names.

    Schemas are the local copies in `schemas/`, never fetched; an id without a local copy
    is a warning. An Open Badges 3.0 credential (VC 2.0) is always checked against the OB
    schema, whether or not it names it. Which schemas apply is read from `signed` (the
    signed view, `issuer.jsonld.view`) when given; the JSON Schemas are rules on JSON as
    written, so `document` itself is validated.
    """
    claims = document if signed is None else signed
    entries = as_list(claims.get("credentialSchema"))
    results = [_check_one_schema(document, entry) for entry in entries]
    named = [entry.get("id") for entry in entries if isinstance(entry, dict)]
    is_ob = bool(set(types_of(claims)) & OB_TYPES) and data_model(claims) == "2.0"
    if is_ob and OB_ACHIEVEMENT_CREDENTIAL not in named:
        results.append(_validate(document, OB_ACHIEVEMENT_CREDENTIAL, input=None))
    if not results:
        results.append(
            CheckResult(
                name="credentialSchema",
                status="passed",
                message="The credential does not name a schema to check it against.",
            )
        )
    return results


def _check_one_schema(document: dict[str, Any], entry: Any) -> CheckResult:
    schema_id = entry.get("id") if isinstance(entry, dict) else None
    if not isinstance(schema_id, str):
        return _failed(
            "credentialSchema",
            "One of the credential's schema references has no id.",
            "Malformed schema reference",
            MALFORMED_VALUE_ERROR,
            input=entry,
        )
    schema_type = entry.get("type")
    if not isinstance(schema_type, str) or schema_type not in SCHEMA_TYPES:
        schema_type = None
    if schema_type is None or not is_known_schema(schema_id):
        return _warning(
            "credentialSchema",
            f"The credential says it follows the schema {schema_id}, which this verifier "
            "does not have a copy of, so that was not checked.",
            "Schema not checked",
            PROBLEM + "schema-not-checked",
            input=entry,
        )
    return _validate(document, schema_id, input=entry)


def _validate(document: dict[str, Any], schema_id: str, *, input: Any) -> CheckResult:
    label = SCHEMA_NAMES.get(schema_id, f"the schema {schema_id}")
    verdict = check_schema(document, schema_id)
    if verdict.follows == "formal":
        return CheckResult(
            name="credentialSchema",
            status="passed",
            message=f"The credential follows {label}.",
            input=input,
        )
    if verdict.follows == "compacted":
        return CheckResult(
            name="credentialSchema",
            status="passed",
            message=f"The credential follows {label} in its compacted JSON-LD form "
            "(single values where lists are usual).",
            input=input,
        )
    errors = verdict.errors
    count = len(errors)
    return _failed(
        "credentialSchema",
        f"The credential does not follow {label}: {count} problem{'s' if count != 1 else ''}, "
        f"the first being {_shorten(errors[0])}.",
        "Schema mismatch",
        PROBLEM + "schema-mismatch",
        input=input,
    )


def _shorten(text: str, limit: int = 160) -> str:
    text = text.rstrip(".")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
