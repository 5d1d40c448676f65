"""A real OpenAI-compatible chat server on 127.0.0.1 that replays queued completions.

Like simonw/llm's `MockModel.enqueue`, tests queue what the "model" will say;
the server answers `POST /v1/chat/completions` (non-streaming) with them in
order and records every request it received. A queued response can be slow
(to exercise time-outs) or an HTTP error. With nothing queued it answers 500,
so a test that forgot to enqueue sees the fallback, and `requests` shows why.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class CannedResponse:
    content: str = ""
    status: int = 200
    delay: float = 0.0


@dataclass(frozen=True)
class RecordedRequest:
    """One request as received; header names are lower-case."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))

    def message(self, role: str) -> str:
        """The content of the first message with this role ("" if none)."""
        for m in self.messages:
            if m.get("role") == role:
                content = m.get("content", "")
                return content if isinstance(content, str) else json.dumps(content)
        return ""


class FakeOpenAIServer:
    """`POST /v1/chat/completions` on a random loopback port; use as a context manager."""

    def __init__(self) -> None:
        self._queue: deque[CannedResponse] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.requests: list[RecordedRequest] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """Base URL without the `/v1` suffix, e.g. http://127.0.0.1:54321."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    # Scripting -------------------------------------------------------------
    def enqueue(self, content: str | list[str], *, delay: float = 0.0) -> None:
        """Queue one completion; a list of strings is joined (like MockModel chunks)."""
        text = "".join(content) if isinstance(content, list) else content
        with self._lock:
            self._queue.append(CannedResponse(text, 200, delay))

    def enqueue_error(self, status: int = 500, *, delay: float = 0.0) -> None:
        with self._lock:
            self._queue.append(CannedResponse("", status, delay))

    def reset(self) -> None:
        with self._lock:
            self._queue.clear()
            self.requests.clear()

    # Lifecycle -------------------------------------------------------------
    def start(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers sleeping on a delayed response
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # Serving ---------------------------------------------------------------
    def _next(self, request: RecordedRequest) -> CannedResponse:
        with self._lock:
            self.requests.append(request)
            return self._queue.popleft() if self._queue else CannedResponse("", 500)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._json(404, {"error": {"message": f"no route {self.path}"}})
                    return
                try:
                    body = json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    self._json(400, {"error": {"message": "invalid JSON"}})
                    return
                headers = {k.lower(): v for k, v in self.headers.items()}
                recorded = RecordedRequest(self.path, headers, body)
                canned = server._next(recorded)
                if canned.delay and server._stopping.wait(canned.delay):
                    return
                if canned.status != 200:
                    error = {"message": "fake server error", "type": "server_error"}
                    self._json(canned.status, {"error": error})
                    return
                self._json(200, _completion(str(body.get("model", "")), canned.content))

            def _json(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a time-out test); nothing to tell it

        return Handler


def _completion(model: str, content: str) -> dict[str, Any]:
    prompt_tokens, completion_tokens = 100, max(1, len(content.split()))
    return {
        "id": f"chatcmpl-fake-{time.monotonic_ns()}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": None,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


@contextmanager
def fake_openai_server() -> Iterator[FakeOpenAIServer]:
    """A started server, stopped on exit."""
    with FakeOpenAIServer() as server:
        yield server
