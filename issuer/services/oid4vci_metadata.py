"""OpenID4VCI 1.0 documents this service publishes: its credential issuer metadata, its
authorization server metadata and credential offers (pure: values in, JSON out).

The credential issuer identifier is the service's base URL, the identical string in the
offer, the issuer metadata and the authorization server's `issuer` (clients compare them).
"""

from typing import Any
from urllib.parse import urlencode

from issuer.model.spec import OB_V3_CONTEXT, VC_V2_CONTEXT

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
CONFIGURATION_ID = "OpenBadgeCredential_ldp_vc"
OFFER_SCHEME = "openid-credential-offer://"
JWT_PROOF_ALGORITHMS = ("EdDSA", "Ed25519")
DI_VP_PROOF_SUITES = ("eddsa-rdfc-2022", "Ed25519Signature2020")
TX_CODE_LENGTH = 6


def token_endpoint(issuer: str) -> str:
    """Return the token endpoint's URL."""
    return f"{issuer}/oid4vci/token"


def credential_issuer_metadata(issuer: str, *, name: str) -> dict[str, Any]:
    """Return `/.well-known/openid-credential-issuer` (OpenID4VCI 1.0 §12.2).

    `token_endpoint` is not a 1.0 field: Digital Bazaar's oid4-client reads it here (as
    drafts did); 1.0 clients read it from the authorization server metadata."""
    return {
        "credential_issuer": issuer,
        "token_endpoint": token_endpoint(issuer),
        "credential_endpoint": f"{issuer}/oid4vci/credential",
        "nonce_endpoint": f"{issuer}/oid4vci/nonce",
        "display": [{"name": name, "locale": "en"}],
        "credential_configurations_supported": {
            CONFIGURATION_ID: {
                "format": "ldp_vc",
                "cryptographic_binding_methods_supported": ["did:key"],
                "credential_signing_alg_values_supported": ["eddsa-rdfc-2022"],
                "proof_types_supported": {
                    "jwt": {"proof_signing_alg_values_supported": list(JWT_PROOF_ALGORITHMS)},
                    "di_vp": {"proof_signing_alg_values_supported": list(DI_VP_PROOF_SUITES)},
                },
                "credential_definition": {
                    "@context": [VC_V2_CONTEXT, OB_V3_CONTEXT],
                    "type": ["VerifiableCredential", "OpenBadgeCredential"],
                },
                "credential_metadata": {
                    "display": [
                        {
                            "name": "Open Badge",
                            "locale": "en",
                            "description": f"An Open Badges 3.0 credential issued by {name}",
                        }
                    ]
                },
            }
        },
    }


def authorization_server_metadata(issuer: str) -> dict[str, Any]:
    """Return `/.well-known/oauth-authorization-server` (RFC 8414; OpenID4VCI 1.0 §12.3)."""
    return {
        "issuer": issuer,
        "token_endpoint": token_endpoint(issuer),
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "response_types_supported": [],
        "token_endpoint_auth_methods_supported": ["none"],
        "pre-authorized_grant_anonymous_access_supported": True,
    }


def credential_offer(issuer: str, code: str, tx_code_length: int | None) -> dict[str, Any]:
    """Return the credential offer object of a pre-authorized `code` (§4.1.1)."""
    grant: dict[str, Any] = {"pre-authorized_code": code}
    if tx_code_length is not None:
        grant["tx_code"] = {
            "input_mode": "numeric",
            "length": tx_code_length,
            "description": "The code shown next to the QR code",
        }
    return {
        "credential_issuer": issuer,
        "credential_configuration_ids": [CONFIGURATION_ID],
        "grants": {PRE_AUTHORIZED_GRANT: grant},
    }


def credential_offer_uri(offer_url: str) -> str:
    """Return the `openid-credential-offer://` link to an offer served at `offer_url`."""
    return f"{OFFER_SCHEME}?{urlencode({'credential_offer_uri': offer_url})}"
