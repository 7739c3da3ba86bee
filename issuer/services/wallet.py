"""A learner's wallet: their credentials, and the files they take away.

Files: each credential's JSON exactly as signed, its badge image (PNG or SVG) with the
credential baked in, an unsigned VerifiablePresentation of every credential in good
standing, and per framework a ClrCredential signed by this service.
"""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from issuer.errors import Conflict, NotFound
from issuer.frameworks.mapping import framework_name
from issuer.model.achievement import Profile
from issuer.model.branding import Branding
from issuer.proofs.suites import DEFAULT_SUITE
from issuer.services.frameworks import FrameworkCatalog
from issuer.services.signing import SignFunction
from issuer.store.credentials import CredentialStore, StoredCredential
from issuer.wallet.badge_image import BadgeText, badge_text, credential_badge, issuer_name
from issuer.wallet.baking import bake_png, bake_svg
from issuer.wallet.certificate import Certified, certificate_pdf, record_pdf
from issuer.wallet.clr import build_clr, level_of, subject_achievement
from issuer.wallet.presentation import build_presentation, holder_of

CredentialState = Literal["active", "revoked", "suspended", "expired"]


def credential_state(stored: StoredCredential, now: datetime) -> CredentialState:
    """Return whether a credential is in good standing, as this service's records say."""
    if stored.revoked_at is not None:
        return "revoked"
    if stored.suspended:
        return "suspended"
    until = stored.valid_until
    if until is not None and (until if until.tzinfo else until.replace(tzinfo=UTC)) <= now:
        return "expired"
    return "active"


@dataclass(frozen=True)
class WalletCredential:
    """One credential of a wallet, parsed for display."""

    stored: StoredCredential
    document: dict[str, Any]
    state: CredentialState

    @property
    def achievement(self) -> dict[str, Any]:
        """The Achievement the credential carries (empty if it carries none)."""
        return subject_achievement(self.document) or {}

    @property
    def badge(self) -> BadgeText:
        """What the credential's badge says."""
        return badge_text(self.achievement, issuer=issuer_name(self.document))


@dataclass(frozen=True)
class WalletFramework:
    """A framework the learner holds credentials of (for the CLR download)."""

    id: str
    name: str
    credentials: int


def clr_id(base_url: str, wallet_id: str, framework_id: str) -> str:
    """Return the stable `urn:uuid:` of a learner's CLR for a framework (hides the wallet id)."""
    name = f"{base_url}/wallet/{wallet_id}/clr/{framework_id}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


class WalletService:
    """Reads wallets and builds the files learners download."""

    def __init__(
        self,
        *,
        base_url: str,
        credentials: CredentialStore,
        catalog: FrameworkCatalog,
        sign: SignFunction,
        issuer_profile: Callable[[], Profile],
        branding: Branding | None = None,
    ) -> None:
        self._base_url = base_url
        self._branding = branding or Branding(name="LER Issuer", url=base_url)
        self._credentials = credentials
        self._catalog = catalog
        self._sign = sign
        self._issuer_profile = issuer_profile

    def credentials(self, wallet_id: str, *, now: datetime) -> list[WalletCredential]:
        """Return the wallet's credentials, oldest first; raise `NotFound` for an unknown wallet."""
        rows = self._credentials.in_wallet(wallet_id)
        if not rows:
            raise NotFound("there is no wallet at this link; check that it was copied whole")
        return [
            WalletCredential(
                stored=row, document=json.loads(row.document), state=credential_state(row, now)
            )
            for row in rows
        ]

    def frameworks(self, wallet: list[WalletCredential]) -> list[WalletFramework]:
        """Return the frameworks the wallet's credentials in good standing come from."""
        counts: dict[str, int] = {}
        for item in wallet:
            if item.state == "active" and item.stored.framework_id:
                counts[item.stored.framework_id] = counts.get(item.stored.framework_id, 0) + 1
        result = []
        for framework_id, count in counts.items():
            try:
                name = framework_name(self._catalog.get(framework_id))
            except NotFound:
                name = framework_id
            result.append(WalletFramework(id=framework_id, name=name, credentials=count))
        return result

    def presentation(self, wallet_id: str, *, now: datetime) -> dict[str, Any]:
        """Return an unsigned presentation of every credential in good standing."""
        documents = [
            c.document for c in self.credentials(wallet_id, now=now) if c.state == "active"
        ]
        if not documents:
            raise NotFound("this wallet holds no credential in good standing")
        return build_presentation(
            documents, presentation_id=f"urn:uuid:{uuid.uuid4()}", holder=holder_of(documents)
        )

    def clr(self, wallet_id: str, framework_id: str, *, now: datetime) -> dict[str, Any]:
        """Return the signed ClrCredential of the wallet's credentials from one framework."""
        wallet = self.credentials(wallet_id, now=now)
        chosen = [
            c.document
            for c in wallet
            if c.state == "active" and c.stored.framework_id == framework_id
        ]
        if not chosen:
            raise NotFound(f"this wallet holds no credential in good standing from {framework_id}")
        name = framework_id
        extra: list[dict[str, Any]] = []
        try:
            framework = self._catalog.get(framework_id)
            name = framework_name(framework)
            levels = {a.id: a for a in self._catalog.achievements(framework.id).levels.values()}
            wanted = {level_of(subject_achievement(d) or {}) for d in chosen}
            extra = [levels[i].to_ld() for i in levels if i in wanted]
        except NotFound:
            pass
        issuer = self._issuer_profile()
        count = len(chosen)
        document = build_clr(
            clr_id=clr_id(self._base_url, wallet_id, framework_id),
            issuer=issuer.to_ld(),
            name=f"Learning record: {name}",
            description=f"{count} credential{'s' if count != 1 else ''} from the {name}, "
            f"issued by {issuer.name or issuer.id}.",
            credentials=chosen,
            achievements=extra,
            valid_from=now,
        )
        return self._sign(document, DEFAULT_SUITE, now)

    def certificate(self, stored: StoredCredential, *, verify_url: str, now: datetime) -> bytes:
        """Return the credential's PDF certificate; raise `Conflict` unless in good standing."""
        state = credential_state(stored, now)
        if state != "active":
            raise Conflict(
                f"this credential is {state}, so it has no certificate; "
                "its verification page says so to anyone who checks it"
            )
        return certificate_pdf(
            Certified.from_json(stored.document, verify_url), self._branding, now=now
        )

    def record(
        self, wallet_id: str, *, verify_url: Callable[[StoredCredential], str], now: datetime
    ) -> bytes:
        """Return the wallet's credentials in good standing as one PDF record.

        Raise `NotFound` for an unknown wallet, `Conflict` when none is in good standing.
        """
        wallet = self.credentials(wallet_id, now=now)
        good = [c for c in wallet if c.state == "active"]
        if not good:
            raise Conflict(
                "none of the credentials in this wallet is in good standing, "
                "so there is no record to print"
            )
        items = [Certified(c.document, verify_url(c.stored)) for c in good]
        return record_pdf(items, self._branding, now=now, left_out=len(wallet) - len(good))

    @property
    def logo(self) -> bytes | None:
        """The issuer's logo (`ISSUER_LOGO`), drawn on badge images."""
        return self._branding.logo

    def badge(self, stored: StoredCredential, kind: Literal["png", "svg"]) -> bytes:
        """Return the credential's badge image with the credential (as signed) baked in."""
        image = credential_badge(json.loads(stored.document), kind, logo=self._branding.logo)
        if kind == "png":
            return bake_png(image, stored.document)
        return bake_svg(image, stored.document).encode("utf-8")
