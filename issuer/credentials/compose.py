"""Compose an unsigned OpenBadgeCredential for one learner and one achievement."""

from dataclasses import dataclass
from datetime import datetime

from issuer.errors import InvalidInput
from issuer.model.achievement import Achievement, Profile
from issuer.model.credential import (
    AchievementSubject,
    Evidence,
    IdentityObject,
    OpenBadgeCredential,
    Result,
)


@dataclass(frozen=True)
class Recipient:
    """Who receives a credential: an email (hashed with `salt`), a DID, or both, and a name."""

    email: str | None = None
    did: str | None = None
    name: str | None = None
    salt: str = ""

    def identifiers(self) -> list[IdentityObject]:
        """Return the IdentityObjects naming the recipient (hashed email; plain name)."""
        identities = []
        if self.email:
            identities.append(IdentityObject.for_email(self.email, self.salt))
        if self.name:
            identities.append(
                IdentityObject(hashed=False, identity_hash=self.name, identity_type="name")
            )
        return identities


def compose_credential(
    *,
    credential_id: str,
    issuer: Profile,
    achievement: Achievement,
    recipient: Recipient,
    valid_from: datetime,
    valid_until: datetime | None = None,
    evidence: list[Evidence] | None = None,
    narrative: str | None = None,
    results: list[Result] | None = None,
) -> OpenBadgeCredential:
    """Return the unsigned credential; raise `InvalidInput` if the recipient has no id or email."""
    if not recipient.email and not recipient.did:
        raise InvalidInput("a recipient needs an email address or a DID")
    if valid_until is not None and valid_until <= valid_from:
        raise InvalidInput("validUntil must be later than validFrom")
    subject = AchievementSubject(
        id=recipient.did or None,
        identifier=recipient.identifiers(),
        achievement=achievement,
        result=results or [],
        narrative=narrative,
    )
    return OpenBadgeCredential(
        id=credential_id,
        name=achievement.name,
        description=achievement.description,
        issuer=issuer,
        valid_from=valid_from,
        valid_until=valid_until,
        awarded_date=valid_from,
        credential_subject=subject,
        evidence=evidence or [],
    )
