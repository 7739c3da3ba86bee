"""The eddsa-jcs-2022 cryptosuite: JSON Canonicalization Scheme (RFC 8785), SHA-256, Ed25519.

hashData = SHA-256(JCS(proof configuration)) || SHA-256(JCS(document)). Unlike
rdfc, the proof keeps the document's `@context`, and a verifier checks that
the document's `@context` starts with it. JCS signs the JSON as it is, but we
still refuse terms the contexts do not define, as for rdfc (`check_terms`:
an expansion, or the proof a per-shape template carries, see
`issuer.jsonld.template`). JCS itself is `issuer.proofs.jcs`.
"""

from typing import Any

import rfc8785

from issuer.errors import InvalidInput, ProofError
from issuer.jsonld.canonical import check_terms
from issuer.jsonld.loader import DocumentLoader
from issuer.proofs import jcs as fast_jcs
from issuer.proofs.cryptosuite import Cryptosuite
from issuer.proofs.proof_config import canonical_proof_config

NAME = "eddsa-jcs-2022"


def proof_options(document: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """Return the proof options to sign with: `options` plus the document's `@context`."""
    if "@context" not in document:
        return dict(options)
    return {**options, "@context": document["@context"]}


def jcs(value: Any) -> bytes:
    """Return the RFC 8785 canonical JSON of `value`; raise `InvalidInput` if it has none."""
    try:
        return fast_jcs.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as err:
        raise InvalidInput(f"the document cannot be canonicalized as JSON: {err}") from err


def canonize(document: dict[str, Any], loader: DocumentLoader | None) -> bytes:
    """Return JCS(`document`); raise `UndefinedTerm` for terms its contexts lack."""
    template, leaves = check_terms(document, loader=loader)
    if template is None:
        return jcs(document)
    try:
        return fast_jcs.dumps_filled(template, leaves, document)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as err:
        raise InvalidInput(f"the document cannot be canonicalized as JSON: {err}") from err


def canonize_proof_config(
    document: dict[str, Any], options: dict[str, Any], loader: DocumentLoader | None
) -> bytes:
    """Return JCS(proof configuration), after checking its `@context` and terms."""
    config = {k: v for k, v in options.items() if k != "proofValue"}
    if "@context" in config:
        if not _starts_with(document.get("@context"), config["@context"]):
            raise ProofError("the document's @context does not start with the proof's @context")
        canonical_proof_config(config, loader=loader)
    else:
        canonical_proof_config({**config, "@context": document.get("@context")}, loader=loader)
    return jcs(config)


cryptosuite = Cryptosuite(
    NAME, canonize, canonize_proof_config, configure=proof_options, config_from_context=True
)


def hash_data(
    document: dict[str, Any], options: dict[str, Any], *, loader: DocumentLoader | None = None
) -> bytes:
    """Return the 64 bytes to sign; raise `UndefinedTerm` for terms the contexts lack."""
    return cryptosuite.create_verify_data(document, options, loader=loader)


def _starts_with(document_context: Any, proof_context: Any) -> bool:
    """Whether the document's `@context` begins with the proof's (a lone value, even null, is one)."""
    prefix = proof_context if isinstance(proof_context, list) else [proof_context]
    whole = document_context if isinstance(document_context, list) else [document_context]
    return whole[: len(prefix)] == prefix
