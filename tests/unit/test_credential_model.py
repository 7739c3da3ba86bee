"""OB 3.0 credential models: serialization and the recipient identity hash."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from issuer.credentials.compose import Recipient, compose_credential
from issuer.errors import InvalidInput
from issuer.model.achievement import Achievement, Criteria, Profile
from issuer.model.credential import IdentityObject, hash_identity

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
