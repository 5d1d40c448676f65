"""The weekly digest of unanswered questions, posted to BOT_DISCORD_ADMIN_CHANNEL.

The schedule, the claim in the state file and the report are the core's (`bot.digest`);
this module only says how a report is posted on Discord. A post that fails raises, so
the core gives the week's claim back and the next check tries again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import discord

from bot.digest import Post, run_digest
from bot.discord.models import PLATFORM
from bot.discord.render_admin import digest_replies
from bot.discord.respond import message_kwargs
from bot.gap_report import GapsReport
from bot.service import ChatService

log = logging.getLogger(__name__)


def digest_key(channel_id: int) -> str:
    """The channel's key in the digest schedule: "discord:<channel id>"."""
    return f"{PLATFORM}:{channel_id}"


def channel_poster(client: discord.Client, channel_id: int) -> Post:
    """Posts a report to the channel; raises discord.HTTPException when Discord refuses
    (no access to the channel, deleted channel)."""

    async def post(report: GapsReport) -> None:
        channel = client.get_partial_messageable(channel_id)
        for reply in digest_replies(report):
            await channel.send(
                **message_kwargs(reply), allowed_mentions=discord.AllowedMentions.none()
            )

    return post


class DigestTask:
    """The digest runner of one client: started once (not again on a reconnect),
    cancelled when the client closes."""

    def __init__(self, service: ChatService, channel_id: int, check_every: float) -> None:
        self.service, self.channel_id, self.check_every = service, channel_id, check_every
        self._task: asyncio.Task[None] | None = None

    def start(self, client: discord.Client) -> None:
        if self._task is not None:
            return
        log.info("weekly digest of unanswered questions goes to channel %s", self.channel_id)
        runner = run_digest(
            self.service,
            channel_poster(client, self.channel_id),
            digest_key(self.channel_id),
            check_every=self.check_every,
        )
        self._task = asyncio.create_task(runner, name="discord-weekly-digest")
        self._task.add_done_callback(_log_failure)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("the weekly digest stopped", exc_info=task.exception())
