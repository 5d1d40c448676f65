"""Discord events as the small typed requests the adapter acts on."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass

import discord

PLATFORM = "discord"


class Where(enum.Enum):
    """Where the answer to a message goes."""

    NEW_THREAD = "new thread from the question"  # a mention in a channel
    SAME_CHANNEL = "the conversation it came from"  # a DM, or a thread the bot is part of


@dataclass(frozen=True)
class MessageQuestion:
    user_id: str
    text: str
    channel_id: int
    where: Where


def conversation_key(channel_id: int) -> str:
    """The core's conversation key for a Discord thread or DM channel."""
    return f"{PLATFORM}:{channel_id}"


_MENTION = re.compile(r"<(?:@[!&]?|#)[0-9]+>")


def strip_mentions(text: str) -> str:
    """The text without user, role and channel mentions (`<@1>`, `<@&2>`, `<#3>`): they
    name nobody the documents know, and would only dilute a question."""
    return " ".join(_MENTION.sub(" ", text).split())


def message_question(
    message: discord.Message, bot_id: int, in_conversation: Callable[[str], bool]
) -> MessageQuestion | None:
    """The question a message asks the bot, or None when the bot should stay quiet.

    Bots (the bot itself included) are ignored. A DM, a mention, or any message in a
    thread the bot takes part in is a question. `@everyone`/`@here` alone is not a
    mention of the bot.
    """
    if message.author.bot or message.webhook_id is not None:
        return None
    channel = message.channel
    user = str(message.author.id)
    text = strip_mentions(message.content)
    if message.guild is None:
        return MessageQuestion(user, text, channel.id, Where.SAME_CHANNEL) if text else None
    mentioned = any(u.id == bot_id for u in message.mentions)
    in_thread = isinstance(channel, discord.Thread)
    joined = in_conversation(conversation_key(channel.id)) or (
        isinstance(channel, discord.Thread) and channel.owner_id == bot_id
    )
    if mentioned:
        where = Where.SAME_CHANNEL if in_thread else Where.NEW_THREAD
        return MessageQuestion(user, text, channel.id, where)
    # Without the Message Content intent a follow-up arrives empty: nothing to answer.
    if joined and text:
        return MessageQuestion(user, text, channel.id, Where.SAME_CHANNEL)
    return None
