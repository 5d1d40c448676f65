"""`GET /healthz` and `GET /metrics` (Prometheus) for a running bot.

Health is 200 when an index is loaded and every configured platform is
connected, else 503 with the reasons. Metrics count questions by platform and
outcome, time answers, and describe the served index, re-indexes and feedback.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

log = logging.getLogger(__name__)


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


def health_problems(core: Any) -> list[str]:
    """Why the bot is not healthy (empty when it is)."""
    problems = []
    if not core.service.is_indexed:
        problems.append("no index loaded")
    if core.service.index_warning:
        problems.append(core.service.index_warning)
    for platform, (ok, reason) in sorted(core.platforms.snapshot().items()):
        if not ok:
            problems.append(f"{platform}: {reason}")
    return problems


def health_app(core: Any) -> web.Application:
    async def healthz(request: web.Request) -> web.Response:
        problems = health_problems(core)
        status = 503 if problems else 200
        body = {
            "status": "unavailable" if problems else "ok",
            "problems": problems,
            "platforms": {p: r for p, (_, r) in core.platforms.snapshot().items()},
        }
        return web.json_response(body, status=status)

    async def metrics(request: web.Request) -> web.Response:
        core.refresh_index_metrics()
        return web.Response(
            body=core.metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    return app


async def serve_health(core: Any, host: str, port: int) -> None:
    """Run the health/metrics endpoint until cancelled."""
    runner = web.AppRunner(health_app(core), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    log.info("health and metrics on http://%s:%d/healthz and /metrics", host, port)
    try:
        await asyncio.Event().wait()  # until cancelled
    finally:
        await runner.cleanup()
