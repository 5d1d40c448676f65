"""Per-user rate limiting for chat questions (both platforms share the settings)."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    """At most `per_minute` questions per user in any 60-second window (0 = unlimited)."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, user: str) -> float:
        """0 when the user may ask now (and counts it), else seconds until they may."""
        if self.per_minute <= 0:
            return 0.0
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(user, deque())
            while hits and now - hits[0] >= 60.0:
                hits.popleft()
            if len(hits) >= self.per_minute:
                return max(0.1, 60.0 - (now - hits[0]))
            hits.append(now)
            return 0.0


def slow_down_message(wait_seconds: float) -> str:
    return (
        f"You're asking faster than I can keep up with. Please wait {int(wait_seconds) + 1} s "
        "and ask again."
    )
