"""The HTTP endpoint in front of Bolt: the signature is checked first, then the body's shape.

Bolt parses a request body before it checks the signature, so a body that does not
parse (`{not json`, a JSON array, `event` as a string...) made it answer 500 with a
traceback, even for unsigned requests. Here an unsigned or forged request gets 401
without its body being read as anything, and a signed body of the wrong shape gets
400 with one log line; only well-formed, signed requests reach Bolt.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

log = logging.getLogger(__name__)

MAX_AGE_SECONDS = 5 * 60  # Slack's rule: older (or newer) timestamps are replays
MAX_BODY_BYTES = 1_000_000

# The fields Bolt and the listeners read, by the types Slack sends them as. A payload
# may leave any of them out; one that is present with another type is refused.
_STRINGS = ("type", "command")
_STRINGS_OR_NULL = (
    "token", "team_id", "api_app_id", "event_id", "user_id", "channel_id", "text",
    "trigger_id", "enterprise_id",
)  # fmt: skip
_OBJECTS = ("event", "view")
_OBJECTS_OR_NULL = ("container", "message", "previous_message")
_IDS = ("team", "user", "channel", "enterprise")  # an object, an ID string, or null
_EVENT_STRINGS = ("type", "subtype", "text", "ts", "thread_ts", "event_ts", "bot_id")
_ACTION_STRINGS = ("type", "action_id", "block_id", "value")


class BadBody(ValueError):
    """The body of a signed request does not have a Slack payload's shape; str() is short."""


def signature_ok(secret: str, raw: bytes, timestamp: str | None, signature: str | None) -> bool:
    """Slack's v0 request signature over the raw bytes, with a fresh timestamp."""
    if not secret or not timestamp or not signature:
        return False
    try:
        stamp = int(timestamp)
    except ValueError:
        return False
    if abs(time.time() - stamp) > MAX_AGE_SECONDS:
        return False
    base = b"v0:" + timestamp.encode() + b":" + raw
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        raise BadBody(f"{what} is not valid JSON") from None
    if not isinstance(value, dict):
        raise BadBody(f"{what} is JSON {_a(value)}, not an object")
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {
        bool: "boolean",
        int: "number",
        float: "number",
        str: "string",
        list: "array",
        dict: "object",
    }.get(type(value), type(value).__name__)


def _a(value: Any) -> str:
    kind = _kind(value)
    return kind if kind == "null" else ("an " if kind[0] in "ao" else "a ") + kind


def parse_body(text: str, content_type: str) -> dict[str, Any]:
    """The payload as Bolt will read it (same JSON/form rules); BadBody when it does not
    have the shape of a Slack payload."""
    if not text.strip():
        raise BadBody("the body is empty")
    if content_type == "application/json" or text.startswith("{"):
        payload = _json_object(text, "the body")
    else:
        form = dict(parse_qsl(text, keep_blank_values=True))
        if "payload" in text and "payload" in form:
            payload = _json_object(form["payload"], "the 'payload' field")
        else:
            payload = form
    check_shape(payload)
    return payload


def check_shape(payload: dict[str, Any]) -> None:
    """BadBody when a field Bolt or the listeners read has a type Slack never sends."""
    _typed(payload, _STRINGS, (str,), "a string")
    _typed(payload, _STRINGS_OR_NULL, (str, type(None)), "a string")
    _typed(payload, _OBJECTS, (dict,), "an object")
    _typed(payload, _OBJECTS_OR_NULL, (dict, type(None)), "an object")
    _typed(payload, _IDS, (dict, str, type(None)), "an object or an ID")
    url = payload.get("response_url")
    if url is not None and not (isinstance(url, str) and url.startswith(("https://", "http://"))):
        raise BadBody("'response_url' is not a URL")
    if "authorizations" in payload:
        _objects(payload["authorizations"], "authorizations")
    if "actions" in payload:
        actions = _objects(payload["actions"], "actions")
        if not actions:
            raise BadBody("'actions' is empty")
        for action in actions:
            _typed(action, _ACTION_STRINGS, (str,), "a string", "actions[].")
        if payload.get("type") == "block_actions":
            if not all("action_id" in action for action in actions):
                raise BadBody("an action has no 'action_id'")
            if not isinstance(payload.get("user"), dict):
                raise BadBody("'user' of a button press is not an object")
    if isinstance(payload.get("event"), dict):
        _check_event(payload["event"])


def _check_event(event: dict[str, Any]) -> None:
    _typed(event, _EVENT_STRINGS, (str, type(None)), "a string", "event.")
    _typed(event, _IDS, (dict, str, type(None)), "an object or an ID", "event.")
    _typed(event, _OBJECTS_OR_NULL, (dict, type(None)), "an object", "event.")
    if event.get("type") in ("message", "app_mention"):
        # A message's user and channel are IDs (other events carry objects there).
        _typed(event, ("user", "channel"), (str, type(None)), "an ID", "event.")
        if event.get("files") is not None:
            for f in _objects(event["files"], "event.files"):
                if f.get("size") is not None and not isinstance(f["size"], int):
                    raise BadBody("'event.files[].size' is not a number")


def _typed(
    obj: dict[str, Any], keys: tuple[str, ...], types: tuple[type, ...], what: str, at: str = ""
) -> None:
    for key in keys:
        if key in obj and not isinstance(obj[key], types):
            raise BadBody(f"'{at}{key}' is {_a(obj[key])}, not {what}")


def _objects(value: Any, name: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise BadBody(f"'{name}' is not a list of objects")
    return value


class SlackEndpoint:
    """The aiohttp handler of /slack/events: signature, then shape, then Bolt."""

    def __init__(self, app: AsyncApp, signing_secret: str) -> None:
        self.app = app
        self._secret = signing_secret
        self._warned_unsigned = False

    def _unsigned(self) -> web.Response:
        # The first one is a warning (a wrong SLACK_SIGNING_SECRET shows at once); the
        # rest are quiet, so that scanners and floods cannot fill the log.
        if not self._warned_unsigned:
            self._warned_unsigned = True
            log.warning(
                "Slack: refused a request without a valid signature (401); if Slack's own "
                "requests get this, check SLACK_SIGNING_SECRET (later ones are logged with -v)"
            )
        else:
            log.debug("Slack: refused a request without a valid signature (401)")
        return web.Response(status=401, text="invalid request signature")

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
            return web.Response(status=413, text="request body too large")
        raw = await request.read()
        headers = request.headers
        stamp = headers.get("X-Slack-Request-Timestamp")
        if not signature_ok(self._secret, raw, stamp, headers.get("X-Slack-Signature")):
            if _is_ssl_check(raw):  # Slack's certificate check: Bolt answers it unsigned too
                return web.Response(status=200, text="")
            return self._unsigned()
        try:
            text = raw.decode("utf-8")
            parse_body(text, headers.get("Content-Type", "").split(";")[0])
            bolt_request = AsyncBoltRequest(
                body=text,
                query=request.query_string,
                headers=headers,  # type: ignore[arg-type]  # as Bolt's own adapter does
            )
        except UnicodeDecodeError:
            return _bad("the body is not UTF-8 text")
        except BadBody as exc:
            return _bad(str(exc))
        except Exception as exc:  # Bolt could not read a shape we let through
            return _bad(f"{type(exc).__name__} reading the payload")
        try:
            bolt_response = await self.app.async_dispatch(bolt_request)
        except Exception as exc:
            log.error("Slack: a request failed: %s: %s", type(exc).__name__, str(exc)[:200])
            log.debug("Slack: a request failed", exc_info=True)
            return web.Response(status=500, text="internal error")
        return await to_aiohttp_response(bolt_response)


def _bad(reason: str) -> web.Response:
    log.warning("Slack: refused a signed request whose body does not parse (400): %s", reason)
    return web.Response(status=400, text=f"bad request: {reason}")


def _is_ssl_check(raw: bytes) -> bool:
    try:
        form = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
    except (UnicodeDecodeError, ValueError):
        return False
    return form.get("ssl_check") == "1"


def events_web_app(app: AsyncApp, signing_secret: str, path: str) -> web.Application:
    """An aiohttp application serving `path` (POST) through a SlackEndpoint."""
    web_app = web.Application(client_max_size=MAX_BODY_BYTES)
    web_app.router.add_post(path, SlackEndpoint(app, signing_secret).handle)
    return web_app
