"""Finding issued credentials for the console: by learner (name, email or DID), framework,
status, batch and date, and the CSV export of what was found.

Emails are not stored: an email (or DID) is looked up by the recipient key the issuer keeps
for each credential (`awards.recipient_key`), so only an exact address finds anything. A name
is looked for in the signed documents and then checked against the recipient they name.
"""

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from issuer.credentials.compose import Recipient
from issuer.errors import InvalidInput
from issuer.services.awards import recipient_key
from issuer.services.batch_results import spreadsheet_cell, wallet_url
from issuer.services.wallet import credential_state
from issuer.store.credentials import CredentialFilter, CredentialStore, StoredCredential
from issuer.wallet.describe import CredentialView, describe_credential

STATES = {
    "active": "In good standing",
    "revoked": "Revoked",
    "suspended": "Suspended",
    "expired": "Expired",
}
NAME_SCAN_LIMIT = 20_000
"""At most this many credentials whose text holds a searched name are read to check it."""


@dataclass(frozen=True)
class SearchTerms:
    """What the provider typed and chose; empty strings mean "any"."""

    learner: str = ""
    framework: str = ""
    state: str = ""
    batch: str = ""
    issued_from: date | None = None
    issued_to: date | None = None

    @classmethod
    def from_values(cls, values: Any) -> "SearchTerms":
        """Read the terms from a query string (a mapping); raise `InvalidInput` for a bad date
        or status."""
        state = str(values.get("status", "") or "").strip()
        if state and state not in STATES:
            raise InvalidInput(f"Choose a status from the list ({', '.join(STATES)}).")
        return cls(
            learner=str(values.get("learner", "") or "").strip(),
            framework=str(values.get("framework", "") or "").strip(),
            state=state,
            batch=str(values.get("batch", "") or "").strip(),
            issued_from=_date(values.get("from"), "from"),
            issued_to=_date(values.get("to"), "to"),
        )

    def as_query(self) -> dict[str, str]:
        """Return the terms as query-string parameters (only those given)."""
        values = {
            "learner": self.learner,
            "framework": self.framework,
            "status": self.state,
            "batch": self.batch,
            "from": self.issued_from.isoformat() if self.issued_from else "",
            "to": self.issued_to.isoformat() if self.issued_to else "",
        }
        return {key: value for key, value in values.items() if value}

    def to_filter(self) -> CredentialFilter:
        """Return the store filter these terms ask for."""
        learner = self.learner
        key = None
        text = None
        if "@" in learner:
            key = recipient_key(Recipient(email=learner))
        elif learner.startswith("did:"):
            key = recipient_key(Recipient(did=learner))
        elif learner:
            text = learner
        return CredentialFilter(
            recipient_key=key,
            text=text,
            framework_id=self.framework or None,
            state=self.state or None,
            batch_id=self.batch or None,
            issued_from=_midnight(self.issued_from),
            issued_before=_midnight(self.issued_to + timedelta(days=1) if self.issued_to else None),
        )


@dataclass(frozen=True)
class Found:
    """One credential found, with what the console shows of it."""

    stored: StoredCredential
    view: CredentialView
    state: str


def _date(value: object, which: str) -> date | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        word = "From" if which == "from" else "To"
        raise InvalidInput(f"{word} date: enter a date like 2026-12-01.") from None


def _midnight(day: date | None) -> datetime | None:
    return datetime.combine(day, time(0), tzinfo=UTC) if day else None


def _found(stored: StoredCredential, now: datetime) -> Found:
    document = json.loads(stored.document)
    view = describe_credential(document if isinstance(document, dict) else {})
    return Found(stored=stored, view=view, state=credential_state(stored, now))


def search(
    store: CredentialStore,
    terms: SearchTerms,
    *,
    now: datetime,
    limit: int | None = 25,
    offset: int = 0,
) -> tuple[list[Found], int]:
    """Return a page of the credentials the terms select, newest first, and their count."""
    where = terms.to_filter()
    if where.text is None:
        rows, total = store.search(where, now=now, limit=limit, offset=offset)
        return [_found(row, now) for row in rows], total
    wanted = where.text.casefold()
    rows, _ = store.search(where, now=now, limit=NAME_SCAN_LIMIT)
    matches = [
        found
        for found in (_found(row, now) for row in rows)
        if wanted in (found.view.recipient or "").casefold()
    ]
    end = None if limit is None else offset + limit
    return matches[offset:end], len(matches)


CSV_HEADER = (
    "issued_at",
    "achievement",
    "level",
    "learner",
    "framework",
    "status",
    "batch",
    "credential",
    "wallet",
)


def credentials_csv(found: Iterable[Found], *, base_url: str) -> str:
    """Return the credentials as CSV (a header row, then one row each); text cells that a
    spreadsheet would read as formulas are escaped."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for item in found:
        row = item.stored
        wallet = wallet_url(base_url, row.wallet_id)
        writer.writerow(
            [
                spreadsheet_cell(value)
                for value in (
                    row.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    item.view.achievement.name,
                    item.view.achievement.level or "",
                    item.view.recipient or "",
                    row.framework_id or "",
                    STATES.get(item.state, item.state),
                    row.batch_id or "",
                    row.url,
                    wallet,
                )
            ]
        )
    return out.getvalue()
