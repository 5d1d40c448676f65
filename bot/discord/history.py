"""Earlier turns of a conversation, read from Discord itself: a thread, or a DM with the bot.

Discord is the memory, so a follow-up keeps its context after a restart or on another
replica. Reads are bounded (the last 20 messages of a thread; the last 10 of a DM
within 30 minutes), and a read that fails (no Read Message History permission, a
network error) gives no turns rather than no answer. Only channels the bot can read
are read: not a server it is not a member of (the app installed by a user), not a
DM between people.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

import discord

from bot.discord.models import strip_mentions
from bot.service import PlatformMessage, turns_from_messages
from retrieval.models import Turn

log = logging.getLogger(__name__)

THREAD_MESSAGES = 20
DM_MESSAGES = 10
DM_WINDOW = timedelta(minutes=30)
# Messages people and the bot write; system messages (a renamed thread, a pin) are not turns.
SPOKEN = frozenset(
    {
        discord.MessageType.default,
        discord.MessageType.reply,
        discord.MessageType.chat_input_command,
        discord.MessageType.context_menu_command,
    }
)


def platform_messages(
    message: discord.Message, bot_id: int, *, asked_in_interaction: bool = False
) -> list[PlatformMessage]:
    """One Discord message as the core sees it: a person's text without mentions, or the
    bot's answer text (its embed's description, else its content).

    An answer given to a command or a button (`asked_in_interaction`, or a message with
    interaction metadata) has no question message before it: its embed title, which is
    the question, comes first. Other bots and webhooks are left out."""
    if message.type not in SPOKEN:
        return []
    if message.author.id != bot_id:
        if message.author.bot or message.webhook_id is not None:
            return []
        return [PlatformMessage(strip_mentions(message.content))]
    embed = message.embeds[0] if message.embeds else None
    said = [PlatformMessage((embed and embed.description) or message.content, from_bot=True)]
    if embed and embed.title and (asked_in_interaction or message.interaction_metadata):
        return [PlatformMessage(embed.title), *said]
    return said


async def _starter(thread: discord.Thread) -> discord.Message | None:
    """The channel message a thread was started from (it has the thread's id), if any."""
    parent = thread.parent
    if not isinstance(parent, discord.TextChannel):
        return None  # a forum post's first message is in the thread itself
    try:
        return await parent.fetch_message(thread.id)
    except discord.NotFound:
        return None  # a thread started without a message


async def _read(
    channel: discord.abc.Messageable, before: discord.Message | None
) -> Sequence[discord.Message]:
    """The channel's recent messages, oldest first."""
    if isinstance(channel, discord.Thread):
        found = [m async for m in channel.history(limit=THREAD_MESSAGES, before=before)]
        found.reverse()
        if len(found) < THREAD_MESSAGES and not (found and found[0].id == channel.id):
            starter = await _starter(channel)  # the whole thread was read: add its question
            if starter is not None:
                found.insert(0, starter)
        return found
    if isinstance(channel, discord.DMChannel):
        since = discord.utils.utcnow() - DM_WINDOW
        recent = channel.history(limit=DM_MESSAGES, before=before, after=since, oldest_first=False)
        found = [m async for m in recent]
        found.reverse()
        return found
    return []  # a server channel: its chatter is not a conversation with the bot


async def channel_messages(
    channel: object, bot_id: int, before: discord.Message | None = None
) -> list[PlatformMessage]:
    """The conversation so far in a thread or DM (before `before`), oldest first; empty
    for other channels or when Discord refuses the read (logged)."""
    if not isinstance(channel, discord.Thread | discord.DMChannel):
        return []
    try:
        read = await _read(channel, before)
    except discord.HTTPException as exc:
        log.warning("could not read the history of channel %s: %s", channel.id, exc)
        return []
    return [said for message in read for said in platform_messages(message, bot_id)]


async def message_turns(message: discord.Message, bot_id: int) -> tuple[Turn, ...]:
    """The turns before a message in its thread or DM."""
    return turns_from_messages(await channel_messages(message.channel, bot_id, message))


def readable_channel(interaction: discord.Interaction) -> object | None:
    """The interaction's channel when the bot can read it: in a server the bot is a member
    of, or the user's DM with the bot. None for a user-installed app used in another
    server, a DM between people or a group DM."""
    if interaction.guild_id is not None:
        member = interaction.client.get_guild(interaction.guild_id) is not None
        return interaction.channel if member else None
    return interaction.channel if interaction.context.dm_channel else None


async def interaction_turns(
    interaction: discord.Interaction, bot_id: int, answered: discord.Message | None = None
) -> tuple[Turn, ...]:
    """The turns of the conversation an interaction happens in. `answered`: the bot's
    answer whose button was clicked; it is the last turn when it is not in a history the
    bot can read (a server channel, a channel the bot cannot read, an ephemeral answer)."""
    channel = readable_channel(interaction)
    said = await channel_messages(channel, bot_id)
    in_history = isinstance(channel, discord.Thread | discord.DMChannel)
    if answered is not None and not (in_history and not answered.flags.ephemeral):
        said += platform_messages(answered, bot_id, asked_in_interaction=True)
    return turns_from_messages(said)
