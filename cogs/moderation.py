"""Moderators remove members' comments; every removal is recorded and can be listed."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.markdown import escape, shorten
from bot.show_option import EpisodeNumber, ShowOption, check_episode, show_or_default
from bot.store import Store

if TYPE_CHECKING:
    from bot.bot import DramaBot

log = logging.getLogger(__name__)

Reason = app_commands.Range[str, 1, 200]


class Moderation(commands.Cog):
    """Comment moderation for members with Manage Messages."""

    def __init__(self, store: Store) -> None:
        self.store = store

    moderate = app_commands.Group(
        name="moderate",
        description="Moderate members' comments (Manage Messages)",
        guild_only=True,
        default_permissions=discord.Permissions(manage_messages=True),
    )

    @moderate.command(name="remove-comment", description="Remove a member's comment on an episode")
    @app_commands.checks.has_permissions(manage_messages=True)
    @app_commands.describe(
        member="Whose comment to remove",
        episode="Episode number the comment is on",
        show="The show (defaults to this server's show)",
        reason="Why, for the moderation log (up to 200 characters)",
    )
    async def remove_comment(
        self,
        interaction: discord.Interaction,
        member: discord.User,
        episode: EpisodeNumber,
        show: ShowOption | None = None,
        reason: Reason | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        chosen = await show_or_default(self.store, interaction.guild_id, show)
        check_episode(chosen, episode)
        removal = await self.store.remove_comment(
            guild_id=interaction.guild_id,
            show_id=chosen.id,
            episode=episode,
            author_id=member.id,
            moderator_id=interaction.user.id,
            reason=reason.strip() if reason and reason.strip() else None,
        )
        where = f"**{escape(chosen.title)}** episode {episode}"
        name = escape(member.display_name)
        if removal is None:
            await interaction.response.send_message(
                f"{name} has no comment on {where}; nothing was removed.", ephemeral=True
            )
            return
        log.info(
            "Moderator %s removed the comment of %s on show %s episode %s in guild %s (removal %s)",
            interaction.user.id,
            member.id,
            chosen.id,
            episode,
            interaction.guild_id,
            removal.id,
        )
        await interaction.response.send_message(
            f"Removed {name}'s comment on {where}; their score stays. Recorded as removal #{removal.id} "
            "(see `/moderate log`).",
            ephemeral=True,
        )

    @moderate.command(name="log", description="The latest comment removals in this server")
    @app_commands.checks.has_permissions(manage_messages=True)
    async def log_(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        removals = await self.store.comment_removals(interaction.guild_id, limit=20)
        if not removals:
            await interaction.response.send_message("No comments have been removed here.", ephemeral=True)
            return
        lines = []
        titles: dict[int, str] = {}
        for removal in removals:
            if removal.show_id not in titles:
                show = await self.store.visible_show(interaction.guild_id, removal.show_id)
                titles[removal.show_id] = escape(show.title) if show else "a deleted show"
            reason = f" — {escape(removal.reason)}" if removal.reason else ""
            lines.append(
                f"#{removal.id} · <@{removal.moderator_id}> removed <@{removal.author_id}>'s comment on "
                f"**{titles[removal.show_id]}** ep {removal.episode}{reason}\n"
                f"> {escape(shorten(' '.join(removal.comment.split()), 80))}"
            )
        embed = discord.Embed(title="Comment removals", description="\n".join(lines)[:4000])
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: DramaBot) -> None:
    await bot.add_cog(Moderation(bot.store))
