"""The OpenBadgeCredential (AchievementCredential) and the parts that only credentials carry."""

import hashlib
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import PlainSerializer

from issuer.model.achievement import Achievement, Image, Profile
from issuer.model.base import (
    OB_CREDENTIAL_SCHEMA,
    OB_V3_CONTEXT,
    VC_V2_CONTEXT,
    LdModel,
    ld_list,
)


def format_datetime_z(value: datetime) -> str:
    """Return an XML Schema dateTime in UTC with a `Z`, to the second (OB "DateTimeZ")."""
    if value.tzinfo is None:
        raise ValueError("datetime must be timezone-aware")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


DateTimeZ = Annotated[datetime, PlainSerializer(format_datetime_z, return_type=str)]


def hash_identity(identifier: str, salt: str) -> str:
    """Return the OB 3.0 IdentityHash `sha256$<hex>` of identifier + salt."""
    digest = hashlib.sha256((identifier + salt).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


def normalize_email(email: str) -> str:
    """Return the form of an email address that is hashed: trimmed and lower-cased."""
    return email.strip().lower()


class IdentityObject(LdModel):
    """A recipient identifier, usually a salted hash of an email address."""

    type: Literal["IdentityObject"] = "IdentityObject"
    hashed: bool
    identity_hash: str
    identity_type: str
    salt: str | None = None

    @classmethod
    def for_email(cls, email: str, salt: str) -> "IdentityObject":
        """Return a hashed `emailAddress` identity for `email` (normalized) with `salt`."""
        return cls(
            hashed=True,
            identity_hash=hash_identity(normalize_email(email), salt),
            identity_type="emailAddress",
            salt=salt,
        )

    def matches(self, identifier: str) -> bool:
        """Return whether this identity names `identifier` (compared as the issuer hashed it)."""
        if not self.hashed:
            return self.identity_hash == identifier
        candidate = (
            normalize_email(identifier) if self.identity_type == "emailAddress" else identifier
        )
        algorithm, _, expected = self.identity_hash.partition("$")
        if algorithm != "sha256":
            return False
        return hash_identity(candidate, self.salt or "").split("$", 1)[1] == expected.lower()


class Result(LdModel):
    """A result the learner achieved, e.g. the proficiency level."""

    type: list[str] = ld_list(lambda: ["Result"])
    result_description: str | None = None
    achieved_level: str | None = None
    value: str | None = None
    status: str | None = None


class Evidence(LdModel):
    """Evidence of the achievement: a URL and/or a narrative."""

    id: str | None = None
    type: list[str] = ld_list(lambda: ["Evidence"])
    name: str | None = None
    description: str | None = None
    narrative: str | None = None


class AchievementSubject(LdModel):
    """The learner and what they achieved."""

    id: str | None = None
    type: list[str] = ld_list(lambda: ["AchievementSubject"])
    identifier: list[IdentityObject] = ld_list()
    achievement: Achievement
    result: list[Result] = ld_list()
    narrative: str | None = None


class CredentialSchema(LdModel):
    """A JSON Schema the credential claims to conform to."""

    id: str = OB_CREDENTIAL_SCHEMA
    type: str = "1EdTechJsonSchemaValidator2019"


class OpenBadgeCredential(LdModel):
    """An Open Badges 3.0 credential on the W3C VC Data Model 2.0 (unsigned)."""

    context: list[str] = ld_list(lambda: [VC_V2_CONTEXT, OB_V3_CONTEXT], alias="@context")
    id: str
    type: list[str] = ld_list(lambda: ["VerifiableCredential", "OpenBadgeCredential"])
    name: str
    description: str | None = None
    image: Image | None = None
    issuer: Profile
    valid_from: DateTimeZ
    valid_until: DateTimeZ | None = None
    awarded_date: DateTimeZ | None = None
    credential_subject: AchievementSubject
    evidence: list[Evidence] = ld_list()
    credential_schema: list[CredentialSchema] = ld_list()
