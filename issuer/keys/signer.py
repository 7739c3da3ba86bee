"""A key pair bound to the verification method that names it in proofs."""

from dataclasses import dataclass

from issuer.keys.ed25519 import KeyPair


@dataclass(frozen=True)
class Signer:
    """Signs with `key_pair`; proofs name `verification_method` (e.g. "did:key:z6Mk…#z6Mk…")."""

    key_pair: KeyPair
    verification_method: str

    def sign(self, data: bytes) -> bytes:
        """Return the Ed25519 signature of `data`."""
        return self.key_pair.sign(data)
