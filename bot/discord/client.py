"""The Discord client: intents, the command tree, listeners and start-up (command sync)."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from bot.discord.commands import DiscordConfig, build_commands
from bot.discord.digest import DigestTask
from bot.discord.messages import answer_message
from bot.discord.models import PLATFORM
from bot.discord.respond import apologize, describe
from bot.discord.views import DYNAMIC_ITEMS
from bot.metrics import PlatformStatus
from bot.service import ChatService

log = logging.getLogger(__name__)

STALE_COMMAND = "That command is not available any more; Discord is still updating the list."


class QATree(app_commands.CommandTree):
    """Logs a failed command with its context and answers with a short apology."""

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        if isinstance(error, app_commands.CommandNotFound):
            log.warning("unknown command %r (stale registration?)", error.name)
            if not interaction.response.is_done():
                await interaction.response.send_message(STALE_COMMAND, ephemeral=True)
            return
        cause = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        log.error("command failed: %s", describe(interaction), exc_info=cause)
        await apologize(interaction)


class QABot(discord.Client):
    """Answers slash commands, mentions, thread follow-ups and DMs from one `ChatService`."""

    def __init__(
        self,
        service: ChatService,
        config: DiscordConfig,
        status: PlatformStatus,
        *,
        message_content: bool = True,
        **options: Any,
    ) -> None:
        # The bot never joins voice: skip discord.py's start-up warnings about voice libraries.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        intents = discord.Intents.default()
        # Privileged; only follow-ups in threads without a mention need it (mentions and
        # DMs carry their content anyway).
        intents.message_content = message_content
        super().__init__(
            intents=intents, allowed_mentions=discord.AllowedMentions.none(), **options
        )
        self.service = service
        self.platform_status = status
        self.config = config
        self.tree = QATree(self)
        for command in build_commands(service, config):
            self.tree.add_command(command)
        self.digest = (
            DigestTask(service, config.digest_channel, config.digest_check_every)
            if config.digest_channel is not None
            else None
        )

    async def setup_hook(self) -> None:
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        await sync_commands(self.tree, self.config.guild_ids)

    async def on_ready(self) -> None:
        self.platform_status.up(PLATFORM)
        log.info("connected to Discord as %s in %d servers", self.user, len(self.guilds))
        if self.digest is not None:
            self.digest.start(self)  # once: on_ready comes again after a reconnect

    async def close(self) -> None:
        if self.digest is not None:
            await self.digest.stop()
        await super().close()

    async def on_resumed(self) -> None:
        self.platform_status.up(PLATFORM)

    async def on_disconnect(self) -> None:
        self.platform_status.down(PLATFORM, "disconnected from the gateway; reconnecting")

    async def on_message(self, message: discord.Message) -> None:
        if self.user is not None:
            await answer_message(self.service, self.user.id, message)


async def sync_commands(tree: app_commands.CommandTree, guild_ids: tuple[int, ...]) -> None:
    """Register the commands: globally (may take up to an hour to show), or per server
    at once when BOT_DISCORD_GUILD_IDS is set."""
    if not guild_ids:
        synced = await tree.sync()
        log.info("synced %d commands globally", len(synced))
        return
    for guild_id in guild_ids:
        guild = discord.Object(id=guild_id)
        tree.copy_global_to(guild=guild)
        try:
            synced = await tree.sync(guild=guild)
        except discord.Forbidden:
            log.warning(
                "cannot register commands in server %s: is the bot a member, invited with "
                "the applications.commands scope?",
                guild_id,
            )
            continue
        log.info("synced %d commands to server %s", len(synced), guild_id)
