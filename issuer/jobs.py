"""Entry points of the jobs a worker (`ler-issuer worker`) runs.

Like the CLI, a worker is an edge: it reads its configuration from `ISSUER_*`
environment variables and builds the services once per process.
"""

import os
from typing import Any

from issuer.settings import Settings
from issuer.wiring import Services, build_services

_services: Services | None = None


def _built() -> Services:
    global _services  # one set of services per worker process
    if _services is None:
        _services = build_services(Settings.from_env(os.environ))
    return _services


def run_batch(batch_id: str) -> dict[str, Any]:
    """Run (or resume) batch `batch_id`; return its counters."""
    services = _built()
    batch = services.in_process.run(batch_id)
    return {
        "batch": batch.id,
        "status": batch.status,
        "rows": batch.row_count,
        "issued": batch.issued,
        "skipped": batch.skipped,
        "failed": batch.failed,
    }
