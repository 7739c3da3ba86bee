"""Credentials in plain words, for the wallet and verify pages (pure; no Flask).

view = describe_credential(credential)
view.summary   # "Demonstrated “Visitor greeting procedures” at the Emerging level (1 of 4)
               #  of the Receptionists and Information Clerks skills framework v.26.05."
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from issuer.wallet.clr import subject_achievement

ALIGNMENT_ROLES = {
    "ext:ONetSocOccupation": "Occupation",
    "ext:SkillsFramework": "Skills framework",
    "ext:ProficiencyLevel": "Proficiency level",
    "ext:CompetencyStatement": "Competency statement",
}
_LEVEL_TEXT = re.compile(r"^Level (\d+) of (\d+): (.+)$")
LINK_SCHEMES = frozenset({"http", "https"})
_URL_IGNORED = re.compile(r"[\t\n\r]")
"""What browsers drop from anywhere in a URL before reading it (WHATWG URL parsing)."""
_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))
"""What browsers strip from both ends of a URL."""


def link_url(value: Any) -> str | None:
    """Return `value` as a link target if it is an absolute http: or https: URL, else None.

    Anything else (`javascript:`, `data:`, `vbscript:`, relative or malformed URLs, not a
    string) is shown as plain text, never as a link. The URL is read as a browser reads it:
    control characters and spaces at either end, and tabs and newlines anywhere, are dropped
    first (and are not in the returned URL).
    """
    if not isinstance(value, str):
        return None
    cleaned = _URL_IGNORED.sub("", value).strip(_C0_AND_SPACE)
    try:
        parts = urlsplit(cleaned)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in LINK_SCHEMES or not host:
        return None
    return cleaned


@dataclass(frozen=True)
class Aligned:
    """Something an achievement is aligned to, e.g. an occupation."""

    role: str
    name: str
    url: str | None = None
    code: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class AchievementView:
    """An achievement in plain words."""

    name: str
    description: str = ""
    id: str | None = None
    kind: str = "other"
    """ "statement", "level" or "other"."""
    level: str | None = None
    """E.g. "Emerging (level 1 of 4)"."""
    framework: str | None = None
    occupation: str | None = None
    alignments: list[Aligned] = field(default_factory=list)
    statements: list[Aligned] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """One sentence saying what was achieved."""
        label, _, position = (self.level or "").partition(" (")
        where = f" ({position}" if position else ""
        if self.kind == "statement" and self.level:
            framework = f" of the {self.framework}" if self.framework else ""
            return f"Demonstrated “{self.name}” at the {label} level{where}{framework}."
        if self.kind == "level" and self.level:
            count = len(self.statements)
            occupation = f" for {self.occupation}" if self.occupation else ""
            return (
                f"Reached the {label} level{where}{occupation}: all {count} competency "
                f"statement{'s' if count != 1 else ''} of the level demonstrated."
            )
        return f"Achieved “{self.name}”."


@dataclass(frozen=True)
class CredentialView:
    """A credential in plain words."""

    achievement: AchievementView
    issuer: str | None = None
    recipient: str | None = None
    issued: datetime | None = None
    expires: datetime | None = None
    kind: str = "credential"
    """ "credential" or "record" (a CLR)."""

    @property
    def summary(self) -> str:
        """The achievement's sentence."""
        return self.achievement.summary


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _level_words(description: str | None) -> str | None:
    match = _LEVEL_TEXT.match(description or "")
    if match is None:
        return None
    return f"{match.group(3)} (level {match.group(1)} of {match.group(2)})"


def describe_achievement(achievement: dict[str, Any]) -> AchievementView:
    """Return an OB 3.0 Achievement (JSON) in plain words."""
    alignments: list[Aligned] = []
    statements: list[Aligned] = []
    level = framework = occupation = None
    for item in achievement.get("alignment") or []:
        if not isinstance(item, dict):
            continue
        target_type = item.get("targetType")
        aligned = Aligned(
            role=ALIGNMENT_ROLES.get(str(target_type), "Aligned to"),
            name=_text(item.get("targetName")) or "(unnamed)",
            url=link_url(item.get("targetUrl")),
            code=_text(item.get("targetCode")),
            description=_text(item.get("targetDescription")),
        )
        if target_type == "ext:CompetencyStatement":
            statements.append(aligned)
            continue
        alignments.append(aligned)
        if target_type == "ext:ProficiencyLevel":
            level = _level_words(aligned.description)
        elif target_type == "ext:SkillsFramework":
            framework = aligned.name
        elif target_type == "ext:ONetSocOccupation":
            occupation = aligned.name
    kind = "statement" if level else "other"
    if statements:
        kind = "level"
        for result in achievement.get("resultDescription") or []:
            if not isinstance(result, dict):
                continue
            for rubric in result.get("rubricCriterionLevel") or []:
                if isinstance(rubric, dict) and rubric.get("id") == result.get("requiredLevel"):
                    level = _level_words(_text(rubric.get("description")))
    return AchievementView(
        name=_text(achievement.get("name")) or "Achievement",
        description=_text(achievement.get("description")) or "",
        id=_text(achievement.get("id")),
        kind=kind,
        level=level,
        framework=framework,
        occupation=occupation,
        alignments=alignments,
        statements=statements,
    )


def describe_recipient(credential: dict[str, Any]) -> str | None:
    """Return who the credential is about, in words (a name, a DID, a hidden email)."""
    subject = credential.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else None
    if not isinstance(subject, dict):
        return None
    names = []
    hashed_email = False
    for identity in subject.get("identifier") or []:
        if not isinstance(identity, dict):
            continue
        if identity.get("identityType") == "name" and identity.get("hashed") is False:
            names.append(str(identity.get("identityHash")))
        elif identity.get("identityType") == "emailAddress" and identity.get("hashed"):
            hashed_email = True
    parts = names[:1]
    if isinstance(subject.get("id"), str):
        parts.append(subject["id"])
    if hashed_email:
        parts.append("an email address (stored only as a hash)")
    return ", ".join(parts) or None


def _date(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def describe_credential(credential: dict[str, Any]) -> CredentialView:
    """Return a credential (OB 3.0 or CLR) in plain words."""
    issuer = credential.get("issuer")
    issuer_name = (
        _text(issuer.get("name")) or _text(issuer.get("id"))
        if isinstance(issuer, dict)
        else _text(issuer)
    )
    types = credential.get("type")
    is_record = isinstance(types, list) and "ClrCredential" in types
    achievement = subject_achievement(credential)
    if achievement is not None and not is_record:
        view = describe_achievement(achievement)
    else:
        view = AchievementView(
            name=_text(credential.get("name")) or "Credential",
            description=_text(credential.get("description")) or "",
        )
    return CredentialView(
        achievement=view,
        issuer=issuer_name,
        recipient=describe_recipient(credential),
        issued=_date(credential.get("validFrom") or credential.get("issuanceDate")),
        expires=_date(credential.get("validUntil") or credential.get("expirationDate")),
        kind="record" if is_record else "credential",
    )
