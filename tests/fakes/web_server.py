"""A real HTTP server on 127.0.0.1 serving canned pages, for the `add URL` tests.

Each path answers with a `Route`: status, headers, body, optionally sent slowly (a
bounded drip) or without a Content-Length. Requests are recorded (path and headers) so
tests can check what the bot sent and that it never asked for a page it refused.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    drip_every: float = 0.0  # seconds between 16-byte pieces (0: all at once)
    drip_for: float = 3.0  # a slow page stops dripping after this long (bounded tests)
    content_length: bool = True


@dataclass(frozen=True)
class Seen:
    path: str
    headers: dict[str, str]


class WebServer:
    """`with WebServer({"/a": Route(b"...")}) as web: web.url("/a")`."""

    def __init__(self, routes: dict[str, Route] | None = None) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.requests: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet test output
                pass

            def do_GET(self) -> None:
                server.requests.append(Seen(self.path, {k: v for k, v in self.headers.items()}))
                route = server.routes.get(self.path, Route(b"not found", 404, "text/plain"))
                self.send_response(route.status)
                if route.content_type:
                    self.send_header("Content-Type", route.content_type)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if route.content_length:
                    self.send_header("Content-Length", str(len(route.body)))
                self.send_header("Connection", "close")
                self.end_headers()
                try:
                    self._send(route)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up: what the size and time limits do

            def _send(self, route: Route) -> None:
                if not route.drip_every:
                    self.wfile.write(route.body)
                    return
                stop = time.monotonic() + route.drip_for
                for i in range(0, len(route.body), 16):
                    if time.monotonic() > stop:
                        return
                    self.wfile.write(route.body[i : i + 16])
                    self.wfile.flush()
                    time.sleep(route.drip_every)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def __enter__(self) -> WebServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
