"""Add and verify Data Integrity proofs (W3C VC Data Integrity 1.0).

    signed = add_proof(credential, signer, created=now)  # DEFAULT_SUITE, assertionMethod
    method = verify_proof(signed, signed["proof"][0], resolve=resolver)

`add_proof` returns a new document whose `proof` is a list with the new proof
last; each proof of a set signs the document without its `proof` property. A
VC 1.1 credential gets the Data Integrity v2 context appended first (VC 1.1
does not define `DataIntegrityProof`). `verify_proof` raises `ProofError`.
"""

import functools
from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from issuer.errors import InvalidInput, IssuerError, ProofError
from issuer.jsonld import UndefinedTerm
from issuer.jsonld.loader import DocumentLoader
from issuer.keys.multibase import decode_base58btc, encode_base58btc
from issuer.keys.resolver import KeyResolver, VerificationMethod
from issuer.keys.signer import Signer
from issuer.model.spec import (
    DATA_INTEGRITY_PROOF,
    DATA_INTEGRITY_V1_CONTEXT,
    DATA_INTEGRITY_V2_CONTEXT,
    VC_V1_CONTEXT,
    as_list,
)
from issuer.proofs.cryptosuite import Cryptosuite
from issuer.proofs.proof_config import DATETIME_STAMP
from issuer.proofs.suites import DEFAULT_SUITE, PROOF_TYPES, SIGNING_SUITES, SUITES

SIGNATURE_LENGTH = 64

CRYPTOSUITES = SIGNING_SUITES
ALLOWED_SUITES = frozenset(SUITES)


@functools.lru_cache(maxsize=64)  # a batch signs with one `created`
def xsd_datetime(value: datetime) -> str:
    """Return `value` as an XML Schema dateTimeStamp in UTC, to the second ("…T…Z")."""
    if value.tzinfo is None:
        raise InvalidInput("the proof's created time must be timezone-aware")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def with_data_integrity_context(document: dict[str, Any]) -> dict[str, Any]:
    """Return `document`, with the Data Integrity v2 context appended if it is VC 1.1 without one."""
    context = document.get("@context")
    contexts = context if isinstance(context, list) else [context]
    if VC_V1_CONTEXT not in contexts or {DATA_INTEGRITY_V1_CONTEXT, DATA_INTEGRITY_V2_CONTEXT} & {
        c for c in contexts if isinstance(c, str)
    }:
        return document
    return {**document, "@context": [*contexts, DATA_INTEGRITY_V2_CONTEXT]}


def add_proof(
    document: dict[str, Any],
    signer: Signer,
    *,
    created: datetime,
    cryptosuite: str = DEFAULT_SUITE,
    proof_purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    loader: DocumentLoader | None = None,
    as_set: bool = True,
) -> dict[str, Any]:
    """Return a copy of `document` with a new proof appended to its `proof` list.

    With `as_set=False` a document's only proof is a single object, as plain VCs
    write it; Open Badges and CLR credentials keep the array their schemas require.

    Raises `UndefinedTerm` if the document uses a term its contexts do not
    define (with either suite), `ContextNotAvailable` for an unknown context.
    """
    suite = SUITES.get(cryptosuite)
    if suite is None or not suite.signs:
        raise InvalidInput(
            f"cannot sign with {cryptosuite!r}; use one of {', '.join(SIGNING_SUITES)}"
        )
    existing = as_list(document.get("proof"))
    unsecured = with_data_integrity_context({k: v for k, v in document.items() if k != "proof"})
    options: dict[str, Any] = {
        "type": suite.proof_type,
        "cryptosuite": suite.name,
        "created": xsd_datetime(created),
        "verificationMethod": signer.verification_method,
        "proofPurpose": proof_purpose,
    }
    if domain is not None:
        options["domain"] = domain
    if challenge is not None:
        options["challenge"] = challenge
    options = suite.configure(unsecured, options)
    data = suite.create_verify_data(unsecured, options, loader=loader)
    proof = {**options, "proofValue": encode_base58btc(signer.sign(data))}
    if not existing and not as_set:
        return {**unsecured, "proof": proof}
    return {**unsecured, "proof": [*existing, proof]}


def verify_proof(
    document: dict[str, Any],
    proof: dict[str, Any],
    *,
    resolve: KeyResolver,
    expected_purpose: str = "assertionMethod",
    allowed_suites: Collection[str] = ALLOWED_SUITES,
    challenge: str | None = None,
    domain: str | None = None,
    expected_controller: str | None = None,
    loader: DocumentLoader | None = None,
) -> VerificationMethod:
    """Return the verification method that made `proof`, one proof of `document`.

    Raises `ProofError` if the proof is malformed or not in `document["proof"]`
    (an object or a list), of a suite not in
    `allowed_suites`, for another purpose, challenge or domain, by a key not
    authorized for `expected_purpose` (or not controlled by
    `expected_controller`), over terms the contexts do not define, or if the
    signature does not verify. An unknown context raises `ContextNotAvailable`.
    """
    if not isinstance(proof, dict):
        raise ProofError("the proof is not a JSON object")
    if not any(p is proof or p == proof for p in as_list(document.get("proof"))):
        raise ProofError("the proof is not one of the document's proofs")
    suite = _suite_of(proof, allowed_suites)
    if proof.get("proofPurpose") != expected_purpose:
        raise ProofError(f"the proof is not for {expected_purpose}")
    _check_created(proof)
    _check_challenge_and_domain(proof, challenge, domain)
    signature = _signature_of(proof)
    method_id = proof.get("verificationMethod")
    if not isinstance(method_id, str) or not method_id:
        raise ProofError("the proof names no verification method")
    method = _resolve(resolve, method_id)
    if expected_purpose not in method.purposes:
        raise ProofError(f"the verification method is not authorized for {expected_purpose}")
    if expected_controller is not None and method.controller != expected_controller:
        raise ProofError("the verification method is not controlled by the issuer")
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    try:
        data = suite.create_verify_data(_unsecured(document, proof), options, loader=loader)
    except UndefinedTerm as err:
        raise ProofError(f"the document uses a term its contexts do not define: {err}") from err
    suite.verify(method.public_key, signature, data)
    return method


def _suite_of(proof: dict[str, Any], allowed: Collection[str]) -> Cryptosuite:
    """Return the suite of `proof`: its `cryptosuite` if a DataIntegrityProof, else its type's."""
    kind = proof.get("type")
    if not isinstance(kind, str) or kind not in PROOF_TYPES:
        raise ProofError(f"the proof type {kind!r} is not supported")
    name = proof.get("cryptosuite") if kind == DATA_INTEGRITY_PROOF else kind
    suite = SUITES.get(name) if isinstance(name, str) else None
    if suite is None or name not in allowed:
        raise ProofError(f"the cryptosuite {name!r} is not accepted")
    if suite.proof_type != kind:
        raise ProofError(f"{name} is a proof type, not a cryptosuite")
    return suite


def _check_created(proof: dict[str, Any]) -> None:
    created = proof.get("created")
    if created is not None and not (isinstance(created, str) and DATETIME_STAMP.fullmatch(created)):
        raise ProofError("the proof's created time is not an XML Schema dateTimeStamp")


def _check_challenge_and_domain(
    proof: dict[str, Any], challenge: str | None, domain: str | None
) -> None:
    if challenge is not None and proof.get("challenge") != challenge:
        raise ProofError("the proof's challenge does not match")
    if domain is not None and domain not in as_list(proof.get("domain")):
        raise ProofError("the proof's domain does not match")


def _signature_of(proof: dict[str, Any]) -> bytes:
    try:
        signature = decode_base58btc(proof.get("proofValue"))  # type: ignore[arg-type]
    except InvalidInput:
        raise ProofError("the proofValue is not a multibase base58btc signature") from None
    if len(signature) != SIGNATURE_LENGTH:
        raise ProofError("the proofValue is not an Ed25519 signature")
    return signature


def _resolve(resolve: KeyResolver, method_id: str) -> VerificationMethod:
    try:
        return resolve(method_id)
    except ProofError:
        raise
    except IssuerError as err:
        raise ProofError(f"the verification method cannot be used: {err}") from err


def _unsecured(document: dict[str, Any], proof: dict[str, Any]) -> dict[str, Any]:
    """Return the document without `proof`, keeping only the proofs `proof` chains to."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    previous = as_list(proof.get("previousProof"))
    if previous:
        by_id = {p.get("id"): p for p in as_list(document.get("proof")) if isinstance(p, dict)}
        missing = [p for p in previous if p not in by_id]
        if missing:
            raise ProofError("the proof's previousProof is not in the document")
        unsecured["proof"] = [by_id[p] for p in previous]
    return unsecured
