"""Reading the signed view of a credential for the checks, or saying why it cannot be read."""

from typing import Any

from issuer.errors import IssuerError
from issuer.jsonld.loader import DocumentLoader
from issuer.jsonld.view import signed_view
from issuer.model.verification import CheckResult
from issuer.verify.checks.common import PARSING_ERROR, _failed, log


def signed_view_or_none(document: Any) -> dict[str, Any] | None:
    """Return the signed view of `document`, or None when it is not an object or cannot be read.

    For readers of credentials that already have their verdict (skills, holder check).
    """
    if not isinstance(document, dict):
        return None
    view, unreadable = read_signed_view(document)
    return None if unreadable else view


def read_signed_view(
    document: dict[str, Any], loader: DocumentLoader | None = None
) -> tuple[dict[str, Any] | None, list[CheckResult]]:
    """Return (the view of `document` from `issuer.jsonld.view`, []) or (None, [a failed check]).

    The failed check is named `signedContent`: without the view, nothing the
    credential says can be checked, so it is not verified.
    """
    try:
        return signed_view(document, loader=loader), []
    except IssuerError as err:
        reason = str(err).strip().rstrip(".")
    except Exception:  # hostile input must not crash verification
        log.exception("unexpected error while reading what a credential's signature covers")
        reason = "it is malformed"
    return None, [
        _failed(
            "signedContent",
            f"We could not read what the credential's signature covers, so none of what it "
            f"says could be checked: {reason}.",
            "Unreadable credential",
            PARSING_ERROR,
        )
    ]
