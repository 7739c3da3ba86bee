"""HTTP sessions that stop at a deadline, however slowly the server sends.

A socket timeout bounds each read, not the whole exchange: a server sending one byte
every half second never trips it, and a body read in 16 KiB chunks then takes hours.
`deadline_session(seconds)` returns a fresh `requests.Session` whose connections are
watched: when `seconds` have passed, every socket it opened is shut down, so whatever
read is blocked (TLS handshake, headers or body) returns at once.

    with deadline_session(5.0) as (session, watchdog):
        response = session.get(url, stream=True, timeout=5.0)
        ...
        if watchdog.fired: ...  # the deadline passed: treat what was read as incomplete

The session does not reuse connections from earlier fetches (each fetch gets its own),
so no connection escapes the watch.
"""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool


class Watchdog:
    """Shuts down the sockets of one fetch when its time is up."""

    def __init__(self, seconds: float) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.fired = False
        """True once the deadline has passed (and the sockets were shut down)."""
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        """Shut `sock` down at the deadline (at once if it has passed).

        A duplicate of the descriptor is kept, so that the shutdown reaches the connection
        even after TLS has taken the original socket object over.
        """
        copy = sock.dup()
        with self._lock:
            self._sockets.append(copy)
            if self.fired:
                _shutdown(copy)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self._sockets:
                _shutdown(sock)

    def close(self) -> None:
        """Stop the timer and release the duplicated descriptors."""
        self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed by the other end


_current: ContextVar[Watchdog | None] = ContextVar("deadline_watchdog", default=None)


class _Watched:
    """Hands every new socket to the watchdog of the fetch in progress."""

    def _new_conn(self) -> socket.socket:
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        watchdog = _current.get()
        if watchdog is not None:
            watchdog.watch(sock)
        return sock


class _HTTPConnection(_Watched, HTTPConnection):
    pass


class _HTTPSConnection(_Watched, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class _WatchedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: object, **kwargs: object) -> None:
        super().init_poolmanager(*args, **kwargs)  # type: ignore[arg-type]
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


@contextmanager
def deadline_session(seconds: float) -> Iterator[tuple[requests.Session, Watchdog]]:
    """Yield a fresh session (no proxies or .netrc from the environment) and its watchdog."""
    watchdog = Watchdog(seconds)
    token = _current.set(watchdog)
    session = requests.Session()
    session.trust_env = False
    adapter = _WatchedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    try:
        yield session, watchdog
    finally:
        session.close()
        _current.reset(token)
        watchdog.close()
