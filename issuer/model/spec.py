"""Strings the specifications fix (contexts, proof types), and `as_list`. Imports nothing.

Every module that names a context or proof type imports it from here.
"""

from typing import Any

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
DATA_MODEL_VERSIONS = {VC_V2_CONTEXT: "2.0", VC_V1_CONTEXT: "1.1"}
"""The VC Data Model version a document's first @context names."""
STATUS_CONTEXT_V1 = "https://www.w3.org/ns/credentials/status/v1"
"""Bitstring Status List terms for VC 1.1 documents (VC 2.0's own context defines them)."""
DATA_INTEGRITY_V1_CONTEXT = "https://w3id.org/security/data-integrity/v1"
DATA_INTEGRITY_V2_CONTEXT = "https://w3id.org/security/data-integrity/v2"
ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"
OB_V3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
CLR_V2_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
OB_FAMILY_PREFIXES = (
    "https://purl.imsglobal.org/spec/ob/v3p0/",
    "https://purl.imsglobal.org/spec/clr/v2p0/",
)
"""Context URL prefixes of Open Badges 3.0 and CLR 2.0, whose schemas want `proof` as an array."""
OB_CREDENTIAL_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)

DATA_INTEGRITY_PROOF = "DataIntegrityProof"
ED25519_SIGNATURE_2020 = "Ed25519Signature2020"


def as_list(value: Any) -> list[Any]:
    """Return `value` as a list: [] for None, itself for a list, else [value]."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
