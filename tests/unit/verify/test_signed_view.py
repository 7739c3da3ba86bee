"""The verdict reads what the signature covers: rewrites that keep the RDF change nothing.

An eddsa-rdfc-2022 signature covers the RDF, so renaming a key to its full IRI, `type`
to `@type`, or writing a date as a typed value object keeps the proof valid. Each
rewrite here keeps the proof valid (asserted) and must not turn a failing verdict
into a passing one.
"""

import copy
from typing import Any

import pytest

from issuer.jsonld.view import signed_view
from issuer.verify.checks import check_credential_schema, check_credential_status
from issuer.verify.status import refuse_all
from tests.unit.verify.builders import (
    signed_credential,
    status_entry,
    status_list,
    unsigned_credential,
)
from tests.unit.verify.test_pipeline import NOW, lists_fetcher, only, verify

CRED = "https://www.w3.org/2018/credentials#"
XSD = "http://www.w3.org/2001/XMLSchema#"


def _revoked() -> tuple[dict[str, Any], Any]:
    credential = signed_credential(status=[status_entry("revocation", 7)])
    return credential, lists_fetcher(status_list("revocation", set_bits=(7,)))


def _suspended() -> tuple[dict[str, Any], Any]:
    credential = signed_credential(status=[status_entry("suspension", 7)])
    return credential, lists_fetcher(status_list("suspension", set_bits=(7,)))


def _rename(document: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """`document` with key `old` renamed to `new`, in place of the old key."""
    return {new if key == old else key: value for key, value in document.items()}


def test_revoked_renamed_to_the_full_iri_is_still_revoked() -> None:
    credential, fetch = _revoked()
    assert not verify(credential, fetch).verified
    rewritten = _rename(credential, "credentialStatus", CRED + "credentialStatus")
    result = verify(rewritten, fetch)
    assert only(result, "proof").status == "passed"  # the signature still holds
    assert not result.verified
    assert only(result, "credentialStatus").message == (
        "This credential has been revoked by its issuer."
    )


def test_suspended_with_an_at_type_entry_is_still_suspended() -> None:
    credential, fetch = _suspended()
    rewritten = copy.deepcopy(credential)
    rewritten["credentialStatus"] = _rename(rewritten["credentialStatus"], "type", "@type")
    result = verify(rewritten, fetch)
    assert only(result, "proof").status == "passed"
    assert not result.verified
    assert "suspended" in only(result, "credentialStatus").message


def test_expired_with_a_typed_value_object_is_still_expired() -> None:
    credential = signed_credential(validUntil="2021-01-01T00:00:00Z")
    rewritten = {k: v for k, v in credential.items() if k != "validUntil"}
    rewritten[CRED + "validUntil"] = {"@value": "2021-01-01T00:00:00Z", "@type": XSD + "dateTime"}
    result = verify(rewritten)
    assert only(result, "proof").status == "passed"
    assert not result.verified
    assert (
        only(result, "validUntil").message
        == "This credential expired on 1 January 2021 at 00:00 UTC."
    )


def test_an_inline_context_cannot_alias_a_checked_term() -> None:
    credential, fetch = _revoked()
    rewritten = _rename(credential, "credentialStatus", "status")
    rewritten["@context"] = [*credential["@context"], {"status": CRED + "credentialStatus"}]
    result = verify(rewritten, fetch)
    assert only(result, "proof").status == "passed"
    assert not result.verified
    assert only(result, "credentialStatus").status == "failed"


def test_a_date_signed_with_another_datatype_fails_its_check() -> None:
    credential = signed_credential(
        **{CRED + "validUntil": {"@value": "2021-01-01", "@type": XSD + "date"}}
    )
    result = verify(credential)
    assert only(result, "proof").status == "passed"
    assert only(result, "validUntil").status == "failed"
    assert only(result, "validUntil").title == "Malformed date"


def test_a_date_in_a_second_copy_of_the_credential_node_is_refused() -> None:
    credential = signed_credential(validUntil="2021-01-01T00:00:00Z")
    rewritten = {k: v for k, v in credential.items() if k != "validUntil"}
    rewritten["@included"] = [{"id": credential["id"], "validUntil": "2021-01-01T00:00:00Z"}]
    result = verify(rewritten)
    assert not result.verified
    assert only(result, "signedContent").status == "failed"


def test_a_status_reference_without_its_entry_fails() -> None:
    credential = signed_credential(credentialStatus="https://issuer.example.org/status/7")
    check = only(verify(credential, refuse_all), "credentialStatus")
    assert check.status == "failed"
    assert check.title == "Malformed status entry"


def test_a_document_whose_view_cannot_be_built_is_not_verified() -> None:
    credential = signed_credential()
    credential["undefinedThing"] = "x"
    result = verify(credential)
    assert not result.verified
    assert "could not read what the credential's signature covers" in (
        only(result, "signedContent").message
    )


def test_the_view_spells_every_rewrite_the_same() -> None:
    credential, _ = _revoked()
    rewritten = _rename(credential, "credentialStatus", CRED + "credentialStatus")
    rewritten[CRED + "credentialStatus"] = {
        ("@type" if k == "type" else "@id" if k == "id" else k): v
        for k, v in credential["credentialStatus"].items()
    }
    expected = signed_view(credential)
    assert signed_view(rewritten) == expected
    assert expected["credentialStatus"] == credential["credentialStatus"]


# --- crashes on odd values (were 500s) ----------------------------------------------------


def test_a_status_type_given_as_a_list_is_checked_without_a_crash() -> None:
    entry = {**status_entry("revocation", 7), "type": ["BitstringStatusListEntry"]}
    document = unsigned_credential(status=[entry])
    fetch = lists_fetcher(status_list("revocation", set_bits=(7,)))
    [check] = check_credential_status(
        document, fetch_status_list=fetch, verify_list_proofs=lambda _: None, now=NOW
    )
    assert check.status == "failed" and check.title == "Credential revoked"
    odd = {**entry, "type": [["x"]]}
    [check] = check_credential_status(
        unsigned_credential(status=[odd]),
        fetch_status_list=fetch,
        verify_list_proofs=lambda _: None,
        now=NOW,
    )
    assert check.status == "failed"


@pytest.mark.parametrize("schema_id", [["https://a.example/s.json"], {"id": "x"}, None])
def test_a_schema_id_that_is_not_a_string_fails_without_a_crash(schema_id: Any) -> None:
    document = unsigned_credential(credentialSchema=[{"id": schema_id, "type": "JsonSchema"}])
    results = check_credential_schema(document)
    assert results[0].status == "failed"
