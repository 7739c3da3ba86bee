"""The result of verifying a credential or a presentation: a list of named checks.

Each check is passed, failed or a warning, with a sentence a non-expert can read.
A result is verified when it has at least one check, none failed, and (for a
presentation) every enclosed credential is verified; an empty list of checks never
counts as verified. `VerificationResult.to_vc_api()` gives the body of a VC API
(VCALM) `POST /credentials/verify` or `/presentations/verify` response.
"""

from collections.abc import Collection
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

CheckStatus = Literal["passed", "failed", "warning"]

VCALM_RESULT_KEYS = ("validFrom", "validUntil", "credentialSchema", "credentialStatus", "proof")
"""Check names that map onto keys of the VCALM `results` object (of a credential)."""

_SINGLE_RESULT_KEYS = ("validFrom", "validUntil")
"""VCALM `results` keys holding one object; the others hold a list."""

_PRESENTATION_RESULT_KEYS = ("challenge", "domain", "holder", "proof")
"""Check names that map onto keys of the VCALM `results.presentation` object."""


class CheckResult(BaseModel):
    """The outcome of one named check, e.g. `proof` or `credentialStatus`.

    A check that looks at one item of a list (one proof, one status entry, one schema)
    gives one CheckResult per item, all with the same name.
    """

    model_config = ConfigDict(frozen=True)

    name: str
    """Stable machine name: shape, proof, issuer, validFrom, validUntil, ..."""
    status: CheckStatus
    message: str
    """One or two plain sentences that a non-expert understands."""
    title: str | None = None
    """Short problem title for failures and warnings (the ProblemDetails `title`)."""
    problem_type: str | None = None
    """URL or URN naming the kind of problem (the ProblemDetails `type`)."""
    input: Any = None
    """The part of the document checked (a proof, a status entry, a date), for VCALM `results`."""
    value: int | None = None
    """The status value read from a status list (credentialStatus only)."""

    @property
    def passed(self) -> bool:
        """Whether the check passed."""
        return self.status == "passed"

    @property
    def failed(self) -> bool:
        """Whether the check failed."""
        return self.status == "failed"

    def problem_details(self) -> dict[str, str]:
        """Return this check as an RFC 9457 problem details object {type, title, detail}."""
        return {
            "type": self.problem_type or f"urn:ler-issuer:problem:{self.name}",
            "title": self.title or _default_title(self),
            "detail": self.message,
        }

    def vcalm_item(self) -> dict[str, Any]:
        """Return this check as a VCALM results item {verified, input[, value]}."""
        item: dict[str, Any] = {"verified": self.passed, "input": self.input}
        if self.value is not None:
            item["value"] = self.value
        return item


def _default_title(check: CheckResult) -> str:
    return f"{check.name}: {'warning' if check.status == 'warning' else 'check failed'}"


class CredentialSummary(BaseModel):
    """What a person wants to know about the document at a glance."""

    model_config = ConfigDict(frozen=True)

    id: str | None = None
    types: list[str] = Field(default_factory=list)
    name: str | None = None
    issuer_id: str | None = None
    issuer_name: str | None = None
    holder: str | None = None
    data_model: Literal["1.1", "2.0"] | None = None
    """The VC Data Model version its first @context names."""
    valid_from: str | None = None
    """validFrom (issuanceDate for VC 1.1), as written in the document."""
    valid_until: str | None = None
    """validUntil (expirationDate for VC 1.1), as written in the document."""


ALWAYS_CHECKED = frozenset({"shape", "proof"})
"""Checks that decide every verdict, whatever the caller asks for."""
OPTIONAL_CHECKS = frozenset(
    {"issuer", "validFrom", "validUntil", "credentialStatus", "credentialSchema"}
)
"""Checks a VC API caller may leave out of a credential's verdict with `options.checks`."""


class VerificationResult(BaseModel):
    """The checks run on one credential or presentation, and the verdict they give."""

    kind: Literal["credential", "presentation"]
    checks: list[CheckResult]
    summary: CredentialSummary = Field(default_factory=CredentialSummary)
    credentials: list["VerificationResult"] = Field(default_factory=list)
    """For a presentation: the result of every credential it encloses, in order."""
    document: Any = Field(default=None, exclude=True, repr=False)
    """The document as received (returned by `to_vc_api` only when asked)."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def verified(self) -> bool:
        """True when there is at least one check, none failed and every enclosed credential verified."""
        return (
            bool(self.checks)
            and not any(check.failed for check in self.checks)
            and all(credential.verified for credential in self.credentials)
        )

    def restricted_to(self, names: Collection[str]) -> "VerificationResult":
        """Return this result with only the optional checks in `names` (VC API
        `options.checks`); the `shape` and `proof` checks always stay."""
        keep = set(names) | ALWAYS_CHECKED
        return self.model_copy(
            update={"checks": [check for check in self.checks if check.name in keep]}
        )

    def named(self, name: str) -> list[CheckResult]:
        """Return the checks called `name`, in order."""
        return [check for check in self.checks if check.name == name]

    def worst(self, name: str) -> CheckStatus | None:
        """Return the worst status among the checks called `name` (None when there is none)."""
        statuses = {check.status for check in self.named(name)}
        for status in ("failed", "warning", "passed"):
            if status in statuses:
                return status
        return None

    def _names_by_status(self) -> dict[CheckStatus, list[str]]:
        grouped: dict[CheckStatus, list[str]] = {"passed": [], "warning": [], "failed": []}
        for name in dict.fromkeys(check.name for check in self.checks):
            worst = self.worst(name)
            if worst is not None:
                grouped[worst].append(name)
        return grouped

    def to_vc_api(self, *, include_document: bool = False) -> dict[str, Any]:
        """Return the VC API verify response body, in the current VCALM shape and the legacy one.

        VCALM: `verified`, `problemDetails` (one per failed or warning check; only failures
        make `verified` false), `results` (validFrom, validUntil, credentialSchema[],
        credentialStatus[], proof[]; for a presentation `presentation` and `credentials`),
        and `credential` / `verifiablePresentation` when `include_document`.
        Legacy (VC API before October 2024): `checks` (names of the checks that all
        passed), `warnings` and `errors` (names of the checks whose worst outcome was a
        warning or a failure). Each name is in exactly one of the three lists.
        """
        grouped = self._names_by_status()
        body: dict[str, Any] = {
            "verified": self.verified,
            "checks": grouped["passed"],
            "warnings": grouped["warning"],
            "errors": grouped["failed"],
            "problemDetails": [
                check.problem_details() for check in self.checks if not check.passed
            ],
            "results": self._vcalm_results(),
        }
        if include_document:
            key = "credential" if self.kind == "credential" else "verifiablePresentation"
            body[key] = self.document
        return body

    def _vcalm_results(self) -> dict[str, Any]:
        if self.kind == "presentation":
            presentation: dict[str, Any] = {}
            for name in _PRESENTATION_RESULT_KEYS:
                checks = [check for check in self.named(name) if check.input is not None]
                if not checks:
                    continue
                if name == "proof":
                    presentation[name] = [
                        {**check.vcalm_item(), "problemDetails": _problems(check)}
                        for check in checks
                    ]
                else:
                    presentation[name] = checks[0].vcalm_item()
            return {
                "presentation": presentation,
                "credentials": [
                    credential.to_vc_api(include_document=True) for credential in self.credentials
                ],
            }
        results: dict[str, Any] = {}
        for name in VCALM_RESULT_KEYS:
            checks = [check for check in self.named(name) if check.input is not None]
            if not checks:
                continue
            if name in _SINGLE_RESULT_KEYS:
                results[name] = checks[0].vcalm_item()
            else:
                results[name] = [check.vcalm_item() for check in checks]
        return results


def _problems(check: CheckResult) -> list[dict[str, str]]:
    return [] if check.passed else [check.problem_details()]
