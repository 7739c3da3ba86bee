"""The verifier as the service runs it: offline keys and contexts, its own status lists in-process.

Other hosts are contacted only when listed in `ISSUER_FETCH_HOSTS` (status lists and
did:web documents of other issuers), with a timeout and a size limit.
"""

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from issuer.keys.resolver import make_key_resolver
from issuer.model.verification import VerificationResult
from issuer.verify.pipeline import verify_credential, verify_presentation
from issuer.verify.status import HttpStatusListFetcher, InProcessFetcher, StatusListFetcher


class Verifier:
    """Verifies credentials and presentations handed to this service."""

    def __init__(
        self,
        *,
        base_url: str,
        local_documents: Callable[[], dict[str, dict[str, Any]]],
        read_own_list: Callable[[str], str | None],
        fetch_hosts: tuple[str, ...] = (),
    ) -> None:
        self._base_url = base_url
        self._local_documents = local_documents
        self._read_own_list = read_own_list
        self._http = HttpStatusListFetcher(fetch_hosts) if fetch_hosts else None

    def _own_list(self, url: str) -> dict[str, Any] | None:
        prefix = f"{self._base_url}/status-lists/"
        if not url.startswith(prefix):
            return None
        text = self._read_own_list(url.removeprefix(prefix))
        return json.loads(text) if text is not None else None

    def _fetcher(self) -> StatusListFetcher:
        return InProcessFetcher(self._own_list, fallback=self._http)

    def _resolver(self):  # type: ignore[no-untyped-def]
        return make_key_resolver(self._local_documents(), fetch_json=self._http)

    def credential(self, document: Any, *, now: datetime) -> VerificationResult:
        """Return the checks of a credential."""
        return verify_credential(
            document, resolve=self._resolver(), now=now, fetch_status_list=self._fetcher()
        )

    def presentation(
        self,
        document: Any,
        *,
        now: datetime,
        challenge: str | None = None,
        domain: str | None = None,
    ) -> VerificationResult:
        """Return the checks of a presentation and of every credential in it."""
        return verify_presentation(
            document,
            resolve=self._resolver(),
            now=now,
            fetch_status_list=self._fetcher(),
            challenge=challenge,
            domain=domain,
        )
