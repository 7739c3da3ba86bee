"""`issuer.proofs.resolver` is `issuer.keys.resolver` (the contract names it under proofs)."""

from issuer.keys.resolver import KeyResolver, VerificationMethod, make_key_resolver

__all__ = ["KeyResolver", "VerificationMethod", "make_key_resolver"]
