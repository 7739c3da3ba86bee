"""The verifier as the service runs it: offline keys and contexts, its own status lists in-process.

Other hosts are contacted only when listed in `ISSUER_FETCH_HOSTS` (status lists and
did:web documents of other issuers; plain HTTP only for an entry written `http://...`),
within a deadline and a size limit. A status that cannot be determined fails the
`credentialStatus` check.

Every entry point (the VC API, the verify page, `ler-issuer verify`) goes through
`Verifier.credential`, so a Comprehensive Learner Record (ClrCredential) always has the
credentials it holds verified too, each on its own, wherever it is verified.
"""

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from issuer.keys.resolver import KeyResolver, make_key_resolver
from issuer.model.verification import CheckResult, VerificationResult
from issuer.verify.checks import as_list, types_of
from issuer.verify.checks.status_entries import SUSPENDED, revoked
from issuer.verify.list_cache import VerifiedLists
from issuer.verify.pipeline import _credentials_check as presentation_credentials_check
from issuer.verify.pipeline import verify_credential, verify_presentation
from issuer.verify.status import HttpStatusListFetcher, InProcessFetcher, StatusListFetcher

RevokedForGood = Callable[[str, str, str], bool]
"""(credential id, status list URL, status list index) -> whether this service revoked
that credential for good (its row has `revoked_at`), its entry being that list and index."""


class Verifier:
    """Verifies credentials and presentations handed to this service."""

    def __init__(
        self,
        *,
        base_url: str,
        local_documents: Callable[[], dict[str, dict[str, Any]]],
        read_own_list: Callable[[str], str | None],
        fetch_hosts: tuple[str, ...] = (),
        revoked_for_good: RevokedForGood | None = None,
    ) -> None:
        self._base_url = base_url
        self._local_documents = local_documents
        self._read_own_list = read_own_list
        self._http = HttpStatusListFetcher(fetch_hosts) if fetch_hosts else None
        self._revoked_for_good = revoked_for_good
        self._verified_lists = VerifiedLists()  # status lists already verified (list_cache)

    def _own_list(self, url: str) -> dict[str, Any] | None:
        prefix = f"{self._base_url}/status-lists/"
        if not url.startswith(prefix):
            return None
        text = self._read_own_list(url.removeprefix(prefix))
        return json.loads(text) if text is not None else None

    def _fetcher(self) -> StatusListFetcher:
        return InProcessFetcher(self._own_list, fallback=self._http)

    def _resolver(self) -> KeyResolver:
        return make_key_resolver(self._local_documents(), fetch_json=self._http)

    def credential(self, document: Any, *, now: datetime) -> VerificationResult:
        """Return the checks of a credential; for a ClrCredential, of those it holds too."""
        result = self._final_wording(
            verify_credential(
                document,
                resolve=self._resolver(),
                now=now,
                fetch_status_list=self._fetcher(),
                verified_lists=self._verified_lists,
            )
        )
        return self._with_enclosed(result, now=now)

    def presentation(
        self,
        document: Any,
        *,
        now: datetime,
        challenge: str | None = None,
        domain: str | None = None,
    ) -> VerificationResult:
        """Return the checks of a presentation and of every credential in it."""
        result = verify_presentation(
            document,
            resolve=self._resolver(),
            now=now,
            fetch_status_list=self._fetcher(),
            challenge=challenge,
            domain=domain,
            verified_lists=self._verified_lists,
        )
        credentials = [
            self._with_enclosed(self._final_wording(item), now=now) for item in result.credentials
        ]
        checks = [
            presentation_credentials_check(credentials) if check.name == "credentials" else check
            for check in result.checks
        ]
        return result.model_copy(update={"credentials": credentials, "checks": checks})

    def document(self, document: Any, *, now: datetime) -> VerificationResult:
        """Return the checks of a presentation or a credential, whichever `document` is."""
        if "VerifiablePresentation" in types_of(document):
            return self.presentation(document, now=now)
        return self.credential(document, now=now)

    def several(self, documents: list[Any], *, now: datetime) -> VerificationResult:
        """Return the checks of credentials handed over together, each verified on its own
        (a result shaped like an unsigned presentation's, with only its `credentials` check)."""
        credentials = [self.document(document, now=now) for document in documents]
        failed = sum(1 for credential in credentials if not credential.verified)
        check = CheckResult(
            name="credentials",
            status="failed" if failed or not credentials else "passed",
            message=f"{failed} of the {len(credentials)} credentials did not pass verification "
            "(see each below)."
            if failed or not credentials
            else f"Each of the {len(credentials)} credentials passed verification on its own.",
        )
        return VerificationResult(kind="presentation", checks=[check], credentials=credentials)

    def _with_enclosed(self, result: VerificationResult, *, now: datetime) -> VerificationResult:
        """Add the results of the credentials a ClrCredential holds, and a `credentials` check.

        Revoking one of them shows here: the record is then not verified.
        """
        document = result.document
        if not isinstance(document, dict) or "ClrCredential" not in types_of(document):
            return result
        subject = document.get("credentialSubject")
        enclosed = as_list(subject.get("verifiableCredential")) if isinstance(subject, dict) else []
        nested = [self.credential(credential, now=now) for credential in enclosed]
        return result.model_copy(
            update={"credentials": nested, "checks": [*result.checks, _enclosed_check(nested)]}
        )

    def _final_wording(self, result: VerificationResult) -> VerificationResult:
        """Say "revoked" for a suspension bit this service set for good (a revocation)."""
        document = result.document
        if self._revoked_for_good is None or not isinstance(document, dict):
            return result
        credential_id = document.get("id")
        if not isinstance(credential_id, str):
            return result
        checks = [
            revoked(check.input, check.value) if self._is_final(credential_id, check) else check
            for check in result.checks
        ]
        return result.model_copy(update={"checks": checks})

    def _is_final(self, credential_id: str, check: CheckResult) -> bool:
        entry = check.input
        if check.problem_type != SUSPENDED or not isinstance(entry, dict):
            return False
        url, index = entry.get("statusListCredential"), entry.get("statusListIndex")
        if not isinstance(url, str) or not url.startswith(f"{self._base_url}/status-lists/"):
            return False  # only this service's own records can tell
        assert self._revoked_for_good is not None
        return self._revoked_for_good(credential_id, url, str(index))


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
