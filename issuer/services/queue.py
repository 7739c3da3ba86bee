"""The batch worker queue: RQ on Redis (`ISSUER_REDIS_URL`), so more machines can sign.

A job carries only the batch id; the worker reads the roster and options from the
database and the key from its own key folder, so every worker needs the same
`ISSUER_DATABASE_URL` and `ISSUER_KEYS_DIR` contents as the service. Each batch has
one job id (`batch-<id>`): asking again for a batch that is queued or running does
not queue it twice.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal

from redis import Redis
from rq import Queue, Worker
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from issuer.services.batch_runners import recently_running
from issuer.store.batches import StoredBatch

DEFAULT_QUEUE = "ler-issuer-batches"
JOB_FUNCTION = "issuer.jobs.run_batch"
JOB_TIMEOUT = 6 * 3600
"""Seconds a batch job may run (a 100,000-row roster at 100 credentials/s fits)."""


def job_id(batch_id: str) -> str:
    """Return the RQ job id of a batch."""
    return f"batch-{batch_id}"


class BatchQueue:
    """Enqueues batch jobs and builds workers for them."""

    def __init__(self, redis_url: str, name: str = DEFAULT_QUEUE) -> None:
        self._redis = Redis.from_url(redis_url)
        self.queue = Queue(name, connection=self._redis)

    def enqueue(self, batch_id: str) -> bool:
        """Queue the batch's job unless it is queued or running already; True if queued now."""
        try:
            job = Job.fetch(job_id(batch_id), connection=self._redis)
            if job.get_status() in (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED):
                return False
        except NoSuchJobError:
            pass
        self.queue.enqueue(
            JOB_FUNCTION,
            batch_id,
            job_id=job_id(batch_id),
            job_timeout=JOB_TIMEOUT,
            result_ttl=7 * 24 * 3600,
            failure_ttl=30 * 24 * 3600,
            description=f"batch {batch_id}",
        )
        return True

    def worker(self, **options: Any) -> Worker:
        """Return an RQ worker for this queue."""
        return Worker([self.queue], connection=self._redis, **options)

    def close(self) -> None:
        """Close the Redis connection."""
        self._redis.close()


class QueueRunner:
    """A `BatchRunner` that queues batches for `ler-issuer worker` (RQ on Redis)."""

    kind: Literal["thread", "queue"] = "queue"

    def __init__(
        self,
        redis_url: str,
        queue_name: str,
        *,
        mark_queued: Callable[[str, datetime], None],
    ) -> None:
        self._redis_url = redis_url
        self._queue_name = queue_name
        self._mark_queued = mark_queued

    def needs_start(self, batch: StoredBatch, now: datetime) -> bool:
        return not recently_running(batch, now)

    def start(self, batch: StoredBatch) -> None:
        queue = BatchQueue(self._redis_url, self._queue_name)
        try:
            self._mark_queued(batch.id, datetime.now(UTC))
            queue.enqueue(batch.id)
        finally:
            queue.close()
