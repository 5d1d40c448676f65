"""Which events were already handled: Slack retries an event it thinks we missed."""

from __future__ import annotations

import threading
from collections import OrderedDict


class SeenEvents:
    """A bounded record of event IDs; `first()` is True once per ID."""

    def __init__(self, size: int = 10_000) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def first(self, event_id: str) -> bool:
        if not event_id:
            return True
        with self._lock:
            if event_id in self._ids:
                return False
            self._ids[event_id] = None
            while len(self._ids) > self._size:
                self._ids.popitem(last=False)
            return True
