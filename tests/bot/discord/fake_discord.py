"""A small fake Discord on loopback: REST under /api/v10, the gateway websocket, a CDN.

The real discord.py client talks to it through DISCORD_API_URL/DISCORD_GATEWAY_URL.
It knows one application, one server with one text channel, and the routes the
adapter uses; any other route is recorded in `unhandled` (a test failure) and
answered 404. Fidelity notes, each learnt the hard way:
- discord.py parses a body only if Content-Type is exactly `application/json`.
- A 429 must carry a `Via` header and a JSON body with `retry_after`, or discord.py
  treats it as a Cloudflare ban and raises instead of retrying.
- discord.py >= 2.5 calls interaction callbacks with `?with_response=true` and reads an
  InteractionCallbackResponse (`interaction` + `resource`).
- Clicks on dynamic buttons are only dispatched when the interaction's `message`
  carries the components with that custom_id, as Discord sends them.
- A thread created over REST reaches the bot's cache through THREAD_CREATE on the
  gateway; without it, messages in the thread arrive in an unknown channel. A thread
  started from a message has that message's id, and GUILD_CREATE lists the active
  threads (so a restarted bot knows them).
- Snowflakes carry their creation time (`Message.created_at` comes from the id), and
  history is served newest first without ephemeral messages, as Discord does.
- A channel outside the bot's server (a user-installed app used elsewhere) answers
  403 Missing Access to the bot's token: only the interaction's webhook reaches it.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import discord
from aiohttp import WSMsgType, web

TOKEN = "fake-bot-token"
APP_ID, BOT_ID, GUILD_ID, CHANNEL_ID = 1000, 1001, 2000, 3000
# The admins' channel (a real-looking id: BOT_DISCORD_ADMIN_CHANNEL wants 15-21 digits).
ADMIN_CHANNEL_ID = 300000000000000042
ALICE_ID, ADMIN_ID, ROLE_ADMIN_ID, OTHER_BOT_ID = 4000, 4001, 6000, 4002
NOW = datetime.now(UTC).isoformat()
TEXT_PERMS = discord.Permissions.text().value
ADMIN_PERMS = TEXT_PERMS | discord.Permissions(manage_guild=True).value
MESSAGE_CONTENT_INTENT = 1 << 15
EPHEMERAL = 64
DISCORD_EPOCH_MS = 1_420_070_400_000
# A server the bot is not a member of, where a user runs the user-installed app.
OTHER_GUILD_ID, OTHER_CHANNEL_ID, OTHER_THREAD_ID, GROUP_DM_ID = 2999, 3999, 3998, 3997
GUILD_INSTALL, USER_INSTALL = 0, 1
CONTEXT_GUILD, CONTEXT_BOT_DM, CONTEXT_PRIVATE_CHANNEL = 0, 1, 2


class Snowflakes:
    """Increasing ids whose top bits are the current time, like Discord's."""

    def __init__(self) -> None:
        self.last = 0

    def __call__(self) -> str:
        now = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self.last = max(now, self.last + 1)
        return str(self.last)


snowflake = Snowflakes()


def user(uid: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(uid),
        "username": name,
        "discriminator": "0",
        "global_name": name,
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


BOT_USER = user(BOT_ID, "qa-bot", bot=True)
ALICE = user(ALICE_ID, "alice")
ADMIN = user(ADMIN_ID, "admin")
OTHER_BOT = user(OTHER_BOT_ID, "other-bot", bot=True)


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None):
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


@dataclass(frozen=True)
class Place:
    """Where an interaction happens: the server and channel, how the app was installed
    there (`owners`: authorizing_integration_owners) and the interaction context."""

    guild_id: int | None
    channel: dict[str, Any]
    context: int = CONTEXT_GUILD
    owners: dict[str, str] = field(default_factory=lambda: {"0": str(GUILD_ID)})


def text_channel(cid: int | str, guild_id: int = GUILD_ID) -> dict[str, Any]:
    return {
        "id": str(cid),
        "type": 0,
        "name": "general",
        "guild_id": str(guild_id),
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "rate_limit_per_user": 0,
        "topic": None,
        "last_message_id": None,
        "flags": 0,
    }


def thread_channel(
    tid: int | str, parent: int | str, name: str, guild_id: int = GUILD_ID, owner: int = BOT_ID
) -> dict[str, Any]:
    return {
        "id": str(tid),
        "type": 11,
        "guild_id": str(guild_id),
        "parent_id": str(parent),
        "name": name,
        "owner_id": str(owner),
        "message_count": 0,
        "member_count": 1,
        "rate_limit_per_user": 0,
        "flags": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": NOW,
            "locked": False,
        },
    }


# A user-installed app in a server the bot is not in: a thread there (someone else's).
USER_INSTALL_THREAD = Place(
    OTHER_GUILD_ID,
    thread_channel(OTHER_THREAD_ID, OTHER_CHANNEL_ID, "plans", OTHER_GUILD_ID, owner=ALICE_ID),
    owners={"1": str(ALICE_ID)},
)


def bot_dm(person: dict[str, Any] = ALICE) -> Place:
    """A person's DM with the bot (the fake gives DMs the id "7<user id>")."""
    return Place(
        None,
        {"id": f"7{person['id']}", "type": 1, "recipients": [person]},
        context=CONTEXT_BOT_DM,
        owners={"1": person["id"]},
    )


# ...and a group DM between people (a "private channel"), where the bot is not either.
GROUP_DM = Place(
    None,
    {"id": str(GROUP_DM_ID), "type": 3, "recipients": [ADMIN], "owner_id": str(ADMIN_ID)},
    context=CONTEXT_PRIVATE_CHANNEL,
    owners={"1": str(ALICE_ID)},
)


@dataclass
class Call:
    method: str
    path: str
    body: Any
    query: dict[str, str]
    status: int = 200
    response: Any = None
    at: float = field(default_factory=time.monotonic)


def option_type(value: str | bool | int) -> int:
    """A command option's type as Discord sends it: boolean 5, integer 4, string 3."""
    if isinstance(value, bool):
        return 5
    return 4 if isinstance(value, int) else 3


class FakeDiscord:
    def __init__(self, *, allow_message_content: bool = True) -> None:
        self.allow_message_content = allow_message_content
        self.calls: list[Call] = []
        self.unhandled: list[tuple[str, str]] = []
        self.gateway_received: list[dict[str, Any]] = []
        self.identifies: list[dict[str, Any]] = []
        self.messages: dict[str, dict[str, Any]] = {}
        self.threads: list[str] = []
        self.thread_data: dict[str, dict[str, Any]] = {}
        self.interactions: dict[str, dict[str, Any]] = {}
        self.interaction_at: dict[str, float] = {}
        self.files: dict[str, bytes] = {}
        self.cdn_gets: list[str] = []
        self.deny_threads = False
        self.fail_rules: list[tuple[str, re.Pattern[str], int, dict[str, Any], dict[str, str]]] = []
        self.ws: web.WebSocketResponse | None = None
        self.ready = asyncio.Event()
        self.seq = 0
        self._changed = asyncio.Condition()

    # ------------------------------------------------------------------ plumbing
    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self.gateway)
        app.router.add_get("/gateway/", self.gateway)
        app.router.add_get("/attachments/{tail:.*}", self.cdn)
        app.router.add_route("*", "/api/v10/{tail:.*}", self.rest)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = self.runner.addresses[0][1]
        self.base = f"http://127.0.0.1:{self.port}"
        return self

    async def stop(self) -> None:
        await self.runner.cleanup()

    @property
    def api_url(self) -> str:
        return self.base

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway/"

    def matching(self, method: str, pattern: str) -> list[Call]:
        rx = re.compile(pattern)
        return [c for c in self.calls if c.method == method and rx.search(c.path)]

    async def wait_calls(
        self, method: str, pattern: str, n: int = 1, timeout: float = 10.0
    ) -> list[Call]:
        """The first n calls whose path matches the regex `pattern` (waits for them)."""
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: len(self.matching(method, pattern)) >= n), timeout
            )
            return self.matching(method, pattern)[:n]

    def fail_next(
        self,
        method: str,
        pattern: str,
        status: int,
        body: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer the next matching request with this status (once)."""
        self.fail_rules.append((method, re.compile(pattern), status, body, headers or {}))

    def rate_limit_next(self, method: str, pattern: str, retry_after: float) -> None:
        body = {"message": "You are being rate limited.", "retry_after": retry_after}
        self.fail_next(
            method,
            pattern,
            429,
            body | {"global": False},
            {"Via": "1.1 google", "Retry-After": "1"},
        )

    # ------------------------------------------------------------------ REST
    async def rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body: Any = None
        if request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
            elif request.content_type.startswith("multipart/"):
                form = await request.post()
                body = json.loads(str(form["payload_json"])) if "payload_json" in form else {}
        public = path.startswith(("/webhooks/", "/interactions/"))
        if not public and request.headers.get("Authorization") != f"Bot {TOKEN}":
            return json_response({"message": "401: Unauthorized", "code": 0}, status=401)
        call = Call(request.method, path, body, dict(request.query))
        for rule in self.fail_rules:
            method, rx, status, err, headers = rule
            if method == request.method and rx.search(path):
                self.fail_rules.remove(rule)
                call.status = status
                await self._record(call)
                return json_response(err, status=status, headers=headers)
        response = await self._route(request.method, path, body, dict(request.query))
        if response is None:
            self.unhandled.append((request.method, path))
            response = json_response({"message": f"fake: no route {request.method} {path}"}, 404)
        call.status = response.status
        if isinstance(response, web.Response) and response.content_type == "application/json":
            call.response = json.loads(response.body)  # type: ignore[arg-type]
        await self._record(call)
        return response

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    async def _route(
        self, m: str, path: str, body: Any, query: dict[str, str]
    ) -> web.StreamResponse | None:
        parts = path.strip("/").split("/")
        if (m, path) == ("GET", "/users/@me"):
            return json_response(BOT_USER)
        if (m, path) == ("GET", "/oauth2/applications/@me"):
            return json_response(
                {
                    "id": str(APP_ID),
                    "name": "qa-bot",
                    "description": "",
                    "icon": None,
                    "bot_public": True,
                    "bot_require_code_grant": False,
                    "verify_key": "00",
                    "owner": ALICE,
                    "team": None,
                    "flags": 0,
                    "summary": "",
                }
            )
        if m == "PUT" and parts[0] == "applications" and parts[-1] == "commands":
            if len(parts) == 5 and parts[3] != str(GUILD_ID):  # a server the bot is not in
                return json_response({"message": "Missing Access", "code": 50001}, status=403)
            return json_response(
                [
                    # Context-menu commands come back with an empty description.
                    {"description": "", **c, "id": snowflake(), "application_id": str(APP_ID)}
                    | {"version": "1"}
                    for c in body
                ]
            )
        if parts[0] == "channels":
            if not self._bot_can_see(parts[1]):
                return json_response({"message": "Missing Access", "code": 50001}, status=403)
            return await self._channels(m, parts, body, query)
        if m == "POST" and parts[0] == "interactions" and parts[-1] == "callback":
            return self._callback(parts[1], body)
        if parts[0] == "webhooks" and len(parts) >= 3:
            return self._webhook(m, parts, body)
        return None

    def _bot_can_see(self, channel: str) -> bool:
        """The server's channel and threads, and DMs with the bot (ids "7<user id>")."""
        mine = (str(CHANNEL_ID), str(ADMIN_CHANNEL_ID))
        return channel in mine or channel in self.thread_data or channel[0] == "7"

    async def _channels(
        self, m: str, parts: list[str], body: Any, query: dict[str, str]
    ) -> web.StreamResponse | None:
        channel = parts[1]
        if m == "GET" and parts[2:] == ["messages"]:
            return json_response(self.history(channel, query))
        if m == "GET" and len(parts) == 4 and parts[2] == "messages":
            msg = self.messages.get(parts[3])
            if msg is None or msg["channel_id"] != channel or msg["flags"] & EPHEMERAL:
                return json_response({"message": "Unknown Message", "code": 10008}, status=404)
            return json_response(msg)
        if m == "POST" and parts[2:] == ["typing"]:
            return web.Response(status=204)
        if m == "POST" and parts[2:] == ["messages"]:
            return json_response(self._message(channel, body, BOT_USER))
        if m == "POST" and len(parts) == 5 and parts[2] == "messages" and parts[4] == "threads":
            if self.deny_threads:
                return json_response({"message": "Missing Permissions", "code": 50013}, 403)
            thread = self._thread(channel, body["name"], tid=parts[3])
            await self.dispatch("THREAD_CREATE", thread | {"newly_created": True})
            return json_response(thread)
        return None

    def _thread(self, parent: str, name: str, *, tid: str) -> dict[str, Any]:
        """A thread started from message `tid` (it takes the message's id, as on Discord)."""
        self.threads.append(tid)
        self.thread_data[tid] = thread_channel(tid, parent, name)
        return self.thread_data[tid]

    def history(self, channel: str, query: dict[str, str]) -> list[dict[str, Any]]:
        """GET /channels/{id}/messages: newest first, before/after ids, no ephemeral ones."""
        before = int(query.get("before", 1 << 63))
        after = int(query.get("after", 0))
        found = [
            m
            for m in self.messages.values()
            if m["channel_id"] == channel
            and after < int(m["id"]) < before
            and not m["flags"] & EPHEMERAL
        ]
        found.sort(key=lambda m: int(m["id"]), reverse=True)
        return found[: int(query.get("limit", 50))]

    def _callback(self, interaction_id: str, body: dict[str, Any]) -> web.StreamResponse:
        inter = self.interactions[interaction_id]
        kind, data = body["type"], body.get("data") or {}
        inter["response_type"] = kind
        inter["ephemeral"] = bool(data.get("flags", 0) & EPHEMERAL)
        resource: dict[str, Any] = {"type": kind}
        if kind == 4:  # CHANNEL_MESSAGE_WITH_SOURCE
            resource["message"] = self._interaction_message(inter, data)
            inter["original"] = resource["message"]["id"]
        elif kind == 5:  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE ("thinking")
            original = self._interaction_message(inter, {"flags": data.get("flags", 0)})
            inter["original"] = original["id"]
        elif kind == 7:  # UPDATE_MESSAGE: the message the clicked button is on
            resource["message"] = inter["message"] | data
            if inter["message"]["id"] in self.messages:
                self.messages[inter["message"]["id"]] |= data
        return json_response(
            {
                "interaction": {
                    "id": interaction_id,
                    "type": inter["type"],
                    "response_message_id": inter.get("original"),
                    "response_message_loading": kind == 5,
                    "response_message_ephemeral": inter["ephemeral"],
                },
                "resource": resource,
            }
        )

    def _webhook(self, m: str, parts: list[str], body: Any) -> web.StreamResponse | None:
        token = parts[2]
        inter = next((i for i in self.interactions.values() if i["token"] == token), None)
        if inter is None or parts[1] != str(APP_ID):
            return json_response({"message": "Unknown Webhook", "code": 10015}, status=404)
        if m == "POST" and len(parts) == 3:  # followup
            first = "followed_up" not in inter and inter.get("response_type") == 5
            inter["followed_up"] = True
            msg = self._interaction_message(inter, body)
            if first:  # the first followup after "thinking" replaces the original
                del self.messages[msg["id"]]
                msg["id"] = inter["original"]
                self.messages[msg["id"]] = msg
            return json_response(msg)
        if len(parts) == 5 and parts[3] == "messages":
            mid = inter.get("original") if parts[4] == "@original" else parts[4]
            if m == "PATCH" and mid in self.messages:
                msg = self.messages[mid] | {k: v for k, v in body.items() if v is not None}
                self.messages[mid] = msg
                return json_response(msg | {"edited_timestamp": NOW})
            if m == "DELETE":
                return web.Response(status=204)
        return None

    def _interaction_message(self, inter: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        """A message the bot posts through an interaction: sent by the app's webhook, with
        the interaction's metadata (who ran what), in the interaction's channel."""
        msg = self._message(inter["channel_id"], body, BOT_USER)
        kind = inter["type"]
        msg |= {
            "webhook_id": str(APP_ID),
            "application_id": str(APP_ID),
            "type": {1: 20, 2: 23, 3: 23}.get(inter["data"].get("type", 0), 0) if kind == 2 else 0,
            "interaction_metadata": {
                "id": inter["id"],
                "type": kind,
                "user": inter["member"]["user"] if "member" in inter else inter["user"],
                "authorizing_integration_owners": inter["authorizing_integration_owners"],
            },
        }
        return msg

    def _message(
        self, channel: str, body: dict[str, Any] | None, author: dict[str, Any]
    ) -> dict[str, Any]:
        body = body or {}
        msg = {
            "id": snowflake(),
            "channel_id": channel,
            "author": author,
            "content": body.get("content") or "",
            "timestamp": NOW,
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "type": 0,
            "flags": body.get("flags") or 0,
        }
        self.messages[msg["id"]] = msg
        return msg

    # ------------------------------------------------------------------ CDN
    def attachment(self, filename: str, data: bytes, *, size: int | None = None) -> dict[str, Any]:
        """An attachment as Discord describes it; `size` may lie about the real length."""
        aid = snowflake()
        url = f"{self.base}/attachments/{CHANNEL_ID}/{aid}/{filename}"
        self.files[url] = data
        return {
            "id": aid,
            "filename": filename,
            "size": len(data) if size is None else size,
            "url": url,
            "proxy_url": url,
            "content_type": "text/markdown",
        }

    async def cdn(self, request: web.Request) -> web.StreamResponse:
        url = f"{self.base}{request.path}"
        self.cdn_gets.append(url)
        if url not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[url])

    # ------------------------------------------------------------------ gateway
    async def gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.ws = ws
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            payload = json.loads(msg.data)
            self.gateway_received.append(payload)
            if payload["op"] == 1:
                await ws.send_json({"op": 11, "d": None})
            elif payload["op"] == 2:
                identify = payload["d"]
                self.identifies.append(identify)
                if identify["token"] != TOKEN:
                    await ws.close(code=4004, message=b"Authentication failed.")
                    break
                if identify["intents"] & MESSAGE_CONTENT_INTENT and not self.allow_message_content:
                    await ws.close(code=4014, message=b"Disallowed intent(s).")
                    break
                await self.dispatch("READY", self._ready())
                await self.dispatch("GUILD_CREATE", self._guild())
                self.ready.set()
        return ws

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        assert self.ws is not None, "the bot is not connected"
        self.seq += 1
        await self.ws.send_json({"op": 0, "s": self.seq, "t": event, "d": data})

    def _ready(self) -> dict[str, Any]:
        return {
            "v": 10,
            "user": BOT_USER,
            "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
            "session_id": "session-1",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(APP_ID), "flags": 0},
            "private_channels": [],
            "relationships": [],
        }

    def _member(self, u: dict[str, Any], roles: tuple[int, ...] = ()) -> dict[str, Any]:
        return {
            "user": u,
            "roles": [str(r) for r in roles],
            "joined_at": NOW,
            "deaf": False,
            "mute": False,
            "flags": 0,
        }

    def _guild(self) -> dict[str, Any]:
        def role(rid: int, name: str, perms: int) -> dict[str, Any]:
            return {
                "id": str(rid),
                "name": name,
                "permissions": str(perms),
                "position": 0 if rid == GUILD_ID else 1,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            }

        return {
            "id": str(GUILD_ID),
            "name": "test-server",
            "icon": None,
            "owner_id": str(ADMIN_ID),
            "roles": [role(GUILD_ID, "@everyone", TEXT_PERMS), role(ROLE_ADMIN_ID, "kb", 0)],
            "emojis": [],
            "stickers": [],
            "features": [],
            "member_count": 3,
            "large": False,
            "unavailable": False,
            "joined_at": NOW,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
            "system_channel_flags": 0,
            "channels": [
                {
                    "id": str(cid),
                    "type": 0,
                    "name": name,
                    "position": position,
                    "permission_overwrites": [],
                    "parent_id": None,
                    "nsfw": False,
                    "topic": None,
                    "rate_limit_per_user": 0,
                    "last_message_id": None,
                }
                for position, (cid, name) in enumerate(
                    ((CHANNEL_ID, "general"), (ADMIN_CHANNEL_ID, "kb-admins"))
                )
            ],
            "members": [self._member(BOT_USER), self._member(ALICE), self._member(ADMIN)],
            "threads": list(self.thread_data.values()),
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    # ------------------------------------------------------------------ what users do
    async def say(
        self,
        content: str,
        *,
        author: dict[str, Any] = ALICE,
        channel: int | str = CHANNEL_ID,
        mention_bot: bool = False,
        everyone: bool = False,
    ) -> dict[str, Any]:
        """A message in the server (the text should contain <@BOT_ID> when mention_bot)."""
        msg = self._message(str(channel), {"content": content}, author)
        mentions = [BOT_USER | {"member": self._member(BOT_USER)}] if mention_bot else []
        msg |= {
            "guild_id": str(GUILD_ID),
            "member": {k: v for k, v in self._member(author).items() if k != "user"},
            "mentions": mentions,
            "mention_everyone": everyone,
        }
        await self.dispatch("MESSAGE_CREATE", msg)
        return msg

    async def person_thread(
        self, name: str, *, author: dict[str, Any] = ALICE, parent: int | str = CHANNEL_ID
    ) -> str:
        """A person opens a thread (without a starter message) in a channel of the server;
        the bot hears of it through THREAD_CREATE. Not in `threads` (the bot's own)."""
        tid = snowflake()
        owner = int(author["id"])
        self.thread_data[tid] = thread_channel(tid, parent, name, owner=owner)
        await self.dispatch("THREAD_CREATE", self.thread_data[tid] | {"newly_created": True})
        return tid

    def posted(
        self, content: str, *, channel: int | str, author: dict[str, Any] = ALICE
    ) -> dict[str, Any]:
        """A message somewhere the bot gets no events from (a group DM, another server)."""
        return self._message(str(channel), {"content": content}, author)

    async def dm(self, content: str, *, author: dict[str, Any] = ALICE) -> dict[str, Any]:
        msg = self._message(f"7{author['id']}", {"content": content}, author)
        await self.dispatch("MESSAGE_CREATE", msg)
        return msg

    def place(self, channel: int | str = CHANNEL_ID) -> Place:
        """A channel or thread of the bot's own server (the app installed to the server)."""
        cid = str(channel)
        if cid in self.thread_data:
            return Place(GUILD_ID, self.thread_data[cid])
        return Place(GUILD_ID, text_channel(cid))

    def _interaction(
        self,
        kind: int,
        data: dict[str, Any],
        *,
        member: dict[str, Any],
        permissions: int,
        roles: tuple[int, ...] = (),
        message: dict[str, Any] | None = None,
        place: Place | None = None,
    ) -> dict[str, Any]:
        where = place or self.place()
        iid = snowflake()
        d: dict[str, Any] = {
            "id": iid,
            "application_id": str(APP_ID),
            "type": kind,
            "data": data,
            "token": f"token-{iid}",
            "version": 1,
            "channel_id": where.channel["id"],
            "channel": where.channel | {"permissions": str(permissions)},
            "app_permissions": str(TEXT_PERMS),
            "locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
            "authorizing_integration_owners": where.owners,
            "context": where.context,
        }
        if where.guild_id is None:  # a DM or group DM: a user, not a member
            d["user"] = member
        else:
            d |= {
                "guild_id": str(where.guild_id),
                "guild_locale": "en-US",
                "member": self._member(member, roles) | {"permissions": str(permissions)},
            }
        if message is not None:
            d["message"] = message
            if where.guild_id is not None:
                d["message"] = message | {"guild_id": str(where.guild_id)}
        self.interactions[iid] = d
        return d

    async def slash(
        self,
        name: str,
        *,
        user: dict[str, Any] = ALICE,
        permissions: int = TEXT_PERMS,
        roles: tuple[int, ...] = (),
        attachment: dict[str, Any] | None = None,
        place: Place | None = None,
        **options: str | bool | int,
    ) -> dict[str, Any]:
        """Run a slash command; string, boolean and integer options by keyword, one
        attachment as `file`; in the bot's channel unless `place` says where."""
        opts: list[dict[str, Any]] = [
            {"name": k, "type": option_type(v), "value": v} for k, v in options.items()
        ]
        data: dict[str, Any] = {"id": snowflake(), "name": name, "type": 1, "options": opts}
        if attachment is not None:
            opts.append({"name": "file", "type": 11, "value": attachment["id"]})
            data["resolved"] = {"attachments": {attachment["id"]: attachment}}
        d = self._interaction(
            2, data, member=user, permissions=permissions, roles=roles, place=place
        )
        await self._send_interaction(d)
        return d

    async def message_command(
        self,
        name: str,
        target: dict[str, Any],
        *,
        user: dict[str, Any] = ALICE,
        place: Place | None = None,
    ) -> dict[str, Any]:
        """Run a message context-menu command (Apps → name) on `target`."""
        data = {
            "id": snowflake(),
            "name": name,
            "type": 3,
            "target_id": target["id"],
            "resolved": {"messages": {target["id"]: target}},
        }
        where = place or self.place(target["channel_id"])
        d = self._interaction(2, data, member=user, permissions=TEXT_PERMS, place=where)
        await self._send_interaction(d)
        return d

    async def autocomplete(self, name: str, option: str, typed: str) -> dict[str, Any]:
        opts = [{"name": option, "type": 3, "value": typed, "focused": True}]
        data = {"id": snowflake(), "name": name, "type": 1, "options": opts}
        d = self._interaction(4, data, member=ALICE, permissions=TEXT_PERMS)
        await self._send_interaction(d)
        return d

    async def click(
        self,
        message: dict[str, Any],
        custom_id: str,
        *,
        user: dict[str, Any] = ALICE,
        place: Place | None = None,
    ) -> dict[str, Any]:
        """Click a button of `message`, in the message's channel unless `place` says where."""
        data = {"custom_id": custom_id, "component_type": 2}
        where = place or self.place(message["channel_id"])
        d = self._interaction(
            3, data, member=user, permissions=TEXT_PERMS, message=message, place=where
        )
        await self._send_interaction(d)
        return d

    async def _send_interaction(self, d: dict[str, Any]) -> None:
        self.interaction_at[d["id"]] = time.monotonic()
        await self.dispatch("INTERACTION_CREATE", d)

    # ------------------------------------------------------------------ reading results
    async def callback_of(self, inter: dict[str, Any]) -> Call:
        (call,) = await self.wait_calls("POST", f"^/interactions/{inter['id']}/")
        return call

    async def followups_of(self, inter: dict[str, Any], n: int = 1) -> list[Call]:
        return await self.wait_calls("POST", f"^/webhooks/{APP_ID}/{inter['token']}$", n)

    async def edits_of(self, inter: dict[str, Any], n: int = 1) -> list[Call]:
        pattern = f"^/webhooks/{APP_ID}/{inter['token']}/messages/@original$"
        return await self.wait_calls("PATCH", pattern, n)

    def shown(self, message_id: str) -> dict[str, Any]:
        """A message as Discord would show it (and send it back on a click)."""
        return self.messages[message_id]
