"""What every member may see about the server's shows: /shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.context import DramaInteraction, guild_id
from bot.errors import NothingYet
from bot.markdown import escape
from bot.pages import Pages, chunk, expect_args, send_pages
from bot.present import COLOUR_ADMIN, watch_counts
from bot.scores import format_average
from bot.store import Store
from bot.store.models import CRITIC_MAX, VERDICT_MAX
from bot.text import t

if TYPE_CHECKING:
    from bot.bot import DramaBot

SHOWS_PER_PAGE = 10
PAGER = "shows"


class Browse(commands.Cog):
    """The shows a server follows, for everyone."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @app_commands.command(name="shows", description="The shows this server follows")
    @app_commands.guild_only()
    async def shows(self, interaction: DramaInteraction) -> None:
        await send_pages(interaction, PAGER, (), await self.pages(interaction, ()))

    async def pages(self, interaction: discord.Interaction, args: tuple[int, ...]) -> Pages:
        """The list as it is now: read for the command, and again for every page turn."""
        expect_args(args, 0)
        guild = guild_id(interaction)
        overviews = await self.store.show_overviews(guild)
        if not overviews:
            raise NothingYet("show.none_yet")
        settings = await self.store.guild_settings(guild)
        following = await self.store.watch_counts_by_show(guild)
        lines = []
        for overview in overviews:
            show = overview.show
            name = escape(show.title) + (
                f" ({t('present.season_lower', season=show.season)})" if show.season > 1 else ""
            )
            parts = [f"**{name}**", t("n.episodes", count=show.episode_count)]
            if overview.critic_average is not None:
                parts.append(
                    t("shows.critic", average=format_average(overview.critic_average), maximum=CRITIC_MAX)
                )
            if show.verdict is not None:
                parts.append(t("shows.verdict", verdict=show.verdict.out_of(VERDICT_MAX)))
            counts = watch_counts(following.get(show.id))
            if counts is not None:
                parts.append(counts)
            parts.append(t("shows.catalog") if show.is_catalog else t("shows.this_server"))
            if show.id == settings.default_show_id:
                parts.append(t("shows.default"))
            lines.append(" · ".join(parts))
        pages = chunk(lines, per_page=SHOWS_PER_PAGE)

        def render(index: int, count: int) -> discord.Embed:
            embed = discord.Embed(title=t("shows.title"), description=pages[index], colour=COLOUR_ADMIN)
            embed.set_footer(text=t("n.shows", count=len(lines)))
            return embed

        return Pages(len(pages), render)


async def setup(bot: DramaBot) -> None:
    browse = Browse(bot.store)
    await bot.add_cog(browse)
    bot.buttons.add_pager(PAGER, browse.pages)
