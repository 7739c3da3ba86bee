"""OpenID4VCI 1.0, pre-authorized code flow, `ldp_vc`: token, nonce and credential.

    token = oid4vci.token({"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": c}, now=now)
    nonce = oid4vci.nonce(now=now)["c_nonce"]
    body = oid4vci.credential(token["access_token"], request_json, now=now)

A pre-authorized code (an offer's, `issuer.services.offers`) buys one access token, once; a
transaction code, when the offer has one, must come with it (a few wrong tries end the
code). The credential request proves the holder's key with one `jwt` proof (header `kid` a
did:key URL or a `jwk`; `aud` = the credential issuer; `nonce` a fresh `c_nonce`) or one
`di_vp` presentation (proofPurpose authentication, domain = the credential issuer,
challenge = a fresh `c_nonce`), and gets the offer's holder-bound copies, delivered by the
same `OfferService.deliver` as Learner Credential Wallet's path. Proofs are checked
leniently where real clients differ: `typ` and `iat` may be absent (Digital Bazaar's
client), `proofs` may carry `proof_type`, and the draft `proof` object is read too.

Refusals raise `OAuthError` (error code and description, RFC 6749 §5.2 / OpenID4VCI §8.3.1).
"""

import base64
import hmac
import json
import secrets
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from joserfc import jws
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import OKPKey

from issuer.errors import Conflict, InvalidInput, NotFound
from issuer.keys.did import did_key_for, did_key_multibase
from issuer.keys.ed25519 import public_key_from_multibase, public_multibase
from issuer.services.offers import HolderProofRefused, OfferService, holder_of, sha256_hex
from issuer.services.oid4vci_metadata import (
    CONFIGURATION_ID,
    JWT_PROOF_ALGORITHMS,
    PRE_AUTHORIZED_GRANT,
    TX_CODE_LENGTH,
    credential_offer,
)
from issuer.services.verification import Verifier
from issuer.store.offers import StoredOffer
from issuer.store.oid4vci import StoredAccessToken
from issuer.store.protocols import OfferReader, Oid4vciReader, UnitOfWork

TOKEN_TTL = timedelta(minutes=10)
NONCE_TTL = timedelta(minutes=5)
MAX_TX_CODE_FAILURES = 5
CLOCK_SKEW = timedelta(minutes=5)
PROOF_TYPES = ("openid4vci-proof+jwt", "JWT")
MAX_NONCE_LENGTH = 64
"""Longer (or NUL-holding) nonces are none of ours: refused without a database lookup."""


class OAuthError(Exception):
    """A refused OAuth / OpenID4VCI request: `error` code and a plain `description`."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description

    @property
    def unauthorized(self) -> bool:
        """Whether the access token is the problem (HTTP 401, RFC 6750)."""
        return self.error == "invalid_token"


@dataclass(frozen=True)
class _Proof:
    """A checked proof of the holder's key: its did:key and the nonce it carries."""

    holder: str
    nonce: str


class Oid4vciService:
    """The token, nonce and credential endpoints (see the module's docstring)."""

    def __init__(
        self,
        *,
        credential_issuer: str,
        offers: OfferService,
        offer_reader: OfferReader,
        tokens: Oid4vciReader,
        uow: UnitOfWork,
        verifier: Verifier,
    ) -> None:
        self._issuer = credential_issuer
        self._offers = offers
        self._offer_reader = offer_reader
        self._tokens = tokens
        self._uow = uow
        self._verifier = verifier

    @property
    def credential_issuer(self) -> str:
        """The credential issuer identifier (the identical string everywhere)."""
        return self._issuer

    def offer_by_reference(self, code: str, *, now: datetime) -> dict[str, Any]:
        """Return the credential offer object of an unused, open pre-authorized `code`."""
        offer = self._offer_reader.get_by_code(sha256_hex(code))
        if offer is None or offer.code_used_at is not None or offer.expires_at <= now:
            raise NotFound("no such open credential offer")
        length = TX_CODE_LENGTH if offer.tx_code_sha256 else None
        return credential_offer(self._issuer, code, length)

    def token(self, form: Mapping[str, str], *, now: datetime) -> dict[str, Any]:
        """Exchange a pre-authorized code (and transaction code) for an access token.

        Unknown parameters (`resource`, `user_pin`, `client_id`...) are ignored.
        """
        grant_type = form.get("grant_type")
        if not grant_type:
            raise OAuthError("invalid_request", "grant_type is missing")
        if grant_type != PRE_AUTHORIZED_GRANT:
            raise OAuthError(
                "unsupported_grant_type", f"only the {PRE_AUTHORIZED_GRANT} grant is supported"
            )
        code = form.get("pre-authorized_code")
        if not code:
            raise OAuthError("invalid_request", "pre-authorized_code is missing")
        offer = self._offer_reader.get_by_code(sha256_hex(code))
        if offer is None or offer.code_used_at is not None or offer.expires_at <= now:
            raise OAuthError("invalid_grant", "the pre-authorized code is unknown, used or expired")
        self._check_tx_code(offer, form.get("tx_code"))
        token = secrets.token_urlsafe(32)
        expires_at = min(now + TOKEN_TTL, offer.expires_at)
        with self._uow() as tx:
            if not tx.offers.use_code(offer.id, now):
                raise OAuthError("invalid_grant", "the pre-authorized code has been used")
            tx.oid4vci.insert_token(
                StoredAccessToken(
                    token_sha256=sha256_hex(token),
                    offer_id=offer.id,
                    created_at=now,
                    expires_at=expires_at,
                ),
                now,
            )
            tx.audit.record(
                at=now,
                actor="oid4vci",
                action="offer-token",
                subject=offer.id,
                detail={"expiresAt": expires_at.isoformat()},
            )
        return {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": max(1, int((expires_at - now).total_seconds())),
        }

    def _check_tx_code(self, offer: StoredOffer, tx_code: str | None) -> None:
        """Refuse a missing or wrong transaction code (counted: a few end the code)."""
        if offer.tx_code_sha256 is None:
            return
        if offer.tx_code_failures >= MAX_TX_CODE_FAILURES:
            raise OAuthError(
                "invalid_grant", "too many wrong transaction codes; ask for a new offer"
            )
        if not tx_code:
            raise OAuthError("invalid_grant", "this offer needs its transaction code (tx_code)")
        if hmac.compare_digest(sha256_hex(tx_code), offer.tx_code_sha256):
            return
        with self._uow() as tx:
            tx.offers.count_tx_code_failure(offer.id)
        raise OAuthError("invalid_grant", "the transaction code (tx_code) is wrong")

    def nonce(self, *, now: datetime) -> dict[str, Any]:
        """Return a fresh `c_nonce` (single use, short-lived)."""
        value = secrets.token_urlsafe(24)
        with self._uow() as tx:
            tx.oid4vci.insert_nonce(value, expires_at=now + NONCE_TTL, now=now)
        return {"c_nonce": value}

    def credential(self, access_token: str | None, body: Any, *, now: datetime) -> dict[str, Any]:
        """Answer a credential request with the offer's holder-bound copies."""
        if not access_token:
            raise OAuthError("invalid_token", "send the access token (Authorization: Bearer)")
        stored = self._tokens.get_token(sha256_hex(access_token))
        if stored is None or stored.expires_at <= now:
            raise OAuthError("invalid_token", "the access token is unknown or expired")
        if not isinstance(body, dict):
            raise OAuthError("invalid_credential_request", "send the request as a JSON object")
        _check_configuration(body)
        proof_type, value = _single_proof(body)
        if proof_type == "jwt":
            proof = self._jwt_proof(value, now=now)
        else:
            proof = self._di_vp_proof(value, now=now)
        fresh = False
        if len(proof.nonce) <= MAX_NONCE_LENGTH and "\x00" not in proof.nonce:
            with self._uow() as tx:
                fresh = tx.oid4vci.consume_nonce(proof.nonce, now)
        if not fresh:
            raise OAuthError("invalid_nonce", "the proof's nonce is unknown, used or expired")
        try:
            copies = self._offers.deliver(stored.offer_id, proof.holder, now=now)
        except (NotFound, Conflict) as err:
            raise OAuthError("credential_request_denied", str(err)) from None
        return {"credentials": [{"credential": json.loads(copy.document)} for copy in copies]}

    def _jwt_proof(self, value: Any, *, now: datetime) -> _Proof:
        """Check a `jwt` proof (OpenID4VCI 1.0 Appendix F.1); return its holder and nonce."""
        if not isinstance(value, str):
            raise OAuthError("invalid_proof", "a jwt proof is a compact JWS string")
        try:
            header = jws.extract_compact(value.encode("ascii")).protected
        except (JoseError, ValueError, UnicodeError, TypeError) as err:
            raise OAuthError("invalid_proof", "the jwt proof cannot be read") from err
        alg = header.get("alg")
        if alg not in JWT_PROOF_ALGORITHMS:
            raise OAuthError("invalid_proof", "sign the jwt proof with an Ed25519 key (EdDSA)")
        typ = header.get("typ")
        if typ is not None and typ not in PROOF_TYPES:
            raise OAuthError("invalid_proof", "the jwt proof's typ must be openid4vci-proof+jwt")
        holder, key = _proof_key(header)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SecurityWarning)  # "EdDSA" (RFC 9864)
                payload_bytes = jws.deserialize_compact(value, key, algorithms=[alg]).payload
            payload = json.loads(payload_bytes)
        except (JoseError, ValueError, TypeError) as err:
            raise OAuthError("invalid_proof", "the jwt proof's signature does not verify") from err
        if not isinstance(payload, dict):
            raise OAuthError("invalid_proof", "the jwt proof's payload must be a JSON object")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self._issuer not in audiences:
            raise OAuthError("invalid_proof", f"the jwt proof's aud must be {self._issuer}")
        _check_times(payload, now)
        nonce = payload.get("nonce")
        if not isinstance(nonce, str) or not nonce:
            raise OAuthError("invalid_nonce", "the proof needs a c_nonce from the nonce endpoint")
        return _Proof(holder=holder, nonce=nonce)

    def _di_vp_proof(self, value: Any, *, now: datetime) -> _Proof:
        """Check a `di_vp` proof (Appendix F.2); return its holder and challenge (the nonce)."""
        if not isinstance(value, dict):
            raise OAuthError("invalid_proof", "a di_vp proof is a signed presentation (object)")
        proofs = value.get("proof")
        first = proofs[0] if isinstance(proofs, list) and proofs else proofs
        challenge = first.get("challenge") if isinstance(first, dict) else None
        if not isinstance(challenge, str) or not challenge:
            raise OAuthError("invalid_nonce", "the presentation's challenge must be a c_nonce")
        result = self._verifier.presentation(
            value, now=now, challenge=challenge, domain=self._issuer
        )
        if not result.verified:
            failed = next((c for c in result.checks if c.failed), None)
            reason = failed.message if failed else "it did not verify"
            raise OAuthError("invalid_proof", f"the presentation does not prove a holder: {reason}")
        try:
            holder = holder_of(value)
        except HolderProofRefused as err:
            raise OAuthError("invalid_proof", str(err)) from None
        return _Proof(holder=holder, nonce=challenge)


def _check_configuration(body: dict[str, Any]) -> None:
    """Refuse a request for anything but the one configuration (by id, or by `format`)."""
    if "credential_identifier" in body:
        raise OAuthError(
            "unknown_credential_identifier", "this issuer grants no credential identifiers"
        )
    configuration = body.get("credential_configuration_id")
    if configuration is None and body.get("format") == "ldp_vc":
        return  # a draft client asking by format
    if configuration != CONFIGURATION_ID:
        raise OAuthError(
            "unknown_credential_configuration",
            f"credential_configuration_id must be {CONFIGURATION_ID}",
        )


def _single_proof(body: dict[str, Any]) -> tuple[str, Any]:
    """Return the one proof of the request and its type (`jwt` or `di_vp`)."""
    proofs = body.get("proofs")
    proof = body.get("proof")
    if isinstance(proofs, dict):
        kind = proofs.get("proof_type")
        if kind is None:
            kinds = [key for key in proofs]
            if len(kinds) != 1:
                raise OAuthError("invalid_proof", "send proofs of one type")
            kind = kinds[0]
        values = proofs.get(kind) if isinstance(kind, str) else None
        values = values if isinstance(values, list) else [values]
    elif isinstance(proof, dict):
        kind = proof.get("proof_type")
        values = [proof.get(kind) if isinstance(kind, str) else None]
    else:
        raise OAuthError(
            "invalid_proof", "prove the holder's key: proofs.jwt or proofs.di_vp with a c_nonce"
        )
    if kind not in ("jwt", "di_vp"):
        raise OAuthError("invalid_proof", "the proof type must be jwt or di_vp")
    if len(values) != 1 or values[0] is None:
        raise OAuthError("invalid_proof", "send exactly one proof")
    return str(kind), values[0]


def _proof_key(header: dict[str, Any]) -> tuple[str, OKPKey]:
    """Return the holder did:key and the public key a jwt proof's header names."""
    kid, jwk = header.get("kid"), header.get("jwk")
    if (kid is None) == (jwk is None):
        raise OAuthError("invalid_proof", "the jwt proof's header needs one of kid or jwk")
    try:
        if kid is not None:
            if not isinstance(kid, str):
                raise InvalidInput("kid must be a string")
            did, _, fragment = kid.partition("#")
            multibase = did_key_multibase(did)
            if fragment and fragment != multibase:
                raise InvalidInput("the kid's fragment must be the did:key's key")
            raw = public_key_from_multibase(multibase).public_bytes_raw()
            return did, _okp(raw)
        if not isinstance(jwk, dict) or "d" in jwk:
            raise InvalidInput("jwk must be a public key")
        if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
            raise InvalidInput("jwk must be an Ed25519 key (kty OKP, crv Ed25519)")
        key = OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": str(jwk.get("x"))})
        raw = _b64url_decode(str(jwk.get("x")))
        return did_key_for(public_multibase_of(raw)), key
    except (InvalidInput, JoseError, ValueError, TypeError) as err:
        reason = str(err) or "it is not an Ed25519 public key"
        raise OAuthError("invalid_proof", f"the jwt proof's key cannot be used: {reason}") from None


def _okp(raw: bytes) -> OKPKey:
    """Return the joserfc key of a raw Ed25519 public key."""
    x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
    return OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": x})


def _b64url_decode(value: str) -> bytes:
    """Return the bytes of unpadded base64url `value`."""
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def public_multibase_of(raw: bytes) -> str:
    """Return the Multikey of a raw Ed25519 public key; raise `ValueError` if it is not one."""
    return public_multibase(Ed25519PublicKey.from_public_bytes(raw))


def _check_times(payload: dict[str, Any], now: datetime) -> None:
    """Refuse a proof issued in the future or expired (`iat`, `nbf`, `exp` optional)."""
    stamp = now.timestamp()
    skew = CLOCK_SKEW.total_seconds()
    for claim in ("iat", "nbf"):
        value = payload.get(claim)
        if value is None:
            continue
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise OAuthError("invalid_proof", f"the jwt proof's {claim} must be a number")
        if value > stamp + skew:
            raise OAuthError("invalid_proof", f"the jwt proof's {claim} is in the future")
    expiry = payload.get("exp")
    if expiry is not None:
        if not isinstance(expiry, int | float) or isinstance(expiry, bool):
            raise OAuthError("invalid_proof", "the jwt proof's exp must be a number")
        if expiry < stamp - skew:
            raise OAuthError("invalid_proof", "the jwt proof has expired")
