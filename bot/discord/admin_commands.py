"""The admin loop's commands: /gaps (what the documents did not answer) and /add (a web
page into the corpus).

Like /reindex they are server commands of servers that installed the bot, hidden from
members without Manage Server by default, and checked again on every use (Manage Server
or a role in BOT_DISCORD_ADMIN_ROLES); everyone else gets a private refusal and nothing
runs. Both answer only to the admin who ran them: the questions users asked are not
shown to the channel.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
from discord import app_commands

from bot.discord.admin import ADD_REFUSAL, GAPS_REFUSAL, is_admin
from bot.discord.models import PLATFORM
from bot.discord.progress import ProgressReporter
from bot.discord.render import CONTENT_MAX, clip, content
from bot.discord.render_admin import added_page_reply, gaps_replies
from bot.discord.respond import describe, followup, message_kwargs
from bot.service import ChatRequest, ChatService, FetchError, NotAllowed, ReindexInProgress

log = logging.getLogger(__name__)

# The longest window /gaps offers. Unanswered questions are kept for BOT_RETENTION_DAYS
# (90 by default), so with the default nothing older exists; the command line's
# `gaps --days N` reaches further back where the retention is longer.
MAX_DAYS = 90

Command = app_commands.Command[Any, Any, Any]


def server_admin_only(command: Command) -> Command:
    """Registered for servers that installed the bot, hidden from non-managers."""
    command = app_commands.default_permissions(manage_guild=True)(command)
    command = app_commands.guild_only()(command)
    return app_commands.allowed_installs(guilds=True, users=False)(command)


async def admin_request(
    interaction: discord.Interaction, admin_roles: frozenset[str], refusal: str
) -> ChatRequest | None:
    """The admin's request, or None after refusing a non-admin (privately, at once)."""
    if not is_admin(interaction, admin_roles):
        log.info("admin command refused: %s", describe(interaction))
        await interaction.response.send_message(refusal, ephemeral=True)
        return None
    return ChatRequest(PLATFORM, str(interaction.user.id), role="admin")


def admin_loop_commands(
    service: ChatService, admin_roles: frozenset[str], progress_interval: float
) -> list[Command]:
    """/gaps and /add, bound to this service."""

    @server_admin_only
    @app_commands.command(
        name="gaps", description="Admins: questions the documents did not answer, grouped"
    )
    @app_commands.describe(days=f"The last N days (default 7, at most {MAX_DAYS})")
    async def gaps(
        interaction: discord.Interaction, days: app_commands.Range[int, 1, MAX_DAYS] = 7
    ) -> None:
        admin = await admin_request(interaction, admin_roles, GAPS_REFUSAL)
        if admin is None:
            return
        await interaction.response.defer(thinking=True, ephemeral=True)
        try:
            report = await asyncio.to_thread(service.gaps, admin, days)
        except (NotAllowed, ValueError) as exc:
            await followup(interaction, content(f"❌ {exc}"), ephemeral=True)
            return
        for reply in gaps_replies(report):
            await followup(interaction, reply, ephemeral=True)

    @server_admin_only
    @app_commands.command(
        name="add", description="Admins: add a public web page to the documents and index it"
    )
    @app_commands.describe(url="The page's address, https://…")
    async def add(interaction: discord.Interaction, url: str) -> None:
        admin = await admin_request(interaction, admin_roles, ADD_REFUSAL)
        if admin is None:
            return
        await interaction.response.defer(thinking=True, ephemeral=True)
        await run_add(service, admin, interaction, url, progress_interval)

    return [gaps, add]


async def run_add(
    service: ChatService,
    request: ChatRequest,
    interaction: discord.Interaction,
    url: str,
    interval: float,
) -> None:
    """Fetch, store and index the page on a worker thread, showing progress and then the
    outcome as edits of the deferred response."""

    async def show(text: str) -> None:
        await interaction.edit_original_response(content=clip(text, CONTENT_MAX))

    address = " ".join(url.split())
    plain = address.startswith(("http://", "https://")) and not set(" <>") & set(address)
    await show(f"⏳ Fetching <{clip(address, 300)}>…" if plain else "⏳ Fetching the page…")
    async with ProgressReporter(show, interval) as progress:
        try:
            added = await asyncio.to_thread(service.add_url, request, url, progress)
            reply = added_page_reply(added)
            log.info("web page added by %s: %s", request.user, added.file_name)
        except (FetchError, ReindexInProgress, NotAllowed) as exc:
            reply = content(f"❌ {' '.join(str(exc).split())}")
        except Exception as exc:
            log.exception("adding a web page failed: %s", describe(interaction))
            reply = content(f"❌ Adding the page failed ({exc.__class__.__name__}: {exc}).")
    await interaction.edit_original_response(**message_kwargs(reply))
