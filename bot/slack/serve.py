"""Run the Slack adapter: Socket Mode with an app token, else HTTP on host:port."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from bot.metrics import PlatformStatus

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


async def serve_slack(
    app: AsyncApp, status: PlatformStatus, *, app_token: str = "", host: str, port: int
) -> None:
    """Serve until cancelled. Socket Mode with an app token, otherwise HTTP on
    http://host:port/slack/events (the app checks request signatures)."""
    if app_token:
        handler = AsyncSocketModeHandler(app, app_token=app_token)
        await handler.connect_async()
        status.up("slack")
        log.info("Slack: connected in Socket Mode")
        try:
            await asyncio.Event().wait()
        finally:
            await handler.close_async()
        return
    runner = web.AppRunner(app.web_app(path=EVENTS_PATH, port=port), access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        status.up("slack")
        log.info("Slack: HTTP mode on http://%s:%d%s", host, port, EVENTS_PATH)
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
