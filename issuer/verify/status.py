"""Getting status list credentials: the only network access verification makes.

A verifier never fetches an arbitrary URL a credential names. It asks a
`StatusListFetcher`, and the two fetchers here are deliberately narrow:

- `InProcessFetcher` reads this service's own lists through a callable the app supplies
  (no HTTP at all), and hands every other URL to an optional fallback.
- `HttpStatusListFetcher` fetches only from an allowed list of hosts, over HTTPS unless
  the operator allowed plain HTTP for a host, with a deadline over the whole fetch
  (`deadline.py`), a size limit, and no redirect to another host. It reuses what it
  fetched while the answer is fresh: for the HTTP `Cache-Control: max-age` / `Expires`,
  else the list's `ttl`, else (a list with a `validUntil`) up to `max_age`; never past
  the list's `validUntil` nor longer than `max_age` (300 s), never after `no-store` or
  `no-cache`. A failed fetch is never kept.

Both raise `StatusListNotAllowed` for a URL they will not fetch and
`StatusListUnavailable` when fetching fails. Either way the status of the credential is
unknown, and the `credentialStatus` check fails (`checks/status_entries.py`): a
verifier that cannot look never says "not revoked".

    fetch = InProcessFetcher(app_lists.read, fallback=HttpStatusListFetcher(["status.example"]))
    list_credential = fetch("https://status.example/lists/3")
"""

import json
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

import requests
from cachetools import LRUCache

from issuer.errors import IssuerError
from issuer.verify.deadline import deadline_session

DEFAULT_TIMEOUT = 5.0
"""Seconds allowed for one whole fetch (connect, TLS, redirects, headers and body)."""

DEFAULT_MAX_BYTES = 1024 * 1024
"""Largest status list credential accepted, in bytes (a list of 131,072 one-bit entries
is at most about 25 KB, and usually a few hundred bytes)."""

MAX_REDIRECTS = 3

DEFAULT_MAX_AGE = 300.0
"""Seconds a fetched document is reused at most, whatever its caching headers say."""

MAX_KEPT = 128
MAX_KEPT_BYTES = 64 * 1024
"""Fetched documents kept (only those up to this size)."""

_ACCEPT = (
    "application/vc+ld+json, application/vc, application/ld+json;q=0.9, application/json;q=0.8"
)


class StatusListUnavailable(IssuerError):
    """The status list credential could not be fetched or is not JSON."""

    code = "status-list-unavailable"
    title = "Status list unavailable"


class StatusListNotAllowed(StatusListUnavailable):
    """The status list is at a URL this verifier is not allowed to contact."""

    code = "status-list-not-allowed"
    title = "Status list host not allowed"


class StatusListFetcher(Protocol):
    """Returns the status list credential at `url` as parsed JSON.

    Raises StatusListNotAllowed for a URL it will not fetch, and StatusListUnavailable
    when the fetch fails or the body is not a JSON object.
    """

    def __call__(self, url: str) -> dict[str, Any]: ...


LocalListReader = Callable[[str], dict[str, Any] | None]
"""Supplied by the app: the service's own status list credential at `url`, or None if not its own."""


class InProcessFetcher:
    """Reads this service's own lists in-process; other URLs go to `fallback`, if any."""

    def __init__(self, read: LocalListReader, fallback: StatusListFetcher | None = None) -> None:
        self._read = read
        self._fallback = fallback

    def __call__(self, url: str) -> dict[str, Any]:
        """Return the list at `url`; raises StatusListNotAllowed / StatusListUnavailable."""
        document = self._read(url)
        if document is not None:
            if not isinstance(document, dict):
                raise StatusListUnavailable(f"the status list at {url} is not a JSON object")
            return document
        if self._fallback is None:
            raise StatusListNotAllowed(_refusal(url))
        return self._fallback(url)


def refuse_all(url: str) -> dict[str, Any]:
    """A fetcher that fetches nothing: every status list is refused (so status is unknown)."""
    raise StatusListNotAllowed(_refusal(url))


class HttpStatusListFetcher:
    """Fetches status lists over HTTPS (or plain HTTP where allowed), only from allowed hosts.

    `allowed_hosts` entries are host names ("status.example.org", matched without regard
    to case, on any port), host:port pairs ("status.example.org:8443", that port only),
    or either written with a scheme: "http://127.0.0.1:8080" allows plain HTTP (and
    HTTPS) to that host and port, "https://..." is the same as no scheme. Plain HTTP is
    refused for every other host unless `allow_http`. Redirects are followed (at most
    MAX_REDIRECTS) only to the same scheme, host and port. The whole fetch (connecting,
    redirects, headers and body) ends at `timeout` seconds, however slowly the server
    sends, and the body may not exceed `max_bytes`.
    """

    def __init__(
        self,
        allowed_hosts: Iterable[str],
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        allow_http: bool = False,
        max_age: float = DEFAULT_MAX_AGE,
    ) -> None:
        self._allowed: set[tuple[str, str, int | None]] = set()
        for entry in allowed_hosts:
            scheme, host, port = parse_host_entry(entry)
            self._allowed.add(("https", host, port))
            if scheme == "http":
                self._allowed.add(("http", host, port))
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.allow_http = allow_http
        self.max_age = max_age
        self._kept: LRUCache[str, tuple[bytes, float]] = LRUCache(MAX_KEPT)
        self._lock = threading.Lock()

    def is_allowed(self, url: str) -> bool:
        """Return whether `url` is on an allowed host, with a scheme allowed for that host."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return False
        if parts.scheme not in ("https", "http") or not parts.hostname:
            return False
        if parts.username or parts.password:
            return False
        host = parts.hostname.lower()
        effective_port = port or (443 if parts.scheme == "https" else 80)
        schemes = {parts.scheme, "https"} if self.allow_http else {parts.scheme}
        return any(
            (scheme, host, None) in self._allowed or (scheme, host, effective_port) in self._allowed
            for scheme in schemes
        )

    def __call__(self, url: str) -> dict[str, Any]:
        """Return the JSON object at `url`; raises StatusListNotAllowed / StatusListUnavailable."""
        if not self.is_allowed(url):
            https = "https://" + url.removeprefix("http://")
            if url.startswith("http://") and self.is_allowed(https):
                raise StatusListNotAllowed(
                    f"the status list at {url} is served over plain HTTP, which this verifier "
                    "is not allowed to use for that host"
                )
            raise StatusListNotAllowed(_refusal(url))
        with self._lock:
            kept = self._kept.get(url)
        if kept is not None and time.monotonic() < kept[1]:
            return _parse(kept[0], url)
        deadline = time.monotonic() + self.timeout
        with deadline_session(self.timeout) as (session, watchdog):
            try:
                body, headers = self._fetch(session, url, deadline)
            except StatusListUnavailable:
                if watchdog.fired:
                    raise StatusListUnavailable(_too_long(url, self.timeout)) from None
                raise
            if watchdog.fired or time.monotonic() > deadline:
                raise StatusListUnavailable(_too_long(url, self.timeout))
        fetched_at = time.monotonic()
        document = _parse(body, url)
        lifetime = min(freshness(headers, document, now=datetime.now(UTC)), self.max_age)
        if lifetime > 0 and len(body) <= MAX_KEPT_BYTES:
            with self._lock:
                self._kept[url] = (body, fetched_at + lifetime)
        return document

    def _fetch(
        self, session: requests.Session, url: str, deadline: float
    ) -> tuple[bytes, Mapping[str, str]]:
        """Return the body at `url` and its response headers, following allowed redirects."""
        origin = _origin(url)
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            response = self._get(session, current, deadline)
            with response:
                if response.is_redirect:
                    target = urljoin(current, response.headers.get("Location", ""))
                    if _origin(target) != origin or not self.is_allowed(target):
                        raise StatusListNotAllowed(
                            f"the status list at {url} redirects to another host, which is refused"
                        )
                    current = target
                    continue
                if response.status_code != 200:
                    raise StatusListUnavailable(
                        f"the status list at {url} could not be fetched "
                        f"(the server answered {response.status_code})"
                    )
                return self._read_body(response, url, deadline), response.headers
        raise StatusListUnavailable(f"the status list at {url} redirects too many times")

    def _get(self, session: requests.Session, url: str, deadline: float) -> requests.Response:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise StatusListUnavailable(_too_long(url, self.timeout))
        try:
            return session.get(
                url,
                timeout=remaining,
                allow_redirects=False,
                stream=True,
                headers={"Accept": _ACCEPT},
            )
        except requests.Timeout as err:
            raise StatusListUnavailable(_too_long(url, self.timeout)) from err
        except (requests.RequestException, OSError) as err:
            raise StatusListUnavailable(
                f"the status list at {url} could not be fetched (the server could not be reached)"
            ) from err

    def _read_body(self, response: requests.Response, url: str, deadline: float) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise StatusListUnavailable(_too_large(url, self.max_bytes))
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(chunk_size=16384):
                size += len(chunk)
                if size > self.max_bytes:
                    raise StatusListUnavailable(_too_large(url, self.max_bytes))
                if time.monotonic() > deadline:
                    raise StatusListUnavailable(_too_long(url, self.timeout))
                chunks.append(chunk)
        except (requests.RequestException, OSError) as err:
            raise StatusListUnavailable(
                f"the status list at {url} could not be read completely"
            ) from err
        return b"".join(chunks)


def freshness(headers: Mapping[str, str], document: dict[str, Any], *, now: datetime) -> float:
    """Return how many seconds a fetched status list may be reused (0: not at all).

    The HTTP answer decides (`Cache-Control: no-store`/`no-cache` none, `max-age`, else
    `Expires`, less any `Age`); without either, the list's `ttl` (milliseconds), else its
    `validUntil`. Never past `validUntil` (or a VC 1.1 list's `expirationDate`).
    """
    directives = {}
    for part in headers.get("Cache-Control", "").lower().split(","):
        name, _, value = part.strip().partition("=")
        directives[name] = value.strip('"')
    if "no-store" in directives or "no-cache" in directives:
        return 0.0
    age = headers.get("Age", "")
    seconds: float | None = None
    if "max-age" in directives:
        seconds = float(directives["max-age"]) if directives["max-age"].isdigit() else 0.0
    elif "Expires" in headers:
        seconds = _seconds_until(headers["Expires"], headers.get("Date"), now)
    if seconds is not None:
        seconds -= int(age) if age.isdigit() else 0
    end = _until(document)
    if seconds is None:
        subject = document.get("credentialSubject")
        ttl = subject.get("ttl") if isinstance(subject, dict) else None
        if isinstance(ttl, int) and not isinstance(ttl, bool) and ttl > 0:
            seconds = ttl / 1000
        elif end is not None:
            seconds = float("inf")
        else:
            return 0.0
    if end is not None:
        seconds = min(seconds, (end - now).total_seconds())
    return max(seconds, 0.0)


def _seconds_until(expires: str, date: str | None, now: datetime) -> float:
    """Seconds from the answer's `Date` (else `now`) to `Expires`; 0 when unreadable."""
    try:
        end = parsedate_to_datetime(expires)
        start = parsedate_to_datetime(date) if date else now
    except (TypeError, ValueError, IndexError):
        return 0.0
    if end.tzinfo is None or start.tzinfo is None:
        return 0.0
    return (end - start).total_seconds()


def _until(document: dict[str, Any]) -> datetime | None:
    """The list's `validUntil` (or `expirationDate`), if it is a readable date."""
    for name in ("validUntil", "expirationDate"):
        value = document.get(name)
        if isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                return datetime.min.replace(tzinfo=UTC)  # unreadable: not kept
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def parse_host_entry(entry: str) -> tuple[str, str, int | None]:
    """Return (scheme, host, port or None) of an allowed-host entry; raise ValueError.

    "host", "host:port", "[v6]", "[v6]:port", each optionally after "https://" or
    "http://" (the scheme defaults to https).
    """
    text = entry.strip().lower()
    scheme = "https"
    for prefix in ("https://", "http://"):
        if text.startswith(prefix):
            scheme, text = prefix[:-3], text.removeprefix(prefix).rstrip("/")
    host, port = _split_host(text)
    return scheme, host, port


def _refusal(url: str) -> str:
    """Why a URL is not fetched: its host is not allowed (or only over HTTPS)."""
    try:
        host = urlsplit(url).netloc or url
    except ValueError:
        host = url
    return f"the status list is kept at {host}, which this verifier is not allowed to contact"


def _too_long(url: str, timeout: float) -> str:
    return f"fetching the status list at {url} took too long (more than {timeout:g} seconds)"


def _too_large(url: str, max_bytes: int) -> str:
    return f"the status list at {url} is too large (more than {max_bytes // 1024} KiB)"


def _split_host(entry: str) -> tuple[str, int | None]:
    """Split "host", "host:port", "[v6]" or "[v6]:port" into a lower-case host and a port."""
    entry = entry.strip().lower()
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        port = rest.removeprefix(":")
    elif entry.count(":") == 1:
        host, _, port = entry.partition(":")
    else:
        host, port = entry, ""
    if not host or (port and not port.isdigit()):
        raise ValueError(f"not a host or host:port: {entry!r}")
    return host, int(port) if port else None


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    default = 443 if parts.scheme == "https" else 80
    return (parts.scheme, (parts.hostname or "").lower(), port or default)


def _parse(body: bytes, url: str) -> dict[str, Any]:
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise StatusListUnavailable(f"the status list at {url} is not JSON") from err
    if not isinstance(document, dict):
        raise StatusListUnavailable(f"the status list at {url} is not a JSON object")
    return document
