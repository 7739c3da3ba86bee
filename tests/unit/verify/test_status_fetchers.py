"""The status list fetchers against a real HTTP server on 127.0.0.1."""

import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from issuer.verify.status import (
    HttpStatusListFetcher,
    InProcessFetcher,
    StatusListNotAllowed,
    StatusListUnavailable,
    refuse_all,
)
from tests.unit.verify.conftest import DocumentServer

LIST = {"id": "x", "type": ["VerifiableCredential", "BitstringStatusListCredential"]}


def _fetcher(server: DocumentServer, **kw: object) -> HttpStatusListFetcher:
    return HttpStatusListFetcher([f"127.0.0.1:{server.port}"], allow_http=True, **kw)  # type: ignore[arg-type]


def test_fetches_json_from_an_allowed_host(document_server: DocumentServer) -> None:
    document_server.documents["/list"] = LIST
    assert _fetcher(document_server)(document_server.url("/list")) == LIST


def test_host_without_port_allows_any_port(document_server: DocumentServer) -> None:
    document_server.documents["/list"] = LIST
    fetch = HttpStatusListFetcher(["127.0.0.1"], allow_http=True)
    assert fetch(document_server.url("/list")) == LIST


@pytest.mark.parametrize(
    "allowed",
    [["localhost"], ["127.0.0.1:1"], ["status.example.org"], []],
)
def test_refuses_a_host_not_allowed_without_contacting_it(
    document_server: DocumentServer, allowed: list[str]
) -> None:
    document_server.documents["/list"] = LIST
    fetch = HttpStatusListFetcher(allowed, allow_http=True)
    with pytest.raises(StatusListNotAllowed):
        fetch(document_server.url("/list"))
    assert document_server.requests == []


def test_refuses_plain_http_unless_allowed(document_server: DocumentServer) -> None:
    document_server.documents["/list"] = LIST
    fetch = HttpStatusListFetcher([f"127.0.0.1:{document_server.port}"])
    with pytest.raises(StatusListNotAllowed):
        fetch(document_server.url("/list"))
    assert document_server.requests == []


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "https://user:pw@127.0.0.1/list", "not a url", "https://[::1/x"],
)
def test_refuses_odd_urls(url: str) -> None:
    fetch = HttpStatusListFetcher(["127.0.0.1"], allow_http=True)
    with pytest.raises(StatusListNotAllowed):
        fetch(url)


def test_follows_a_redirect_on_the_same_host(document_server: DocumentServer) -> None:
    document_server.documents["/list"] = LIST
    assert _fetcher(document_server)(document_server.url("/redirect-same")) == LIST


def test_refuses_a_redirect_to_another_host(document_server: DocumentServer) -> None:
    document_server.documents["/list"] = LIST
    fetch = HttpStatusListFetcher(
        [f"127.0.0.1:{document_server.port}", f"localhost:{document_server.port}"],
        allow_http=True,
    )
    with pytest.raises(StatusListNotAllowed, match="redirects"):
        fetch(document_server.url("/redirect-other"))
    assert document_server.requests == ["/redirect-other"]


def test_times_out_when_the_server_is_slow_to_answer(document_server: DocumentServer) -> None:
    started = time.monotonic()
    with pytest.raises(StatusListUnavailable, match="too long"):
        _fetcher(document_server, timeout=0.5)(document_server.url("/slow-start"))
    assert time.monotonic() - started < 1.8


def test_total_time_limit_applies_to_a_slow_body(document_server: DocumentServer) -> None:
    started = time.monotonic()
    with pytest.raises(StatusListUnavailable, match="too long"):
        _fetcher(document_server, timeout=0.7)(document_server.url("/drip"))
    assert time.monotonic() - started < 2.5


@pytest.mark.parametrize("path", ["/big", "/big-chunked"])
def test_refuses_a_body_over_the_size_limit(document_server: DocumentServer, path: str) -> None:
    with pytest.raises(StatusListUnavailable, match="too large"):
        _fetcher(document_server, max_bytes=1_000_000)(document_server.url(path))


def test_a_large_enough_limit_accepts_the_same_body(document_server: DocumentServer) -> None:
    document = _fetcher(document_server, max_bytes=4_000_000)(document_server.url("/big"))
    assert len(document["x"]) == 3_000_000


@pytest.mark.parametrize(
    ("path", "message"),
    [("/missing", "404"), ("/not-json", "not JSON"), ("/array", "not a JSON object")],
)
def test_unusable_answers_are_unavailable(
    document_server: DocumentServer, path: str, message: str
) -> None:
    with pytest.raises(StatusListUnavailable, match=message):
        _fetcher(document_server)(document_server.url(path))


def test_unreachable_server_is_unavailable() -> None:
    fetch = HttpStatusListFetcher(["127.0.0.1:9"], allow_http=True, timeout=2)
    with pytest.raises(StatusListUnavailable) as caught:
        fetch("http://127.0.0.1:9/list")
    assert not isinstance(caught.value, StatusListNotAllowed)


def test_bad_allowed_host_entry_is_refused() -> None:
    with pytest.raises(ValueError):
        HttpStatusListFetcher(["example.org:http"])


def test_in_process_fetcher_reads_own_lists_without_http() -> None:
    own = {"https://issuer.example.org/status/revocation-1": LIST}
    fetch = InProcessFetcher(own.get)
    assert fetch("https://issuer.example.org/status/revocation-1") == LIST
    with pytest.raises(StatusListNotAllowed):
        fetch("https://elsewhere.example/status/1")


def test_in_process_fetcher_hands_other_urls_to_its_fallback(
    document_server: DocumentServer,
) -> None:
    document_server.documents["/list"] = LIST
    fetch = InProcessFetcher({}.get, fallback=_fetcher(document_server))
    assert fetch(document_server.url("/list")) == LIST


def test_refuse_all_fetches_nothing() -> None:
    with pytest.raises(StatusListNotAllowed):
        refuse_all("https://issuer.example.org/status/1")


# --- reusing what was fetched, while it is fresh --------------------------------------------

NOW = datetime.now(UTC)


def _fetch_twice(server: DocumentServer, document: dict[str, Any], **headers: str) -> int:
    """Serve `document` with `headers`, fetch it twice; return how many requests were made."""
    server.documents["/list"] = document
    server.headers["/list"] = headers
    fetch = _fetcher(server)
    assert fetch(server.url("/list")) == document
    assert fetch(server.url("/list")) == document
    return len(server.requests)


@pytest.mark.parametrize(
    ("headers", "requests"),
    [
        ({}, 2),  # no validUntil, no ttl, no caching headers: fetched each time
        ({"Cache-Control": "max-age=60"}, 1),
        ({"Cache-Control": "public, max-age=60, must-revalidate"}, 1),
        ({"Cache-Control": "max-age=60", "Age": "60"}, 2),
        ({"Cache-Control": "max-age=0"}, 2),
        ({"Cache-Control": "no-store, max-age=60"}, 2),
        ({"Cache-Control": "no-cache"}, 2),
        ({"Expires": "not a date"}, 2),
    ],
)
def test_fetched_lists_are_reused_as_their_caching_headers_say(
    document_server: DocumentServer, headers: dict[str, str], requests: int
) -> None:
    assert _fetch_twice(document_server, LIST, **headers) == requests


@pytest.mark.parametrize(
    ("expires_in", "requests"), [(timedelta(minutes=5), 1), (-timedelta(minutes=5), 2)]
)
def test_fetched_lists_are_reused_until_they_expire(
    document_server: DocumentServer, expires_in: timedelta, requests: int
) -> None:
    expires = format_datetime(datetime.now(UTC) + expires_in, usegmt=True)  # at run time
    assert _fetch_twice(document_server, LIST, Expires=expires) == requests


def _until(delta: timedelta) -> str:
    return (NOW + delta).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize(
    ("document", "headers", "requests"),
    [
        ({**LIST, "validUntil": _until(timedelta(days=1))}, {}, 1),  # up to max_age
        ({**LIST, "validUntil": _until(-timedelta(seconds=1))}, {"Cache-Control": "max-age=60"}, 2),
        ({**LIST, "validUntil": "garbage"}, {"Cache-Control": "max-age=60"}, 2),
        ({**LIST, "credentialSubject": {"ttl": 60_000}}, {}, 1),
        ({**LIST, "credentialSubject": {"ttl": 0}}, {}, 2),
    ],
)
def test_a_list_is_never_reused_past_its_validity(
    document_server: DocumentServer,
    document: dict[str, Any],
    headers: dict[str, str],
    requests: int,
) -> None:
    assert _fetch_twice(document_server, document, **headers) == requests


def test_reuse_ends_after_max_age_and_then_fails_closed(document_server: DocumentServer) -> None:
    document_server.documents["/list"] = LIST
    document_server.headers["/list"] = {"Cache-Control": "max-age=3600"}
    fetch = _fetcher(document_server, max_age=0.2)
    url = document_server.url("/list")
    fetch(url)
    fetch(url)
    assert len(document_server.requests) == 1
    time.sleep(0.3)
    del document_server.documents["/list"]  # the server no longer has it
    with pytest.raises(StatusListUnavailable):
        fetch(url)
    with pytest.raises(StatusListUnavailable):  # a failure is not kept either
        fetch(url)
    assert len(document_server.requests) == 3


def test_each_reuse_gets_its_own_copy(document_server: DocumentServer) -> None:
    document_server.documents["/list"] = LIST
    document_server.headers["/list"] = {"Cache-Control": "max-age=60"}
    fetch = _fetcher(document_server)
    first = fetch(document_server.url("/list"))
    first["id"] = "changed by a caller"
    assert fetch(document_server.url("/list")) == LIST
