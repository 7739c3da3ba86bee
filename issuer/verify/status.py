"""Getting status list credentials: the only network access verification makes.

A verifier never fetches an arbitrary URL a credential names. It asks a
`StatusListFetcher`, and the two fetchers here are deliberately narrow:

- `InProcessFetcher` reads this service's own lists through a callable the app supplies
  (no HTTP at all), and hands every other URL to an optional fallback.
- `HttpStatusListFetcher` fetches only from an allowed list of hosts, over HTTPS unless
  told otherwise, with a total time limit, a size limit, and no redirect to another host.

Both raise `StatusListNotAllowed` for a URL they will not fetch and
`StatusListUnavailable` when fetching fails; the verifier reports the first as a warning
(the operator chose not to look) and the second as a failure (see `checks.py`).

    fetch = InProcessFetcher(app_lists.read, fallback=HttpStatusListFetcher(["status.example"]))
    list_credential = fetch("https://status.example/lists/3")
"""

import json
import time
from collections.abc import Callable, Iterable
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

import requests

from issuer.errors import IssuerError

DEFAULT_TIMEOUT = 5.0
"""Seconds allowed for one whole fetch (connect, redirects and body)."""

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
"""Largest status list credential accepted, in bytes (a minimal list is about 200 bytes)."""

MAX_REDIRECTS = 3

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
            raise StatusListNotAllowed(
                f"the status list at {url} is not one of this service's own lists"
            )
        return self._fallback(url)


def refuse_all(url: str) -> dict[str, Any]:
    """A fetcher that fetches nothing: every status list is reported as not checked."""
    raise StatusListNotAllowed(f"this verifier is not set up to fetch status lists ({url})")


class HttpStatusListFetcher:
    """Fetches status lists over HTTP(S), only from `allowed_hosts`.

    `allowed_hosts` entries are host names ("status.example.org", matched without regard
    to case, on any port) or host:port pairs ("127.0.0.1:8080", that port only). Plain
    HTTP is refused unless `allow_http`. Redirects are followed (at most MAX_REDIRECTS)
    only to the same host and port. The whole fetch must finish within `timeout` seconds
    and the body may not exceed `max_bytes`.
    """

    def __init__(
        self,
        allowed_hosts: Iterable[str],
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        allow_http: bool = False,
        session: requests.Session | None = None,
    ) -> None:
        self._hosts: set[str] = set()
        self._host_ports: set[tuple[str, int]] = set()
        for entry in allowed_hosts:
            host, port = _split_host(entry)
            if port is None:
                self._hosts.add(host)
            else:
                self._host_ports.add((host, port))
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.allow_http = allow_http
        if session is None:
            session = requests.Session()
            session.trust_env = False  # no proxies or .netrc from the environment
        self._session = session

    def is_allowed(self, url: str) -> bool:
        """Return whether `url` is on an allowed host, with an allowed scheme."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return False
        schemes = ("https", "http") if self.allow_http else ("https",)
        if parts.scheme not in schemes or not parts.hostname or parts.username or parts.password:
            return False
        host = parts.hostname.lower()
        effective_port = port or (443 if parts.scheme == "https" else 80)
        return host in self._hosts or (host, effective_port) in self._host_ports

    def __call__(self, url: str) -> dict[str, Any]:
        """Return the JSON object at `url`; raises StatusListNotAllowed / StatusListUnavailable."""
        if not self.is_allowed(url):
            raise StatusListNotAllowed(
                f"the status list at {url} is on a host this verifier is not allowed to contact"
            )
        deadline = time.monotonic() + self.timeout
        origin = _origin(url)
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            response = self._get(current, deadline)
            with response:
                if response.is_redirect:
                    location = response.headers.get("Location", "")
                    target = urljoin(current, location)
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
                body = self._read_body(response, url, deadline)
            return _parse(body, url)
        raise StatusListUnavailable(f"the status list at {url} redirects too many times")

    def _get(self, url: str, deadline: float) -> requests.Response:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise StatusListUnavailable(f"fetching the status list at {url} took too long")
        try:
            return self._session.get(
                url,
                timeout=remaining,
                allow_redirects=False,
                stream=True,
                headers={"Accept": _ACCEPT},
            )
        except requests.Timeout as err:
            raise StatusListUnavailable(f"fetching the status list at {url} took too long") from err
        except requests.RequestException as err:
            raise StatusListUnavailable(
                f"the status list at {url} could not be fetched (the server could not be reached)"
            ) from err

    def _read_body(self, response: requests.Response, url: str, deadline: float) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise StatusListUnavailable(f"the status list at {url} is too large")
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(chunk_size=16384):
                size += len(chunk)
                if size > self.max_bytes:
                    raise StatusListUnavailable(f"the status list at {url} is too large")
                if time.monotonic() > deadline:
                    raise StatusListUnavailable(f"fetching the status list at {url} took too long")
                chunks.append(chunk)
        except requests.RequestException as err:
            raise StatusListUnavailable(
                f"the status list at {url} could not be read completely"
            ) from err
        return b"".join(chunks)


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
