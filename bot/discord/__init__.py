"""The Discord adapter: slash commands, mentions answered in threads, DMs, admin re-index.

`serve_discord(service, config, status, token)` is what `python -m bot serve discord`
runs; the composition root (`bot.wiring`) builds its arguments from the settings.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
import discord

from bot.discord.client import QABot
from bot.discord.commands import DiscordConfig
from bot.discord.endpoints import discord_endpoints
from bot.metrics import PlatformStatus
from bot.service import ChatService

log = logging.getLogger(__name__)

__all__ = ["DiscordConfig", "DiscordStartError", "QABot", "serve_discord"]


class DiscordStartError(RuntimeError):
    """The bot could not connect; str() is one line saying what to fix."""


def quiet_payload_logs(*, verbatim: bool) -> None:
    """At DEBUG (`-v`) discord.py logs every gateway payload and request body, question
    text included; its loggers stay at INFO unless BOT_LOG_QUESTIONS is on (`verbatim`)."""
    logging.getLogger("discord").setLevel(logging.NOTSET if verbatim else logging.INFO)


async def serve_discord(
    service: ChatService,
    config: DiscordConfig,
    status: PlatformStatus,
    token: str,
    **options: Any,
) -> None:
    """Connect with the bot token and answer until cancelled.

    Raises DiscordStartError (one line) when the token is rejected or Discord cannot
    be reached. If the Message Content intent is not enabled for the application,
    reconnects without it (thread follow-ups then need a mention). `options` go to
    `discord.Client` (tests use `guild_ready_timeout`).
    """
    api = config.api_url or "https://discord.com"
    message_content = True
    quiet_payload_logs(verbatim=service.log_questions)
    with discord_endpoints(config.api_url, config.gateway_url):
        while True:
            bot = QABot(service, config, status, message_content=message_content, **options)
            try:
                async with bot:
                    await bot.start(token)
                return
            except discord.LoginFailure:
                raise DiscordStartError(
                    "DISCORD_TOKEN was rejected by Discord (401 Unauthorized): copy the bot "
                    "token again from the Developer Portal (Bot → Reset Token)"
                ) from None
            except discord.PrivilegedIntentsRequired:
                if not message_content:
                    raise DiscordStartError(
                        "Discord refused the bot's intents: check Privileged Gateway Intents "
                        "in the Developer Portal"
                    ) from None
                log.warning(
                    "the Message Content intent is not enabled for this application in the "
                    "Developer Portal; reconnecting without it (follow-ups in threads will "
                    "need a mention)"
                )
                message_content = False
            except (aiohttp.ClientConnectionError, discord.GatewayNotFound) as exc:
                raise DiscordStartError(f"cannot reach Discord at {api}: {exc}") from None
            except discord.ConnectionClosed as exc:
                raise DiscordStartError(
                    f"Discord closed the gateway connection (code {exc.code}): {exc.reason}"
                ) from None
            except discord.HTTPException as exc:  # e.g. registering the commands failed
                raise DiscordStartError(f"Discord refused a start-up request: {exc}") from None
