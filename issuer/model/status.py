"""Bitstring Status List entries and list credentials (W3C Bitstring Status List v1.0)."""

from typing import Literal

from issuer.model.base import LdModel

StatusPurpose = Literal["revocation", "suspension"]


class BitstringStatusListEntry(LdModel):
    """A credential's pointer to its bit in a status list (OB gives `type` as one string)."""

    id: str
    type: Literal["BitstringStatusListEntry"] = "BitstringStatusListEntry"
    status_purpose: StatusPurpose
    status_list_index: str
    status_list_credential: str
