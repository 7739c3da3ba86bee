"""The outbox on SQLite and PostgreSQL: dedupe, claims, the address dropped once sent, and
the reminder throttle."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select

from issuer.store.database import mail_throttle_table
from issuer.store.outbox import OutboxStore, OutgoingMessage

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)


def message(dedupe_key: str | None = None) -> OutgoingMessage:
    return OutgoingMessage(
        kind="wallet-link",
        to_address="ana@example.org",
        subject="Your credentials",
        text_body="https://issuer.example.org/wallet/abc\n",
        html_body="<p>https://issuer.example.org/wallet/abc</p>",
        dedupe_key=dedupe_key,
    )


def test_a_message_is_claimed_by_one_sender_and_forgets_its_address_once_sent(
    engine: Engine,
) -> None:
    store = OutboxStore(engine)
    message_id = store.add(message(), now=NOW)
    assert message_id is not None
    assert store.claim(message_id, now=NOW, lease=LEASE) is not None
    assert store.claim(message_id, now=NOW, lease=LEASE) is None  # another sender: no
    store.mark_failed(message_id, "ConnectionRefusedError: down", now=NOW)
    [waiting] = store.pending()
    assert (waiting.attempts, waiting.last_error) == (1, "ConnectionRefusedError: down")
    assert store.claim(message_id, now=NOW, lease=LEASE) is not None  # released on failure
    store.mark_sent(message_id, now=NOW + timedelta(seconds=5))
    assert store.pending() == [] and store.count_pending() == 0
    sent = store.get(message_id)
    assert sent is not None and sent.sent_at is not None and sent.attempts == 2
    assert (sent.to_address, sent.text_body, sent.html_body) == (None, "", "")
    assert store.claim(message_id, now=NOW + LEASE * 2, lease=LEASE) is None


def test_an_expired_claim_can_be_taken_again(engine: Engine) -> None:
    store = OutboxStore(engine)
    message_id = str(store.add(message(), now=NOW))
    assert store.claim(message_id, now=NOW, lease=LEASE) is not None
    assert store.claim(message_id, now=NOW + LEASE, lease=LEASE) is not None


def test_a_dedupe_key_queues_once(engine: Engine) -> None:
    store = OutboxStore(engine)
    assert store.add(message("batch:1:w"), now=NOW) is not None
    assert store.add(message("batch:1:w"), now=NOW) is None
    assert store.count_pending() == 1


def test_the_throttle_holds_a_key_for_its_window(engine: Engine) -> None:
    store = OutboxStore(engine)
    window = timedelta(minutes=10)
    assert store.take_throttle("k" * 64, now=NOW, window=window)
    assert not store.take_throttle("k" * 64, now=NOW + timedelta(minutes=9), window=window)
    assert store.take_throttle("j" * 64, now=NOW, window=window)
    assert store.take_throttle("k" * 64, now=NOW + window, window=window)
    with engine.connect() as conn:
        assert len(conn.execute(select(mail_throttle_table)).all()) == 1  # expired rows go
