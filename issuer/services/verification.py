"""The verifier as the service runs it: offline keys and contexts, its own status lists in-process.

Other hosts are contacted only when listed in `ISSUER_FETCH_HOSTS` (status lists and
did:web documents of other issuers), with a timeout and a size limit.
"""

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from issuer.keys.resolver import make_key_resolver
from issuer.model.verification import CheckResult, VerificationResult
from issuer.verify.checks import as_list, types_of
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

    def document(self, document: Any, *, now: datetime) -> VerificationResult:
        """Return the checks of a presentation or a credential, whichever `document` is.

        The credentials a Comprehensive Learner Record (ClrCredential) holds are verified
        too, each on its own (its proof, its status): revoking one of them shows here.
        """
        if "VerifiablePresentation" in types_of(document):
            return self.presentation(document, now=now)
        result = self.credential(document, now=now)
        if not isinstance(document, dict) or "ClrCredential" not in types_of(document):
            return result
        subject = document.get("credentialSubject")
        enclosed = as_list(subject.get("verifiableCredential")) if isinstance(subject, dict) else []
        nested = [self.credential(credential, now=now) for credential in enclosed]
        return result.model_copy(
            update={"credentials": nested, "checks": [*result.checks, _enclosed_check(nested)]}
        )


def _enclosed_check(results: list[VerificationResult]) -> CheckResult:
    total = len(results)
    failed = sum(1 for result in results if not result.verified)
    if total == 0:
        return CheckResult(
            name="credentials",
            status="failed",
            message="The learning record holds no credentials.",
            title="Empty learning record",
            problem_type="urn:ler-issuer:problem:empty-record",
        )
    if failed:
        return CheckResult(
            name="credentials",
            status="failed",
            message=f"{failed} of the {total} credentials in the learning record did not pass "
            "verification on their own (see each below).",
            title="Credential not verified",
            problem_type="urn:ler-issuer:problem:credential-not-verified",
        )
    return CheckResult(
        name="credentials",
        status="passed",
        message=f"Each of the {total} credentials in the learning record passed verification "
        "on its own.",
    )
