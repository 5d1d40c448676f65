"""Conversation history read from Slack itself: a thread's replies, a DM's recent messages.

Slack is the memory: a follow-up keeps its context after a restart or on another
replica because the adapter reads the thread (bounded) instead of trusting what one
process remembers. Reading fails soft: without the scope, or in a channel the bot is
not in, the history is empty (and the service falls back to what it remembers).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.service import PlatformMessage, turns_from_messages
from bot.slack.models import without_mentions
from retrieval.models import Turn

log = logging.getLogger(__name__)

THREAD_MESSAGES = 20  # the newest messages of a thread that become its history
THREAD_PAGE = 100
THREAD_PAGES = 3  # a thread longer than 300 messages is read from its start only
DM_MESSAGES = 10
DM_WINDOW_SECONDS = 30 * 60  # older DMs are another conversation
# Messages people and the bot write; joins, edits, deletions and the like are not turns.
_TURN_SUBTYPES = {None, "thread_broadcast", "file_share", "bot_message"}


@dataclass(frozen=True)
class BotIdentity:
    """The bot's own user and bot IDs (from the request context), to tell its messages."""

    user_id: str
    bot_id: str

    def wrote(self, message: dict[str, Any]) -> bool:
        user, bot = message.get("user"), message.get("bot_id")
        return bool((self.user_id and user == self.user_id) or (self.bot_id and bot == self.bot_id))


def identity(context: AsyncBoltContext) -> BotIdentity:
    """The bot's own IDs, as Bolt learned them (auth.test) for this request."""
    return BotIdentity(context.bot_user_id or "", context.bot_id or "")


@dataclass(frozen=True)
class History:
    """Earlier messages of a conversation, oldest first (the current one excluded)."""

    messages: tuple[PlatformMessage, ...] = ()

    @property
    def turns(self) -> tuple[Turn, ...]:
        return turns_from_messages(self.messages)

    @property
    def bot_took_part(self) -> bool:
        return any(m.from_bot for m in self.messages)

    @property
    def has_question(self) -> bool:
        """A person wrote in it before (else the current message is its first question)."""
        return any(not m.from_bot for m in self.messages)


def _ts(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _before(messages: list[dict[str, Any]], before: str | None) -> list[dict[str, Any]]:
    """Messages older than `before` (a message ts), sorted oldest first."""
    limit = _ts(before) if before else None
    kept = []
    for m in messages:
        ts = _ts(m.get("ts"))
        if ts is not None and (limit is None or ts < limit):
            kept.append((ts, m))
    kept.sort(key=lambda pair: pair[0])
    return [m for _, m in kept]


_ASKED = re.compile(r"^<@[A-Z0-9]+> asked: (?P<question>.+)$", re.S)


def _asked_for(message: dict[str, Any]) -> str:
    """The question an answer of the bot's was asked for by a button or the shortcut
    (its "<@U…> asked: …" context line), unescaped; "" for other messages."""
    for block in message.get("blocks") or ():
        if block.get("type") != "context":
            continue
        for element in block.get("elements") or ():
            found = _ASKED.match(str(element.get("text") or ""))
            if found:
                text = found["question"].rstrip("…")
                return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        break  # the line is the answer's first block or absent
    return ""


def _platform_messages(messages: list[dict[str, Any]], me: BotIdentity) -> History:
    """Messages as turns material; an answer to a clicked follow-up or the shortcut
    brings back the question it answered (no person's message holds it)."""
    out: list[PlatformMessage] = []
    for m in messages:
        if m.get("subtype") not in _TURN_SUBTYPES:
            continue
        from_bot = me.wrote(m)
        asked = _asked_for(m) if from_bot else ""
        if asked:
            out.append(PlatformMessage(asked))
        out.append(PlatformMessage(without_mentions(str(m.get("text") or "")), from_bot=from_bot))
    return History(tuple(out))


class SlackHistory:
    """Reads threads and DMs with `conversations.replies` / `conversations.history`."""

    def __init__(
        self,
        *,
        thread_messages: int = THREAD_MESSAGES,
        dm_messages: int = DM_MESSAGES,
        dm_window_seconds: float = DM_WINDOW_SECONDS,
    ) -> None:
        self.thread_messages = thread_messages
        self.dm_messages = dm_messages
        self.dm_window_seconds = dm_window_seconds

    async def thread(
        self,
        client: AsyncWebClient,
        channel: str,
        thread_ts: str,
        me: BotIdentity,
        *,
        before: str | None = None,
    ) -> History:
        """The thread's newest messages older than `before` (the message being answered)."""
        found: list[dict[str, Any]] = []
        cursor: str | None = None
        try:
            for _ in range(THREAD_PAGES):
                response = await client.conversations_replies(
                    channel=channel,
                    ts=thread_ts,
                    limit=THREAD_PAGE,
                    cursor=cursor,
                    latest=before,
                    inclusive=False if before else None,
                )
                found.extend(m for m in response.get("messages") or () if isinstance(m, dict))
                cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
                if not response.get("has_more") or not cursor:
                    break
        except SlackApiError as exc:
            log.warning("reading a Slack thread failed: %s", exc.response.get("error"))
            return History()
        unique = {str(m.get("ts")): m for m in found}  # the parent may come on every page
        kept = _before(list(unique.values()), before)[-self.thread_messages :]
        return _platform_messages(kept, me)

    async def recent_dm(
        self, client: AsyncWebClient, channel: str, me: BotIdentity, *, before: str
    ) -> History:
        """The DM's last few top-level messages from the half hour before `before`."""
        latest = _ts(before)
        if latest is None:
            return History()
        try:
            response = await client.conversations_history(
                channel=channel,
                latest=before,
                oldest=str(latest - Decimal(int(self.dm_window_seconds))),
                inclusive=False,
                limit=self.dm_messages,
            )
        except SlackApiError as exc:
            log.warning("reading a Slack DM failed: %s", exc.response.get("error"))
            return History()
        messages = [m for m in response.get("messages") or () if isinstance(m, dict)]
        return _platform_messages(_before(messages, before)[-self.dm_messages :], me)

    async def message_text(
        self, client: AsyncWebClient, channel: str, ts: str, thread_ts: str | None
    ) -> str | None:
        """One message's current text (mentions removed); None when Slack will not show it
        to the bot (not in the channel, deleted, no scope)."""
        try:
            if thread_ts and thread_ts != ts:
                # Slack may put the thread's parent first: ask for two, keep the match.
                response = await client.conversations_replies(
                    channel=channel, ts=thread_ts, oldest=ts, latest=ts, inclusive=True, limit=2
                )
            else:
                response = await client.conversations_history(
                    channel=channel, oldest=ts, latest=ts, inclusive=True, limit=1
                )
        except SlackApiError as exc:
            log.warning("reading a Slack message failed: %s", exc.response.get("error"))
            return None
        for m in response.get("messages") or ():
            if isinstance(m, dict) and m.get("ts") == ts:
                return without_mentions(str(m.get("text") or ""))
        return None


class QuietThreads:
    """Threads found not to include the bot, remembered for a minute (bounded), so that a
    busy human thread costs one `conversations.replies` a minute, not one per message."""

    def __init__(self, seconds: float = 60.0, size: int = 5000) -> None:
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._seconds = seconds
        self._size = size
        self._lock = threading.Lock()

    def __contains__(self, key: str) -> bool:
        with self._lock:
            seen = self._seen.get(key)
            if seen is None:
                return False
            if time.monotonic() - seen >= self._seconds:
                del self._seen[key]
                return False
            return True

    def add(self, key: str) -> None:
        with self._lock:
            self._seen[key] = time.monotonic()
            self._seen.move_to_end(key)
            while len(self._seen) > self._size:
                self._seen.popitem(last=False)

    def discard(self, key: str) -> None:
        with self._lock:
            self._seen.pop(key, None)
