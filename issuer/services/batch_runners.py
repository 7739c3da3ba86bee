"""Where a submitted batch runs: the `BatchRunner` interface and its in-process runner.

The wiring (`issuer.wiring`) picks one: `InProcessRunner` (a thread of this process per
batch, signing in worker processes) or, with `ISSUER_REDIS_URL`, `queue.QueueRunner` (RQ
jobs for `ler-issuer worker`). Web routes and the CLI only submit batches, start them
through the runner and read their progress.
"""

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Literal, Protocol

from issuer.services.batch_running import CHUNK_SIZE, ProgressCallback
from issuer.store.batches import StoredBatch

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(seconds=60)
"""A running batch whose progress is older than this is taken as interrupted and resumed."""

RunBatch = Callable[..., StoredBatch]
"""`BatchService.run`: runs (or resumes) a batch in this process until it finishes."""


class BatchRunner(Protocol):
    """Starts submitted batches somewhere."""

    kind: Literal["thread", "queue"]

    def needs_start(self, batch: StoredBatch, now: datetime) -> bool:
        """Whether to start (or resume) the batch: not while it runs or made recent progress."""

    def start(self, batch: StoredBatch) -> None:
        """Start the batch (returns at once)."""


def recently_running(batch: StoredBatch, now: datetime) -> bool:
    """Whether the batch runs and made progress lately (another process is on it)."""
    return batch.status == "running" and now - batch.updated_at <= STALE_AFTER


class InProcessRunner:
    """Runs batches in this process: `start` in a thread of its own, `run` in the caller's."""

    kind: Literal["thread", "queue"] = "thread"

    def __init__(self, run: RunBatch) -> None:
        self._run = run
        self._running: set[str] = set()
        self._lock = threading.Lock()

    def needs_start(self, batch: StoredBatch, now: datetime) -> bool:
        return batch.id not in self._running and not recently_running(batch, now)

    def start(self, batch: StoredBatch) -> None:
        with self._lock:
            if batch.id in self._running:
                return
            self._running.add(batch.id)
        threading.Thread(
            target=self._in_thread, args=(batch.id,), name=f"batch-{batch.id}", daemon=True
        ).start()

    def run(
        self,
        batch_id: str,
        *,
        actor: str | None = None,
        workers: int | None = None,
        chunk_size: int = CHUNK_SIZE,
        progress: ProgressCallback | None = None,
    ) -> StoredBatch:
        """Run (or resume) the batch here, until it finishes; return it."""
        return self._run(
            batch_id, actor=actor, workers=workers, chunk_size=chunk_size, progress=progress
        )

    def _in_thread(self, batch_id: str) -> None:
        try:
            self._run(batch_id)
        except Exception:
            log.exception("batch %s stopped", batch_id)  # the batch records the error too
        finally:
            with self._lock:
                self._running.discard(batch_id)
