"""Sending a rendered `Reply` through an interaction, and the apology when a handler fails."""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.discord.render import APOLOGY, Reply

log = logging.getLogger(__name__)


def message_kwargs(reply: Reply, view: discord.ui.View | None = None) -> dict[str, Any]:
    """Keyword arguments for send()/followup.send(): only what the reply has."""
    kwargs: dict[str, Any] = {}
    if reply.content:
        kwargs["content"] = reply.content
    if reply.embeds:
        kwargs["embeds"] = reply.embeds
    if view is not None:
        kwargs["view"] = view
    return kwargs


async def followup(
    interaction: discord.Interaction,
    reply: Reply,
    *,
    view: discord.ui.View | None = None,
    ephemeral: bool = False,
) -> None:
    """Send the reply as the interaction's followup (after a defer)."""
    await interaction.followup.send(**message_kwargs(reply, view), ephemeral=ephemeral)


async def apologize(interaction: discord.Interaction) -> None:
    """A short ephemeral apology, whatever state the interaction is in; never raises."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(APOLOGY, ephemeral=True)
        else:
            await interaction.response.send_message(APOLOGY, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not send the apology for interaction %s", interaction.id)


def describe(interaction: discord.Interaction) -> str:
    """Who/where/what of an interaction, for error logs (no message text)."""
    name = interaction.command.qualified_name if interaction.command else "component"
    return (
        f"{name} by user {interaction.user.id} in guild {interaction.guild_id} "
        f"channel {interaction.channel_id}"
    )
