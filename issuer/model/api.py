"""Request and response bodies of the HTTP API (the OpenAPI document is generated from these)."""

import re
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from issuer.proofs.suites import DEFAULT_SUITE, SIGNING_SUITES

if TYPE_CHECKING:
    Cryptosuite = str
else:  # the registry's signing suites: pydantic validates them and writes the OpenAPI enum
    Cryptosuite = Literal[SIGNING_SUITES]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class StatusOption(_Body):
    """Which status entry to give an issued credential."""

    type: Literal["BitstringStatusListEntry"] = "BitstringStatusListEntry"
    status_purpose: Literal["revocation", "suspension"] = Field("revocation", alias="statusPurpose")


class IssueOptions(_Body):
    """VC API issue options (`type`: the proof type; Data Integrity is the only one)."""

    type: Literal["DataIntegrityProof"] = "DataIntegrityProof"
    cryptosuite: Cryptosuite = DEFAULT_SUITE
    credential_status: bool | StatusOption = Field(False, alias="credentialStatus")
    credential_id: str | None = Field(None, alias="credentialId")


class IssueCredentialRequest(_Body):
    """`POST /credentials/issue`: an unsigned VC 2.0 or 1.1 credential."""

    credential: dict[str, Any]
    options: IssueOptions = Field(default_factory=IssueOptions)


class VerifyOptions(BaseModel):
    """VC API verify options (unknown options are ignored, as VCALM allows).

    `checks` (credentials only) limits the verdict to the checks named, besides `shape`
    and `proof`, which always run: any of issuer, validFrom, validUntil,
    credentialStatus (or status), credentialSchema. Left out: every check.
    """

    challenge: str | None = None
    domain: str | None = None
    checks: (
        list[
            Literal[
                "proof",
                "issuer",
                "validFrom",
                "validUntil",
                "credentialStatus",
                "status",
                "credentialSchema",
            ]
        ]
        | None
    ) = None

    def chosen_checks(self) -> set[str] | None:
        """The optional checks asked for (`status` read as credentialStatus), or None: all."""
        if self.checks is None:
            return None
        return {"credentialStatus" if name == "status" else name for name in self.checks}


class VerifyCredentialRequest(BaseModel):
    """`POST /credentials/verify`."""

    verifiable_credential: Any = Field(None, alias="verifiableCredential")
    options: VerifyOptions = Field(default_factory=VerifyOptions)


class VerifyPresentationRequest(BaseModel):
    """`POST /presentations/verify` (a signed `verifiablePresentation`, or an unsigned `presentation`)."""

    verifiable_presentation: Any = Field(None, alias="verifiablePresentation")
    presentation: Any = None
    options: VerifyOptions = Field(default_factory=VerifyOptions)


class CredentialStatusChange(BaseModel):
    """The status to set (`status: true` sets the bit: revoked or suspended)."""

    type: Literal["BitstringStatusListEntry"] = "BitstringStatusListEntry"
    status_purpose: Literal["revocation", "suspension"] = Field(alias="statusPurpose")


class UpdateStatusRequest(_Body):
    """`POST /credentials/status`."""

    credential_id: str = Field(alias="credentialId")
    credential_status: (
        Annotated[list[CredentialStatusChange], Field(min_length=1, max_length=1)]
        | CredentialStatusChange
    ) = Field(alias="credentialStatus", description="One status entry (or a list of one)")
    status: bool = True


EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+$"
DID_PATTERN = r"^did:[a-z0-9]+:\S+$"
EMAIL_MESSAGE = "Enter an email address like ana@example.org."
DID_MESSAGE = (
    "Enter a DID like did:key:z6Mk… (did, the method, then the identifier, split by colons)."
)


def check_email(value: str | None) -> str | None:
    """Return the address, or raise `ValueError` with a plain message (the API, console and CLI)."""
    if value is not None and not re.match(EMAIL_PATTERN, value):
        raise ValueError(EMAIL_MESSAGE)
    return value


def check_did(value: str | None) -> str | None:
    """Return the DID, or raise `ValueError` with a plain message."""
    if value is not None and not re.match(DID_PATTERN, value):
        raise ValueError(DID_MESSAGE)
    return value


class AwardRecipient(_Body):
    """The learner: an email (stored only as a salted hash in the credential) and/or a DID."""

    email: Annotated[str | None, AfterValidator(check_email)] = Field(
        None, max_length=320, json_schema_extra={"pattern": EMAIL_PATTERN}
    )
    did: Annotated[str | None, AfterValidator(check_did)] = Field(
        None, max_length=2000, json_schema_extra={"pattern": DID_PATTERN}
    )
    name: str | None = Field(None, max_length=500)

    @model_validator(mode="after")
    def _needs_an_identifier(self) -> "AwardRecipient":
        if not self.email and not self.did:
            raise ValueError("Give the learner's email address or DID.")
        return self


class AwardEvidence(_Body):
    """Evidence of the award: a URL and/or a narrative."""

    id: str | None = Field(None, pattern=r"^https?://\S+$")
    name: str | None = None
    narrative: str | None = None


class AwardRequestBody(_Body):
    """`POST /awards`: a framework, what was demonstrated, and who demonstrated it."""

    framework: str = Field(description="Framework id (e.g. 43-4171.00-v.26.05) or SOC code")
    statements: list[str] = Field(default_factory=list, description="Statement keys or URLs")
    level: str | None = Field(None, description="A level key or label: all its statements")
    levels: list[str] = Field(default_factory=list)
    recipient: AwardRecipient
    evidence: list[AwardEvidence] = Field(default_factory=list)
    narrative: str | None = None
    valid_until: datetime | None = Field(None, alias="validUntil")
    cryptosuite: Cryptosuite = DEFAULT_SUITE
    notify: bool = Field(
        False, description="Email the recipient their wallet link (when an email is given)"
    )


class AwardedCredentialBody(BaseModel):
    """One credential of an award response."""

    id: str
    url: str
    achievement: str
    name: str
    kind: Literal["statement", "level"]
    existing: bool
    verifiable_credential: dict[str, Any] = Field(alias="verifiableCredential")


class AwardResponse(BaseModel):
    """`POST /awards` response."""

    framework: str
    credentials: list[AwardedCredentialBody]
    wallet: str | None


class BatchOptionsBody(_Body):
    """How to run a batch: `replace` revokes and reissues what was issued before (default:
    skip it); `dryRun` only checks the roster."""

    replace: bool = False
    dry_run: bool = Field(False, alias="dryRun")
    cryptosuite: Cryptosuite = DEFAULT_SUITE
    notify: bool = Field(
        False, description="Email each learner their wallet link when the batch has finished"
    )


class BatchRequestBody(_Body):
    """`POST /batches` as JSON: roster rows (keys as the CSV columns; `statements` may be a
    list). A CSV roster is sent as multipart form field `roster`, or as `text/csv`."""

    rows: list[Any] = Field(max_length=100_000)
    options: BatchOptionsBody = Field(default_factory=BatchOptionsBody)


class BatchRowError(BaseModel):
    """A problem with one roster row (`row` null: with the batch as a whole)."""

    row: int | None
    detail: str


class BatchStatusBody(BaseModel):
    """`GET /batches/{id}`: a batch's progress (credentials issued and skipped as duplicates,
    rows failed) and its errors by row."""

    id: str
    status: Literal["queued", "running", "finished", "failed"]
    source: str
    rows: int
    credentials: int
    issued: int
    skipped: int
    failed: int
    done: int
    options: dict[str, Any]
    errors: list[BatchRowError]
    created_at: str = Field(alias="createdAt")
    started_at: str | None = Field(None, alias="startedAt")
    finished_at: str | None = Field(None, alias="finishedAt")
    links: dict[str, str]


MAX_DATABASE_ID = 2**31 - 1
"""Largest numeric row id (`INTEGER` columns: 32-bit in PostgreSQL)."""


class _Query(BaseModel):
    """Query-string parameters (unknown ones are ignored, as browsers and proxies add some)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class AuditQuery(_Query):
    """`GET /audit` parameters."""

    limit: int = Field(100, ge=1, le=1000, description="How many events (newest first)")
    before: int | None = Field(
        None, ge=1, le=MAX_DATABASE_ID, description="Only events older than this event id"
    )
    action: str | None = Field(
        None, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$", description="Only this action"
    )


class BatchListQuery(_Query):
    """`GET /batches` parameters."""

    limit: int = Field(20, ge=1, le=100, description="How many batches (newest first)")
