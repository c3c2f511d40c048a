"""Who may manage a server's shows, checked whenever a right is used: a command, a button, a form.

Discord hides commands whose default permissions a member lacks, but a server can change that
(and a modified client ignores it), so every use is checked here against what the member holds now.
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.errors import NotAllowed
from bot.store import Store


async def require_show_admin(interaction: discord.Interaction, store: Store) -> None:
    """Manage Server, or the server's curator role; raises :class:`NotAllowed` otherwise."""
    member = interaction.user
    if interaction.guild_id is None or not isinstance(member, discord.Member):
        raise app_commands.NoPrivateMessage()
    if interaction.permissions.manage_guild:
        return
    settings = await store.guild_settings(interaction.guild_id)
    if settings.curator_role_id is not None and any(
        role.id == settings.curator_role_id for role in member.roles
    ):
        return
    raise NotAllowed("rights.not_show_admin")


def require_manage_server(interaction: discord.Interaction) -> None:
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    if not interaction.permissions.manage_guild:
        raise NotAllowed("rights.not_manage_server")
