"""What a running bot counts and reports: Prometheus metrics and platform connection state.

Metrics count questions by platform and outcome, time answers, and describe the
served index, re-indexes and feedback.
"""

from __future__ import annotations

import threading
import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class PlatformStatus:
    """What each chat adapter last reported: connected, or down with a reason."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state: dict[str, tuple[bool, str]] = {}

    def expect(self, platform: str) -> None:
        with self._lock:
            self._state.setdefault(platform, (False, "starting"))

    def up(self, platform: str) -> None:
        with self._lock:
            self._state[platform] = (True, "connected")

    def down(self, platform: str, reason: str) -> None:
        with self._lock:
            self._state[platform] = (False, reason)

    def snapshot(self) -> dict[str, tuple[bool, str]]:
        with self._lock:
            return dict(self._state)


class Metrics:
    """Prometheus metrics in their own registry (tests can run several bots)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.questions = Counter(
            "bot_questions", "Questions received", ["platform", "outcome"], registry=r
        )
        self.latency = Histogram(
            "bot_answer_seconds",
            "Time to answer a question",
            ["platform"],
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=r,
        )
        self.feedback = Counter("bot_feedback", "Feedback votes", ["vote"], registry=r)
        self.reindexes = Counter("bot_reindexes", "Re-index runs", ["result"], registry=r)
        self.last_reindex = Gauge(
            "bot_last_reindex_timestamp_seconds", "When the last re-index ended", registry=r
        )
        self.last_reindex_ok = Gauge(
            "bot_last_reindex_success", "1 if the last re-index succeeded, else 0", registry=r
        )
        self.documents = Gauge("bot_index_documents", "Documents in the served index", registry=r)
        self.chunks = Gauge("bot_index_chunks", "Chunks in the served index", registry=r)
        self.generation = Gauge(
            "bot_index_generation_info", "The served index generation", ["generation"], registry=r
        )

    def question(self, platform: str, outcome: str, seconds: float | None = None) -> None:
        self.questions.labels(platform, outcome).inc()
        if seconds is not None:
            self.latency.labels(platform).observe(seconds)

    def vote(self, vote: int) -> None:
        self.feedback.labels("up" if vote > 0 else "down").inc()

    def reindexed(self, ok: bool) -> None:
        self.reindexes.labels("ok" if ok else "error").inc()
        self.last_reindex.set(time.time())
        self.last_reindex_ok.set(1 if ok else 0)

    def index(self, documents: int, chunks: int, generation: str) -> None:
        self.documents.set(documents)
        self.chunks.set(chunks)
        self.generation.clear()
        self.generation.labels(generation or "none").set(1)

    def render(self) -> bytes:
        return generate_latest(self.registry)
