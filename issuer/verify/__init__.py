"""Verifying credentials and presentations: a pipeline of named checks.

    result = verify_credential(credential, resolve=resolver, now=now, fetch_status_list=fetch)
    result.verified, result.checks, result.to_vc_api()

See `pipeline.py` for the entry points, `checks.py` for each named check and
`status.py` for the status list fetchers (the only network access).
"""

from issuer.verify.pipeline import verify_credential, verify_document, verify_presentation
from issuer.verify.status import (
    HttpStatusListFetcher,
    InProcessFetcher,
    StatusListFetcher,
    StatusListNotAllowed,
    StatusListUnavailable,
)

__all__ = [
    "HttpStatusListFetcher",
    "InProcessFetcher",
    "StatusListFetcher",
    "StatusListNotAllowed",
    "StatusListUnavailable",
    "verify_credential",
    "verify_document",
    "verify_presentation",
]
