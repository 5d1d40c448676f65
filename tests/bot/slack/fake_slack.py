"""Slack itself, played on loopback: a recording Web API (+ response_url hooks and file
downloads) over real HTTP, and a Socket Mode websocket server. Plus request signing."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiohttp import web
from slack_sdk.signature import SignatureVerifier

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-1-A111-test"
BOT_USER, BOT_ID, TEAM = "UBOT", "BBOT", "T111"
ADMIN, OWNER, MEMBER = "UADMIN", "UOWNER", "UMEMBER"
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


class FakeSlackAPI:
    """Records every request as {"path", "auth", "body", "status", "ok"}; checks bearer
    tokens.

    Keeps the channels' messages (`messages`): seeded by tests with `seed()`, added to by
    the bot's chat.postMessage and changed by chat.update, and read back through
    conversations.replies / conversations.history, so a restarted bot sees what it
    posted before."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.cond = threading.Condition()
        self.files: dict[str, bytes] = {}  # /files/<name> -> content
        self.users: dict[str, dict[str, Any]] = {OWNER: {"is_owner": True}}
        self.rate_limited: dict[str, int] = {}  # method -> Retry-After for its next call
        self.errors: dict[str, str] = {}  # method -> the error it answers, until removed
        self.messages: dict[str, list[dict[str, Any]]] = {}  # channel -> messages
        self.socket_mode_url = ""
        self._ts = 1700000000.0
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                url = urllib.parse.urlparse(self.path)
                path = url.path
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if "json" in self.headers.get("Content-Type", ""):
                    body = json.loads(raw) if raw else {}
                else:
                    body = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
                body |= {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
                auth = self.headers.get("Authorization", "")
                status, headers, payload = api.respond(path, auth, body)
                with api.cond:
                    ok = payload.get("ok") if isinstance(payload, dict) else None
                    api.calls.append(
                        {"path": path, "auth": auth, "body": body, "status": status, "ok": ok}
                    )
                    api.cond.notify_all()
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def hook(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/{name}"

    def file_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/files/{name}"

    def respond(self, path: str, auth: str, body: dict[str, Any]) -> tuple[int, dict, Any]:
        js = {"Content-Type": "application/json; charset=utf-8"}
        if path.startswith("/hooks/"):
            return 200, js, {"ok": True}
        if path.startswith("/files/"):
            if auth != f"Bearer {BOT_TOKEN}":
                return 403, {}, b"forbidden"
            return 200, {"Content-Type": "application/octet-stream"}, self.files[path[7:]]
        method = path.removeprefix("/api/")
        if method == "apps.connections.open":
            if auth != f"Bearer {APP_TOKEN}":
                return 200, js, {"ok": False, "error": "invalid_auth"}
            return 200, js, {"ok": True, "url": self.socket_mode_url}
        if auth != f"Bearer {BOT_TOKEN}":
            return 200, js, {"ok": False, "error": "invalid_auth"}
        if method in self.rate_limited:
            retry_after = self.rate_limited.pop(method)
            return (
                429,
                {**js, "Retry-After": str(retry_after)},
                {"ok": False, "error": "ratelimited"},
            )
        if method in self.errors:
            return 200, js, {"ok": False, "error": self.errors[method]}
        if method == "auth.test":
            return 200, js, {"ok": True, "team_id": TEAM, "user_id": BOT_USER, "bot_id": BOT_ID}
        if body.get("channel") == "CNOTIN" or body.get("channel_id") == "CNOTIN":
            return 200, js, {"ok": False, "error": "not_in_channel"}
        if method == "chat.postMessage":
            with self.cond:
                self._ts += 1
                ts = f"{self._ts:.6f}"
                self._store(
                    str(body.get("channel")),
                    {"ts": ts, "text": body.get("text", ""), "user": BOT_USER, "bot_id": BOT_ID},
                    body.get("thread_ts"),
                )
            return 200, js, {"ok": True, "channel": body.get("channel"), "ts": ts}
        if method == "chat.update":
            with self.cond:
                for m in self.messages.get(str(body.get("channel")), []):
                    if m["ts"] == body.get("ts"):
                        m["text"] = body.get("text", "")
                        return 200, js, {"ok": True, "channel": body["channel"], "ts": m["ts"]}
            return 200, js, {"ok": False, "error": "message_not_found"}
        if method == "chat.postEphemeral":
            return 200, js, {"ok": True, "message_ts": f"{self._ts:.6f}"}
        if method == "conversations.replies":
            return 200, js, self._replies(body)
        if method == "conversations.history":
            return 200, js, self._history(body)
        if method.startswith("assistant.threads."):
            return 200, js, {"ok": True}
        if method == "views.open":
            return 200, js, {"ok": True, "view": {"id": "V111"}}
        if method == "users.info":
            user = body.get("user", "")
            return 200, js, {"ok": True, "user": {"id": user, **self.users.get(user, {})}}
        return 200, js, {"ok": False, "error": "unknown_method"}

    # The message store -------------------------------------------------------------
    def stamp(self) -> str:
        """A message ts from the clock the bot's posts get theirs from: a message a test
        sends after the bot posted is newer than that post, as in Slack."""
        with self.cond:
            self._ts += 1
            return f"{self._ts:.6f}"

    def seed(
        self,
        channel: str,
        text: str,
        *,
        ts: str,
        user: str = MEMBER,
        thread_ts: str | None = None,
        bot: bool = False,
        **extra: Any,
    ) -> None:
        """A message people (or, with `bot`, this bot) wrote before the test."""
        message: dict[str, Any] = {"ts": ts, "text": text, "user": BOT_USER if bot else user}
        if bot:
            message["bot_id"] = BOT_ID
        message.update(extra)
        with self.cond:
            self._store(channel, message, thread_ts)

    def _store(self, channel: str, message: dict[str, Any], thread_ts: str | None) -> None:
        if thread_ts:
            message["thread_ts"] = thread_ts
        self.messages.setdefault(channel, []).append({"type": "message", **message})

    def thread(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """The thread's messages, parent first, as conversations.replies would give them."""
        with self.cond:
            found = [
                m
                for m in self.messages.get(channel, [])
                if m["ts"] == thread_ts or m.get("thread_ts") == thread_ts
            ]
        return sorted(found, key=lambda m: float(m["ts"]))

    @staticmethod
    def _in_range(ts: str, body: dict[str, Any]) -> bool:
        inclusive = str(body.get("inclusive", "0")) in ("1", "true", "True")
        value = float(ts)
        if body.get("latest"):
            latest = float(body["latest"])
            if value > latest or (value == latest and not inclusive):
                return False
        if body.get("oldest"):
            oldest = float(body["oldest"])
            if value < oldest or (value == oldest and not inclusive):
                return False
        return True

    def _replies(self, body: dict[str, Any]) -> dict[str, Any]:
        # Like Slack: the parent always comes first; then replies in the range, paged.
        thread = self.thread(str(body.get("channel")), str(body.get("ts")))
        if not thread:
            return {"ok": False, "error": "thread_not_found"}
        parent, replies = thread[0], [m for m in thread[1:] if self._in_range(m["ts"], body)]
        start = int(body.get("cursor") or 0)
        limit = int(body.get("limit") or 1000)
        page = replies[start : start + max(limit - 1, 1)]
        more = start + len(page) < len(replies)
        result: dict[str, Any] = {"ok": True, "messages": [parent, *page], "has_more": more}
        result["response_metadata"] = {"next_cursor": str(start + len(page)) if more else ""}
        return result

    def _history(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.cond:
            top = [
                m
                for m in self.messages.get(str(body.get("channel")), [])
                if m.get("thread_ts") in (None, m["ts"]) and self._in_range(m["ts"], body)
            ]
        top.sort(key=lambda m: float(m["ts"]), reverse=True)  # newest first, like Slack
        limit = int(body.get("limit") or 100)
        return {"ok": True, "messages": top[:limit], "has_more": len(top) > limit}

    def calls_to(self, path: str) -> list[dict[str, Any]]:
        with self.cond:
            return [c for c in self.calls if c["path"] == path]

    def posts(self) -> list[dict[str, Any]]:
        """Bodies of successful chat.postMessage calls (not those answered with an error)."""
        return [
            c["body"]
            for c in self.calls_to("/api/chat.postMessage")
            if c["status"] == 200 and c["ok"] is not False
        ]

    def wait_for(self, path: str, n: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        end = time.monotonic() + timeout
        with self.cond:
            while len([c for c in self.calls if c["path"] == path]) < n:
                left = end - time.monotonic()
                if left <= 0:
                    seen = [c["path"] for c in self.calls]
                    raise AssertionError(f"expected {n} call(s) to {path}; saw {seen}")
                self.cond.wait(left)
            return [c for c in self.calls if c["path"] == path]

    def wait_posts(self, n: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        end = time.monotonic() + timeout
        while len(self.posts()) < n:
            if time.monotonic() > end:
                raise AssertionError(f"expected {n} posts; got {self.posts()}")
            time.sleep(0.02)
        return self.posts()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class FakeSocketMode:
    """wss-primary.slack.com on loopback: says hello, sends envelopes, records acks."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.ws: web.WebSocketResponse | None = None
        self.connected = threading.Event()
        self.acks: dict[str, dict[str, Any]] = {}
        self.cond = threading.Condition()
        port = asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(5)
        self.url = f"ws://127.0.0.1:{port}/link/?ticket=test"

    async def _start(self) -> int:
        async def link(request: web.Request) -> web.WebSocketResponse:
            ws = web.WebSocketResponse()
            await ws.prepare(request)
            self.ws = ws
            hello = {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}}
            await ws.send_str(json.dumps(hello))
            self.connected.set()
            async for msg in ws:
                if msg.type == web.WSMsgType.TEXT:
                    data = json.loads(msg.data)
                    with self.cond:
                        self.acks[data.get("envelope_id")] = data
                        self.cond.notify_all()
            return ws

        app = web.Application()
        app.router.add_get("/link/", link)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", 0).start()
        return int(self.runner.addresses[0][1])

    def send(self, envelope: dict[str, Any]) -> None:
        assert self.ws is not None
        asyncio.run_coroutine_threadsafe(self.ws.send_str(json.dumps(envelope)), self.loop).result(
            5
        )

    def wait_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:
        end = time.monotonic() + timeout
        with self.cond:
            while envelope_id not in self.acks:
                if time.monotonic() > end:
                    raise AssertionError(f"no ack for {envelope_id}")
                self.cond.wait(0.1)
            return self.acks[envelope_id]

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


# What Slack sends ---------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def post_signed(
    url: str,
    body: str,
    content_type: str = JSON,
    *,
    ts: int | None = None,
    secret: str = SIGNING_SECRET,
    signature: str | None = None,
    headers: dict[str, str] | None = None,
    signed: bool = True,
) -> tuple[int, str, float]:
    """POST like Slack does; returns (status, body, seconds taken)."""
    stamp = str(int(time.time()) if ts is None else ts)
    sig = signature or SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    hdrs = {"Content-Type": content_type}
    if signed:
        hdrs |= {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": sig}
    hdrs |= headers or {}
    req = urllib.request.Request(url, data=body.encode(), headers=hdrs, method="POST")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode(), time.monotonic() - started
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), time.monotonic() - started


def event_payload(event: dict[str, Any], event_id: str) -> dict[str, Any]:
    return {
        "token": "legacy",
        "team_id": TEAM,
        "api_app_id": "A111",
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "event": event,
        "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
    }


def mention(text: str, *, ts: str, user: str = MEMBER, channel: str = "C111", **extra: Any):
    return {
        "type": "app_mention",
        "user": user,
        "channel": channel,
        "text": f"<@{BOT_USER}> {text}",
        "ts": ts,
        "event_ts": ts,
        **extra,
    }


def message(
    text: str, *, ts: str, user: str = MEMBER, channel: str = "D111", **extra: Any
) -> dict[str, Any]:
    return {
        "type": "message",
        "channel_type": "im" if channel.startswith("D") else "channel",
        "user": user,
        "channel": channel,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        **extra,
    }


def command_payload(
    api: FakeSlackAPI, text: str, *, user: str = MEMBER, channel: str = "C111", hook: str = "cmd"
) -> dict[str, str]:
    return {
        "token": "legacy",
        "team_id": TEAM,
        "channel_id": channel,
        "user_id": user,
        "command": "/kenya",
        "text": text,
        "api_app_id": "A111",
        "response_url": api.hook(hook),
        "trigger_id": "1.2.abc",
    }


def button_payload(
    api: FakeSlackAPI, action_id: str, value: str, *, user: str = MEMBER, hook: str = "act"
) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "api_app_id": "A111",
        "token": "legacy",
        "trigger_id": "3.4.def",
        "user": {"id": user, "team_id": TEAM},
        "team": {"id": TEAM},
        "container": {"type": "message", "message_ts": "1.1", "channel_id": "C111"},
        "channel": {"id": "C111"},
        "message": {"type": "message", "ts": "1.1", "text": "answer", "bot_id": BOT_ID},
        "response_url": api.hook(hook),
        "actions": [{"type": "button", "action_id": action_id, "block_id": "a", "value": value}],
    }


def form(payload: dict[str, Any]) -> str:
    return urllib.parse.urlencode(payload)


def interactive_form(payload: dict[str, Any]) -> str:
    return "payload=" + urllib.parse.quote(json.dumps(payload))


def followup_payload(
    api: FakeSlackAPI,
    value: str,
    *,
    index: int = 0,
    user: str = MEMBER,
    hook: str = "act",
    channel: str = "C111",
    message_ts: str = "1.1",
    thread_ts: str | None = None,
    ephemeral: bool = False,
) -> dict[str, Any]:
    """A click on a suggested follow-up under a public (or, with `ephemeral`, private) answer."""
    payload = button_payload(api, f"ask_followup_{index}", value, user=user, hook=hook)
    payload["channel"] = {"id": channel}
    payload["container"] = {
        "type": "message",
        "message_ts": message_ts,
        "channel_id": channel,
        "is_ephemeral": ephemeral,
    }
    if ephemeral:
        del payload["message"]  # Slack sends no message body for an ephemeral one
    else:
        message = {"type": "message", "ts": message_ts, "text": "answer", "bot_id": BOT_ID}
        if thread_ts:
            message["thread_ts"] = thread_ts
        payload["message"] = message
    return payload


def shortcut_payload(
    text: str,
    *,
    ts: str,
    channel: str = "C111",
    thread_ts: str | None = None,
    user: str = MEMBER,
    author: str = "UAUTHOR",
) -> dict[str, Any]:
    """ "Ask about this message" chosen on a message (a message_action)."""
    message: dict[str, Any] = {"type": "message", "user": author, "text": text, "ts": ts}
    if thread_ts:
        message["thread_ts"] = thread_ts
    return {
        "type": "message_action",
        "token": "legacy",
        "action_ts": str(time.time()),
        "team": {"id": TEAM},
        "user": {"id": user, "team_id": TEAM},
        "channel": {"id": channel, "name": "general"},
        "callback_id": "ask_about_message",
        "trigger_id": "5.6.ghi",
        "message_ts": ts,
        "message": message,
        "response_url": "http://127.0.0.1:9/hooks/never",
    }


def submission_payload(view: dict[str, Any], question: str | None, *, user: str = MEMBER):
    """The modal `view` (as the bot opened it) submitted with `question` typed (or empty)."""
    state = {"values": {"question": {"question_input": {"type": "plain_text_input"}}}}
    if question is not None:
        state["values"]["question"]["question_input"]["value"] = question
    return {
        "type": "view_submission",
        "token": "legacy",
        "team": {"id": TEAM},
        "user": {"id": user, "team_id": TEAM},
        "api_app_id": "A111",
        "trigger_id": "7.8.jkl",
        "view": {"id": "V111", "team_id": TEAM, "type": "modal", **view, "state": state},
    }


def assistant_started(channel: str, thread_ts: str, *, user: str = MEMBER) -> dict[str, Any]:
    return {
        "type": "assistant_thread_started",
        "assistant_thread": {
            "user_id": user,
            "context": {"channel_id": "C111", "team_id": TEAM, "enterprise_id": None},
            "channel_id": channel,
            "thread_ts": thread_ts,
        },
        "event_ts": thread_ts,
    }
