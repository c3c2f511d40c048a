"""Critic scores, titles and summaries of one episode of a server's show: /episode."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.context import DramaInteraction, guild_id
from bot.errors import UserFacingError
from bot.markdown import escape
from bot.options import CriticScore, EpisodeNumber, OwnShowOption, check_episode
from bot.replies import in_time, send_private
from bot.rights import require_show_admin
from bot.showfile import MAX_NAME
from bot.store import Store
from bot.store.models import CRITIC_MAX
from bot.text import t
from cogs.shows import SummaryForm, Title, clearable, own_show

if TYPE_CHECKING:
    from bot.bot import DramaBot


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class EpisodeAdmin(
    commands.GroupCog,
    group_name="episode",
    group_description="Set critic scores, titles and summaries of episodes (Manage Server or curators)",
):
    """One episode at a time: its critic score, title and summary."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        await require_show_admin(interaction, self.store)
        return True

    @app_commands.command(name="set", description="Set an episode's critic score and/or title")
    @app_commands.describe(
        show="The show",
        number="Episode number",
        score="Critic score from 0 to 5 in half steps",
        title="Episode title (type - to clear)",
    )
    async def set_(
        self,
        interaction: DramaInteraction,
        show: OwnShowOption,
        number: EpisodeNumber,
        score: CriticScore | None = None,
        title: Title | None = None,
    ) -> None:
        own_show(show)
        check_episode(show, number)
        if score is None and title is None:
            raise UserFacingError("episode.nothing_to_change")
        changes: dict[str, Any] = {}
        if score is not None:
            changes["score"] = score
        if title is not None:
            changes["title"] = clearable(title, name="title", limit=MAX_NAME)
        episode = await in_time(
            interaction,
            self.store.set_episode(guild_id(interaction), show.id, number, **changes),
            defer_now=self.store.writes_failing,
        )
        score_text = (
            episode.critic_score.out_of(CRITIC_MAX) if episode.critic_score else t("episode.not_scored")
        )
        title_text = t("episode.title_quoted", title=escape(episode.title)) if episode.title else ""
        await send_private(
            interaction,
            t("episode.set", show=escape(show.title), number=number, title=title_text, score=score_text),
        )

    @app_commands.command(name="clear-score", description="Remove an episode's critic score")
    @app_commands.describe(show="The show", number="Episode number")
    async def clear_score(
        self, interaction: DramaInteraction, show: OwnShowOption, number: EpisodeNumber
    ) -> None:
        own_show(show)
        check_episode(show, number)
        before = await self.store.episode(show.id, number)
        if before is None or before.critic_score is None:
            raise UserFacingError("episode.no_score_to_clear", show=escape(show.title), number=number)
        await in_time(
            interaction,
            self.store.set_episode(guild_id(interaction), show.id, number, score=None),
            defer_now=self.store.writes_failing,
        )
        await send_private(
            interaction,
            t(
                "episode.score_cleared",
                show=escape(show.title),
                number=number,
                score=before.critic_score.out_of(CRITIC_MAX),
            ),
        )

    @app_commands.command(name="summary", description="Write an episode's summary in a form")
    @app_commands.describe(show="The show", number="Episode number")
    async def summary(
        self, interaction: DramaInteraction, show: OwnShowOption, number: EpisodeNumber
    ) -> None:
        own_show(show)
        check_episode(show, number)
        current = await self.store.episode(show.id, number)
        await interaction.response.send_modal(
            SummaryForm(self.store, show, current.summary if current else None, episode=number)
        )


async def setup(bot: DramaBot) -> None:
    await bot.add_cog(EpisodeAdmin(bot.store))
