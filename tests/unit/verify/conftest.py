"""A real HTTP server on 127.0.0.1 that serves documents, for the status list fetcher tests."""

import json
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response


class DocumentServer:
    """Serves `documents[path]` as JSON; a few special paths misbehave on purpose.

    /slow-start   waits 2 s before answering
    /drip         sends a byte every 0.2 s for 3 s
    /big          a 3 MB JSON body with a Content-Length
    /big-chunked  a 3 MB JSON body without a Content-Length
    /not-json     a text body
    /array        a JSON array
    /redirect-same, /redirect-other   redirects to /list on the same / another host
    """

    def __init__(self) -> None:
        self.documents: dict[str, Any] = {}
        self.headers: dict[str, dict[str, str]] = {}  # extra response headers, by path
        self.requests: list[str] = []
        self._server: BaseWSGIServer = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.port = self._server.server_port
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base(self) -> str:
        """http://127.0.0.1:PORT"""
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """The absolute URL of `path` on this server."""
        return self.base + path

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def _app(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        self.requests.append(request.path)
        response = self._respond(request.path)
        return response(environ, start_response)

    def _respond(self, path: str) -> Response:
        if path in self.documents:
            return Response(
                json.dumps(self.documents[path]),
                mimetype="application/vc+ld+json",
                headers=self.headers.get(path, {}),
            )
        if path == "/slow-start":
            time.sleep(2)
            return Response("{}", mimetype="application/json")
        if path == "/drip":

            def drip() -> Iterator[bytes]:
                for _ in range(15):
                    time.sleep(0.2)
                    yield b" "

            return Response(drip(), mimetype="application/json")
        if path == "/big":
            return Response(b'{"x": "' + b"a" * 3_000_000 + b'"}', mimetype="application/json")
        if path == "/big-chunked":

            def chunks() -> Iterator[bytes]:
                yield b'{"x": "'
                for _ in range(300):
                    yield b"a" * 10_000
                yield b'"}'

            return Response(chunks(), mimetype="application/json")
        if path == "/not-json":
            return Response("hello", mimetype="text/plain")
        if path == "/array":
            return Response("[1, 2]", mimetype="application/json")
        if path == "/redirect-same":
            return Response(status=302, headers={"Location": "/list"})
        if path == "/redirect-other":
            return Response(status=302, headers={"Location": f"http://localhost:{self.port}/list"})
        return Response("not found", status=404)


@pytest.fixture
def document_server() -> Iterator[DocumentServer]:
    """A started DocumentServer, stopped after the test."""
    server = DocumentServer()
    server.start()
    yield server
    server.stop()
