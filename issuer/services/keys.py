"""Key events with an audit trail: first key, generation and rotation."""

from datetime import datetime

from issuer.keys.store import IssuerKey, KeyStore
from issuer.store.protocols import UnitOfWork


def _audit(uow: UnitOfWork, action: str, key: IssuerKey, *, actor: str, now: datetime) -> None:
    with uow() as tx:
        tx.audit.record(
            at=now,
            actor=actor,
            action=action,
            subject=key.id,
            detail={"publicKeyMultibase": key.public_multibase},
        )


def ensure_key(keys: KeyStore, uow: UnitOfWork, *, now: datetime, actor: str) -> IssuerKey:
    """Return the active key, creating (and auditing) the first one if there is none."""
    had_keys = bool(keys.all())
    key = keys.ensure(now=now)
    if not had_keys:
        _audit(uow, "key-generate", key, actor=actor, now=now)
    return key


def generate_key(keys: KeyStore, uow: UnitOfWork, *, now: datetime, actor: str) -> IssuerKey:
    """Create the first key (`Conflict` if one exists) and audit it."""
    key = keys.generate(now=now)
    _audit(uow, "key-generate", key, actor=actor, now=now)
    return key


def rotate_key(keys: KeyStore, uow: UnitOfWork, *, now: datetime, actor: str) -> IssuerKey:
    """Retire the active key, make a new one active, and audit it."""
    key = keys.rotate(now=now)
    _audit(uow, "key-rotate", key, actor=actor, now=now)
    return key
