"""Conversations the bot takes part in (a Slack thread, a Discord thread, a DM).

Earlier turns feed the follow-up rewrite of the core. On Slack and Discord the
platform is the memory: the adapter reads the thread (bounded) and
`turns_from_messages` makes turns of it, so a follow-up keeps its context after a
restart or on another replica. `Conversations` is the in-process memory for front
ends without a platform history (the console), and a cache of which threads the bot
takes part in.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.models import Turn

MAX_TURNS = 6
MAX_TURN_CHARS = 2000  # one message's share of the history (a pasted article is cut)


@dataclass(frozen=True)
class PlatformMessage:
    """One message of a platform thread, oldest first: its text (mentions removed)
    and whether the bot wrote it."""

    text: str
    from_bot: bool = False


def turns_from_messages(
    messages: Sequence[PlatformMessage], max_turns: int = MAX_TURNS
) -> tuple[Turn, ...]:
    """A thread's messages as conversation turns: a person's message followed by the
    bot's reply is one turn; people's messages the bot did not answer (a discussion
    the bot is called into) are turns without an answer, so their words still give
    a follow-up its subject. The newest `max_turns` turns are kept."""
    turns: list[Turn] = []
    pending: str | None = None
    for message in messages:
        text = " ".join(message.text.split())[:MAX_TURN_CHARS]
        if not text:
            continue
        if message.from_bot:
            if pending is not None:
                turns.append(Turn(pending, text))
                pending = None
            continue  # a bot message without a question before it: nothing to pair
        if pending is not None:
            turns.append(Turn(pending))
        pending = text
    if pending is not None:
        turns.append(Turn(pending))
    return tuple(turns[-max_turns:])


class Conversations:
    """Turns per conversation key, least recently used conversations dropped first."""

    def __init__(self, max_conversations: int = 5000) -> None:
        self._turns: OrderedDict[str, list[Turn]] = OrderedDict()
        self._max = max_conversations
        self._lock = threading.Lock()

    def __contains__(self, key: str) -> bool:
        with self._lock:
            return key in self._turns

    def start(self, key: str) -> None:
        """Mark key as a conversation the bot is part of (even before any answer)."""
        with self._lock:
            self._turns.setdefault(key, [])
            self._turns.move_to_end(key)
            self._trim()

    def forget(self, key: str) -> None:
        with self._lock:
            self._turns.pop(key, None)

    def history(self, key: str) -> list[Turn]:
        with self._lock:
            return list(self._turns.get(key, ()))

    def add(self, key: str, question: str, answer: str) -> None:
        with self._lock:
            turns = self._turns.setdefault(key, [])
            turns.append(Turn(question, answer))
            del turns[:-MAX_TURNS]
            self._turns.move_to_end(key)
            self._trim()

    def _trim(self) -> None:
        while len(self._turns) > self._max:
            self._turns.popitem(last=False)
