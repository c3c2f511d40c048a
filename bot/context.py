"""What every command, view and form needs to know about the interaction it answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

if TYPE_CHECKING:
    from bot.bot import DramaBot

    DramaInteraction = discord.Interaction[DramaBot]
else:
    # discord.py never evaluates the interaction parameter's annotation; this keeps it importable.
    DramaInteraction = discord.Interaction


def guild_id(interaction: discord.Interaction) -> int:
    """The server the interaction came from; a DM (or a modified client) raises NoPrivateMessage."""
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return interaction.guild_id
