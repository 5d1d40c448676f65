"""Who may use the admin commands on Discord (re-index, upload, add a page, gaps)."""

from __future__ import annotations

from collections.abc import Collection

import discord

NEEDED = "you need the Manage Server permission or one of the bot's admin roles"
REFUSAL = f"Only server admins can re-index: {NEEDED}. Nothing was changed."
ADD_REFUSAL = f"Only server admins can add web pages: {NEEDED}. Nothing was fetched."
GAPS_REFUSAL = f"Only server admins can see the questions I could not answer: {NEEDED}."


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
