"""Data Integrity proofs. This is the project's "hazardous materials" layer.

Like pyca's `hazmat`, these functions are easy to misuse: they sign whatever
they are given and check only what they are told to (suites, purpose,
controller, challenge, domain). Services and web code should call the
issuing and verifying services, not this package.

    from issuer.proofs import add_proof, verify_proof, make_key_resolver

    signed = add_proof(credential, identity.signer(), created=now)
    method = verify_proof(signed, signed["proof"][-1], resolve=make_key_resolver({}))

`verify_proof` raises `ProofError`. The suites (eddsa-rdfc-2022 and
eddsa-jcs-2022 to sign; also the deprecated `eddsa-2022` and
`Ed25519Signature2020` to verify) are the table `issuer.proofs.suites.SUITES`.
"""

from issuer.errors import ProofError
from issuer.keys.resolver import KeyResolver, VerificationMethod, make_key_resolver
from issuer.keys.signer import Signer
from issuer.proofs.cryptosuite import Cryptosuite
from issuer.proofs.data_integrity import ALLOWED_SUITES, CRYPTOSUITES, add_proof, verify_proof
from issuer.proofs.suites import DEFAULT_SUITE, SUITES

__all__ = [
    "ALLOWED_SUITES",
    "CRYPTOSUITES",
    "DEFAULT_SUITE",
    "SUITES",
    "Cryptosuite",
    "KeyResolver",
    "ProofError",
    "Signer",
    "VerificationMethod",
    "add_proof",
    "make_key_resolver",
    "verify_proof",
]
