"""Who the issuer is: its DID, its signing key, and the DID document it publishes.

With `did_method == "key"` the issuer id is the did:key of the active key, so a
rotation changes the issuer id; credentials signed before still verify,
because a did:key resolves from itself. With `"web"` the issuer is the did:web
of `base_url`, and its DID document (served at /.well-known/did.json) lists
every key, retired ones included, under `assertionMethod`, so old credentials
keep verifying; verification method ids are `did:web:…#key-N`.
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from issuer.keys.did import controller_document, did_key_document, did_key_for, did_web_for
from issuer.keys.signer import Signer
from issuer.keys.store import IssuerKey, KeyStore
from issuer.settings import Settings


@dataclass(frozen=True)
class IssuerIdentity:
    """The issuer's DID and keys, read from the key store on each call (rotation shows at once)."""

    did_method: Literal["key", "web"]
    key_store: KeyStore
    web_did: str

    @classmethod
    def from_settings(cls, settings: Settings, key_store: KeyStore) -> "IssuerIdentity":
        """Return the identity configured by `settings` (reads no key yet)."""
        return cls(settings.did_method, key_store, did_web_for(settings.base_url))

    @property
    def did(self) -> str:
        """The issuer id: did:key of the active key, or the did:web of the base URL."""
        if self.did_method == "web":
            return self.web_did
        return did_key_for(self.key_store.active().public_multibase)

    def verification_method(self, key: IssuerKey) -> str:
        """Return the verification method id naming `key`."""
        if self.did_method == "web":
            return f"{self.web_did}#{key.id}"
        return f"{did_key_for(key.public_multibase)}#{key.public_multibase}"

    def signer(self) -> Signer:
        """Return a signer for the active key; raise `KeyUnavailable` if there is none."""
        key = self.key_store.active()
        return Signer(self.key_store.key_pair(key.id), self.verification_method(key))

    def did_document(self) -> dict[str, Any]:
        """Return the issuer's DID document (did:web: every key; did:key: the active one).

        Raises `KeyUnavailable` if there is no key yet.
        """
        if self.did_method == "key":
            return did_key_document(self.did)
        active = [self.key_store.active().id]
        keys = self.key_store.all()
        return controller_document(
            self.web_did,
            [(k.id, k.public_multibase) for k in keys],
            {"assertionMethod": [k.id for k in keys], "authentication": active},
        )

    def local_documents(self) -> dict[str, dict[str, Any]]:
        """Return the controller documents this service can resolve offline, by id (built
        again only when the keys change; the documents are shared: read them, never write)."""
        keys = tuple(self.key_store.all())
        return dict(_local_documents(self.did_method, self.web_did, keys))


@lru_cache(maxsize=8)
def _local_documents(
    did_method: Literal["key", "web"], web_did: str, keys: tuple[IssuerKey, ...]
) -> dict[str, dict[str, Any]]:
    if not keys:
        return {}
    if did_method == "web":
        active = [key.id for key in keys if key.status == "active"]
        document = controller_document(
            web_did,
            [(k.id, k.public_multibase) for k in keys],
            {"assertionMethod": [k.id for k in keys], "authentication": active},
        )
        return {web_did: document}
    documents = {}
    for key in keys:
        did = did_key_for(key.public_multibase)
        documents[did] = did_key_document(did)
    return documents
