"""The buttons under an answer: Show quotes, 👍 and 👎.

They are persistent dynamic items: the custom_id carries the answer id
(`qa:quotes:42`, `qa:vote:up:42`), so a click works after a restart too; the
answer and votes live in the chat service's feedback store.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Protocol, cast

import discord

from bot.discord.render import NO_LONGER_AVAILABLE, content, quotes_reply
from bot.discord.respond import apologize, describe, followup
from bot.service import ChatService

log = logging.getLogger(__name__)

Button = discord.ui.Button[discord.ui.View]


class HasService(Protocol):
    service: ChatService


def service_of(interaction: discord.Interaction) -> ChatService:
    return cast(HasService, interaction.client).service


class QuotesButton(discord.ui.DynamicItem[Button], template=r"qa:quotes:(?P<id>[0-9]{1,18})"):
    """Reveals the exact quoted passages, only to the user who clicks."""

    def __init__(self, answer_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Show quotes",
                style=discord.ButtonStyle.secondary,
                custom_id=f"qa:quotes:{answer_id}",
            )
        )
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> QuotesButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await interaction.response.defer(ephemeral=True, thinking=True)
            answer = await asyncio.to_thread(service_of(interaction).stored_answer, self.answer_id)
            reply = quotes_reply(answer) if answer else content(NO_LONGER_AVAILABLE)
            await followup(interaction, reply, ephemeral=True)
        except Exception:
            log.exception("show quotes failed: %s", describe(interaction))
            await apologize(interaction)


class VoteButton(
    discord.ui.DynamicItem[Button], template=r"qa:vote:(?P<vote>up|down):(?P<id>[0-9]{1,18})"
):
    """👍 or 👎 on an answer, stored (and changeable) per user."""

    def __init__(self, answer_id: int, up: bool) -> None:
        super().__init__(
            discord.ui.Button(
                emoji="👍" if up else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=f"qa:vote:{'up' if up else 'down'}:{answer_id}",
            )
        )
        self.answer_id = answer_id
        self.up = up

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> VoteButton:
        return cls(int(match["id"]), match["vote"] == "up")

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await interaction.response.defer(ephemeral=True, thinking=True)
            service = service_of(interaction)
            user = str(interaction.user.id)
            vote = 1 if self.up else -1
            known = await asyncio.to_thread(service.vote, self.answer_id, user, vote)
            text = (
                f"Thanks, your {'👍' if self.up else '👎'} is recorded."
                if known
                else NO_LONGER_AVAILABLE
            )
            await followup(interaction, content(text), ephemeral=True)
        except Exception:
            log.exception("vote failed: %s", describe(interaction))
            await apologize(interaction)


def answer_view(answer_id: int, *, has_quotes: bool) -> discord.ui.View:
    """The buttons for one stored answer."""
    view = discord.ui.View(timeout=None)
    if has_quotes:
        view.add_item(QuotesButton(answer_id))
    view.add_item(VoteButton(answer_id, up=True))
    view.add_item(VoteButton(answer_id, up=False))
    return view


DYNAMIC_ITEMS = (QuotesButton, VoteButton)
