"""Slack payloads turned into small typed models at the edge (nothing else reads raw dicts)."""

from __future__ import annotations

import json
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
        return without_mentions(self.text)

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


_LINK_MARKUP = re.compile(r"^<([^|<>]+)(?:\|[^<>]*)?>$")


def command_url(argument: str) -> str:
    """The address typed after a sub-command: Slack's link markup (`<url>`,
    `<url|label>`) removed and its `&amp;` `&lt;` `&gt;` decoded; "" when none."""
    text = argument.strip()
    markup = _LINK_MARKUP.match(text)
    if markup:
        text = markup.group(1)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


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


def without_mentions(text: str) -> str:
    """Text with user mentions (`<@U123>`, `<@U123|name>`) removed and spaces collapsed."""
    return " ".join(_MENTION.sub(" ", text).split())


@dataclass(frozen=True)
class FollowupPress:
    """A click on a suggested follow-up: which stored answer offered it, and where the
    clicked message is (`thread_ts` None: a top-level message; `private`: ephemeral)."""

    user: str
    answer_id: int
    index: int
    channel: str
    message_ts: str
    thread_ts: str | None
    private: bool

    @classmethod
    def parse(cls, body: dict[str, Any]) -> FollowupPress | None:
        """None when the value is not "answer_id:index" (a forged or old button)."""
        action = (body.get("actions") or [{}])[0]
        answer_id, _, index = str(action.get("value", "")).partition(":")
        if not (answer_id.isdigit() and index.isdigit()):
            return None
        container = body.get("container") or {}
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id") or ""
        return cls(
            user=str((body.get("user") or {}).get("id", "")),
            answer_id=int(answer_id),
            index=int(index),
            channel=str(channel),
            message_ts=str(message.get("ts") or container.get("message_ts") or ""),
            thread_ts=message.get("thread_ts") or container.get("thread_ts") or None,
            private=bool(container.get("is_ephemeral")),
        )


@dataclass(frozen=True)
class MessageRef:
    """A message somewhere in Slack: carried from the shortcut to the modal's submission
    in the view's private_metadata."""

    channel: str
    ts: str
    thread_ts: str | None = None

    @property
    def reply_thread(self) -> str:
        return self.thread_ts or self.ts

    @property
    def conversation(self) -> str:
        return f"slack:{self.channel}:{self.reply_thread}"

    def dump(self) -> str:
        return json.dumps({"channel": self.channel, "ts": self.ts, "thread_ts": self.thread_ts})

    @classmethod
    def load(cls, text: str) -> MessageRef | None:
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        channel, ts, thread_ts = data.get("channel"), data.get("ts"), data.get("thread_ts")
        if not (isinstance(channel, str) and channel and isinstance(ts, str) and ts):
            return None
        return cls(channel, ts, thread_ts if isinstance(thread_ts, str) and thread_ts else None)


@dataclass(frozen=True)
class MessageShortcut:
    """ "Ask about this message" chosen on a message: who, which message, and the trigger
    that lets the bot open a modal for the next 3 seconds."""

    user: str
    trigger_id: str
    message: MessageRef
    text: str

    @classmethod
    def parse(cls, body: dict[str, Any]) -> MessageShortcut | None:
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id")
        ts = message.get("ts")
        if not isinstance(channel, str) or not isinstance(ts, str) or not channel or not ts:
            return None
        thread_ts = message.get("thread_ts")
        return cls(
            user=str((body.get("user") or {}).get("id", "")),
            trigger_id=str(body.get("trigger_id") or ""),
            message=MessageRef(channel, ts, thread_ts if isinstance(thread_ts, str) else None),
            text=str(message.get("text") or ""),
        )


@dataclass(frozen=True)
class AskSubmission:
    """The "Ask about this message" modal, submitted: the optional question typed in it."""

    user: str
    message: MessageRef | None
    question: str

    @classmethod
    def parse(cls, body: dict[str, Any], block_id: str, action_id: str) -> AskSubmission:
        view = body.get("view") or {}
        values = (view.get("state") or {}).get("values") or {}
        field = (values.get(block_id) or {}).get(action_id) or {}
        return cls(
            user=str((body.get("user") or {}).get("id", "")),
            message=MessageRef.load(str(view.get("private_metadata") or "")),
            question=" ".join(str(field.get("value") or "").split()),
        )


@dataclass(frozen=True)
class AssistantThread:
    """A conversation the user opened in Slack's assistant (agent) view."""

    user: str
    channel: str
    thread_ts: str

    @classmethod
    def parse(cls, body: dict[str, Any]) -> AssistantThread | None:
        thread = (body.get("event") or {}).get("assistant_thread") or {}
        channel, ts = thread.get("channel_id"), thread.get("thread_ts")
        if not isinstance(channel, str) or not isinstance(ts, str) or not channel or not ts:
            return None
        return cls(str(thread.get("user_id") or ""), channel, ts)
