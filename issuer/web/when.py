"""Times in words for console pages: "2 minutes ago", "1 December 2026, 14:05 UTC".

`init_app(app)` adds the Jinja filter `when` (a `<time>` element: words, and the exact UTC time
as its title; `static/local-time.js` rewrites the title into the reader's local time).
"""

from datetime import UTC, datetime

from flask import Flask
from markupsafe import Markup, escape


def ago(at: datetime, now: datetime) -> str:
    """Return how long before `now` `at` was, in words ("just now", "3 hours ago")."""
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    seconds = int((now - at).total_seconds())
    if seconds < 0:
        return "in the future"
    if seconds < 45:
        return "just now"
    minutes = max(1, round(seconds / 60))
    if minutes < 60:
        return _plural(minutes, "minute")
    if seconds < 86400:
        return _plural(seconds // 3600, "hour")
    if seconds <= 30 * 86400:
        return _plural(seconds // 86400, "day")
    return f"on {on_date(at)}"


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'} ago"


def on_date(at: datetime) -> str:
    """Return the UTC date in words ("1 December 2026")."""
    at = at.astimezone(UTC) if at.tzinfo else at
    return f"{at.day} {at:%B %Y}"


def exact(at: datetime) -> str:
    """Return the exact UTC time in words ("1 December 2026, 14:05 UTC")."""
    at = at.astimezone(UTC) if at.tzinfo else at
    return f"{on_date(at)}, {at:%H:%M} UTC"


def when(at: datetime | None, now: datetime | None = None) -> Markup:
    """Return a `<time>` element: words, with the exact time as its `title`."""
    if at is None:
        return Markup("—")
    stamp = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC)
    words = ago(stamp, now or datetime.now(UTC))
    return Markup('<time datetime="{}" title="{}">{}</time>').format(
        stamp.strftime("%Y-%m-%dT%H:%M:%SZ"), escape(exact(stamp)), words
    )


def init_app(app: Flask) -> None:
    """Register the `when` and `exact_time` template filters."""
    app.add_template_filter(when, "when")
    app.add_template_filter(exact, "exact_time")
