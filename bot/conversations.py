"""Conversations the bot takes part in (a Slack thread, a Discord thread, a DM).

Earlier turns feed the follow-up rewrite of the core. Kept in memory, bounded:
after a restart a thread's history starts afresh (its questions still work).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from retrieval.models import Turn

MAX_TURNS = 6


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
