"""The commands: /ask, /summary, /sources, /help, *Ask about this message* and /reindex
(/gaps and /add: `bot.discord.admin_commands`).

Each one acknowledges at once (`defer`), makes one service call on a worker thread
and answers with a followup. Unexpected errors go to the tree's error handler.
All but the admin commands can be installed to a user as well as a server and run in servers,
the DM with the bot and private channels (DMs and group DMs between people); they
answer in the interaction, so they work where the bot is not a member. The admin
commands stay server commands of servers that installed the bot.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.digest import CHECK_EVERY
from bot.discord.admin import REFUSAL, is_admin
from bot.discord.admin_commands import admin_loop_commands
from bot.discord.models import PLATFORM, strip_mentions
from bot.discord.progress import ProgressReporter
from bot.discord.render import (
    CONTENT_MAX,
    NO_MESSAGE_TEXT,
    clip,
    content,
    help_reply,
    sources_reply,
    stats_text,
    summary_reply,
)
from bot.discord.respond import describe, followup
from bot.discord.views import ask_in_interaction, summary_view
from bot.service import (
    ChatRequest,
    ChatService,
    NotAllowed,
    QuestionError,
    ReindexInProgress,
    UploadError,
)
from retrieval.models import DocumentInfo

log = logging.getLogger(__name__)

CHOICE_MAX = 100  # Discord's limit for an autocomplete choice's name and value
CHOICES_MAX = 25
ASK_ABOUT_MESSAGE = "Ask about this message"
PRIVATE = "Only you see the answer (a Share button posts it to the channel)"

AppCommand = app_commands.Command[Any, Any, Any] | app_commands.ContextMenu
C = TypeVar("C", bound=AppCommand)


def everywhere(command: C) -> C:
    """Installable to servers and users; usable in servers, the DM with the bot and
    private channels."""
    command = app_commands.allowed_installs(guilds=True, users=True)(command)
    return app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)(command)


@dataclass(frozen=True)
class DiscordConfig:
    """What the adapter needs to know (built from the settings by `bot.wiring`)."""

    admin_roles: frozenset[str] = frozenset()
    guild_ids: tuple[int, ...] = ()
    progress_interval: float = 2.0  # seconds between re-index progress edits
    api_url: str | None = None  # a Discord-compatible REST base (self-hosted, tests)
    gateway_url: str | None = None
    digest_channel: int | None = None  # BOT_DISCORD_ADMIN_CHANNEL: the weekly digest
    digest_check_every: float = CHECK_EVERY  # seconds between checks whether it is due
    retention_days: int = 90  # how long unanswered questions are kept (/help says so)


def summary_choices(
    sources: Sequence[DocumentInfo], current: str
) -> list[app_commands.Choice[str]]:
    """Document titles, then topics, that contain what the user typed so far."""
    wanted = " ".join(current.lower().split())
    choices: list[app_commands.Choice[str]] = []
    seen: set[str] = set()
    candidates = [(s.title or Path(s.source).name, Path(s.source).name) for s in sources]
    topics = sorted({t for s in sources for t in s.topics}, key=str.lower)
    candidates += [(f"Topic: {t}", t) for t in topics]
    for name, value in candidates:
        value = value[:CHOICE_MAX]
        if value in seen or not value or (wanted and wanted not in name.lower()):
            continue
        seen.add(value)
        choices.append(app_commands.Choice(name=clip(name, CHOICE_MAX), value=value))
        if len(choices) == CHOICES_MAX:
            break
    return choices


def build_commands(service: ChatService, config: DiscordConfig) -> list[AppCommand]:
    """The commands, bound to this service (added to the tree by the client)."""

    def request(interaction: discord.Interaction, text: str = "") -> ChatRequest:
        return ChatRequest(PLATFORM, str(interaction.user.id), text)

    @everywhere
    @app_commands.command(name="ask", description="Ask a question about the documents")
    @app_commands.describe(question="Your question, in plain words", private=PRIVATE)
    async def ask(interaction: discord.Interaction, question: str, private: bool = False) -> None:
        await ask_in_interaction(interaction, question, private=private)

    @everywhere
    @app_commands.context_menu(name=ASK_ABOUT_MESSAGE)
    async def ask_about(interaction: discord.Interaction, message: discord.Message) -> None:
        text = strip_mentions(message.content)
        if not text:
            await interaction.response.send_message(NO_MESSAGE_TEXT, ephemeral=True)
            return
        await ask_in_interaction(interaction, text, private=False)

    @everywhere
    @app_commands.command(name="summary", description="A cited summary of a topic or document")
    @app_commands.describe(
        topic="A topic or document title (leave empty for every document)", private=PRIVATE
    )
    async def summary(
        interaction: discord.Interaction, topic: str | None = None, private: bool = False
    ) -> None:
        await interaction.response.defer(thinking=True, ephemeral=private)
        asked = request(interaction, topic or "")
        try:
            answer = await asyncio.to_thread(service.summarize, asked)
        except QuestionError as exc:
            await followup(interaction, content(str(exc)), ephemeral=private)
            return
        if not private:
            await followup(interaction, summary_reply(answer))
            return
        answer_id = await asyncio.to_thread(service.keep, asked, answer)  # for Share, quotes
        view = summary_view(answer_id, has_quotes=bool(answer.citations), share=True)
        await followup(interaction, summary_reply(answer), view=view, ephemeral=True)

    @summary.autocomplete("topic")
    async def summary_topics(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return summary_choices(await asyncio.to_thread(service.engine.sources), current)

    @everywhere
    @app_commands.command(name="sources", description="The documents the bot answers from")
    async def sources(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        try:
            found = await asyncio.to_thread(service.sources, request(interaction))
        except QuestionError as exc:
            await followup(interaction, content(str(exc)))
            return
        await followup(interaction, sources_reply(found))

    @everywhere
    @app_commands.command(name="help", description="How to ask the bot, and its commands")
    async def help_(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        await followup(interaction, help_reply(config.retention_days), ephemeral=True)

    @app_commands.command(
        name="reindex", description="Admins: sync the index with the corpus, or add a document"
    )
    @app_commands.describe(file="A .md, .txt, .html or .pdf file to add to the corpus first")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    @app_commands.allowed_installs(guilds=True, users=False)
    async def reindex(
        interaction: discord.Interaction, file: discord.Attachment | None = None
    ) -> None:
        if not is_admin(interaction, config.admin_roles):
            log.info("re-index refused: %s", describe(interaction))
            await interaction.response.send_message(REFUSAL, ephemeral=True)
            return
        await interaction.response.defer(thinking=True, ephemeral=True)
        admin = ChatRequest(PLATFORM, str(interaction.user.id), role="admin")
        await run_reindex(service, admin, interaction, file, config.progress_interval)

    admin_loop = admin_loop_commands(service, config.admin_roles, config.progress_interval)
    return [ask, summary, sources, help_, reindex, *admin_loop, ask_about]


async def run_reindex(
    service: ChatService,
    request: ChatRequest,
    interaction: discord.Interaction,
    file: discord.Attachment | None,
    interval: float,
) -> None:
    """Check and download the upload (if any), re-index on a worker thread, and show
    progress and the outcome as edits of the deferred response."""

    async def show(text: str) -> None:
        await interaction.edit_original_response(content=clip(text, CONTENT_MAX))

    if file is not None:
        try:  # refuse by declared name and size before downloading anything
            service.check_upload(request, file.filename, file.size)
        except (UploadError, NotAllowed) as exc:
            await show(f"❌ {exc}")
            return
    await show("⏳ Re-index started…")
    async with ProgressReporter(show, interval) as progress:
        try:
            if file is None:
                stats = await asyncio.to_thread(service.reindex, request, progress)
                outcome = stats_text(stats)
            else:
                data = await file.read()
                _, stats = await asyncio.to_thread(
                    service.add_upload, request, file.filename, data, progress
                )
                outcome = stats_text(stats, uploaded=file.filename)
        except (ReindexInProgress, UploadError, NotAllowed) as exc:
            outcome = f"❌ {exc}"
        except discord.HTTPException as exc:  # the attachment could not be downloaded
            log.warning("upload download failed: %s: %s", describe(interaction), exc)
            outcome = f"❌ Could not download the file from Discord ({exc.status}); try again."
        except Exception as exc:
            log.exception("re-index failed: %s", describe(interaction))
            outcome = f"❌ The re-index failed ({exc.__class__.__name__}: {exc})."
    await show(outcome)
