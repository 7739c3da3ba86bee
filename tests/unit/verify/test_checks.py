"""The checks that need no signature: shape, validity dates, schema, issuer binding, challenge."""

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from issuer.model.verification import CheckResult
from issuer.schemas import OB_ACHIEVEMENT_CREDENTIAL
from issuer.verify.checks import (
    ProofOutcome,
    check_challenge,
    check_credential_schema,
    check_domain,
    check_holder,
    check_issuer,
    check_presentation_shape,
    check_shape,
    check_valid_from,
    check_valid_until,
    describe_date,
    parse_datetime,
)

EXAMPLES = Path("/work/shared/reference/examples/ob_v3p0")
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def credential() -> dict[str, Any]:
    """The OB 3.0 spec's basic OpenBadgeCredential (unsigned)."""
    return json.loads((EXAMPLES / "spec/basic-openbadgecredential.unsigned.json").read_text())


def _legacy() -> dict[str, Any]:
    return json.loads(
        (
            EXAMPLES / "1edtech-validator/openbadgecredential-vc1.1-legacy-eddsa-2022.signed.json"
        ).read_text()
    )


# shape ------------------------------------------------------------------------------


def test_shape_passes_an_ob_credential(credential: dict[str, Any]) -> None:
    result = check_shape(credential)
    assert result.status == "passed"
    assert "Open Badges 3.0 credential" in result.message
    assert "2.0" in result.message


def test_shape_passes_a_vc_1_1_credential() -> None:
    result = check_shape(_legacy())
    assert result.status == "passed"
    assert "1.1" in result.message


@pytest.mark.parametrize(
    ("change", "phrase"),
    [
        (lambda d: d.__setitem__("@context", ["https://example.org/ctx"]), "first @context"),
        (lambda d: d.pop("@context"), "first @context"),
        (lambda d: d.__setitem__("type", ["OpenBadgeCredential"]), "VerifiableCredential"),
        (lambda d: d.pop("issuer"), "does not name its issuer"),
        (lambda d: d.__setitem__("issuer", {"name": "No id"}), "does not name its issuer"),
        (lambda d: d.__setitem__("issuer", "just-a-name"), "not a URL"),
        (lambda d: d.pop("credentialSubject"), "credentialSubject"),
        (lambda d: d.__setitem__("credentialSubject", []), "credentialSubject"),
        (lambda d: d.__setitem__("credentialSubject", "x"), "credentialSubject"),
        (lambda d: d.__setitem__("type", ["VerifiablePresentation"]), "presentation"),
    ],
)
def test_shape_fails_with_a_reason(credential: dict[str, Any], change: Any, phrase: str) -> None:
    change(credential)
    result = check_shape(credential)
    assert result.status == "failed"
    assert phrase in result.message
    assert result.message.startswith("This is not a well-formed Verifiable Credential")


def test_shape_requires_issuance_date_in_vc_1_1() -> None:
    legacy = _legacy()
    del legacy["issuanceDate"]
    result = check_shape(legacy)
    assert result.status == "failed"
    assert "issuanceDate" in result.message


@pytest.mark.parametrize("document", [[], "text", 3, None])
def test_shape_fails_for_non_objects(document: Any) -> None:
    result = check_shape(document)
    assert result.status == "failed"
    assert result.problem_type == "https://www.w3.org/TR/vc-data-model#PARSING_ERROR"


def test_presentation_shape() -> None:
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [{"id": "urn:1"}],
    }
    assert check_presentation_shape(presentation).status == "passed"
    assert "1 credential " in check_presentation_shape(presentation).message
    broken = {**presentation, "verifiableCredential": ["eyJhbGciOi..."]}
    assert check_presentation_shape(broken).status == "failed"
    enveloped = {
        **presentation,
        "verifiableCredential": [{"type": "EnvelopedVerifiableCredential", "id": "data:..."}],
    }
    assert "enveloped" in check_presentation_shape(enveloped).message
    assert check_presentation_shape({**presentation, "type": ["X"]}).status == "failed"


# validFrom / validUntil ---------------------------------------------------------------


def test_dates_in_plain_words() -> None:
    parsed = parse_datetime("2022-11-10T07:38:00-08:00")
    assert parsed is not None
    assert describe_date(parsed) == "10 November 2022 at 15:38 UTC"
    assert parse_datetime("2022-11-10") is None
    assert parse_datetime("yesterday") is None
    assert parse_datetime(20221110) is None
    naive = parse_datetime("2022-11-10T07:38:00")
    assert naive is not None and naive.tzinfo is not None


def test_valid_from_passes_once_reached(credential: dict[str, Any]) -> None:
    result = check_valid_from(credential, NOW)
    assert result.status == "passed"
    assert result.message == "The credential has been valid since 1 January 2010 at 00:00 UTC."
    assert result.input == "2010-01-01T00:00:00Z"


def test_not_yet_valid_fails_with_the_date(credential: dict[str, Any]) -> None:
    credential["validFrom"] = "2030-03-04T05:06:00Z"
    result = check_valid_from(credential, NOW)
    assert result.status == "failed"
    assert result.message == (
        "This credential is not valid yet: it becomes valid on 4 March 2030 at 05:06 UTC."
    )


def test_expired_fails_with_the_date(credential: dict[str, Any]) -> None:
    credential["validUntil"] = "2024-12-31T23:59:59Z"
    result = check_valid_until(credential, NOW)
    assert result.status == "failed"
    assert result.message == "This credential expired on 31 December 2024 at 23:59 UTC."
    assert result.problem_type == "https://www.w3.org/TR/vc-data-model-2.0#CREDENTIAL_EXPIRED"


def test_expiry_in_the_future_passes(credential: dict[str, Any]) -> None:
    credential["validUntil"] = "2030-01-01T00:00:00Z"
    result = check_valid_until(credential, NOW)
    assert result.status == "passed"
    assert "valid until 1 January 2030" in result.message


def test_no_expiry_passes(credential: dict[str, Any]) -> None:
    result = check_valid_until(credential, NOW)
    assert result.status == "passed"
    assert result.message == "The credential does not expire."


def test_the_exact_expiry_instant_is_expired(credential: dict[str, Any]) -> None:
    credential["validUntil"] = "2025-06-01T12:00:00Z"
    assert check_valid_until(credential, NOW).status == "failed"


@pytest.mark.parametrize("value", ["not a date", "2025-13-01T00:00:00Z", 12])
def test_malformed_dates_fail(credential: dict[str, Any], value: Any) -> None:
    credential["validFrom"] = value
    credential["validUntil"] = value
    assert check_valid_from(credential, NOW).status == "failed"
    assert check_valid_until(credential, NOW).status == "failed"


def test_vc_1_1_uses_issuance_and_expiration_dates() -> None:
    legacy = _legacy()
    assert check_valid_from(legacy, NOW).status == "passed"
    assert check_valid_from(legacy, datetime(2022, 1, 1, tzinfo=UTC)).status == "failed"
    legacy["expirationDate"] = "2024-01-01T00:00:00Z"
    legacy["validUntil"] = "2099-01-01T00:00:00Z"  # not a VC 1.1 term: ignored
    result = check_valid_until(legacy, NOW)
    assert result.status == "failed"
    assert result.message == "This credential expired on 1 January 2024 at 00:00 UTC."


# credentialSchema --------------------------------------------------------------------


def test_ob_credential_is_checked_against_the_ob_schema_even_unnamed(
    credential: dict[str, Any],
) -> None:
    [result] = check_credential_schema(credential)
    assert result.status == "passed"
    assert result.message == "The credential follows the Open Badges 3.0 credential schema."
    assert result.input is None


def test_a_named_ob_schema_is_checked_once(credential: dict[str, Any]) -> None:
    entry = {"id": OB_ACHIEVEMENT_CREDENTIAL, "type": "1EdTechJsonSchemaValidator2019"}
    credential["credentialSchema"] = [entry]
    [result] = check_credential_schema(credential)
    assert result.status == "passed"
    assert result.input == entry


def test_schema_mismatch_fails_naming_the_first_problem(credential: dict[str, Any]) -> None:
    del credential["credentialSubject"]["achievement"]["criteria"]
    [result] = check_credential_schema(credential)
    assert result.status == "failed"
    assert result.message.startswith(
        "The credential does not follow the Open Badges 3.0 credential schema: "
    )
    assert "criteria" in result.message


def test_compacted_form_passes_with_a_note(credential: dict[str, Any]) -> None:
    credential["proof"] = {"type": "DataIntegrityProof", "proofValue": "z1"}
    [result] = check_credential_schema(credential)
    assert result.status == "passed"
    assert "compacted JSON-LD form" in result.message


def test_unknown_schema_is_a_warning_and_never_fetched(credential: dict[str, Any]) -> None:
    entry = {"id": "https://schemas.example/unknown.json", "type": "JsonSchema"}
    credential["credentialSchema"] = [entry]
    results = check_credential_schema(credential)
    assert [r.status for r in results] == ["warning", "passed"]
    assert "does not have a copy" in results[0].message


def test_schema_entry_without_id_fails(credential: dict[str, Any]) -> None:
    credential["credentialSchema"] = [{"type": "JsonSchema"}]
    assert check_credential_schema(credential)[0].status == "failed"


def test_other_credentials_without_a_schema_pass_neutrally() -> None:
    document = {
        "type": ["VerifiableCredential"],
        "@context": ["https://www.w3.org/ns/credentials/v2"],
    }
    [result] = check_credential_schema(document)
    assert result.status == "passed"
    assert result.message == "The credential does not name a schema to check it against."


def test_vc_1_1_ob_credential_is_not_held_to_the_vc_2_schema() -> None:
    [result] = check_credential_schema(_legacy())
    assert result.status == "passed"


# issuer / holder -----------------------------------------------------------------------


def _outcome(controller: str | None) -> ProofOutcome:
    status = "passed" if controller else "failed"
    return ProofOutcome(CheckResult(name="proof", status=status, message="."), controller)


def test_issuer_passes_when_the_key_belongs_to_the_issuer(credential: dict[str, Any]) -> None:
    result = check_issuer(credential, [_outcome("https://example.com/issuers/876543")])
    assert result.status == "passed"
    assert "Example Corp (https://example.com/issuers/876543)" in result.message


def test_issuer_fails_when_someone_else_signed(credential: dict[str, Any]) -> None:
    result = check_issuer(credential, [_outcome("did:key:z6MkSomeoneElse")])
    assert result.status == "failed"
    assert "did:key:z6MkSomeoneElse" in result.message


def test_issuer_with_an_unlinkable_id_is_a_warning(credential: dict[str, Any]) -> None:
    credential["issuer"]["id"] = "urn:uuid:6f2e33e5-7a29-4155-840a-59483ba10164"
    result = check_issuer(credential, [_outcome("did:key:z6MkSigner")])
    assert result.status == "warning"


def test_issuer_fails_when_no_signature_verified(credential: dict[str, Any]) -> None:
    result = check_issuer(credential, [_outcome(None)])
    assert result.status == "failed"
    assert "could not be verified" in result.message


def test_holder() -> None:
    presentation: dict[str, Any] = {"holder": "did:key:z6MkHolder", "proof": [{}]}
    assert check_holder(presentation, [_outcome("did:key:z6MkHolder")]).status == "passed"  # type: ignore[union-attr]
    assert check_holder(presentation, [_outcome("did:key:z6MkOther")]).status == "failed"  # type: ignore[union-attr]
    assert check_holder(presentation, [_outcome(None)]).status == "failed"  # type: ignore[union-attr]
    unsigned = {"holder": {"id": "did:key:z6MkHolder"}}
    assert check_holder(unsigned, []).status == "warning"  # type: ignore[union-attr]
    assert check_holder({}, []) is None


# challenge / domain ----------------------------------------------------------------------


def test_challenge_and_domain_are_read_from_the_proof() -> None:
    presentation = {"proof": [{"challenge": "abc", "domain": ["a.example", "b.example"]}]}
    assert check_challenge(presentation, "abc").status == "passed"
    assert check_challenge(presentation, "abd").status == "failed"
    assert check_domain(presentation, "b.example").status == "passed"
    other = copy.deepcopy(presentation)
    other["proof"][0]["domain"] = "c.example"
    assert check_domain(other, "b.example").status == "failed"
