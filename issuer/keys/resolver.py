"""Resolve a proof's verificationMethod to an Ed25519 public key.

    resolve = make_key_resolver(identity.local_documents())
    method = resolve("did:key:z6Mk…#z6Mk…")

did:key is computed locally (a bare `did:key:z6Mk…` is accepted too); did:web
and HTTPS controller documents come from `local_documents`, else from
`fetch_json` if given. Following CID 1.0 "Retrieve Verification Method", the
document's `id` must be the URL it was fetched for and the method's
`controller` must be that document. The relationships listing the method
(`assertionMethod`, …) become `VerificationMethod.purposes`.
"""

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from issuer.errors import InvalidInput, ProofError
from issuer.keys.did import DID_KEY, DID_WEB, RELATIONSHIPS, did_key_multibase, did_web_url
from issuer.keys.ed25519 import public_key_from_multibase
from issuer.model.spec import as_list

ED25519_METHOD_TYPES = frozenset({"Multikey", "Ed25519VerificationKey2020"})


@dataclass(frozen=True)
class VerificationMethod:
    """A resolved key: its id, its controller, and the relationships that list it."""

    id: str
    controller: str
    public_key: Ed25519PublicKey = field(repr=False)
    purposes: frozenset[str] = frozenset({"assertionMethod"})


KeyResolver = Callable[[str], VerificationMethod]
FetchJson = Callable[[str], Any]


def make_key_resolver(
    local_documents: Mapping[str, dict[str, Any]], fetch_json: FetchJson | None = None
) -> KeyResolver:
    """Return a resolver over `local_documents` (controller URL -> document); raises `ProofError`."""
    documents = dict(local_documents)

    def resolve(method_id: str) -> VerificationMethod:
        controller = method_id.partition("#")[0]
        if controller.startswith(DID_KEY):
            return _did_key_method(method_id)
        document = documents.get(controller)
        if document is None:
            document = _fetch(controller, fetch_json)
        return method_from_document(document, method_id)

    return resolve


def method_from_document(document: Any, method_id: str) -> VerificationMethod:
    """Return the Ed25519 method `method_id` of controller `document`; raise `ProofError`."""
    controller = method_id.partition("#")[0]
    if not isinstance(document, dict) or document.get("id") != controller:
        raise ProofError(f"the controller document of {method_id} does not describe {controller}")
    method = next(
        (m for m in _methods(document, controller) if _id(m, controller) == method_id), None
    )
    if method is None:
        raise ProofError(f"{controller} does not list the verification method {method_id}")
    if method.get("controller") != controller:
        raise ProofError(f"the verification method {method_id} is not controlled by {controller}")
    if method.get("type") not in ED25519_METHOD_TYPES:
        raise ProofError(f"the verification method {method_id} is not an Ed25519 Multikey")
    try:
        public_key = public_key_from_multibase(method.get("publicKeyMultibase"))  # type: ignore[arg-type]
    except InvalidInput as err:
        raise ProofError(f"the verification method {method_id} has no usable Ed25519 key") from err
    purposes = frozenset(
        relationship
        for relationship in RELATIONSHIPS
        if any(_id(entry, controller) == method_id for entry in as_list(document.get(relationship)))
    )
    return VerificationMethod(method_id, controller, public_key, purposes)


@functools.lru_cache(maxsize=1024)
def _did_key_method(method_id: str) -> VerificationMethod:
    """Return the method of a did:key (a pure function of its id, so cached)."""
    did, _, fragment = method_id.partition("#")
    try:
        multibase = did_key_multibase(did)
    except InvalidInput as err:
        raise ProofError(f"{did} is not an Ed25519 did:key") from err
    if fragment and fragment != multibase:
        raise ProofError(f"{method_id} is not a verification method of {did}")
    return VerificationMethod(
        method_id, did, public_key_from_multibase(multibase), frozenset(RELATIONSHIPS)
    )


def _fetch(controller: str, fetch_json: FetchJson | None) -> Any:
    if controller.startswith(DID_WEB):
        try:
            url = did_web_url(controller)
        except InvalidInput as err:
            raise ProofError(f"cannot resolve {controller}: {err}") from err
    elif controller.startswith("https://"):
        url = controller
    else:
        raise ProofError(f"cannot resolve {controller}: unsupported identifier")
    if fetch_json is None:
        raise ProofError(f"cannot resolve {controller}: its controller document is not known here")
    try:
        return fetch_json(url)
    except Exception as err:
        raise ProofError(f"cannot retrieve the controller document of {controller}") from err


def _id(entry: Any, controller: str) -> str | None:
    """Return the absolute id of a method reference or embedded method."""
    value = entry.get("id") if isinstance(entry, dict) else entry
    if not isinstance(value, str):
        return None
    return controller + value if value.startswith("#") else value


def _methods(document: dict[str, Any], controller: str) -> list[dict[str, Any]]:
    methods = [m for m in as_list(document.get("verificationMethod")) if isinstance(m, dict)]
    for relationship in RELATIONSHIPS:
        methods.extend(m for m in as_list(document.get(relationship)) if isinstance(m, dict))
    return methods
