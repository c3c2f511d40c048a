"""Critic scores, verdicts and spoiler-tagged summaries: /score, /verdict, /summary."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import NothingYet
from bot.markdown import escape, spoiler
from bot.paginator import Paginator
from bot.scores import Score, average, format_average, members_line, star_bar
from bot.show_option import EpisodeNumber, ShowOption, check_episode, show_or_default
from bot.store import Episode, Show, Store, Tally
from bot.store.models import CRITIC_MAX, VERDICT_MAX

if TYPE_CHECKING:
    from bot.bot import DramaBot

log = logging.getLogger(__name__)

COLOUR = discord.Colour(0xE4587A)
# Discord's embed description limit is 4096; leave room for a page's header line.
_PAGE_CHARS = 3800
_TIE_NAMES = 5


def episode_label(episode: Episode) -> str:
    label = f"Episode {episode.number}"
    return f"{label}: {escape(episode.title)}" if episode.title else label


def footer(show: Show) -> str:
    parts = [show.kind, show.network, str(show.year) if show.year else None]
    if show.season > 1:
        parts.append(f"Season {show.season}")
    return " · ".join(part for part in parts if part)


def critic_line(score: Score) -> str:
    return f"**{score.out_of(CRITIC_MAX)}**  {star_bar(score)}"


def _extremes(scored: list[Episode], *, best: bool) -> str:
    pick = max if best else min
    target = pick(episode.critic_score for episode in scored if episode.critic_score)
    numbers = [str(episode.number) for episode in scored if episode.critic_score == target]
    assert target is not None
    shown = ", ".join(numbers[:_TIE_NAMES]) + (
        f" and {len(numbers) - _TIE_NAMES} more" if len(numbers) > _TIE_NAMES else ""
    )
    noun = "Episode" if len(numbers) == 1 else "Episodes"
    return f"{noun} {shown} · {target.out_of(CRITIC_MAX)}"


def member_note(tally: Tally | None) -> str:
    """`` · members 4.5 (2)`` after an episode's critic score."""
    mean = tally.average() if tally else None
    if tally is None or mean is None:
        return ""
    return f" · members {format_average(mean)} ({tally.ratings})"


def score_pages(show: Show, episodes: list[Episode], tallies: dict[int, Tally]) -> list[discord.Embed]:
    """Every episode's critic score with the members' average beside it, paged to fit Discord's limits."""
    scored = [episode for episode in episodes if episode.critic_score is not None]
    mean = average([episode.critic_score for episode in scored if episode.critic_score is not None])
    width = len(str(show.episode_count))
    lines = [
        f"`Ep {episode.number:>{width}}` "
        + (critic_line(episode.critic_score) if episode.critic_score else "*not scored yet*")
        + member_note(tallies.get(episode.number))
        for episode in episodes
    ]
    chunks: list[list[str]] = [[]]
    size = 0
    for line in lines:
        if size + len(line) + 1 > _PAGE_CHARS:
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += len(line) + 1
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        embed = discord.Embed(
            title=f"{show.title} · all episodes", description="\n".join(chunk), colour=COLOUR
        )
        if mean is not None:
            embed.add_field(
                name="Average",
                value=f"**{format_average(mean)}/{CRITIC_MAX}** over {len(scored)} scored episodes",
                inline=False,
            )
            embed.add_field(name="Best", value=_extremes(scored, best=True), inline=True)
            embed.add_field(name="Worst", value=_extremes(scored, best=False), inline=True)
        page_note = f" · page {number}/{len(chunks)}" if len(chunks) > 1 else ""
        embed.set_footer(text=footer(show) + page_note)
        pages.append(embed)
    return pages


class Scores(commands.Cog):
    """What the critic thought: episode scores, the series verdict and summaries."""

    def __init__(self, store: Store) -> None:
        self.store = store

    score = app_commands.Group(
        name="score", description="Critic scores for an episode or a whole show", guild_only=True
    )

    async def _show(self, interaction: discord.Interaction, show: Show | None) -> Show:
        assert interaction.guild_id is not None
        return await show_or_default(self.store, interaction.guild_id, show)

    @score.command(name="episode", description="The critic's score for one episode")
    @app_commands.describe(
        number="Episode number, starting at 1", show="The show (defaults to this server's show)"
    )
    async def score_episode(
        self, interaction: discord.Interaction, number: EpisodeNumber, show: ShowOption | None = None
    ) -> None:
        chosen = await self._show(interaction, show)
        check_episode(chosen, number)
        assert interaction.guild_id is not None
        episode = await self.store.episode(chosen.id, number)
        tally = await self.store.episode_tally(interaction.guild_id, chosen.id, number)
        if episode is None or (episode.critic_score is None and tally.ratings == 0):
            raise NothingYet(f"Episode {number} of **{escape(chosen.title)}** has no critic score yet.")
        critic = critic_line(episode.critic_score) if episode.critic_score else "not scored yet"
        embed = discord.Embed(
            title=f"{chosen.title} · {episode_label(episode)}",
            description=f"Critic: {critic}\n{members_line(tally.average(), tally.ratings)}",
            colour=COLOUR,
        )
        embed.set_footer(text=footer(chosen))
        await interaction.response.send_message(embed=embed)

    @score.command(name="show", description="Every episode's critic score, with the average, best and worst")
    @app_commands.describe(show="The show (defaults to this server's show)")
    async def score_show(self, interaction: discord.Interaction, show: ShowOption | None = None) -> None:
        chosen = await self._show(interaction, show)
        assert interaction.guild_id is not None
        episodes = await self.store.episodes(chosen.id)
        tallies = await self.store.show_tallies(interaction.guild_id, chosen.id)
        if all(episode.critic_score is None for episode in episodes) and not tallies:
            raise NothingYet(f"**{escape(chosen.title)}** has no episode scores yet.")
        await Paginator.send(interaction, score_pages(chosen, episodes, tallies))

    @app_commands.command(name="verdict", description="The critic's verdict on a whole show")
    @app_commands.guild_only()
    @app_commands.describe(show="The show (defaults to this server's show)")
    async def verdict(self, interaction: discord.Interaction, show: ShowOption | None = None) -> None:
        chosen = await self._show(interaction, show)
        if chosen.verdict is None:
            raise NothingYet(f"**{escape(chosen.title)}** has no verdict yet.")
        description = f"**{chosen.verdict.out_of(VERDICT_MAX)}**"
        if chosen.verdict_text:
            description += f"\n\n{chosen.verdict_text}"
        embed = discord.Embed(title=f"{chosen.title} · Verdict", description=description, colour=COLOUR)
        scores = [e.critic_score for e in await self.store.episodes(chosen.id) if e.critic_score is not None]
        mean = average(scores)
        embed.add_field(
            name="Episode average",
            value=(
                f"{format_average(mean)}/{CRITIC_MAX} over {len(scores)} scored episodes"
                if mean is not None
                else "no episode scores yet"
            ),
        )
        assert interaction.guild_id is not None
        overall = await self.store.show_tally(interaction.guild_id, chosen.id)
        embed.add_field(name="Members' average", value=members_line(overall.average(), overall.ratings))
        embed.set_footer(text=footer(chosen))
        await interaction.response.send_message(embed=embed)

    @app_commands.command(
        name="summary", description="A show's or an episode's summary, hidden behind a spoiler"
    )
    @app_commands.guild_only()
    @app_commands.describe(
        show="The show (defaults to this server's show)",
        episode="An episode number, for that episode's summary instead of the series'",
    )
    async def summary(
        self,
        interaction: discord.Interaction,
        show: ShowOption | None = None,
        episode: EpisodeNumber | None = None,
    ) -> None:
        chosen = await self._show(interaction, show)
        if episode is None:
            text, heading = chosen.summary, "Summary"
            missing = f"**{escape(chosen.title)}** has no summary yet."
        else:
            check_episode(chosen, episode)
            row = await self.store.episode(chosen.id, episode)
            text = row.summary if row else None
            heading = f"{episode_label(row)} · Summary" if row else f"Episode {episode} · Summary"
            missing = f"Episode {episode} of **{escape(chosen.title)}** has no summary yet."
        if not text:
            raise NothingYet(missing)
        embed = discord.Embed(title=f"{chosen.title} · {heading}", description=spoiler(text), colour=COLOUR)
        embed.set_footer(text="Spoilers hidden: click the dark bar to reveal.")
        await interaction.response.send_message(embed=embed)


async def setup(bot: DramaBot) -> None:
    await bot.add_cog(Scores(bot.store))
