"""The outbox of learner emails, and the throttle on wallet-link reminders.

A message is written here before any attempt to send it, so a mail server that is down
loses nothing: the message waits, with its last error and attempt count, until a sender
(`ler-issuer outbox send`, or the service right after queueing) delivers it. A sender
first *claims* a message for a short lease, so two senders never send it twice.

Privacy: learners' addresses are otherwise stored only as hashes (`recipient_key`). The
outbox must hold the address (and the message, which carries the private wallet link)
until the message is sent; once sent, both are blanked and the row stays only as a record
that it was sent (and to keep `dedupe_key` from sending it again).
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from issuer.store.database import (
    mail_throttle_table,
    outbox_table,
    wallets_table,
    write_transaction,
)


@dataclass(frozen=True)
class OutgoingMessage:
    """A message to queue."""

    kind: str
    to_address: str
    subject: str
    text_body: str
    html_body: str
    dedupe_key: str | None = None
    """Messages with the same key are queued once (e.g. one per learner per batch)."""


@dataclass(frozen=True)
class QueuedMessage:
    """A message in the outbox (`to_address` None once sent)."""

    id: str
    kind: str
    to_address: str | None
    subject: str
    text_body: str
    html_body: str
    created_at: datetime
    attempts: int
    last_error: str | None
    last_attempt_at: datetime | None
    sent_at: datetime | None


class OutboxStore:
    """Queues, claims and settles outgoing messages."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, message: OutgoingMessage, *, now: datetime) -> str | None:
        """Queue `message`; return its id, or None if one with its `dedupe_key` exists."""
        message_id = str(uuid.uuid4())
        try:
            with self._engine.begin() as conn:
                conn.execute(
                    insert(outbox_table).values(
                        id=message_id,
                        kind=message.kind,
                        to_address=message.to_address,
                        subject=message.subject,
                        text_body=message.text_body,
                        html_body=message.html_body,
                        dedupe_key=message.dedupe_key,
                        created_at=now,
                        attempts=0,
                    )
                )
        except IntegrityError:
            if message.dedupe_key is None:
                raise
            return None
        return message_id

    def pending(self, *, limit: int = 100) -> list[QueuedMessage]:
        """Return the messages not yet sent, oldest first."""
        table = outbox_table
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(*self._columns())
                .where(table.c.sent_at.is_(None))
                .order_by(table.c.created_at, table.c.id)
                .limit(limit)
            ).all()
        return [QueuedMessage(**row._mapping) for row in rows]

    def count_pending(self) -> int:
        """Return how many messages wait to be sent."""
        table = outbox_table
        with self._engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count()).select_from(table).where(table.c.sent_at.is_(None))
                ).scalar_one()
            )

    def get(self, message_id: str) -> QueuedMessage | None:
        """Return one message, or None."""
        with self._engine.connect() as conn:
            row = conn.execute(
                select(*self._columns()).where(outbox_table.c.id == message_id)
            ).first()
        return QueuedMessage(**row._mapping) if row else None

    def claim(self, message_id: str, *, now: datetime, lease: timedelta) -> QueuedMessage | None:
        """Take the unsent message for `lease` (no other sender takes it meanwhile); return it,
        or None if it is sent or another sender holds it."""
        table = outbox_table
        with self._engine.begin() as conn:
            taken = conn.execute(
                update(table)
                .where(
                    table.c.id == message_id,
                    table.c.sent_at.is_(None),
                    or_(table.c.claimed_until.is_(None), table.c.claimed_until <= now),
                )
                .values(claimed_until=now + lease)
            ).rowcount
        return self.get(message_id) if taken == 1 else None

    def mark_sent(self, message_id: str, *, now: datetime) -> None:
        """Record the message as sent, and drop its address and contents."""
        table = outbox_table
        with self._engine.begin() as conn:
            conn.execute(
                update(table)
                .where(table.c.id == message_id)
                .values(
                    sent_at=now,
                    last_attempt_at=now,
                    attempts=table.c.attempts + 1,
                    last_error=None,
                    claimed_until=None,
                    to_address=None,
                    text_body="",
                    html_body="",
                )
            )

    def mark_failed(self, message_id: str, error: str, *, now: datetime) -> None:
        """Record a failed attempt; the message stays queued."""
        table = outbox_table
        with self._engine.begin() as conn:
            conn.execute(
                update(table)
                .where(table.c.id == message_id)
                .values(
                    last_attempt_at=now,
                    attempts=table.c.attempts + 1,
                    last_error=error[:2000],
                    claimed_until=None,
                )
            )

    def take_throttle(self, key_sha256: str, *, now: datetime, window: timedelta) -> bool:
        """Return True (and hold `key_sha256` for `window`) unless it is held already."""
        table = mail_throttle_table
        with write_transaction(self._engine) as conn:
            conn.execute(delete(table).where(table.c.until <= now))  # tidy up
            held = conn.execute(
                select(table.c.until).where(
                    and_(table.c.key_sha256 == key_sha256, table.c.until > now)
                )
            ).first()
            if held is not None:
                return False
            conn.execute(insert(table).values(key_sha256=key_sha256, until=now + window))
        return True

    def wallet_of(self, recipient_key: str) -> str | None:
        """Return the wallet id of `recipient_key`, or None if nothing was issued to it."""
        table = wallets_table
        with self._engine.connect() as conn:
            value = conn.execute(
                select(table.c.id).where(table.c.recipient_key == recipient_key)
            ).scalar_one_or_none()
        return str(value) if value is not None else None

    @staticmethod
    def _columns() -> "list[ColumnElement[Any]]":
        t = outbox_table
        return [
            t.c.id,
            t.c.kind,
            t.c.to_address,
            t.c.subject,
            t.c.text_body,
            t.c.html_body,
            t.c.created_at,
            t.c.attempts,
            t.c.last_error,
            t.c.last_attempt_at,
            t.c.sent_at,
        ]
