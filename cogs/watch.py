"""How far each member has watched: /watch, /progress, /mywatchlist. The spoiler guard follows it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.context import DramaInteraction, guild_id
from bot.errors import NothingYet, UnknownEpisode
from bot.markdown import escape
from bot.option_checks import quote
from bot.options import ShowOption, show_or_default
from bot.pages import Pages, chunk, expect_args, send_pages
from bot.present import COLOUR_COMMUNITY
from bot.replies import in_time, send_private
from bot.store import Show, Store, WatchEntry, WatchStatus
from bot.text import t
from bot.write_cooldown import WriteCooldown

if TYPE_CHECKING:
    from bot.bot import DramaBot

SHOWS_PER_PAGE = 10
PAGER = "watchlist"

# 0 is "not started"; 500 is the longest show the store accepts (the show's own end is checked here).
Progress = app_commands.Range[int, 0, 500]

STATUS_CHOICES = [app_commands.Choice(name=t(f"watch.status.{s.value}"), value=s.value) for s in WatchStatus]


def status_word(status: WatchStatus) -> str:
    return t(f"watch.status.{status.value}")


def check_progress(show: Show, progress: int) -> None:
    """Refuse progress past the show's last episode (Discord's client only knows 0–500)."""
    if not 0 <= progress <= show.episode_count:
        raise UnknownEpisode(
            "progress.outside",
            title=escape(show.title),
            episodes_count=show.episode_count,
            last=show.episode_count,
            number=quote(progress),
        )


class Watching(commands.Cog):
    """Members' status and progress per show, kept per server and private to each member."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.writes = WriteCooldown(rate=5, per=10.0)

    async def _confirm(self, interaction: discord.Interaction, show: Show, entry: WatchEntry) -> None:
        settings = await self.store.guild_settings(guild_id(interaction))
        lines = [
            t(
                "watch.saved",
                title=escape(show.title),
                status=status_word(entry.status),
                progress=entry.progress,
                episodes=show.episode_count,
            )
        ]
        if not settings.spoiler_guard:
            lines.append(t("watch.guard_note_off"))
        elif entry.progress < show.episode_count:
            key = "watch.guard_note" if entry.progress else "watch.guard_note_none"
            lines.append(t(key, progress=entry.progress))
        await send_private(interaction, "\n".join(lines))

    @app_commands.command(name="watch", description="Your status for a show: watching, completed, on hold…")
    @app_commands.guild_only()
    @app_commands.describe(
        status="Where you stand with the show",
        show="The show (defaults to this server's show)",
        episode="How far you have watched (0: not started)",
    )
    @app_commands.choices(status=STATUS_CHOICES)
    async def watch(
        self,
        interaction: DramaInteraction,
        status: app_commands.Choice[str],
        show: ShowOption | None = None,
        episode: Progress | None = None,
    ) -> None:
        chosen = await show_or_default(self.store, guild_id(interaction), show)
        if episode is not None:
            check_progress(chosen, episode)
        self.writes.check(interaction)
        entry = await in_time(
            interaction,
            self.store.set_watch(
                guild_id(interaction),
                chosen.id,
                interaction.user.id,
                status=WatchStatus(status.value),
                progress=episode,
            ),
            defer_now=not self.store.writes_idle,
        )
        await self._confirm(interaction, chosen, entry)

    @app_commands.command(name="progress", description="I have watched up to episode N (0: not started)")
    @app_commands.guild_only()
    @app_commands.describe(
        episode="The last episode you have watched (0: not started)",
        show="The show (defaults to this server's show)",
    )
    async def progress(
        self, interaction: DramaInteraction, episode: Progress, show: ShowOption | None = None
    ) -> None:
        chosen = await show_or_default(self.store, guild_id(interaction), show)
        check_progress(chosen, episode)
        self.writes.check(interaction)
        entry = await in_time(
            interaction,
            self.store.set_progress(guild_id(interaction), chosen.id, interaction.user.id, episode),
            defer_now=not self.store.writes_idle,
        )
        await self._confirm(interaction, chosen, entry)

    @app_commands.command(
        name="mywatchlist", description="Your shows in this server, with status and progress"
    )
    @app_commands.guild_only()
    async def mywatchlist(self, interaction: DramaInteraction) -> None:
        await send_pages(interaction, PAGER, (), await self.pages(interaction, ()), ephemeral=True)

    async def pages(self, interaction: discord.Interaction, args: tuple[int, ...]) -> Pages:
        """The member's watchlist as it is now: read for the command, and again for every page turn."""
        expect_args(args, 0)
        mine = await self.store.watchlist(guild_id(interaction), interaction.user.id)
        if not mine:
            raise NothingYet("mywatchlist.none")
        lines = [
            t(
                "mywatchlist.line",
                title=escape(item.show_title),
                status=status_word(item.entry.status),
                progress=item.entry.progress,
                episodes=item.episode_count,
            )
            for item in mine
        ]
        pages = chunk(lines, per_page=SHOWS_PER_PAGE)

        def render(index: int, count: int) -> discord.Embed:
            embed = discord.Embed(
                title=t("mywatchlist.title"), description=pages[index], colour=COLOUR_COMMUNITY
            )
            embed.set_footer(text=t("mywatchlist.footer", count=len(mine)))
            return embed

        return Pages(len(pages), render)


async def setup(bot: DramaBot) -> None:
    watching = Watching(bot.store)
    await bot.add_cog(watching)
    bot.buttons.add_pager(PAGER, watching.pages)
