"""Ed25519 key pairs (RFC 8032, pure EdDSA) and their Multikey forms."""

from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from issuer.errors import InvalidInput
from issuer.keys.multibase import ED25519_PRIV, ED25519_PUB, decode_multikey, encode_multikey

SEED_LENGTH = 32


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    """Return the key of an Ed25519 Multikey ("z6Mk…"); raise `InvalidInput` otherwise."""
    raw = decode_multikey(value, ED25519_PUB)
    if len(raw) != SEED_LENGTH:
        raise InvalidInput("an Ed25519 public key is 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def public_multibase(key: Ed25519PublicKey) -> str:
    """Return the Multikey form ("z6Mk…") of an Ed25519 public key."""
    return encode_multikey(ED25519_PUB, key.public_bytes_raw())


@dataclass(frozen=True)
class KeyPair:
    """An Ed25519 key pair. Its repr never shows the private key."""

    private_key: Ed25519PrivateKey = field(repr=False)

    @classmethod
    def generate(cls) -> "KeyPair":
        """Return a new random key pair."""
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> "KeyPair":
        """Return the key pair of a 32-byte seed; raise `InvalidInput` for another length."""
        if len(seed) != SEED_LENGTH:
            raise InvalidInput("an Ed25519 seed is 32 bytes")
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    @classmethod
    def from_secret_multibase(cls, value: str) -> "KeyPair":
        """Return the key pair of a secretKeyMultibase (0x8026 + seed, or + seed||public)."""
        raw = decode_multikey(value, ED25519_PRIV)
        if len(raw) == 2 * SEED_LENGTH:
            pair = cls.from_seed(raw[:SEED_LENGTH])
            if pair.public_key.public_bytes_raw() != raw[SEED_LENGTH:]:
                raise InvalidInput("the secret key's public half does not match its seed")
            return pair
        return cls.from_seed(raw)

    @property
    def public_key(self) -> Ed25519PublicKey:
        """The public key."""
        return self.private_key.public_key()

    @property
    def public_multibase(self) -> str:
        """The public key as a Multikey ("z6Mk…")."""
        return public_multibase(self.public_key)

    @property
    def secret_multibase(self) -> str:
        """The 32-byte seed as a secretKeyMultibase ("z3u2…"). Keep it secret."""
        return encode_multikey(ED25519_PRIV, self.private_key.private_bytes_raw())

    def sign(self, data: bytes) -> bytes:
        """Return the 64-byte Ed25519 signature of `data`."""
        return self.private_key.sign(data)
