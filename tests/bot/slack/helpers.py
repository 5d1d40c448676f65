"""Assertions shared by the Slack tests."""

from __future__ import annotations

import json
import re
import threading
from typing import Any

from bot.conversations import Conversations
from bot.metrics import PlatformStatus
from bot.service import ChatAnswer, ChatRequest
from retrieval.models import Answer, Citation

_LINK = re.compile(r"<https?://[^\s<>|]+\|[^<>]*>")


def assert_safe(payload: Any, *, clicker: str | None = None) -> None:
    """No broadcast or user mention, and every `<` starts one of our http(s) links.

    The one mention allowed is `clicker`'s own, in "Shared by <@U…>" or "<@U…> asked:"
    (the person who pressed the button or asked)."""
    text = json.dumps(payload, ensure_ascii=False)
    if clicker is not None:
        text = text.replace(f"Shared by <@{clicker}>", "").replace(f"<@{clicker}> asked:", "")
    assert "<!" not in text and "<@" not in text and "<#" not in text, text
    assert not re.search(r"@(here|channel|everyone)\b", text, re.I), text
    for chunk in re.findall(r"<[^>]*>?", _LINK.sub("", text)):
        raise AssertionError(f"raw angle bracket in {chunk!r}")


def all_texts(blocks: list[dict[str, Any]]) -> str:
    out = []
    for b in blocks:
        if "text" in b:
            out.append(b["text"]["text"])
        for e in b.get("elements", []):
            out.append(e["text"]["text"] if isinstance(e.get("text"), dict) else e.get("text", ""))
    return "\n".join(out)


class StubService:
    """A chat service whose ask() blocks until released (the "slow service"), counting calls."""

    max_upload_bytes = 1000
    log_questions = False

    def __init__(self, *, block: bool = False) -> None:
        self.conversations = Conversations()
        self.platforms = PlatformStatus()
        self.asked: list[str] = []
        self.release = threading.Event()
        if not block:
            self.release.set()

    def start_conversation(self, key: str) -> None:
        self.conversations.start(key)

    def in_conversation(self, key: str) -> bool:
        return key in self.conversations

    def check(self, request: ChatRequest) -> str:
        return request.text

    def ask(self, request: ChatRequest, *, checked: bool = False) -> ChatAnswer:
        question = request.text
        self.asked.append(question)
        self.release.wait(5)  # at most as slow as the 5 s the issue asks for
        citation = Citation(1, "Doc", "doc.md", "Intro", "https://example.org/doc", "Quote.")
        return ChatAnswer(Answer(question, f"Answer to {question} [1]", [citation]), 7)


def send_event(bot: Any, event: dict[str, Any], event_id: str) -> None:
    """Deliver an Events API callback to the bot, signed, as Slack does."""
    from tests.bot.slack.fake_slack import event_payload, post_signed

    status, _, _ = post_signed(bot.url, json.dumps(event_payload(event, event_id)))
    assert status == 200


def say(api: Any, bot: Any, event: dict[str, Any], event_id: str) -> None:
    """A person writes a message: Slack keeps it (so the thread and DM history have it)
    and sends the bot the event."""
    api.seed(
        event["channel"],
        event["text"],
        ts=event["ts"],
        user=event["user"],
        thread_ts=event.get("thread_ts"),
    )
    send_event(bot, event, event_id)


def click(api: Any, bot: Any, payload: dict[str, Any]) -> None:
    """A button press, shortcut or modal submission, signed, acknowledged with 200."""
    from tests.bot.slack.fake_slack import FORM, interactive_form, post_signed

    status, _, _ = post_signed(bot.url, interactive_form(payload), FORM)
    assert status == 200


def order(api: Any, *paths: str) -> list[str]:
    """The Web API methods called, in order, keeping only `paths`."""
    return [c["path"].removeprefix("/api/") for c in api.calls if c["path"] in paths]


def hold_reindex(service: Any) -> tuple[threading.Event, threading.Event]:
    """Makes the service's re-index wait once it has started: `entered` is set when it
    starts, and it goes on when the test sets `gate` (or after 10 s)."""
    gate, entered = threading.Event(), threading.Event()
    sync = service.engine.indexer.sync

    def slow_sync(*args: Any, **kw: Any) -> Any:
        entered.set()
        gate.wait(10)
        return sync(*args, **kw)

    service.engine.indexer.sync = slow_sync
    return gate, entered
