"""Composition root shared by the web app and the CLI: builds the services from `Settings`."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from issuer.errors import NotFound
from issuer.keys.identity import IssuerIdentity
from issuer.keys.store import KeyStore
from issuer.model.achievement import Profile
from issuer.model.base import is_open_badges_family
from issuer.proofs.data_integrity import add_proof
from issuer.services.awards import AwardService
from issuer.services.batch_signing import SignerRef
from issuer.services.batches import BatchService
from issuer.services.frameworks import FrameworkCatalog
from issuer.services.signing import CredentialSigner, SignFunction
from issuer.services.status import StatusService
from issuer.services.verification import Verifier
from issuer.services.wallet import WalletService
from issuer.settings import Settings
from issuer.store.batches import BatchStore
from issuer.store.credentials import CredentialStore
from issuer.store.database import make_engine, migrate
from issuer.store.frameworks import FrameworkStore
from issuer.store.status_lists import StatusListStore
from issuer.store.tokens import TokenStore


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
    signer: CredentialSigner
    awards: AwardService
    status: StatusService
    verifier: Verifier
    issuer_profile: Callable[[], Profile]
    """The issuer Profile put into credentials this service builds (follows key rotation)."""
    batches: BatchService
    sign: SignFunction
    """Signs a document as this service's issuer (active key)."""
    wallet: WalletService


def build_services(settings: Settings) -> Services:
    """Connect to the database (migrating its schema to the latest) and build the services."""
    engine = make_engine(settings.database_url)
    migrate(engine)
    keys = KeyStore(settings.keys_dir)
    identity = IssuerIdentity.from_settings(settings, keys)
    catalog = FrameworkCatalog(FrameworkStore(engine), settings.base_url)
    credentials = CredentialStore(engine)
    status_lists = StatusListStore(engine)

    def issuer_profile() -> Profile:
        return Profile(id=identity.did, name=settings.issuer_name, url=settings.base_url)

    def sign(document: dict[str, Any], cryptosuite: str, now: datetime) -> dict[str, Any]:
        return add_proof(
            document,
            identity.signer(),
            created=now,
            cryptosuite=cryptosuite,
            as_set=is_open_badges_family(document),
        )

    signer = CredentialSigner(
        engine=engine,
        base_url=settings.base_url,
        sign=sign,
        issuer_id=lambda: identity.did,
        credentials=credentials,
        status_lists=status_lists,
    )
    status = StatusService(
        engine=engine,
        base_url=settings.base_url,
        status_lists=status_lists,
        credentials=credentials,
        sign=sign,
        issuer_id=lambda: identity.did,
    )

    def signer_ref() -> SignerRef:
        key = keys.active()
        return SignerRef(settings.keys_dir, key.id, identity.verification_method(key))

    batches = BatchService(
        engine=engine,
        base_url=settings.base_url,
        catalog=catalog,
        credentials=credentials,
        status_lists=status_lists,
        batches=BatchStore(engine),
        issuer_profile=issuer_profile,
        issuer_id=lambda: identity.did,
        signer_ref=signer_ref,
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
        signer=signer,
        awards=AwardService(
            base_url=settings.base_url,
            catalog=catalog,
            credentials=credentials,
            signer=signer,
            issuer_profile=issuer_profile,
        ),
        status=status,
        verifier=Verifier(
            base_url=settings.base_url,
            local_documents=identity.local_documents,
            read_own_list=lambda list_id: _read_own_list(status, list_id),
            fetch_hosts=settings.fetch_hosts,
            revoked_for_good=lambda credential_id, url, index: _revoked_for_good(
                credentials, credential_id, url, index
            ),
        ),
        issuer_profile=issuer_profile,
        batches=batches,
        sign=sign,
        wallet=WalletService(
            base_url=settings.base_url,
            credentials=credentials,
            catalog=catalog,
            sign=sign,
            issuer_profile=issuer_profile,
        ),
    )


def _read_own_list(status: StatusService, list_id: str) -> str | None:
    """Return this service's signed status list `list_id`, or None if there is no such list."""
    try:
        return status.list_document(list_id, now=datetime.now(UTC))[0]
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
