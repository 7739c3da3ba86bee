"""Does a credential name the person in front of the employer? Their email against its recipient.

    checks = recipient_matches(result, "ana@example.org")
    [(c.name, c.outcome) for c in checks]   # "match", "no-match" or "no-email"

An Open Badges credential names its learner by a hashed `IdentityObject` (`emailAddress`,
`sha256$<hex>` of the normalized address with its salt). The identifiers are read from each
credential's signed view (`issuer.jsonld.view`), never from the JSON as received, so a
rewrite that keeps the signature cannot change the answer. Only credentials that verified
can match: a credential that did not verify says nothing about who holds it.
"""

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationError

from issuer.model.credential import IdentityObject
from issuer.model.spec import as_list
from issuer.model.verification import VerificationResult
from issuer.services.skills import leaves
from issuer.verify.checks.signed import signed_view_or_none

Outcome = Literal["match", "no-match", "no-email", "not-verified"]


@dataclass(frozen=True)
class HolderCheck:
    """The answer for one credential."""

    credential: str | None
    name: str
    outcome: Outcome


def _identities(document: Any) -> list[IdentityObject] | None:
    """Return the email identities the signed view names (None: unreadable)."""
    view = signed_view_or_none(document)
    if view is None:
        return None
    found = []
    for subject in as_list(view.get("credentialSubject")):
        if not isinstance(subject, dict):
            continue
        for item in as_list(subject.get("identifier")):
            if not isinstance(item, dict) or item.get("identityType") != "emailAddress":
                continue
            try:
                found.append(IdentityObject.model_validate(item))
            except ValidationError:
                continue
    return found


def recipient_matches(result: VerificationResult, email: str) -> list[HolderCheck]:
    """Return, for each credential in `result`, whether its recipient is `email`."""
    checks = []
    for item in leaves(result):
        name = item.summary.name or "A credential"
        credential = item.summary.id
        identities = _identities(item.document) if item.verified else None
        if not item.verified or identities is None:
            outcome: Outcome = "not-verified"
        elif not identities:
            outcome = "no-email"
        elif any(identity.matches(email) for identity in identities):
            outcome = "match"
        else:
            outcome = "no-match"
        checks.append(HolderCheck(credential, name, outcome))
    return checks
