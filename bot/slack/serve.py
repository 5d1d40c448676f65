"""Run the Slack adapter: Socket Mode with an app token, else HTTP on host:port."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from bot.metrics import PlatformStatus
from bot.slack.http import events_web_app

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


async def serve_slack(
    app: AsyncApp, status: PlatformStatus, *, app_token: str = "", host: str, port: int
) -> None:
    """Serve until cancelled. Socket Mode with an app token, otherwise HTTP on
    http://host:port/slack/events (signatures are checked before Bolt sees a request)."""
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
    web_app = events_web_app(app, _signing_secret(app), EVENTS_PATH)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        status.up("slack")
        log.info("Slack: HTTP mode on http://%s:%d%s", host, port, EVENTS_PATH)
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def _signing_secret(app: AsyncApp) -> str:
    """The secret the app itself verifies requests with (Bolt keeps it on the app), so
    the endpoint in front of it checks signatures with the very same one."""
    return str(getattr(app, "_signing_secret", "") or "")
