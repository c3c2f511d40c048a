"""The command tree: the boundary every command passes, and the one error handler.

``interaction_check`` refuses, before discord.py builds the namespace, anything a modified client
can send that the schema does not allow (see :mod:`bot.option_checks`) and guild-only commands
outside a server. ``on_error`` (and :func:`report_error`, which views and forms share) turns
every known error into a short private reply through the text layer, and logs the unexpected
with the command, member, server and options.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import discord
from discord import app_commands

from bot.errors import UserFacingError
from bot.option_checks import check_options
from bot.replies import send_error
from bot.showfile import ShowFileError
from bot.store import (
    EpisodeNotFound,
    EpisodesHaveCriticScores,
    EpisodesHaveRatings,
    ReadUnavailable,
    ShowAlreadyHidden,
    ShowNotFound,
    ShowNotHidden,
    ShowReadOnly,
    ShowTitleTaken,
    WriteUnavailable,
)
from bot.text import Message, t

log = logging.getLogger(__name__)


class DramaTree(app_commands.CommandTree):
    """Checks every command's options at the boundary; maps every known error to a private reply."""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        try:
            if interaction.guild_id is None:
                # Every command is guild-only; Discord enforces it, a modified client need not.
                raise app_commands.NoPrivateMessage()
            check_options(interaction)
        except app_commands.AppCommandError:
            if interaction.type is discord.InteractionType.autocomplete:
                await send_error(interaction, "")  # an empty list of choices
                return False
            raise
        return True

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await report_error(interaction, error)


async def report_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Answer a failed command, button or form: the known reply, or a polite apology plus a full log."""
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
        reply = Message("error.unexpected")
    try:
        text = reply.render(_locale(interaction))
    except Exception:  # a broken template must not leave the member without an answer
        log.exception("Could not word the reply %s for interaction %s", reply.id, interaction.id)
        text = Message("error.unexpected").render()
    await send_error(interaction, text)


def _locale(interaction: discord.Interaction) -> str:
    # Only English exists today; the member's locale picks the catalog once others do.
    return "en"


def reply_for(error: BaseException) -> Message | None:
    """What to tell the member, or None for an error nobody planned for."""
    cause: BaseException = error
    if isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        cause = error.__cause__ or error
    if isinstance(cause, UserFacingError):
        return cause.message
    if isinstance(cause, ShowFileError):
        return Message("error.file", {"problem": cause.render()})
    if isinstance(cause, app_commands.NoPrivateMessage):
        return Message("error.guild_only")
    if isinstance(cause, app_commands.CommandOnCooldown):
        return Message("error.cooldown", {"seconds": math.ceil(cause.retry_after)})
    store_reply = _store_reply(cause)
    if store_reply is not None:
        return store_reply
    if isinstance(cause, app_commands.MissingPermissions):
        return Message("error.missing_permission", {"names": _permission_names(cause.missing_permissions)})
    if isinstance(cause, app_commands.BotMissingPermissions):
        return Message(
            "error.bot_missing_permission", {"names": _permission_names(cause.missing_permissions)}
        )
    if isinstance(cause, app_commands.CheckFailure):
        return Message("error.check_failed")
    if isinstance(cause, app_commands.CommandSignatureMismatch | app_commands.CommandNotFound):
        log.warning("Discord sent a command that differs from the local tree: %s", cause)
        return Message("error.command_changed")
    return None


def _store_reply(cause: BaseException) -> Message | None:
    if isinstance(cause, ShowTitleTaken):
        key = "error.title_taken_catalog" if cause.catalog else "error.title_taken"
        return Message(key, {"title": _title(cause.title), "season": cause.season})
    if isinstance(cause, ShowReadOnly):
        return Message("error.show_read_only", {"title": _title(cause.title)})
    if isinstance(cause, ShowNotFound):
        return Message("error.show_gone")
    if isinstance(cause, EpisodeNotFound):
        return Message("error.episode_gone", {"number": cause.number})
    if isinstance(cause, EpisodesHaveRatings):
        return Message(
            "error.shortening_loses_ratings",
            {
                "ratings": Message("n.member_ratings", {"count": cause.ratings}),
                "episodes": Message("n.episodes", {"count": cause.episodes}),
            },
        )
    if isinstance(cause, EpisodesHaveCriticScores):
        return Message(
            "error.shortening_loses_critic_scores",
            {
                "scores": Message("n.critic_scores", {"count": cause.scores}),
                "first": cause.first,
                "last": cause.last,
            },
        )
    if isinstance(cause, ShowAlreadyHidden):
        return Message("error.already_hidden", {"title": _title(cause.title)})
    if isinstance(cause, ShowNotHidden):
        return Message("error.not_hidden", {"title": _title(cause.title)})
    if isinstance(cause, WriteUnavailable):
        return Message(f"error.write_unavailable.{cause.outage.value}")
    if isinstance(cause, ReadUnavailable):
        return Message("error.read_unavailable")
    return None


def _title(title: str) -> str:
    return discord.utils.escape_markdown(title, ignore_links=False)


def _permission_names(names: list[str]) -> str:
    """discord.py's attribute names as Discord's client labels them (manage_guild is "Manage Server")."""
    return ", ".join(
        t(f"permission.{name}") if name in _KNOWN else name.replace("_", " ").title() for name in names
    )


_KNOWN = {"manage_guild", "manage_messages"}


def _options(interaction: discord.Interaction) -> dict[str, Any]:
    """The options as the member typed them, flattened through subcommands, for the log."""
    data: Any = interaction.data or {}
    options = data.get("options", [])
    flat: dict[str, Any] = {}
    while isinstance(options, list) and options:
        nested = [o for o in options if isinstance(o, dict) and "options" in o]
        values = [o for o in options if isinstance(o, dict) and "value" in o]
        flat.update({str(o.get("name")): o.get("value") for o in values})
        options = nested[0]["options"] if nested else []
    return flat
