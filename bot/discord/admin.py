"""Who may re-index and upload on Discord."""

from __future__ import annotations

from collections.abc import Collection

import discord

REFUSAL = (
    "Only server admins can re-index: you need the Manage Server permission "
    "or one of the bot's admin roles. Nothing was changed."
)


def is_admin(interaction: discord.Interaction, admin_roles: Collection[str]) -> bool:
    """Manage Server (or Administrator) in this channel, or a role listed in
    BOT_DISCORD_ADMIN_ROLES, in a server that installed the bot. Outside a server (DMs),
    or through an app installed by a user, nobody is an admin."""
    member = interaction.user
    if interaction.guild_id is None or not isinstance(member, discord.Member):
        return False
    if not interaction.is_guild_integration():
        return False
    perms = interaction.permissions
    if perms.administrator or perms.manage_guild:
        return True
    return any(str(role.id) in admin_roles for role in member.roles)
