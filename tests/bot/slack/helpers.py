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


def assert_safe(payload: Any) -> None:
    """No broadcast or user mention, and every `<` starts one of our http(s) links."""
    text = json.dumps(payload, ensure_ascii=False)
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

    def ask(self, request: ChatRequest, *, checked: bool = False) -> ChatAnswer:
        question = request.text
        self.asked.append(question)
        self.release.wait(5)  # at most as slow as the 5 s the issue asks for
        citation = Citation(1, "Doc", "doc.md", "Intro", "https://example.org/doc", "Quote.")
        return ChatAnswer(Answer(question, f"Answer to {question} [1]", [citation]), 7)
