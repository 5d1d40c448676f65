"""Slack payloads turned into small typed models at the edge (nothing else reads raw dicts)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
# Messages that are not a person typing a new message: edits, deletions, joins, bots...
_HANDLED_SUBTYPES = {None, "file_share", "thread_broadcast"}


@dataclass(frozen=True)
class SharedFile:
    """A file attached to a message; `url` needs the bot token to download."""

    id: str
    name: str
    size: int
    url: str


@dataclass(frozen=True)
class ChatMessage:
    """A person's message (or mention) the bot may answer."""

    event_id: str
    user: str
    channel: str
    channel_type: str  # "im", "channel", "group", "mpim"
    text: str
    ts: str
    thread_ts: str | None
    files: tuple[SharedFile, ...] = ()

    @property
    def is_dm(self) -> bool:
        return self.channel_type == "im"

    @property
    def question(self) -> str:
        """The text without user mentions (the bot's own included)."""
        return " ".join(_MENTION.sub(" ", self.text).split())

    def mentions(self, user_id: str | None) -> bool:
        return bool(user_id) and f"<@{user_id}" in self.text

    @property
    def reply_thread(self) -> str:
        """Where a channel answer goes: the thread the message is in, or a new one under it."""
        return self.thread_ts or self.ts

    @property
    def conversation(self) -> str:
        """The conversation key: the thread, or the whole DM outside threads."""
        if self.is_dm and not self.thread_ts:
            return f"slack:{self.channel}"
        return f"slack:{self.channel}:{self.reply_thread}"


def parse_message(body: dict[str, Any]) -> ChatMessage | None:
    """A ChatMessage from an event callback body, or None for bot, edit and other noise."""
    event = body.get("event") or {}
    if event.get("bot_id") or event.get("subtype") not in _HANDLED_SUBTYPES:
        return None
    user = event.get("user")
    if not isinstance(user, str) or not user or not event.get("channel") or not event.get("ts"):
        return None
    files = tuple(
        SharedFile(
            id=str(f.get("id", "")),
            name=str(f.get("name") or f.get("title") or "file"),
            size=int(f.get("size") or 0),
            url=str(f.get("url_private_download") or f.get("url_private") or ""),
        )
        for f in event.get("files") or ()
        if isinstance(f, dict)
    )
    return ChatMessage(
        event_id=str(body.get("event_id", "")),
        user=user,
        channel=str(event["channel"]),
        channel_type=str(event.get("channel_type") or ("im" if event["channel"][0] == "D" else "")),
        text=str(event.get("text") or ""),
        ts=str(event["ts"]),
        thread_ts=event.get("thread_ts") or None,
        files=files,
    )


@dataclass(frozen=True)
class SlashCommand:
    """`/kenya <sub-command> <argument>`; `command` is the name Slack sent (renamable)."""

    command: str
    user: str
    channel: str
    sub: str
    argument: str

    @classmethod
    def parse(cls, payload: dict[str, Any]) -> SlashCommand:
        text = " ".join(str(payload.get("text") or "").split())
        sub, _, argument = text.partition(" ")
        return cls(
            command=str(payload.get("command") or "/kenya"),
            user=str(payload.get("user_id", "")),
            channel=str(payload.get("channel_id", "")),
            sub=sub.lower(),
            argument=argument,
        )


@dataclass(frozen=True)
class ButtonPress:
    """A click on one of the answer's buttons; `answer_id` is None when the value is bad."""

    action: str
    user: str
    answer_id: int | None

    @classmethod
    def parse(cls, body: dict[str, Any]) -> ButtonPress:
        action = (body.get("actions") or [{}])[0]
        value = str(action.get("value", ""))
        return cls(
            action=str(action.get("action_id", "")),
            user=str((body.get("user") or {}).get("id", "")),
            answer_id=int(value) if value.isdigit() else None,
        )
