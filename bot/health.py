"""`GET /healthz` and `GET /metrics` (Prometheus) for a running bot.

Health is 200 when an index is loaded and every configured platform is
connected, else 503 with the reasons.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from bot.service import ChatService

log = logging.getLogger(__name__)


def health_problems(service: ChatService) -> list[str]:
    """Why the bot is not healthy (empty when it is)."""
    problems = []
    status = service.index_status()
    if not status.indexed:
        problems.append("no index loaded")
    if status.warning:
        problems.append(status.warning)
    for platform, (ok, reason) in sorted(service.platforms.snapshot().items()):
        if not ok:
            problems.append(f"{platform}: {reason}")
    return problems


def health_app(service: ChatService) -> web.Application:
    # Off the event loop: the index status may reload a generation another process published.
    async def healthz(request: web.Request) -> web.Response:
        problems = await asyncio.to_thread(health_problems, service)
        status = 503 if problems else 200
        body = {
            "status": "unavailable" if problems else "ok",
            "problems": problems,
            "platforms": {p: r for p, (_, r) in service.platforms.snapshot().items()},
        }
        return web.json_response(body, status=status)

    async def metrics(request: web.Request) -> web.Response:
        await asyncio.to_thread(service.index_status)  # refreshes the index gauges
        return web.Response(
            body=service.metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    return app


async def serve_health(service: ChatService, host: str, port: int) -> None:
    """Run the health/metrics endpoint until cancelled."""
    runner = web.AppRunner(health_app(service), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    log.info("health and metrics on http://%s:%d/healthz and /metrics", host, port)
    try:
        await asyncio.Event().wait()  # until cancelled
    finally:
        await runner.cleanup()
