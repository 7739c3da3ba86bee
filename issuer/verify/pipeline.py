"""Verification as a pipeline of named checks: a credential, or a presentation and its credentials.

    from issuer.keys.resolver import make_key_resolver
    from issuer.verify import verify_credential

    result = verify_credential(
        credential,
        resolve=make_key_resolver(identity.local_documents()),
        now=datetime.now(UTC),
        fetch_status_list=InProcessFetcher(read_own_list),
    )
    result.verified            # True only if some check ran and none failed
    result.to_vc_api()         # the VC API (VCALM) response body

The document is verified exactly as received (never re-serialized). Time is a
parameter. The only network access is through `fetch_status_list`; keys are resolved by
`resolve` (offline unless the caller gave it a fetcher).
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from issuer.jsonld.loader import DocumentLoader
from issuer.keys.resolver import KeyResolver
from issuer.model.verification import CheckResult, CredentialSummary, VerificationResult
from issuer.proofs.data_integrity import ALLOWED_SUITES, verify_proof
from issuer.verify.checks import (
    PROOF_VERIFICATION_ERROR,
    ProofOutcome,
    ProofVerifier,
    VerifiedMethod,
    as_list,
    check_challenge,
    check_credential_schema,
    check_credential_status,
    check_domain,
    check_holder,
    check_issuer,
    check_presentation_shape,
    check_proofs,
    check_shape,
    check_valid_from,
    check_valid_until,
    data_model,
    date_fields,
    is_linkable_id,
    issuer_id,
    issuer_name,
    node_id,
    types_of,
)
from issuer.verify.checks.signed import read_signed_view
from issuer.verify.list_cache import VerifiedLists
from issuer.verify.status import StatusListFetcher


def verify_credential(
    document: Any,
    *,
    resolve: KeyResolver,
    now: datetime,
    fetch_status_list: StatusListFetcher,
    loader: DocumentLoader | None = None,
    allowed_suites: Collection[str] = ALLOWED_SUITES,
    verified_lists: VerifiedLists | None = None,
) -> VerificationResult:
    """Return the checks of a credential (VC 2.0 or 1.1): shape, proof, issuer, validFrom,
    validUntil, credentialStatus, credentialSchema. Never raises for a bad credential.

    `verified_lists` keeps the status lists verified, for the next credentials pointing at
    them (`issuer.verify.list_cache`; give each verifier configuration its own)."""
    shape = check_shape(document)
    if not isinstance(document, dict):
        return VerificationResult(kind="credential", checks=[shape], document=document)
    verify = _proof_verifier(loader, allowed_suites)
    outcomes = check_proofs(document, resolve=resolve, verify_proof=verify)
    # proofs and shape read the JSON as received; the other checks, what the proofs cover
    view, unreadable = read_signed_view(document, loader)
    if view is None:
        failed = [shape, *(outcome.check for outcome in outcomes), *unreadable]
        return VerificationResult(kind="credential", checks=failed, document=document)
    checks: list[CheckResult] = [
        shape,
        *(outcome.check for outcome in outcomes),
        check_issuer(view, outcomes),
        check_valid_from(view, now),
        check_valid_until(view, now),
        *check_credential_status(
            view,
            fetch_status_list=fetch_status_list,
            verify_list_proofs=_list_proof_verifier(view, outcomes, resolve, verify),
            now=now,
            verified_lists=verified_lists,
        ),
        *check_credential_schema(document, signed=view),
    ]
    return VerificationResult(
        kind="credential", checks=checks, summary=summarize(view), document=document
    )


def verify_presentation(
    document: Any,
    *,
    resolve: KeyResolver,
    now: datetime,
    fetch_status_list: StatusListFetcher,
    challenge: str | None = None,
    domain: str | None = None,
    require_proof: bool = False,
    loader: DocumentLoader | None = None,
    allowed_suites: Collection[str] = ALLOWED_SUITES,
    verified_lists: VerifiedLists | None = None,
) -> VerificationResult:
    """Return the checks of a presentation (shape, proof, holder, challenge, domain,
    credentials) and the result of every credential it holds.

    The presentation's proof must have proofPurpose `authentication`. A presentation
    without a proof (VCALM allows verifying those) gets a `proof` warning, or a failure
    when `require_proof` or a challenge or domain was asked for.
    """
    shape = check_presentation_shape(document)
    if not isinstance(document, dict):
        return VerificationResult(kind="presentation", checks=[shape], document=document)
    verify = _proof_verifier(loader, allowed_suites)
    checks: list[CheckResult] = [shape]
    outcomes: list[ProofOutcome] = []
    if as_list(document.get("proof")):
        outcomes = check_proofs(
            document,
            resolve=resolve,
            verify_proof=verify,
            expected_purpose="authentication",
            what="presentation",
            signer="holder",
        )
        checks.extend(outcome.check for outcome in outcomes)
    else:
        checks.append(_unsigned_presentation(require_proof or bool(challenge or domain)))
    # the holder is read from what the presentation's signature covers (its credentials
    # are checked one by one below)
    own = {key: value for key, value in document.items() if key != "verifiableCredential"}
    view, unreadable = read_signed_view(own, loader) if outcomes else (own, [])
    checks.extend(unreadable)
    holder = check_holder(view, outcomes) if view is not None else None
    if holder is not None:
        checks.append(holder)
    if challenge is not None:
        checks.append(check_challenge(document, challenge))
    if domain is not None:
        checks.append(check_domain(document, domain))
    credentials = [
        verify_credential(
            credential,
            resolve=resolve,
            now=now,
            fetch_status_list=fetch_status_list,
            loader=loader,
            allowed_suites=allowed_suites,
            verified_lists=verified_lists,
        )
        for credential in as_list(document.get("verifiableCredential"))
    ]
    checks.append(_credentials_check(credentials))
    return VerificationResult(
        kind="presentation",
        checks=checks,
        summary=summarize(view if view is not None else document),
        credentials=credentials,
        document=document,
    )


def verify_document(
    document: Any,
    *,
    resolve: KeyResolver,
    now: datetime,
    fetch_status_list: StatusListFetcher,
    loader: DocumentLoader | None = None,
) -> VerificationResult:
    """Verify a presentation (type VerifiablePresentation) or else a credential."""
    if "VerifiablePresentation" in types_of(document):
        return verify_presentation(
            document, resolve=resolve, now=now, fetch_status_list=fetch_status_list, loader=loader
        )
    return verify_credential(
        document, resolve=resolve, now=now, fetch_status_list=fetch_status_list, loader=loader
    )


def summarize(document: dict[str, Any]) -> CredentialSummary:
    """Return the at-a-glance facts of a credential or presentation (as written, unchecked)."""
    valid_from, valid_until = date_fields(document)
    name = document.get("name")
    from_value = document.get(valid_from)
    until_value = document.get(valid_until)
    return CredentialSummary(
        id=document.get("id") if isinstance(document.get("id"), str) else None,
        types=types_of(document),
        name=name if isinstance(name, str) else None,
        issuer_id=issuer_id(document),
        issuer_name=issuer_name(document),
        holder=node_id(document.get("holder")),
        data_model=data_model(document),  # type: ignore[arg-type]
        valid_from=from_value if isinstance(from_value, str) else None,
        valid_until=until_value if isinstance(until_value, str) else None,
    )


def _proof_verifier(
    loader: DocumentLoader | None, allowed_suites: Collection[str]
) -> ProofVerifier:
    """`verify_proof` with this verification's loader and allowed cryptosuites bound."""

    def verify(
        document: dict[str, Any],
        proof: dict[str, Any],
        *,
        resolve: Any,
        expected_purpose: str = "assertionMethod",
    ) -> VerifiedMethod:
        return verify_proof(
            document,
            proof,
            resolve=resolve,
            expected_purpose=expected_purpose,
            allowed_suites=allowed_suites,
            loader=loader,
        )

    return verify


def _list_proof_verifier(
    credential: dict[str, Any],
    outcomes: list[ProofOutcome],
    resolve: KeyResolver,
    verify: ProofVerifier,
) -> "ListProofVerifier":
    """Return a function saying why a status list credential is not authentic (None if it is).

    The list must be correctly signed with a key of the credential's issuer: a key whose
    controller is the issuer id or, when that id cannot be linked to keys (urn:uuid:...),
    a key that signed the credential itself.
    """
    identifier = issuer_id(credential)
    trusted = {identifier} if identifier else set()
    if identifier and not is_linkable_id(identifier):
        trusted |= {o.controller for o in outcomes if o.controller is not None}
    return ListProofVerifier(frozenset(trusted), resolve, verify)


@dataclass(frozen=True)
class ListProofVerifier:
    """Says why a status list credential is not authentic, or None: correctly signed by a
    key whose controller is one of `trusted` (which also names it in the verified-lists
    cache, `issuer.verify.list_cache`)."""

    trusted: frozenset[str]
    resolve: KeyResolver
    verify: ProofVerifier

    def __call__(self, list_credential: dict[str, Any]) -> str | None:
        """Return None if the list is authentic, else the reason it is not."""
        list_outcomes = check_proofs(
            list_credential, resolve=self.resolve, verify_proof=self.verify, what="status list"
        )
        if not as_list(list_credential.get("proof")):
            return "is not signed"
        if any(outcome.check.failed for outcome in list_outcomes):
            return "is not correctly signed"
        if not {outcome.controller for outcome in list_outcomes} & self.trusted:
            return "is not signed with a key of the credential's issuer"
        return None


def _unsigned_presentation(required: bool) -> CheckResult:
    if required:
        return CheckResult(
            name="proof",
            status="failed",
            message="The presentation is not signed, so we cannot tell who presented these "
            "credentials or whether it answers our challenge.",
            title="Not signed",
            problem_type=PROOF_VERIFICATION_ERROR,
        )
    return CheckResult(
        name="proof",
        status="warning",
        message="The presentation is not signed, so we cannot tell who presented these "
        "credentials. Each credential it holds is still checked on its own.",
        title="Presentation not signed",
        problem_type="urn:ler-issuer:problem:presentation-not-signed",
    )


def _credentials_check(credentials: list[VerificationResult]) -> CheckResult:
    total = len(credentials)
    if total == 0:
        return CheckResult(
            name="credentials", status="passed", message="The presentation holds no credentials."
        )
    failed = sum(1 for credential in credentials if not credential.verified)
    if failed:
        return CheckResult(
            name="credentials",
            status="failed",
            message=f"{failed} of the {total} credentials in the presentation did not pass "
            "verification."
            if total > 1
            else "The credential in the presentation did not pass verification.",
            title="Credential not verified",
            problem_type="urn:ler-issuer:problem:credential-not-verified",
        )
    return CheckResult(
        name="credentials",
        status="passed",
        message=f"All {total} credentials in the presentation passed verification."
        if total > 1
        else "The credential in the presentation passed verification.",
    )
