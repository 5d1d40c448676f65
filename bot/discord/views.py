"""The buttons under an answer, and questions answered through an interaction.

Show quotes, 👍/👎, Share (under a private answer) and up to three suggested
follow-up questions. They are persistent dynamic items: the custom_id carries the
answer id (`qa:quotes:42`, `qa:vote:up:42`, `qa:share:42`, `qa:follow:42:0`), so a
click works after a restart too; the answer, its follow-ups and votes live in the
chat service's feedback store.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from typing import Any, Protocol, cast

import discord

from bot.discord.history import interaction_turns
from bot.discord.models import PLATFORM, conversation_key
from bot.discord.render import (
    NO_LONGER_AVAILABLE,
    answer_reply,
    clip,
    content,
    quotes_reply,
    shared_reply,
)
from bot.discord.respond import apologize, describe, followup, message_kwargs
from bot.service import MAX_FOLLOWUPS, ChatRequest, ChatService, QuestionError
from retrieval.models import Answer

log = logging.getLogger(__name__)

LABEL_MAX = 80  # Discord's limit for a button label
ACTIONS_ROW, FOLLOWUPS_ROW = 0, 1

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


class ShareButton(
    discord.ui.DynamicItem[Button], template=r"qa:share:(?P<summary>summary:)?(?P<id>[0-9]{1,18})"
):
    """Posts a private answer (or summary) publicly in the channel, attributed to the
    person who shares it; the private copy then shows a disabled "Shared" instead, so
    one answer is posted once (and each answer was rate-limited when asked)."""

    def __init__(self, answer_id: int, *, summary: bool = False, done: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="Shared" if done else "Share",
                emoji="📣",
                style=discord.ButtonStyle.primary,
                custom_id=f"qa:share:{'summary:' if summary else ''}{answer_id}",
                row=ACTIONS_ROW,
                disabled=done,
            )
        )
        self.answer_id = answer_id
        self.summary = summary

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ShareButton:
        return cls(int(match["id"]), summary=bool(match["summary"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            service = service_of(interaction)
            stored = await asyncio.to_thread(stored_with_followups, service, self.answer_id)
            if stored is None:
                await interaction.response.send_message(NO_LONGER_AVAILABLE, ephemeral=True)
                return
            answer, offered = stored

            def buttons(shared: bool = False) -> discord.ui.View:
                has_quotes = bool(answer.citations)
                if self.summary:
                    return summary_view(self.answer_id, has_quotes=has_quotes, shared=shared)
                return answer_view(
                    self.answer_id, has_quotes=has_quotes, followups=offered, shared=shared
                )

            # The private copy first (Share -> Shared), then the public message.
            await interaction.response.edit_message(view=buttons(shared=True))
            reply = shared_reply(answer, interaction.user.id, summary=self.summary)
            await followup(interaction, reply, view=buttons())
        except Exception:
            log.exception("share failed: %s", describe(interaction))
            await apologize(interaction)


class FollowupButton(
    discord.ui.DynamicItem[Button],
    template=r"qa:follow:(?P<id>[0-9]{1,18}):(?P<index>[0-9])",
):
    """Asks one of the follow-up questions offered under an answer, in the same place:
    publicly, or only to the clicker when the answer was private."""

    def __init__(self, answer_id: int, index: int, question: str = "") -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(question, LABEL_MAX) or "Ask this",
                style=discord.ButtonStyle.secondary,
                custom_id=f"qa:follow:{answer_id}:{index}",
                row=FOLLOWUPS_ROW,
            )
        )
        self.answer_id = answer_id
        self.index = index

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> FollowupButton:
        return cls(int(match["id"]), int(match["index"]), str(getattr(item, "label", "") or ""))

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            service = service_of(interaction)
            question = await asyncio.to_thread(
                service.followup_question, self.answer_id, self.index
            )
            if question is None:
                await interaction.response.send_message(NO_LONGER_AVAILABLE, ephemeral=True)
                return
            answered = interaction.message
            private = bool(answered and answered.flags.ephemeral)
            await ask_in_interaction(interaction, question, private=private, answered=answered)
        except Exception:
            log.exception("follow-up failed: %s", describe(interaction))
            await apologize(interaction)


def stored_with_followups(service: ChatService, answer_id: int) -> tuple[Answer, list[str]] | None:
    """A stored answer and the follow-ups offered under it (None when it is gone)."""
    answer = service.stored_answer(answer_id)
    if answer is None:
        return None
    return answer, service.followups(answer_id)


def answer_view(
    answer_id: int,
    *,
    has_quotes: bool,
    followups: Sequence[str] = (),
    share: bool = False,
    shared: bool = False,
) -> discord.ui.View:
    """The buttons for one stored answer: actions on the first row, follow-ups below.
    `share`: a private answer's Share button; `shared`: the same, done (disabled)."""
    view = discord.ui.View(timeout=None)
    if has_quotes:
        view.add_item(QuotesButton(answer_id))
    view.add_item(VoteButton(answer_id, up=True))
    view.add_item(VoteButton(answer_id, up=False))
    if share or shared:
        view.add_item(ShareButton(answer_id, done=shared))
    for index, question in enumerate(followups[:MAX_FOLLOWUPS]):
        view.add_item(FollowupButton(answer_id, index, question))
    return view


def summary_view(
    answer_id: int, *, has_quotes: bool, share: bool = False, shared: bool = False
) -> discord.ui.View:
    """The buttons for a stored summary: Show quotes, and Share when it is private."""
    view = discord.ui.View(timeout=None)
    if has_quotes:
        view.add_item(QuotesButton(answer_id))
    if share or shared:
        view.add_item(ShareButton(answer_id, summary=True, done=shared))
    return view


async def ask_in_interaction(
    interaction: discord.Interaction,
    question: str,
    *,
    private: bool,
    answered: discord.Message | None = None,
) -> None:
    """Answer a question asked through an interaction (a command, a follow-up button), with
    the turns of the thread or DM it is asked in, and send it with its buttons.

    A refused question (empty, too long, too many) gets an ephemeral note, before any
    "thinking" message; `private` answers are ephemeral and carry a Share button.
    Unexpected errors propagate to the caller's error handling."""
    service = service_of(interaction)
    user = str(interaction.user.id)
    try:
        checked = service.check(ChatRequest(PLATFORM, user, question))
    except QuestionError as exc:  # includes RateLimited
        await interaction.response.send_message(**message_kwargs(content(str(exc))), ephemeral=True)
        return
    await interaction.response.defer(thinking=True, ephemeral=private)
    bot = interaction.client.user
    history = await interaction_turns(interaction, bot.id if bot else 0, answered)
    key = conversation_key(interaction.channel_id or 0)
    conversation = key if service.in_conversation(key) else ""
    request = ChatRequest(PLATFORM, user, checked, conversation, history=history)
    result = await asyncio.to_thread(service.ask, request, checked=True)
    view = answer_view(
        result.answer_id,
        has_quotes=bool(result.answer.citations),
        followups=result.followups,
        share=private,
    )
    await followup(interaction, answer_reply(result.answer), view=view, ephemeral=private)


DYNAMIC_ITEMS = (QuotesButton, VoteButton, ShareButton, FollowupButton)
