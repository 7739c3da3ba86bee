"""A real HTTP server on 127.0.0.1 (threading `http.server`) that serves status lists,
or misbehaves on purpose, for the fail-closed status tests.

    /trickle           200 with a Content-Length, then the body one byte every 0.5 s
    /trickle-headers   the status line, then the headers one byte every 0.5 s
    /huge              a 2 MiB JSON body (over the 1 MiB limit)
    any path in `documents`, served as JSON
"""

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TRICKLE_INTERVAL = 0.5


class StatusServer:
    """Serves `documents[path]`; `requests` lists the paths asked for."""

    def __init__(self) -> None:
        self.documents: dict[str, Any] = {}
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:
                server.requests.append(self.path)
                try:
                    server.respond(self)
                except OSError:
                    pass  # the client gave up (as it should at its deadline)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        """The absolute http:// URL of `path` on this server."""
        return f"http://127.0.0.1:{self.port}{path}"

    def respond(self, handler: BaseHTTPRequestHandler) -> None:
        """Answer one request (in the server's thread)."""
        path = handler.path
        if path in self.documents:
            self._send(handler, json.dumps(self.documents[path]).encode())
        elif path == "/trickle":
            body = b'{"id": "x"' + b" " * 400 + b"}"
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            _trickle(handler, body)
        elif path == "/trickle-headers":
            handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
            _trickle(handler, b"X-Padding: " + b"a" * 400 + b"\r\n\r\n{}")
        elif path == "/huge":
            self._send(handler, b'{"x": "' + b"a" * (2 * 1024 * 1024) + b'"}')
        else:
            handler.send_error(404)

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, body: bytes) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/vc+ld+json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def start(self) -> None:
        """Start serving in a background thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the listening socket."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


def _trickle(handler: BaseHTTPRequestHandler, data: bytes) -> None:
    for byte in data:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(TRICKLE_INTERVAL)


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
