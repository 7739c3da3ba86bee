"""The VC Data Model's rules on a credential's JSON (issuer.model.vcdm)."""

import base64
import hashlib
from typing import Any

import pytest

from issuer.model.vcdm import data_model_problems, related_resource_problems
from issuer.paths import CONTEXTS

VC2 = "https://www.w3.org/ns/credentials/v2"
VC1 = "https://www.w3.org/2018/credentials/v1"


def _credential(**extra: Any) -> dict[str, Any]:
    credential: dict[str, Any] = {
        "@context": [VC2],
        "id": "urn:uuid:0b0a2c7e-51b4-4e5e-9d0c-8d0f1f2b3c4d",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:subject"},
    }
    credential.update(extra)
    return credential


def test_a_well_formed_credential_has_no_problems() -> None:
    assert data_model_problems(_credential()) == []
    assert (
        data_model_problems(_credential(issuer={"id": "https://issuer.example", "name": "X"})) == []
    )
    assert data_model_problems(_credential(name={"@value": "Titre", "@language": "fr"})) == []


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"@context": VC2}, "must be a list"),
        ({"@context": ["https://example.org/ctx", VC2]}, "first @context"),
        ({"@context": [VC2, 7]}, "a URL or an object"),
        ({"type": "VerifiableCredential"}, "list of names"),
        ({"type": ["VerifiableCredential", 3]}, "list of names"),
        ({"type": ["ExampleCredential"]}, '"VerifiableCredential"'),
        ({"id": ["urn:a", "urn:b"]}, "single URL"),
        ({"issuer": None}, "does not name its issuer"),
        ({"issuer": {"id": None}}, "does not name its issuer"),
        ({"issuer": "not a url"}, "is not a URL"),
        ({"credentialSubject": {}}, "say something"),
        ({"credentialSubject": [{"id": "did:example:a"}, {}]}, "say something"),
        ({"credentialSubject": "did:example:a"}, "must be an object"),
        ({"validFrom": "Sat 25 Feb 2023 07:16:31 PM CST"}, "validFrom is not a date"),
        ({"validFrom": "2026-01-01T00:00:00"}, "validFrom is not a date"),
        ({"validUntil": "2025-01-01T00:00:00Z"}, "validUntil is before its validFrom"),
        ({"termsOfUse": {"id": "https://example.org/terms"}}, "termsOfUse must say its type"),
        ({"evidence": [{"id": "https://example.org/e"}]}, "evidence must say its type"),
        ({"refreshService": {"id": "https://example.org/r"}}, "refreshService must say"),
        ({"credentialSchema": {"id": "https://example.org/s"}}, "credentialSchema must say"),
        ({"credentialSchema": {"id": "schema", "type": "JsonSchema"}}, "id that is a URL"),
        ({"credentialStatus": {"id": "https://example.org/s#1"}}, "credentialStatus must say"),
        ({"credentialStatus": {"id": ["urn:a", "urn:b"], "type": "X"}}, "single URL"),
        ({"name": {"@value": "x", "@language": "en", "extra": 1}}, "name must be text"),
    ],
)
def test_each_rule_names_its_problem(changes: dict[str, Any], problem: str) -> None:
    problems = data_model_problems(_credential(**changes))
    assert any(problem in p for p in problems), problems


def test_vc_1_1_dates_may_omit_the_time_zone_but_need_an_issuance_date() -> None:
    v1 = _credential(**{"@context": [VC1]})
    del v1["validFrom"]
    assert data_model_problems({**v1, "issuanceDate": "2020-01-01T00:00:00"}) == []
    assert any("issuanceDate" in p for p in data_model_problems(v1))


def _v2_context_bytes() -> bytes:
    return (CONTEXTS / "www.w3.org__ns__credentials__v2.json").read_bytes()


def test_related_resource_digests_are_checked_against_the_bytes_we_hold() -> None:
    data = _v2_context_bytes()
    sri = "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()
    multibase = "u" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).decode().rstrip("=")
    assert related_resource_problems({"id": VC2, "digestSRI": sri}) == []
    assert related_resource_problems({"id": VC2, "digestMultibase": multibase}) == []
    wrong = "sha384-" + base64.b64encode(hashlib.sha384(data + b" ").digest()).decode()
    assert "does not match" in related_resource_problems({"id": VC2, "digestSRI": wrong})[0]
    assert "does not match" in related_resource_problems({"id": VC2, "digestSRI": "sha384-@@"})[0]


def test_an_earlier_published_version_of_the_v2_context_is_known() -> None:
    # The digest the W3C data model suite carries: the v2 context of 2024-07-03.
    sri = "sha384-NSOcNpmdIVUxIJGvGUoe22FjTWrXiaXlsZ8q6912LdnR3KraQO2n75Ica4wK4Qeg"
    assert related_resource_problems([{"id": VC2, "digestSRI": sri}]) == []


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ([VC2], "one or more objects"),
        ([{"digestSRI": "sha384-x"}], "id that is a URL"),
        ([{"id": VC2, "digestSRI": "x"}, {"id": VC2, "digestSRI": "y"}], "different id"),
        ([{"id": VC2}], "has no digest"),
        (
            [{"id": "https://elsewhere.example/file", "digestSRI": "sha256-AAAA"}],
            "cannot be checked",
        ),
    ],
)
def test_related_resource_rules(value: Any, problem: str) -> None:
    assert any(problem in p for p in related_resource_problems(value))
