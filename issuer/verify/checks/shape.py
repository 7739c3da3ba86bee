"""The `shape` checks: is this a well-formed credential or presentation?"""

from typing import Any

from issuer.model.vcdm import data_model_problems
from issuer.model.verification import CheckResult
from issuer.verify.checks.common import (
    MALFORMED_VALUE_ERROR,
    PARSING_ERROR,
    VC_V1_CONTEXT,
    VC_V2_CONTEXT,
    _failed,
    _kind_of,
    _sentence,
    as_list,
    data_model,
    node_id,
    types_of,
)

CONTEXT_PROBLEM = (
    "its first @context must be the W3C Verifiable Credentials context "
    f"({VC_V2_CONTEXT}, or {VC_V1_CONTEXT} for version 1.1)"
)


def check_shape(document: Any) -> CheckResult:
    """`shape`: the JSON is a VC 2.0 or 1.1 credential (contexts, type, issuer, subject)."""
    if not isinstance(document, dict):
        return _failed(
            "shape",
            "This is not a credential: a credential is a JSON object.",
            "Not a credential",
            PARSING_ERROR,
        )
    version = data_model(document)
    problems = []
    if "VerifiablePresentation" in types_of(document):
        problems.append("it is a presentation, not a credential")
    problems += data_model_problems(document)
    if problems:
        return _failed(
            "shape",
            "This is not a well-formed Verifiable Credential: " + _sentence(problems),
            "Malformed credential",
            MALFORMED_VALUE_ERROR,
        )
    return CheckResult(
        name="shape",
        status="passed",
        message=f"This is a well-formed {_kind_of(document)} "
        f"(W3C Verifiable Credentials Data Model {version}).",
    )


def check_presentation_shape(document: Any) -> CheckResult:
    """`shape` of a presentation: VC contexts, type VerifiablePresentation, credentials as objects."""
    if not isinstance(document, dict):
        return _failed(
            "shape",
            "This is not a presentation: a presentation is a JSON object.",
            "Not a presentation",
            PARSING_ERROR,
        )
    version = data_model(document)
    problems = [] if version is not None else [CONTEXT_PROBLEM]
    if "VerifiablePresentation" not in types_of(document):
        problems.append('its type does not include "VerifiablePresentation"')
    if "holder" in document and node_id(document["holder"]) is None:
        problems.append("its holder is not a URL")
    enclosed = as_list(document.get("verifiableCredential"))
    if not all(isinstance(c, dict) for c in enclosed):
        problems.append("some of the credentials it holds are not JSON objects")
    elif any("EnvelopedVerifiableCredential" in types_of(c) for c in enclosed):
        problems.append("it holds enveloped (JWT or COSE) credentials, which are not supported")
    if problems:
        return _failed(
            "shape",
            "This is not a well-formed Verifiable Presentation: " + _sentence(problems),
            "Malformed presentation",
            MALFORMED_VALUE_ERROR,
        )
    count = len(enclosed)
    holding = f"holding {count} credential{'s' if count != 1 else ''}"
    return CheckResult(
        name="shape",
        status="passed",
        message=f"This is a well-formed Verifiable Presentation {holding} "
        f"(W3C Verifiable Credentials Data Model {version}).",
    )
