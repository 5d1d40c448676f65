"""Questions asked in messages: mentions (answered in a new thread), follow-ups in
that thread (no mention needed), and DMs. A follow-up is answered with the turns read
from the thread or DM itself, so it keeps its context after a restart."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord

from bot.discord.history import message_turns
from bot.discord.models import (
    PLATFORM,
    MessageQuestion,
    Where,
    conversation_key,
    message_question,
)
from bot.discord.render import APOLOGY, answer_reply, content, thread_name
from bot.discord.respond import message_kwargs
from bot.discord.views import answer_view
from bot.service import ChatRequest, ChatService, QuestionError

log = logging.getLogger(__name__)

Destination = discord.abc.Messageable


async def _destination(
    service: ChatService, message: discord.Message, question: MessageQuestion
) -> tuple[Destination, discord.Message | None, str]:
    """(channel to answer in, message to reply to, conversation key)."""
    if question.where is Where.NEW_THREAD:
        try:
            thread = await message.create_thread(
                name=thread_name(question.text), auto_archive_duration=1440
            )
        except discord.HTTPException as exc:
            # No thread permission, or a channel type without threads: answer in place.
            log.info("no thread for message %s (%s); replying in place", message.id, exc)
            return message.channel, message, ""
        key = conversation_key(thread.id)
        service.start_conversation(key)
        return thread, None, key
    return message.channel, message, conversation_key(message.channel.id)


def _with_reference(kwargs: dict[str, Any], reference: discord.Message | None) -> dict[str, Any]:
    return kwargs if reference is None else {**kwargs, "reference": reference}


async def answer_message(service: ChatService, bot_id: int, message: discord.Message) -> None:
    """Answer the message if it asks the bot something; errors are logged and apologised for.

    The question is checked (empty, too long, rate limit) before a thread is
    opened for it, so refused questions never leave empty threads behind."""
    question = message_question(message, bot_id, service.in_conversation)
    if question is None:
        return
    channel: Destination = message.channel
    reference: discord.Message | None = message
    try:
        try:
            checked = service.check(ChatRequest(PLATFORM, question.user_id, question.text))
        except QuestionError as exc:
            await channel.send(**_with_reference(message_kwargs(content(str(exc))), reference))
            return
        channel, reference, key = await _destination(service, message, question)
        async with channel.typing():
            # A thread or DM the bot is asked in: its messages so far are the conversation.
            new_thread = question.where is Where.NEW_THREAD
            history = () if new_thread else await message_turns(message, bot_id)
            request = ChatRequest(PLATFORM, question.user_id, checked, key, history=history)
            result = await asyncio.to_thread(service.ask, request, checked=True)
        view = answer_view(
            result.answer_id,
            has_quotes=bool(result.answer.citations),
            followups=result.followups,
        )
        kwargs = message_kwargs(answer_reply(result.answer), view)
        await channel.send(**_with_reference(kwargs, reference))
    except Exception:
        log.exception(
            "answering message %s by user %s in channel %s failed",
            message.id,
            message.author.id,
            message.channel.id,
        )
        try:
            await channel.send(APOLOGY)
        except discord.HTTPException:
            log.warning("could not send the apology in channel %s", message.channel.id)
