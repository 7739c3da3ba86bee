"""Ed25519Signature2020 (deprecated; verification only).

Same hashing as eddsa-rdfc-2022: URDNA2015 N-Quads of the proof options (with
the document's `@context`, which must include the suite's own context) and of
the document, SHA-256 each, proof hash first. The suite is named by the proof
`type`; it is not a `cryptosuite` of a DataIntegrityProof.
"""

from dataclasses import replace

from issuer.model.spec import ED25519_2020_CONTEXT, ED25519_SIGNATURE_2020
from issuer.proofs import eddsa_rdfc_2022

NAME = ED25519_SIGNATURE_2020
CONTEXT = ED25519_2020_CONTEXT

cryptosuite = replace(
    eddsa_rdfc_2022.cryptosuite, name=NAME, proof_type=ED25519_SIGNATURE_2020, signs=False
)
