"""The slash commands: /ask, /summary, /sources, /help and /reindex (admins).

Each one acknowledges at once (`defer`), makes one core call on a worker thread
and answers with a followup. Unexpected errors go to the tree's error handler.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

from bot.core import BotCore, QuestionError, ReindexInProgress
from bot.discord.admin import REFUSAL, is_admin
from bot.discord.models import PLATFORM, conversation_key
from bot.discord.progress import ProgressReporter
from bot.discord.render import (
    CONTENT_MAX,
    answer_reply,
    clip,
    content,
    help_reply,
    sources_reply,
    stats_text,
    summary_reply,
)
from bot.discord.respond import describe, followup
from bot.discord.views import answer_view
from bot.uploads import UploadError
from retrieval.models import SourceInfo

log = logging.getLogger(__name__)

CHOICE_MAX = 100  # Discord's limit for an autocomplete choice's name and value
CHOICES_MAX = 25


@dataclass(frozen=True)
class DiscordConfig:
    """What the adapter needs from the settings."""

    admin_roles: frozenset[str] = frozenset()
    guild_ids: tuple[int, ...] = ()
    progress_interval: float = 2.0  # seconds between re-index progress edits


def summary_choices(sources: Sequence[SourceInfo], current: str) -> list[app_commands.Choice[str]]:
    """Document titles, then topics, that contain what the user typed so far."""
    wanted = " ".join(current.lower().split())
    choices: list[app_commands.Choice[str]] = []
    seen: set[str] = set()
    candidates = [(s.title or Path(s.path).name, Path(s.path).name) for s in sources]
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


def build_commands(
    core: BotCore, config: DiscordConfig
) -> list[app_commands.Command[Any, Any, Any]]:
    """The commands, bound to this core (added to the tree by the client)."""

    @app_commands.command(name="ask", description="Ask a question about the documents")
    @app_commands.describe(question="Your question, in plain words")
    async def ask(interaction: discord.Interaction, question: str) -> None:
        await interaction.response.defer(thinking=True)
        key = conversation_key(interaction.channel_id or 0)
        conversation = key if key in core.conversations else None
        user = str(interaction.user.id)
        try:
            result = await asyncio.to_thread(core.ask, PLATFORM, user, question, conversation)
        except QuestionError as exc:  # includes RateLimited
            await followup(interaction, content(str(exc)))
            return
        view = answer_view(result.answer_id, has_quotes=bool(result.answer.citations))
        await followup(interaction, answer_reply(result.answer), view=view)

    @app_commands.command(name="summary", description="A cited summary of a topic or document")
    @app_commands.describe(topic="A topic or document title (leave empty for every document)")
    async def summary(interaction: discord.Interaction, topic: str | None = None) -> None:
        await interaction.response.defer(thinking=True)
        answer = await asyncio.to_thread(core.summarize, topic)
        await followup(interaction, summary_reply(answer))

    @summary.autocomplete("topic")
    async def summary_topics(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return summary_choices(await asyncio.to_thread(core.sources), current)

    @app_commands.command(name="sources", description="The documents the bot answers from")
    async def sources(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        found = await asyncio.to_thread(core.sources)
        await followup(interaction, sources_reply(found))

    @app_commands.command(name="help", description="How to ask the bot, and its commands")
    async def help_(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        await followup(interaction, help_reply(), ephemeral=True)

    @app_commands.command(
        name="reindex", description="Admins: sync the index with the corpus, or add a document"
    )
    @app_commands.describe(file="A .md, .txt, .html or .pdf file to add to the corpus first")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    async def reindex(
        interaction: discord.Interaction, file: discord.Attachment | None = None
    ) -> None:
        if not is_admin(interaction, config.admin_roles):
            log.info("re-index refused: %s", describe(interaction))
            await interaction.response.send_message(REFUSAL, ephemeral=True)
            return
        await interaction.response.defer(thinking=True, ephemeral=True)
        await run_reindex(core, interaction, file, config.progress_interval)

    return [ask, summary, sources, help_, reindex]


async def run_reindex(
    core: BotCore,
    interaction: discord.Interaction,
    file: discord.Attachment | None,
    interval: float,
) -> None:
    """Check and download the upload (if any), re-index on a worker thread, and show
    progress and the outcome as edits of the deferred response."""

    async def show(text: str) -> None:
        await interaction.edit_original_response(content=clip(text, CONTENT_MAX))

    actor = str(interaction.user.id)
    if file is not None:
        try:  # refuse by declared name and size before downloading anything
            core.check_upload(file.filename, file.size)
        except UploadError as exc:
            await show(f"❌ {exc}")
            return
    await show("⏳ Re-index started…")
    async with ProgressReporter(show, interval) as progress:
        try:
            if file is None:
                stats = await asyncio.to_thread(core.reindex, PLATFORM, actor, progress)
                outcome = stats_text(stats)
            else:
                data = await file.read()
                _, stats = await asyncio.to_thread(
                    core.add_upload, PLATFORM, actor, file.filename, data, progress
                )
                outcome = stats_text(stats, uploaded=file.filename)
        except (ReindexInProgress, UploadError) as exc:
            outcome = f"❌ {exc}"
        except discord.HTTPException as exc:  # the attachment could not be downloaded
            log.warning("upload download failed: %s: %s", describe(interaction), exc)
            outcome = f"❌ Could not download the file from Discord ({exc.status}); try again."
        except Exception as exc:
            log.exception("re-index failed: %s", describe(interaction))
            outcome = f"❌ The re-index failed ({exc.__class__.__name__}: {exc})."
    await show(outcome)
