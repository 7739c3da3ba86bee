"""Awards: a learner demonstrated statements (or whole levels) of a framework -> credentials.

One OpenBadgeCredential per demonstrated statement, plus one per level whose every
statement is demonstrated (with a Result stating the level achieved). A statement or
level already awarded to the same recipient is not issued twice: the existing
credential is returned instead (see `dedupe_key`).
"""

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from issuer.credentials.compose import Recipient, compose_credential
from issuer.errors import InvalidInput, NotFound
from issuer.frameworks.mapping import FrameworkAchievements, achieved_level_result
from issuer.frameworks.structure import Framework, Level
from issuer.model.achievement import Achievement, Profile
from issuer.model.base import OB_EXTENSIONS_CONTEXT
from issuer.model.credential import CredentialSchema, Evidence, Result, normalize_email
from issuer.model.status import StatusPurpose
from issuer.proofs.suites import DEFAULT_SUITE
from issuer.services.frameworks import FrameworkCatalog
from issuer.services.issuing import Draft, Issuer
from issuer.store.credentials import StoredCredential


@dataclass(frozen=True)
class AwardRequest:
    """What the caller asks for."""

    framework: str
    recipient: Recipient
    statements: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    narrative: str | None = None
    valid_until: datetime | None = None
    cryptosuite: str = DEFAULT_SUITE
    status_purpose: StatusPurpose = "revocation"
    """ "suspension": the credentials can be suspended and reinstated (and still revoked)."""


@dataclass(frozen=True)
class AwardedCredential:
    """One credential of an award; `existing` when it had been issued before."""

    stored: StoredCredential
    achievement: Achievement
    kind: str
    existing: bool


@dataclass(frozen=True)
class AwardResult:
    """Every credential of an award and the learner's wallet id."""

    framework: Framework
    credentials: list[AwardedCredential] = field(default_factory=list)
    wallet_id: str | None = None


def recipient_key(recipient: Recipient) -> str:
    """Return the stable key identifying a recipient (email preferred, else DID)."""
    identity = (
        f"email:{normalize_email(recipient.email)}" if recipient.email else f"did:{recipient.did}"
    )
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def dedupe_key(framework_id: str, achievement_id: str, recipient: str) -> str:
    """Return the key under which one achievement for one recipient is issued at most once."""
    return hashlib.sha256(f"{framework_id}|{achievement_id}|{recipient}".encode()).hexdigest()


@dataclass(frozen=True)
class Selection:
    """An achievement to award; `level` is set for a whole-level achievement."""

    achievement: Achievement
    level: Level | None = None

    @property
    def kind(self) -> str:
        """ "level" or "statement"."""
        return "level" if self.level else "statement"


def resolve_demonstrated(
    framework: Framework, statements: tuple[str, ...], levels: tuple[str, ...]
) -> tuple[set[str], list[str]]:
    """Return the keys of the demonstrated statements, and a message for each unknown reference."""
    chosen: set[str] = set()
    problems: list[str] = []
    for reference in statements:
        try:
            chosen.add(framework.statement(_statement_key(reference)).key)
        except NotFound as err:
            problems.append(str(err))
    for level_ref in levels:
        try:
            chosen.update(s.key for s in framework.level(level_ref).statements)
        except NotFound as err:
            problems.append(str(err))
    return chosen, problems


def selections_for(
    framework: Framework, achievements: FrameworkAchievements, chosen: set[str]
) -> list[Selection]:
    """Return each chosen statement, then each level whose every statement is chosen."""
    selected = [
        Selection(achievements.statements[s.key]) for s in framework.statements() if s.key in chosen
    ]
    selected += [
        Selection(achievements.levels[level.key], level)
        for level in framework.levels
        if all(s.key in chosen for s in level.statements)
    ]
    return selected


def select_achievements(
    framework: Framework, achievements: FrameworkAchievements, request: AwardRequest
) -> list[Selection]:
    """Return each demonstrated statement, then each level whose every statement is demonstrated."""
    if not request.statements and not request.levels:
        raise InvalidInput("name the demonstrated statements, or a level")
    chosen, problems = resolve_demonstrated(framework, request.statements, request.levels)
    if problems:
        raise InvalidInput(problems[0])
    return selections_for(framework, achievements, chosen)


def award_document(
    *,
    credential_url: str,
    issuer: Profile,
    achievement: Achievement,
    recipient: Recipient,
    valid_from: datetime,
    valid_until: datetime | None = None,
    evidence: list[Evidence] | None = None,
    narrative: str | None = None,
    results: list[Result] | None = None,
) -> dict[str, Any]:
    """Return the unsigned OpenBadgeCredential of one award (recipient salted with a fresh salt)."""
    salted = Recipient(
        email=recipient.email, did=recipient.did, name=recipient.name, salt=secrets.token_hex(8)
    )
    credential = compose_credential(
        credential_id=credential_url,
        issuer=issuer,
        achievement=achievement,
        recipient=salted,
        valid_from=valid_from,
        valid_until=valid_until,
        evidence=evidence,
        narrative=narrative,
        results=results,
    )
    credential.credential_schema = [CredentialSchema()]
    credential.context = [*credential.context, OB_EXTENSIONS_CONTEXT]
    return credential.to_ld()


def _statement_key(reference: str) -> str:
    """Accept a statement key (`proficient-03`) or its achievement URL."""
    return reference.rstrip("/").rsplit("/statements/", 1)[-1]


class AwardService:
    """Issues the credentials of awards."""

    def __init__(
        self,
        *,
        base_url: str,
        catalog: FrameworkCatalog,
        issuer: Issuer,
        issuer_profile: Callable[[], Profile],
    ) -> None:
        self._base_url = base_url
        self._catalog = catalog
        self._issuer = issuer
        self._issuer_profile = issuer_profile

    def award(self, request: AwardRequest, *, now: datetime, actor: str) -> AwardResult:
        """Issue (or find) every credential the award calls for; all stored or none."""
        try:
            framework = self._catalog.get(request.framework)
        except NotFound as err:
            raise InvalidInput(str(err)) from err
        achievements = self._catalog.achievements(framework.id)
        selected = select_achievements(framework, achievements, request)
        recipient = recipient_key(request.recipient)
        keys = [dedupe_key(framework.id, s.achievement.id, recipient) for s in selected]
        drafts = [
            self._draft(framework, selection, request, recipient, key, now)
            for selection, key in zip(selected, keys, strict=True)
        ]
        # Policy `skip`: what was awarded before (also at the same moment, by a concurrent
        # identical award) is answered, not issued twice.
        records = self._issuer.issue(
            drafts,
            cryptosuite=request.cryptosuite,
            status_purpose=request.status_purpose,
            policy="skip",
            now=now,
            actor=actor,
        )
        by_key = {record.draft.dedupe_key: record for record in records}
        result = [
            AwardedCredential(
                stored=by_key[key].stored,
                achievement=selection.achievement,
                kind=selection.kind,
                existing=by_key[key].existing,
            )
            for selection, key in zip(selected, keys, strict=True)
        ]
        wallet = next((c.stored.wallet_id for c in result if c.stored.wallet_id), None)
        return AwardResult(framework=framework, credentials=result, wallet_id=wallet)

    def _draft(
        self,
        framework: Framework,
        selection: Selection,
        request: AwardRequest,
        recipient: str,
        key: str,
        now: datetime,
    ) -> Draft:
        draft = Draft(
            framework_id=framework.id,
            achievement_id=selection.achievement.id,
            recipient_key=recipient,
            dedupe_key=key,
            valid_until=request.valid_until,
        )
        results = None
        if selection.level is not None:
            results = [achieved_level_result(framework, selection.level, self._base_url)]
        document = award_document(
            credential_url=f"{self._base_url}/credentials/{draft.credential_id}",
            issuer=self._issuer_profile(),
            achievement=selection.achievement,
            recipient=request.recipient,
            valid_from=now,
            valid_until=request.valid_until,
            evidence=list(request.evidence),
            narrative=request.narrative,
            results=results,
        )
        return replace(draft, document=document)
