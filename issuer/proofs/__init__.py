"""Data Integrity proofs (the "hazmat" layer): eddsa-rdfc-2022 and eddsa-jcs-2022.

    from issuer.proofs import add_proof, verify_proof, make_key_resolver

    signed = add_proof(credential, identity.signer(), created=now)
    method = verify_proof(signed, signed["proof"][-1], resolve=make_key_resolver({}))

`verify_proof` raises `ProofError`; it also verifies the deprecated
`eddsa-2022` name and `Ed25519Signature2020`. Names are imported lazily, so
that `issuer.keys` can use `issuer.proofs.errors` without an import cycle.
"""

from importlib import import_module
from typing import Any

_EXPORTS = {
    "ALLOWED_SUITES": "issuer.proofs.data_integrity",
    "CRYPTOSUITES": "issuer.proofs.data_integrity",
    "add_proof": "issuer.proofs.data_integrity",
    "verify_proof": "issuer.proofs.data_integrity",
    "ProofError": "issuer.proofs.errors",
    "Signer": "issuer.keys.signer",
    "KeyResolver": "issuer.keys.resolver",
    "VerificationMethod": "issuer.keys.resolver",
    "make_key_resolver": "issuer.keys.resolver",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
