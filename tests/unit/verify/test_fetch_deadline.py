"""The status list fetcher's limits against a real trickling server on 127.0.0.1.

A socket timeout bounds one read: a server sending a byte every 0.5 s held one fetch
for 94.7 s (issue 9). The fetch now ends at its deadline wherever it is blocked.
"""

import time
from collections.abc import Iterator

import pytest

from issuer.verify.status import (
    HttpStatusListFetcher,
    StatusListNotAllowed,
    StatusListUnavailable,
    parse_host_entry,
)
from tests.status_server import StatusServer, closed_port

LIST = {"id": "x", "type": ["VerifiableCredential", "BitstringStatusListCredential"]}


@pytest.fixture
def server() -> Iterator[StatusServer]:
    started = StatusServer()
    started.start()
    yield started
    started.stop()


@pytest.mark.parametrize("path", ["/trickle", "/trickle-headers"])
def test_a_trickling_server_is_cut_off_at_the_deadline(server: StatusServer, path: str) -> None:
    fetch = HttpStatusListFetcher([f"http://127.0.0.1:{server.port}"], timeout=1.5)
    started = time.monotonic()
    with pytest.raises(StatusListUnavailable, match=r"took too long \(more than 1.5 seconds\)"):
        fetch(server.url(path))
    elapsed = time.monotonic() - started
    assert 1.4 <= elapsed < 2.2, elapsed


def test_a_list_over_the_size_limit_is_refused(server: StatusServer) -> None:
    fetch = HttpStatusListFetcher([f"http://127.0.0.1:{server.port}"])
    assert fetch.max_bytes == 1024 * 1024
    with pytest.raises(StatusListUnavailable, match=r"too large \(more than 1024 KiB\)"):
        fetch(server.url("/huge"))


def test_an_http_entry_allows_plain_http_to_that_host_and_port_only(server: StatusServer) -> None:
    server.documents["/list"] = LIST
    fetch = HttpStatusListFetcher([f"http://127.0.0.1:{server.port}", "status.example.org"])
    assert fetch(server.url("/list")) == LIST
    assert not fetch.is_allowed(f"http://127.0.0.1:{server.port + 1}/list")
    assert not fetch.is_allowed("http://status.example.org/list")  # https only there
    assert fetch.is_allowed("https://status.example.org/list")
    assert fetch.is_allowed(f"https://127.0.0.1:{server.port}/list")


def test_plain_http_to_an_https_only_host_is_refused_with_the_reason(server: StatusServer) -> None:
    server.documents["/list"] = LIST
    fetch = HttpStatusListFetcher([f"127.0.0.1:{server.port}"])
    with pytest.raises(StatusListNotAllowed, match="served over plain HTTP"):
        fetch(server.url("/list"))
    assert server.requests == []


def test_an_unreachable_host_is_unavailable() -> None:
    port = closed_port()
    fetch = HttpStatusListFetcher([f"http://127.0.0.1:{port}"])
    with pytest.raises(StatusListUnavailable, match="could not be reached") as caught:
        fetch(f"http://127.0.0.1:{port}/list")
    assert not isinstance(caught.value, StatusListNotAllowed)


@pytest.mark.parametrize(
    ("entry", "parsed"),
    [
        ("status.example.org", ("https", "status.example.org", None)),
        ("Status.Example.org:8443", ("https", "status.example.org", 8443)),
        ("https://status.example.org", ("https", "status.example.org", None)),
        ("http://127.0.0.1:8080", ("http", "127.0.0.1", 8080)),
        ("http://[::1]:8080/", ("http", "::1", 8080)),
    ],
)
def test_allowed_host_entries(entry: str, parsed: tuple[str, str, int | None]) -> None:
    assert parse_host_entry(entry) == parsed


@pytest.mark.parametrize("entry", ["http://", "ftp://x.example", "x.example:http"])
def test_bad_allowed_host_entries_are_refused(entry: str) -> None:
    with pytest.raises(ValueError):
        parse_host_entry(entry)
