"""The `validFrom` and `validUntil` checks (issuanceDate/expirationDate for VC 1.1)."""

from datetime import datetime
from typing import Any

from issuer.model.verification import CheckResult
from issuer.verify.checks.common import (
    CREDENTIAL_EXPIRED,
    MALFORMED_VALUE_ERROR,
    PROBLEM,
    _failed,
    date_fields,
    describe_date,
    parse_datetime,
)


def check_valid_from(document: dict[str, Any], now: datetime) -> CheckResult:
    """`validFrom` (issuanceDate for VC 1.1): the credential is already valid at `now`."""
    field, _ = date_fields(document)
    raw = document.get(field)
    if raw is None:
        return CheckResult(
            name="validFrom",
            status="passed",
            message="The credential does not say from when it is valid.",
        )
    start = parse_datetime(raw)
    if start is None:
        return _failed(
            "validFrom",
            f"The date from which the credential is valid ({field} {raw!r}) is not a valid date.",
            "Malformed date",
            MALFORMED_VALUE_ERROR,
            input=raw,
        )
    if now < start:
        return _failed(
            "validFrom",
            f"This credential is not valid yet: it becomes valid on {describe_date(start)}.",
            "Not yet valid",
            PROBLEM + "not-yet-valid",
            input=raw,
        )
    return CheckResult(
        name="validFrom",
        status="passed",
        message=f"The credential has been valid since {describe_date(start)}.",
        input=raw,
    )


def check_valid_until(document: dict[str, Any], now: datetime) -> CheckResult:
    """`validUntil` (expirationDate for VC 1.1): the credential has not expired at `now`."""
    _, field = date_fields(document)
    raw = document.get(field)
    if raw is None:
        return CheckResult(
            name="validUntil", status="passed", message="The credential does not expire."
        )
    end = parse_datetime(raw)
    if end is None:
        return _failed(
            "validUntil",
            f"The credential's expiry date ({field} {raw!r}) is not a valid date.",
            "Malformed date",
            MALFORMED_VALUE_ERROR,
            input=raw,
        )
    if now >= end:
        return _failed(
            "validUntil",
            f"This credential expired on {describe_date(end)}.",
            "Credential expired",
            CREDENTIAL_EXPIRED,
            input=raw,
        )
    return CheckResult(
        name="validUntil",
        status="passed",
        message=f"The credential is valid until {describe_date(end)}.",
        input=raw,
    )
