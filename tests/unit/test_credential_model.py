"""OB 3.0 credential models: serialization and the recipient identity hash."""

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import Field

from issuer.credentials.compose import Recipient, compose_credential
from issuer.errors import InvalidInput
from issuer.frameworks.loader import read_export
from issuer.frameworks.mapping import achieved_level_result, map_framework
from issuer.frameworks.structure import index_framework
from issuer.model.achievement import Achievement, Criteria, Profile
from issuer.model.base import LdModel, ld_list
from issuer.model.credential import Evidence, IdentityObject, hash_identity
from issuer.paths import EXAMPLE_SEEDS

SEED = "43-4171.00-receptionists-and-information-clerks.json"

ACHIEVEMENT = Achievement(
    id="https://x.example/a/1",
    name="A",
    description="An achievement",
    criteria=Criteria(narrative="Do it."),
)
ISSUER = Profile(id="https://x.example/issuer", name="X")
WHEN = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=timezone(timedelta(hours=2)))


def test_identity_hash_matches_the_spec_example() -> None:
    assert hash_identity("a@example.com", "Kosher") == (
        "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
    )


def test_email_identity_is_salted_normalized_and_matchable() -> None:
    identity = IdentityObject.for_email(" A@Example.com ", "Kosher")
    assert identity.identity_hash == hash_identity("a@example.com", "Kosher")
    assert identity.to_ld() == {
        "type": "IdentityObject",
        "hashed": True,
        "identityHash": identity.identity_hash,
        "identityType": "emailAddress",
        "salt": "Kosher",
    }
    assert identity.matches("a@EXAMPLE.com")
    assert not identity.matches("b@example.com")


def test_credential_serializes_in_array_form_with_utc_dates_and_no_nulls() -> None:
    credential = compose_credential(
        credential_id="https://x.example/c/1",
        issuer=ISSUER,
        achievement=ACHIEVEMENT,
        recipient=Recipient(email="a@example.com", salt="s"),
        valid_from=WHEN,
    ).to_ld()
    assert next(iter(credential)) == "@context"
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["validFrom"] == "2026-01-02T01:04:05Z"
    assert credential["credentialSubject"]["type"] == ["AchievementSubject"]
    assert "id" not in credential["credentialSubject"]
    assert "evidence" not in credential
    assert "validUntil" not in credential


def test_a_recipient_needs_an_email_or_a_did() -> None:
    with pytest.raises(InvalidInput, match="email address or a DID"):
        compose_credential(
            credential_id="https://x.example/c/1",
            issuer=ISSUER,
            achievement=ACHIEVEMENT,
            recipient=Recipient(name="Nobody"),
            valid_from=WHEN,
        )


def test_valid_until_must_follow_valid_from() -> None:
    with pytest.raises(InvalidInput, match="validUntil"):
        compose_credential(
            credential_id="https://x.example/c/1",
            issuer=ISSUER,
            achievement=ACHIEVEMENT,
            recipient=Recipient(did="did:example:1"),
            valid_from=WHEN,
            valid_until=WHEN.astimezone(UTC),
        )


def _dropped(value: Any) -> Any:
    """The reference: every empty list under an object key removed, walking the whole dump."""
    if isinstance(value, dict):
        return {k: _dropped(v) for k, v in value.items() if v != []}
    if isinstance(value, list):
        return [_dropped(v) for v in value]
    return value


def _seed_achievements() -> list[Achievement]:
    framework = index_framework(read_export(EXAMPLE_SEEDS / SEED)[0])
    mapped = map_framework(framework, "https://issuer.example.org")
    return [*mapped.levels.values(), *mapped.statements.values()]


def test_to_ld_leaves_out_empty_lists_as_a_walk_of_the_whole_dump_would() -> None:
    """Empty multi-valued properties are left out by the models themselves (`ld_list`), in
    the key order of the dump: the text of a serialized credential is what it was."""
    framework = index_framework(read_export(EXAMPLE_SEEDS / SEED)[0])
    level = framework.levels[1]
    for achievement in _seed_achievements():
        for results, evidence in (
            (None, None),
            ([achieved_level_result(framework, level, "https://issuer.example.org")], []),
            (None, [Evidence(id="https://portfolio.example/1")]),
        ):
            credential = compose_credential(
                credential_id="https://issuer.example.org/credentials/1",
                issuer=ISSUER,
                achievement=achievement,
                recipient=Recipient(email="a@example.org", name="A", salt="s"),
                valid_from=WHEN,
                results=results,
                evidence=evidence,
            )
            dump = credential.model_dump(by_alias=True, exclude_none=True, mode="json")
            assert json.dumps(credential.to_ld()) == json.dumps(_dropped(dump))
    bare = ACHIEVEMENT.model_copy(update={"tag": [], "alignment": [], "type": []})
    assert bare.to_ld() == {
        "id": "https://x.example/a/1",
        "name": "A",
        "description": "An achievement",
        "criteria": {"narrative": "Do it."},
    }


def test_a_list_field_declared_without_ld_list_is_refused() -> None:
    with pytest.raises(TypeError, match="ld_list"):

        class Careless(LdModel):
            tags: list[str] = Field(default_factory=list)

    class Careful(LdModel):
        tags: list[str] = ld_list()

    assert Careful().to_ld() == {} and Careful(tags=["a"]).to_ld() == {"tags": ["a"]}
