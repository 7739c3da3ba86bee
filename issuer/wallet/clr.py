"""A CLR 2.0 `ClrCredential` bundling one learner's credentials from one framework (unsigned).

    clr = build_clr(
        clr_id="urn:uuid:…", issuer=profile, name="…", credentials=[vc, …],
        achievements=[level achievement, …], valid_from=now,
    )
    signed = sign(clr, DEFAULT_SUITE, now)  # issuer.proofs.suites

Contexts in the order CLR requires: VC 2.0, CLR 2.0.1, OB 3.0.3 (then the OB extensions
context, which defines the `1EdTechJsonSchemaValidator2019` type of `credentialSchema`).
The ClrSubject names the learner as the credentials do (their `id`, else their
identifiers), holds every credential as signed, every achievement they carry plus the
extra ones given (e.g. the levels the statements belong to), and one `isChildOf`
association from each statement achievement to its level achievement.
"""

from datetime import datetime
from typing import Any

from issuer.model.credential import format_datetime_z
from issuer.model.spec import CLR_V2_CONTEXT, OB_EXTENSIONS_CONTEXT, OB_V3_CONTEXT, VC_V2_CONTEXT
from issuer.schemas import CLR_CREDENTIAL

CLR_CONTEXTS = [VC_V2_CONTEXT, CLR_V2_CONTEXT, OB_V3_CONTEXT, OB_EXTENSIONS_CONTEXT]
LEVEL_ALIGNMENT = "ext:ProficiencyLevel"


def subject_achievement(credential: dict[str, Any]) -> dict[str, Any] | None:
    """Return the Achievement of a credential's (first) subject, if it has one."""
    subject = credential.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else None
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    return achievement if isinstance(achievement, dict) else None


def level_of(achievement: dict[str, Any]) -> str | None:
    """Return the id of the level achievement a statement achievement belongs to, if any."""
    for alignment in achievement.get("alignment") or []:
        if isinstance(alignment, dict) and alignment.get("targetType") == LEVEL_ALIGNMENT:
            target = alignment.get("targetUrl")
            return target if isinstance(target, str) else None
    return None


def associations(achievements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return an `isChildOf` association from each statement achievement to its level."""
    result = []
    for achievement in achievements:
        level = level_of(achievement)
        if level is not None and isinstance(achievement.get("id"), str):
            result.append(
                {
                    "type": "Association",
                    "associationType": "isChildOf",
                    "sourceId": achievement["id"],
                    "targetId": level,
                }
            )
    return result


def learner(credentials: list[dict[str, Any]]) -> dict[str, Any]:
    """Return how the ClrSubject names the learner: the subjects' `id`, else their identifiers."""
    for credential in credentials:
        subject = credential.get("credentialSubject")
        if isinstance(subject, dict) and isinstance(subject.get("id"), str):
            return {"id": subject["id"]}
    for credential in credentials:
        subject = credential.get("credentialSubject")
        identifiers = subject.get("identifier") if isinstance(subject, dict) else None
        if identifiers:
            return {"identifier": identifiers}
    return {}


def build_clr(
    *,
    clr_id: str,
    issuer: dict[str, Any],
    name: str,
    credentials: list[dict[str, Any]],
    valid_from: datetime,
    achievements: list[dict[str, Any]] | None = None,
    description: str | None = None,
) -> dict[str, Any]:
    """Return the unsigned ClrCredential holding `credentials` (at least one)."""
    if not credentials:
        raise ValueError("a ClrCredential holds at least one credential")
    listed: dict[str, dict[str, Any]] = {}
    for achievement in [
        *(subject_achievement(c) for c in credentials),
        *(achievements or []),
    ]:
        if achievement is not None and isinstance(achievement.get("id"), str):
            listed.setdefault(achievement["id"], achievement)
    subject: dict[str, Any] = {
        "type": ["ClrSubject"],
        **learner(credentials),
        "verifiableCredential": credentials,
        "achievement": list(listed.values()),
    }
    links = associations(list(listed.values()))
    if links:
        subject["association"] = links
    document: dict[str, Any] = {
        "@context": list(CLR_CONTEXTS),
        "id": clr_id,
        "type": ["VerifiableCredential", "ClrCredential"],
        "name": name,
    }
    if description:
        document["description"] = description
    document |= {
        "issuer": issuer,
        "validFrom": format_datetime_z(valid_from),
        "credentialSubject": subject,
        "credentialSchema": [{"id": CLR_CREDENTIAL, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    return document
