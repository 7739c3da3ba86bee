"""The named checks of verification, one function each, each returning CheckResults.

Checks never raise for anything wrong with the document: they report it. The proof
layer is passed in (`verify_proof`, `resolve`) so each check stays a plain function of
its inputs; `pipeline.py` wires in the real ones.

Check names: shape, proof, issuer, holder, challenge, domain, validFrom, validUntil,
credentialStatus, credentialSchema (and `credentials` for a presentation, in pipeline.py).

Decisions worth knowing:
- Every proof must verify; a document without a proof fails the `proof` check.
- `issuer`: the key that signed must belong to the issuer (the verification method's
  controller equals the issuer id). If the issuer id is not a DID or an http(s) URL
  (e.g. `urn:uuid:...`), no key can ever be linked to it: that is a warning, not a failure.
- `credentialStatus` fails closed: a list on a host the verifier may not contact, one
  that cannot be fetched within the deadline and size limit, or that is unsigned, badly
  signed, from another issuer, expired or damaged, and an entry of a type or purpose we
  cannot evaluate, all fail the check ("We could not check whether the issuer has revoked
  this credential: ..."), so `verified` never means "not revoked as far as we know, which
  is nothing".
- `credentialSchema`: a schema id we have no local copy of is a warning (never fetched).
"""

from issuer.verify.checks.common import (
    CREDENTIAL_EXPIRED,
    INVALID_CHALLENGE_ERROR,
    INVALID_DOMAIN_ERROR,
    MALFORMED_VALUE_ERROR,
    OB_TYPES,
    PARSING_ERROR,
    PROBLEM,
    PROOF_VERIFICATION_ERROR,
    SCHEMA_NAMES,
    SCHEMA_TYPES,
    STATUS_ENTRY_TYPES,
    STATUS_LIST,
    STATUS_LIST_LENGTH_ERROR,
    STATUS_RANGE_ERROR,
    STATUS_RETRIEVAL_ERROR,
    STATUS_VERIFICATION_ERROR,
    VC_V1_CONTEXT,
    VC_V2_CONTEXT,
    ProofOutcome,
    ProofVerifier,
    VerifiedMethod,
    as_list,
    contexts_of,
    data_model,
    date_fields,
    describe_date,
    is_linkable_id,
    issuer_id,
    issuer_name,
    log,
    node_id,
    parse_datetime,
    types_of,
)
from issuer.verify.checks.dates import (
    check_valid_from,
    check_valid_until,
)
from issuer.verify.checks.proof import (
    SIGNATURE_MISMATCH,
    check_challenge,
    check_domain,
    check_holder,
    check_issuer,
    check_proofs,
)
from issuer.verify.checks.schema import (
    check_credential_schema,
)
from issuer.verify.checks.shape import (
    check_presentation_shape,
    check_shape,
)
from issuer.verify.checks.status_entries import (
    check_credential_status,
)

__all__ = [
    "CREDENTIAL_EXPIRED",
    "INVALID_CHALLENGE_ERROR",
    "INVALID_DOMAIN_ERROR",
    "MALFORMED_VALUE_ERROR",
    "OB_TYPES",
    "PARSING_ERROR",
    "PROBLEM",
    "PROOF_VERIFICATION_ERROR",
    "SCHEMA_NAMES",
    "SCHEMA_TYPES",
    "SIGNATURE_MISMATCH",
    "STATUS_ENTRY_TYPES",
    "STATUS_LIST",
    "STATUS_LIST_LENGTH_ERROR",
    "STATUS_RANGE_ERROR",
    "STATUS_RETRIEVAL_ERROR",
    "STATUS_VERIFICATION_ERROR",
    "VC_V1_CONTEXT",
    "VC_V2_CONTEXT",
    "ProofOutcome",
    "ProofVerifier",
    "VerifiedMethod",
    "as_list",
    "check_challenge",
    "check_credential_schema",
    "check_credential_status",
    "check_domain",
    "check_holder",
    "check_issuer",
    "check_presentation_shape",
    "check_proofs",
    "check_shape",
    "check_valid_from",
    "check_valid_until",
    "contexts_of",
    "data_model",
    "date_fields",
    "describe_date",
    "is_linkable_id",
    "issuer_id",
    "issuer_name",
    "log",
    "node_id",
    "parse_datetime",
    "types_of",
]
