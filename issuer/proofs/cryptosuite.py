"""The shape of a cryptosuite: one small object that `data_integrity` drives.

A suite names itself, the proof `type` that carries it, how it canonicalizes
the document and the proof configuration, its hash, and its signature check
(Digital Bazaar's `{name, canonize, createVerifier, requiredAlgorithm}`).
The table of suites is `issuer.proofs.suites`.

A suite whose proof configuration depends on the document only through its
`@context` (`config_from_context`) remembers the configuration's hash per
loader, keyed by the exact value of the options and of that `@context` (their
`marshal` image, format 2: exact types only, True apart from 1): signing a
batch repeats one configuration per second. Only successes are remembered;
off with the JSON-LD fast path.
"""

import hashlib
import marshal
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from issuer.errors import ProofError
from issuer.jsonld.fast import fast_path_enabled
from issuer.jsonld.loader import DocumentLoader, document_loader
from issuer.jsonld.memo import memo_for
from issuer.model.spec import DATA_INTEGRITY_PROOF

Document = dict[str, Any]
Canonize = Callable[[Document, DocumentLoader | None], bytes]
"""Transform a document (without `proof`) to the bytes its hash covers."""
CanonizeProofConfig = Callable[[Document, Document, DocumentLoader | None], bytes]
"""Given the document and the proof options, return the canonical proof configuration."""
Configure = Callable[[Document, Document], Document]
"""Given the document and the proof options, return the proof options to sign."""


def sha256(data: bytes) -> bytes:
    """Return the SHA-256 digest of `data`."""
    return hashlib.sha256(data).digest()


def same_options(document: Document, options: Document) -> Document:
    """Return `options` as given (most suites add nothing to the proof)."""
    return options


@dataclass(frozen=True, slots=True)
class Cryptosuite:
    """One cryptosuite. `signs=False` marks a suite we only verify (deprecated names)."""

    name: str
    canonize: Canonize
    canonize_proof_config: CanonizeProofConfig
    configure: Configure = same_options
    proof_type: str = DATA_INTEGRITY_PROOF
    hash: Callable[[bytes], bytes] = sha256
    signs: bool = True
    required_algorithm: str = "Ed25519"
    config_from_context: bool = False

    def create_verify_data(
        self, document: Document, options: Document, *, loader: DocumentLoader | None = None
    ) -> bytes:
        """Return hash(canonical proof configuration) || hash(canonical document)."""
        return self.hash_proof_config(document, options, loader) + self.hash(
            self.canonize(document, loader)
        )

    def hash_proof_config(
        self, document: Document, options: Document, loader: DocumentLoader | None
    ) -> bytes:
        """Return hash(canonical proof configuration), remembered when that is safe (above)."""
        cache = key = None
        if self.config_from_context and fast_path_enabled():
            cache = memo_for(loader or document_loader()).proof_hashes
            try:
                key = (self.name, marshal.dumps((options, document.get("@context")), 2))
            except ValueError:  # not plain data, or too deep
                cache = None
            if cache is not None:
                found = cache.get(key)
                if found is not None:
                    return found  # type: ignore[no-any-return]
        digest = self.hash(self.canonize_proof_config(document, options, loader))
        if cache is not None:
            cache[key] = digest
        return digest

    def verify(self, public_key: Ed25519PublicKey, signature: bytes, data: bytes) -> None:
        """Raise `ProofError` unless `signature` is `public_key`'s over `data`."""
        try:
            public_key.verify(signature, data)
        except InvalidSignature:
            raise ProofError("the signature does not verify") from None
