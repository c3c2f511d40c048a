"""The command tree and its single error handler."""

from __future__ import annotations

import logging
import math
from typing import Any

import discord
from discord import app_commands

from bot.errors import UserFacingError
from bot.store.errors import StoreConflict

log = logging.getLogger(__name__)

UNEXPECTED_REPLY = "Something went wrong on my side and it has been logged. Please try again in a moment."


class DramaTree(app_commands.CommandTree):
    """Maps every known error to a short ephemeral reply; logs the unexpected ones in full."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await report_error(interaction, error)


async def report_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Answer a failed command, button or modal: the known reply, or a polite apology plus a full log."""
    reply = reply_for(error)
    if reply is None:
        data: Any = interaction.data or {}
        command = f"/{interaction.command.qualified_name}" if interaction.command else data.get("custom_id")
        log.error(
            "Command %s failed for user %s in guild %s with options %s",
            command,
            interaction.user.id,
            interaction.guild_id,
            _options(interaction),
            exc_info=error,
        )
        reply = UNEXPECTED_REPLY
    await send_ephemeral(interaction, reply)


def reply_for(error: BaseException) -> str | None:
    """What to tell the member, or None for an error nobody planned for."""
    cause: BaseException = error
    if isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        cause = error.__cause__ or error
    if isinstance(cause, UserFacingError):
        return str(cause)
    if isinstance(cause, app_commands.NoPrivateMessage):
        return "This command only works inside a server."
    if isinstance(cause, app_commands.CommandOnCooldown):
        return f"You're going a little fast. Try again in {math.ceil(cause.retry_after)} s."
    if isinstance(cause, StoreConflict):
        return str(cause)
    if isinstance(cause, app_commands.MissingPermissions):
        return f"You need the {_permission_names(cause.missing_permissions)} permission to use this command."
    if isinstance(cause, app_commands.BotMissingPermissions):
        needed = _permission_names(cause.missing_permissions)
        return f"I need the {needed} permission in this channel to do that."
    if isinstance(cause, app_commands.CheckFailure):
        return "You can't use this command here."
    if isinstance(cause, app_commands.CommandSignatureMismatch | app_commands.CommandNotFound):
        log.warning("Discord sent a command that differs from the local tree: %s", cause)
        return "This command was just updated. Please try again in a minute."
    return None


def _permission_names(names: list[str]) -> str:
    """discord.py's attribute names as Discord's client labels them (manage_guild is "Manage Server")."""
    return ", ".join(_CLIENT_NAMES.get(name, name.replace("_", " ").title()) for name in names)


_CLIENT_NAMES = {"manage_guild": "Manage Server", "manage_messages": "Manage Messages"}


async def send_private(interaction: discord.Interaction, message: str) -> None:
    """Reply privately, whether the interaction is still unanswered or was deferred."""
    if interaction.response.is_done():
        await interaction.followup.send(message, ephemeral=True)
    else:
        await interaction.response.send_message(message, ephemeral=True)


async def send_ephemeral(interaction: discord.Interaction, message: str) -> None:
    """The error reply: as :func:`send_private`, but a failure is only logged (nothing is left to tell)."""
    try:
        await send_private(interaction, message)
    except discord.HTTPException as exc:
        log.warning("Could not send the error reply for interaction %s: %s", interaction.id, exc)


def _options(interaction: discord.Interaction) -> dict[str, Any]:
    """The options as the member typed them, flattened through subcommands, for the log."""
    data: Any = interaction.data or {}
    options = data.get("options", [])
    flat: dict[str, Any] = {}
    while options:
        nested = [o for o in options if "options" in o]
        flat.update({o["name"]: o.get("value") for o in options if "value" in o})
        options = nested[0]["options"] if nested else []
    return flat
