"""Run the chat adapters named on the command line, together, in one event loop."""

from __future__ import annotations

import asyncio
import logging
import sys
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
    """Run the adapters and the health endpoint until interrupted; returns the exit code.

    Each adapter reports `core.platforms.up(name)` once connected; one that
    stops with an error is marked down with the reason (visible in /healthz).
    """
    runners: list[tuple[str, Awaitable[None]]] = []
    if "slack" in platforms:
        from bot.slack import serve_slack

        runners.append(("slack", serve_slack(core, settings, host=host, port=port)))
    if "discord" in platforms:
        from bot.discord import serve_discord

        runners.append(("discord", serve_discord(core, settings)))

    async def watched(name: str, runner: Awaitable[None]) -> None:
        core.platforms.expect(name)
        try:
            await runner
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            core.platforms.down(name, f"stopped: {type(exc).__name__}: {exc}"[:200])
            log.error("the %s adapter stopped: %s", name, exc)
            log.debug("the %s adapter stopped", name, exc_info=True)
            raise
        core.platforms.down(name, "stopped")

    async def main() -> None:
        from bot.health import serve_health

        tasks = [watched(name, runner) for name, runner in runners]
        if settings.health_port:
            tasks.append(serve_health(core, settings.health_host, settings.health_port))
        await asyncio.gather(*tasks)

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        log.info("stopped")
    except Exception as exc:
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0
