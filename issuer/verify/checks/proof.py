"""The `proof` checks and what rests on them: issuer, holder, challenge, domain."""

from collections.abc import Iterable
from typing import Any

from issuer.errors import ContextNotAvailable, IssuerError, ProofError
from issuer.jsonld import UndefinedTerm
from issuer.model.verification import CheckResult
from issuer.verify.checks.common import (
    INVALID_CHALLENGE_ERROR,
    INVALID_DOMAIN_ERROR,
    MALFORMED_VALUE_ERROR,
    PROBLEM,
    PROOF_VERIFICATION_ERROR,
    ProofOutcome,
    ProofVerifier,
    _failed,
    _warning,
    as_list,
    is_linkable_id,
    issuer_id,
    issuer_name,
    log,
    node_id,
)


def check_proofs(
    document: dict[str, Any],
    *,
    resolve: Any,
    verify_proof: ProofVerifier,
    expected_purpose: str = "assertionMethod",
    what: str = "credential",
    signer: str = "issuer",
) -> list[ProofOutcome]:
    """`proof`: one result per proof; every proof must verify with an allowed cryptosuite.

    `what` names the document in messages ("credential", "presentation", "status list").
    A document without any proof gets a single failed check.
    """
    proofs = as_list(document.get("proof"))
    if not proofs:
        return [
            ProofOutcome(
                _failed(
                    "proof",
                    f"The {what} is not signed, so there is no way to tell who made it "
                    "or whether it was changed.",
                    "Not signed",
                    PROOF_VERIFICATION_ERROR,
                )
            )
        ]
    return [
        _check_one_proof(document, proof, resolve, verify_proof, expected_purpose, what, signer)
        for proof in proofs
    ]


def _check_one_proof(
    document: dict[str, Any],
    proof: Any,
    resolve: Any,
    verify_proof: ProofVerifier,
    expected_purpose: str,
    what: str,
    signer: str,
) -> ProofOutcome:
    if not isinstance(proof, dict):
        return ProofOutcome(
            _failed(
                "proof",
                f"One of the {what}'s signatures is not a JSON object, so it cannot be checked.",
                "Malformed proof",
                PROOF_VERIFICATION_ERROR,
                input=proof,
            )
        )
    unresolved: list[str] = []

    def recording_resolve(method_id: str) -> Any:
        try:
            return resolve(method_id)
        except IssuerError:
            unresolved.append(method_id)
            raise

    try:
        method = verify_proof(
            document, proof, resolve=recording_resolve, expected_purpose=expected_purpose
        )
    except IssuerError as err:
        title, message = _proof_failure(err, what, unresolved)
        return ProofOutcome(_failed("proof", message, title, PROOF_VERIFICATION_ERROR, input=proof))
    except Exception:  # hostile input must not crash verification
        log.exception("unexpected error while verifying a proof")
        return ProofOutcome(
            _failed(
                "proof",
                f"The {what}'s signature could not be checked: the {what} is malformed.",
                "Signature not checked",
                PROOF_VERIFICATION_ERROR,
                input=proof,
            )
        )
    return ProofOutcome(
        CheckResult(
            name="proof",
            status="passed",
            message=f"The signature is valid: the {what} has not been changed since "
            f"the {signer} signed it.",
            input=proof,
        ),
        controller=method.controller,
    )


SIGNATURE_MISMATCH = "the signature does not verify"
"""The proof layer's message when the Ed25519 signature itself is wrong."""


def _proof_failure(err: IssuerError, what: str, unresolved: list[str]) -> tuple[str, str]:
    """Return (title, sentence) for a proof-layer error; its own message is plain English."""
    detail = str(err).strip().rstrip(".")
    if unresolved:
        return (
            "Signing key not found",
            f"We could not find the key that signed the {what} ({unresolved[0]}), so its "
            f"signature could not be checked: {detail}.",
        )
    if isinstance(err, ContextNotAvailable):
        return (
            "Unknown JSON-LD context",
            f"The {what}'s signature could not be checked: it uses a JSON-LD context this "
            f"verifier does not have ({detail}).",
        )
    if isinstance(err, UndefinedTerm) or isinstance(err.__cause__, UndefinedTerm):
        cause = str(err.__cause__ or err).strip().rstrip(".")
        return (
            "Undefined term",
            f"The {what} contains data its JSON-LD contexts do not define, so the signature "
            f"would not cover it ({cause}).",
        )
    if isinstance(err, ProofError) and detail == SIGNATURE_MISMATCH:
        return (
            "Invalid signature",
            f"The signature does not match: the {what} has been changed since it was signed, "
            "or it was not signed with the key it names.",
        )
    return ("Invalid signature", f"The {what}'s signature is not valid: {detail}.")


def check_issuer(document: dict[str, Any], outcomes: Iterable[ProofOutcome]) -> CheckResult:
    """`issuer`: the key that signed belongs to the issuer (its controller is the issuer id)."""
    identifier = issuer_id(document)
    controllers = [o.controller for o in outcomes if o.controller is not None]
    if identifier is None:
        return _failed(
            "issuer",
            "The credential does not name its issuer.",
            "No issuer",
            MALFORMED_VALUE_ERROR,
        )
    name = issuer_name(document)
    who = f"{name} ({identifier})" if name else identifier
    if not controllers:
        return _failed(
            "issuer",
            f"We could not confirm that {who} issued this credential, because its "
            "signature could not be verified.",
            "Issuer not confirmed",
            PROOF_VERIFICATION_ERROR,
            input=identifier,
        )
    if identifier in controllers:
        return CheckResult(
            name="issuer",
            status="passed",
            message=f"The credential was signed with a key that belongs to its issuer, {who}.",
            input=identifier,
        )
    if not is_linkable_id(identifier):
        return _warning(
            "issuer",
            f"The issuer is identified only as {identifier}, which no key can be linked to, "
            f"so we cannot confirm who issued this credential. It was signed with a key "
            f"that belongs to {controllers[0]}.",
            "Issuer not confirmed",
            PROBLEM + "issuer-not-linkable",
            input=identifier,
        )
    return _failed(
        "issuer",
        f"The credential says it was issued by {who}, but it was signed with a key that "
        f"belongs to {controllers[0]}. Someone other than the issuer may have made it.",
        "Signed by someone else",
        PROBLEM + "issuer-mismatch",
        input=identifier,
    )


def check_holder(document: dict[str, Any], outcomes: Iterable[ProofOutcome]) -> CheckResult | None:
    """`holder` of a presentation: the key that signed it belongs to its holder.

    Returns None when the presentation names no holder (nothing to check).
    """
    holder = node_id(document.get("holder"))
    if holder is None:
        return None
    outcomes = list(outcomes)
    controllers = [o.controller for o in outcomes if o.controller is not None]
    if holder in controllers:
        return CheckResult(
            name="holder",
            status="passed",
            message=f"The presentation was signed with a key that belongs to its holder, {holder}.",
            input=holder,
        )
    if not as_list(document.get("proof")):
        return _warning(
            "holder",
            f"The presentation says it comes from {holder}, but it is not signed, "
            "so this cannot be confirmed.",
            "Holder not confirmed",
            PROBLEM + "holder-not-confirmed",
            input=holder,
        )
    if not controllers:
        return _failed(
            "holder",
            f"We could not confirm that the presentation comes from {holder}, because "
            "its signature could not be verified.",
            "Holder not confirmed",
            PROOF_VERIFICATION_ERROR,
            input=holder,
        )
    return _failed(
        "holder",
        f"The presentation says it comes from {holder}, but it was signed with a key "
        f"that belongs to {controllers[0]}.",
        "Signed by someone else",
        PROBLEM + "holder-mismatch",
        input=holder,
    )


def check_challenge(document: dict[str, Any], challenge: str) -> CheckResult:
    """`challenge`: a proof of the presentation carries the challenge the verifier asked for.

    Its signature covers the challenge, so this is sound once the `proof` check passed.
    """
    found = [p.get("challenge") for p in as_list(document.get("proof")) if isinstance(p, dict)]
    if challenge in found:
        return CheckResult(
            name="challenge",
            status="passed",
            message="The presentation answers the challenge we sent, so it was made just now "
            "for us and is not a copy of an older one.",
            input=challenge,
        )
    return _failed(
        "challenge",
        "The presentation does not answer the challenge we sent, so it may be a copy "
        "of one made for someone else or at another time.",
        "Wrong challenge",
        INVALID_CHALLENGE_ERROR,
        input=challenge,
    )


def check_domain(document: dict[str, Any], domain: str) -> CheckResult:
    """`domain`: a proof of the presentation names the domain the verifier expects."""
    found: list[Any] = []
    for proof in as_list(document.get("proof")):
        if isinstance(proof, dict):
            found.extend(as_list(proof.get("domain")))
    if domain in found:
        return CheckResult(
            name="domain",
            status="passed",
            message=f"The presentation was made for {domain}.",
            input=domain,
        )
    return _failed(
        "domain",
        f"The presentation was not made for {domain}, so it may have been meant for "
        "another website or service.",
        "Wrong domain",
        INVALID_DOMAIN_ERROR,
        input=domain,
    )
