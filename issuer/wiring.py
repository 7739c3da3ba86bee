"""Composition root shared by the web app and the CLI: builds the services from `Settings`."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from issuer.errors import NotFound
from issuer.keys.identity import IssuerIdentity
from issuer.keys.store import KeyStore
from issuer.model.achievement import Image, Profile
from issuer.model.base import is_open_badges_family
from issuer.model.branding import LOGO_PATH, Branding
from issuer.proofs.data_integrity import add_proof
from issuer.services.awards import AwardService
from issuer.services.batch_planning import BatchPlanner
from issuer.services.batch_results import BatchResults
from issuer.services.batch_runners import BatchRunner, InProcessRunner
from issuer.services.batch_running import BatchExecutor
from issuer.services.batch_signing import SignerRef
from issuer.services.batches import BatchService
from issuer.services.frameworks import FrameworkCatalog
from issuer.services.issuing import Issuer
from issuer.services.mail import MailService
from issuer.services.offers import OfferService
from issuer.services.oid4vci import Oid4vciService
from issuer.services.signing import InProcessSigning, SignFunction
from issuer.services.skills import SkillsProfiler
from issuer.services.status import StatusService
from issuer.services.vc_issue import VcApiIssuance
from issuer.services.verification import Verifier
from issuer.services.wallet import WalletService
from issuer.settings import Settings
from issuer.store.audit import AuditLog
from issuer.store.batches import BatchStore, StoredBatch
from issuer.store.checked_rosters import CheckedRosterStore
from issuer.store.credentials import CredentialStore
from issuer.store.database import Engine, make_engine, migrate
from issuer.store.frameworks import FrameworkStore
from issuer.store.offers import OfferStore
from issuer.store.oid4vci import Oid4vciStore
from issuer.store.outbox import OutboxStore
from issuer.store.status_lists import StatusListStore
from issuer.store.tokens import TokenStore
from issuer.store.unit_of_work import SqlUnitOfWork


@dataclass
class Services:
    """Everything a request or command needs, built once per app or command."""

    settings: Settings
    engine: Engine
    frameworks: FrameworkCatalog
    keys: KeyStore
    identity: IssuerIdentity
    tokens: TokenStore
    credentials: CredentialStore
    status_lists: StatusListStore
    uow: SqlUnitOfWork
    """`with uow() as tx:` one write transaction over the stores."""
    issuer: Issuer
    """The one issuance pipeline (awards, the VC API and batches issue through it)."""
    vc_issue: VcApiIssuance
    awards: AwardService
    status: StatusService
    verifier: Verifier
    issuer_profile: Callable[[], Profile]
    """The issuer Profile put into credentials this service builds (follows key rotation)."""
    batches: BatchService
    sign: SignFunction
    """Signs a document as this service's issuer (active key)."""
    wallet: WalletService
    audit: AuditLog
    batch_runner: BatchRunner
    """Where submitted batches run: the Redis queue when configured, else `in_process`."""
    in_process: InProcessRunner
    signer_ref: Callable[[], SignerRef]
    """Where signing worker processes find the active key."""
    offers: OfferService
    """Offers of issued credentials to learners' wallets (holder-bound copies)."""
    mail: MailService
    """Learner emails: the outbox, sent through `ISSUER_SMTP_URL` when set."""
    branding: Branding
    """The issuer's name, website, logo and contact email (`ISSUER_NAME`, `_URL`, `_LOGO`, `_EMAIL`)."""
    skills: SkillsProfiler
    """The skills profile of verified credentials (levels x statements per framework)."""
    oid4vci: Oid4vciService
    """OpenID4VCI token, nonce and credential endpoints (over `offers`)."""
    checked_rosters: CheckedRosterStore
    """Rosters checked in the console, kept a day to issue them without a new upload."""


def build_services(settings: Settings) -> Services:
    """Connect to the database (migrating its schema to the latest) and build the services."""
    engine = make_engine(settings.database_url)
    migrate(engine)
    keys = KeyStore(settings.keys_dir)
    identity = IssuerIdentity.from_settings(settings, keys)
    catalog = FrameworkCatalog(FrameworkStore(engine), settings.base_url)
    credentials = CredentialStore(engine)
    status_lists = StatusListStore(engine)

    branding = Branding.from_settings(settings)
    logo = Image(id=f"{settings.base_url}{LOGO_PATH}") if branding.logo else None

    def issuer_profile() -> Profile:
        return Profile(
            id=identity.did, name=branding.name, url=branding.url, email=branding.email, image=logo
        )

    def sign(document: dict[str, Any], cryptosuite: str, now: datetime) -> dict[str, Any]:
        return add_proof(
            document,
            identity.signer(),
            created=now,
            cryptosuite=cryptosuite,
            as_set=is_open_badges_family(document),
        )

    batch_store = BatchStore(engine)
    uow = SqlUnitOfWork(
        engine, credentials=credentials, status_lists=status_lists, batches=batch_store
    )
    issuer = Issuer(
        base_url=settings.base_url,
        issuer_id=lambda: identity.did,
        credentials=credentials,
        status_lists=status_lists,
        uow=uow,
        signing=InProcessSigning(sign, base_url=settings.base_url),
    )
    status = StatusService(
        uow=uow,
        base_url=settings.base_url,
        status_lists=status_lists,
        sign=sign,
        issuer_id=lambda: identity.did,
    )

    def signer_ref() -> SignerRef:
        key = keys.active()
        return SignerRef(settings.keys_dir, key.id, identity.verification_method(key))

    planner = BatchPlanner(base_url=settings.base_url, catalog=catalog, credentials=credentials)
    batches = BatchService(
        planner=planner,
        executor=BatchExecutor(
            base_url=settings.base_url,
            planner=planner,
            issuer=issuer,
            batches=batch_store,
            credentials=credentials,
            issuer_profile=issuer_profile,
            signer_ref=signer_ref,
        ),
        results=BatchResults(planner=planner, credentials=credentials, batches=batch_store),
        batches=batch_store,
    )
    mail = _mail_service(settings, engine, credentials)

    def run_batch(batch_id: str, **options: Any) -> StoredBatch:
        batch = batches.run(batch_id, **options)
        if batch.status == "finished" and batch.options.get("notify"):
            mail.notify_batch(
                batch.id,
                batches.results(batch.id),
                repeated=batches.repeated_learners(batch.id),
                now=datetime.now(UTC),
            )
        return batch

    in_process = InProcessRunner(run_batch)
    batch_runner: BatchRunner = in_process
    if settings.redis_url:
        from issuer.services.queue import QueueRunner

        batch_runner = QueueRunner(
            settings.redis_url, settings.batch_queue, mark_queued=batches.mark_queued
        )
    verifier = Verifier(
        base_url=settings.base_url,
        local_documents=identity.local_documents,
        read_own_list=lambda list_id: _read_own_list(status, list_id),
        fetch_hosts=settings.fetch_hosts,
        revoked_for_good=lambda credential_id, url, index: _revoked_for_good(
            credentials, credential_id, url, index
        ),
    )
    offer_store = OfferStore(engine)
    offers = OfferService(
        base_url=settings.base_url,
        issuer_did=lambda: identity.did,
        credentials=credentials,
        offers=offer_store,
        uow=uow,
        issuer=issuer,
        verifier=verifier,
        ttl=timedelta(seconds=settings.offer_ttl),
    )
    return Services(
        settings=settings,
        engine=engine,
        frameworks=catalog,
        keys=keys,
        identity=identity,
        tokens=TokenStore(engine),
        credentials=credentials,
        status_lists=status_lists,
        uow=uow,
        issuer=issuer,
        vc_issue=VcApiIssuance(
            base_url=settings.base_url,
            issuer=issuer,
            credentials=credentials,
            issuer_id=lambda: identity.did,
            issuer_profile=lambda: issuer_profile().to_ld(),
        ),
        awards=AwardService(
            base_url=settings.base_url,
            catalog=catalog,
            issuer=issuer,
            issuer_profile=issuer_profile,
        ),
        status=status,
        verifier=verifier,
        issuer_profile=issuer_profile,
        batches=batches,
        sign=sign,
        wallet=WalletService(
            base_url=settings.base_url,
            credentials=credentials,
            catalog=catalog,
            sign=sign,
            issuer_profile=issuer_profile,
            branding=branding,
        ),
        audit=AuditLog(engine),
        batch_runner=batch_runner,
        in_process=in_process,
        signer_ref=signer_ref,
        offers=offers,
        mail=mail,
        branding=branding,
        skills=SkillsProfiler(catalog, settings.base_url),
        oid4vci=Oid4vciService(
            credential_issuer=settings.base_url,
            offers=offers,
            offer_reader=offer_store,
            tokens=Oid4vciStore(engine),
            uow=uow,
            verifier=verifier,
        ),
        checked_rosters=CheckedRosterStore(engine),
    )


def _mail_service(settings: Settings, engine: Engine, credentials: CredentialStore) -> MailService:
    transport = None
    if settings.smtp_url:
        from issuer.services.smtp import SmtpTransport

        transport = SmtpTransport(settings.smtp_url)
    return MailService(
        outbox=OutboxStore(engine),
        transport=transport,
        wallets=credentials,
        base_url=settings.base_url,
        issuer_name=settings.issuer_name,
        mail_from=settings.mail_from,
        issuer_url=settings.issuer_url or settings.base_url,
        issuer_email=settings.issuer_email,
    )


def _read_own_list(status: StatusService, list_id: str) -> str | None:
    """Return this service's signed status list `list_id`, or None if there is no such list."""
    try:
        return status.list_document(list_id, now=datetime.now(UTC)).document
    except NotFound:
        return None


def _revoked_for_good(
    credentials: CredentialStore, credential_id: str, url: str, index: str
) -> bool:
    """Return whether this service revoked credential `credential_id` for good, its status
    entry being index `index` of the list at `url` (so a set suspension bit means revoked)."""
    stored = credentials.get_by_url(credential_id)
    if stored is None or stored.revoked_at is None:
        return False
    entries = json.loads(stored.document).get("credentialStatus")
    return any(
        isinstance(entry, dict)
        and entry.get("statusListCredential") == url
        and str(entry.get("statusListIndex")) == index
        for entry in (entries if isinstance(entries, list) else [entries])
    )
