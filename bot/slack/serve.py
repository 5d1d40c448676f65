"""Run the Slack adapter: Socket Mode with an app token, else HTTP on host:port."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from bot.core import BotCore
from bot.slack.app import build_app
from config import Settings

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


async def serve_slack(core: BotCore, settings: Settings, *, host: str, port: int) -> None:
    """Serve until cancelled. Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP
    on http://host:port/slack/events with signature checks (needs SLACK_SIGNING_SECRET).
    Raises ValueError when a needed token is missing."""
    if settings.slack_app_token is None and settings.slack_signing_secret is None:
        raise ValueError("serve slack needs SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN")
    app = build_app(core, settings)
    if settings.slack_app_token is not None:
        handler = AsyncSocketModeHandler(app, app_token=settings.slack_app_token.get_secret_value())
        await handler.connect_async()
        core.platforms.up("slack")
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
        core.platforms.up("slack")
        log.info("Slack: HTTP mode on http://%s:%d%s", host, port, EVENTS_PATH)
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
