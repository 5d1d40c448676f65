"""Run the chat adapters named on the command line, together, in one event loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from config import Settings

log = logging.getLogger(__name__)


def missing_settings(settings: Settings, platforms: list[str]) -> str | None:
    """One line naming what a requested platform still needs, or None."""
    if "slack" in platforms:
        if not settings.slack_bot_token:
            return "serve slack needs SLACK_BOT_TOKEN"
        if not (settings.slack_signing_secret or settings.slack_app_token):
            return (
                "serve slack needs SLACK_SIGNING_SECRET (HTTP mode)"
                " or SLACK_APP_TOKEN (Socket Mode)"
            )
    if "discord" in platforms and not settings.discord_token:
        return "serve discord needs DISCORD_TOKEN"
    return None


def serve_platforms(
    core: Any, settings: Settings, platforms: list[str], *, host: str, port: int
) -> int:
    """Run until interrupted; returns the process exit code."""
    runners: list[Awaitable[None]] = []
    if "slack" in platforms:
        from bot.slack import serve_slack

        runners.append(serve_slack(core, settings, host=host, port=port))
    if "discord" in platforms:
        from bot.discord import serve_discord

        runners.append(serve_discord(core, settings))

    async def main() -> None:
        await asyncio.gather(*runners)

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        log.info("stopped")
    return 0
