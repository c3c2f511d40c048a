"""Critic scores, verdicts and spoiler-tagged summaries: /score, /verdict, /summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.context import DramaInteraction, guild_id
from bot.errors import NothingYet, UserFacingError
from bot.markdown import escape, spoiler
from bot.options import EpisodeNumber, ShowOption, check_episode, show_or_default
from bot.pages import Pages, chunk, expect_args, send_pages
from bot.present import (
    COLOUR_SCORES,
    critic_average,
    critic_line,
    episode_label,
    footer,
    member_note,
    members_line,
    watch_counts,
)
from bot.replies import send_private
from bot.scores import average, format_average
from bot.spoilers import send_guard
from bot.store import Episode, Show, SpoilerView, Store, Tally, WatchCounts
from bot.store.models import CRITIC_MAX, VERDICT_MAX
from bot.text import t

if TYPE_CHECKING:
    from bot.bot import DramaBot

_TIE_NAMES = 5
PAGER = "scores"
REVEAL_SUMMARY = "summary"


def _extremes(scored: list[Episode], *, best: bool) -> str:
    pick = max if best else min
    target = pick(episode.critic_score for episode in scored if episode.critic_score is not None)
    assert target is not None
    numbers = [str(episode.number) for episode in scored if episode.critic_score == target]
    shown = ", ".join(numbers[:_TIE_NAMES])
    if len(numbers) > _TIE_NAMES:
        shown = t("score.and_more", shown=shown, more_count=len(numbers) - _TIE_NAMES)
    return t("score.extremes", count=len(numbers), numbers=shown, score=target.out_of(CRITIC_MAX))


class ScorePages:
    """Every episode's critic score with the members' average beside it, one embed per page."""

    def __init__(
        self,
        show: Show,
        episodes: list[Episode],
        tallies: dict[int, Tally],
        *,
        view: SpoilerView,
        counts: WatchCounts,
    ) -> None:
        self.show = show
        self.counts = counts
        self.scored = [episode for episode in episodes if episode.critic_score is not None]
        self.mean = average([e.critic_score for e in self.scored if e.critic_score is not None])
        # Titles can spoil: past the member's progress they go when the server hides them.
        self.hidden_after = (
            view.entry.progress
            if view.entry is not None and any(view.hides_title(e.number) and e.title for e in episodes)
            else None
        )
        width = len(str(show.episode_count))
        self.pages = chunk(
            [
                f"`{t('score.ep', number=f'{episode.number:>{width}}')}` "
                + (
                    t("score.episode_with_title", title=escape(episode.title))
                    if episode.title and not view.hides_title(episode.number)
                    else ""
                )
                + (
                    critic_line(episode.critic_score)
                    if episode.critic_score
                    else t("score.not_scored_yet_line")
                )
                + member_note(tallies.get(episode.number))
                for episode in episodes
            ]
        )

    def render(self, index: int, count: int) -> discord.Embed:
        embed = discord.Embed(
            title=t("score.show_title", title=self.show.title),
            description=self.pages[index],
            colour=COLOUR_SCORES,
        )
        if self.mean is not None:
            embed.add_field(
                name=t("score.average"),
                value=t("score.average_value", average=format_average(self.mean), count=len(self.scored)),
                inline=False,
            )
            embed.add_field(name=t("score.best"), value=_extremes(self.scored, best=True), inline=True)
            embed.add_field(name=t("score.worst"), value=_extremes(self.scored, best=False), inline=True)
        counts = watch_counts(self.counts)
        if counts is not None:
            embed.add_field(name=t("watch.counts_name"), value=counts, inline=False)
        note = t("score.page_note", page=index + 1, pages=count) if count > 1 else ""
        if self.hidden_after is not None:
            note += t("spoiler.titles_hidden", progress=self.hidden_after)
        embed.set_footer(text=footer(self.show) + note)
        return embed


@app_commands.guild_only()
class ScoreGroup(
    commands.GroupCog, group_name="score", group_description="Critic scores for an episode or a whole show"
):
    """``/score episode`` and ``/score show``: what the critic thought, with the server's view beside it."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @app_commands.command(name="episode", description="The critic's score for one episode")
    @app_commands.describe(
        number="Episode number, starting at 1", show="The show (defaults to this server's show)"
    )
    async def episode(
        self, interaction: DramaInteraction, number: EpisodeNumber, show: ShowOption | None = None
    ) -> None:
        guild = guild_id(interaction)
        chosen = await show_or_default(self.store, guild, show)
        check_episode(chosen, number)
        episode, tally = await self.store.episode_with_tally(guild, chosen.id, number)
        if episode is None or (episode.critic_score is None and tally.ratings == 0):
            raise NothingYet("score.no_score_yet", number=number, title=escape(chosen.title))
        critic = critic_line(episode.critic_score) if episode.critic_score else t("score.not_scored_yet")
        embed = discord.Embed(
            title=t("score.episode_title", title=chosen.title, episode=episode_label(episode)),
            description=t("score.episode_description", critic=critic, members=members_line(tally)),
            colour=COLOUR_SCORES,
        )
        embed.set_footer(text=footer(chosen))
        await interaction.response.send_message(embed=embed)

    @app_commands.command(
        name="show", description="Every episode's critic score, with the average, best and worst"
    )
    @app_commands.describe(show="The show (defaults to this server's show)")
    async def show(self, interaction: DramaInteraction, show: ShowOption | None = None) -> None:
        chosen = await show_or_default(self.store, guild_id(interaction), show)
        await send_pages(interaction, PAGER, (chosen.id,), await self._pages(interaction, chosen))

    async def pages(self, interaction: discord.Interaction, args: tuple[int, ...]) -> Pages:
        """The scores as they are now, for a page turn: the show is looked up again by id."""
        (show_id,) = expect_args(args, 1)
        show = await self.store.visible_show(guild_id(interaction), show_id)
        if show is None:
            raise UserFacingError("error.show_gone")
        return await self._pages(interaction, show)

    async def _pages(self, interaction: discord.Interaction, show: Show) -> Pages:
        guild = guild_id(interaction)
        episodes = await self.store.episodes(show.id)
        tallies = await self.store.show_tallies(guild, show.id)
        if all(episode.critic_score is None for episode in episodes) and not tallies:
            raise NothingYet("score.no_scores_yet", title=escape(show.title))
        view = await self.store.spoiler_view(guild, show.id, interaction.user.id)
        counts = await self.store.watch_counts(guild, show.id)
        pages = ScorePages(show, episodes, tallies, view=view, counts=counts)
        return Pages(len(pages.pages), pages.render)


class Critic(commands.Cog):
    """``/verdict`` and ``/summary``: the critic's word on a whole show, and summaries behind spoilers."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @app_commands.command(name="verdict", description="The critic's verdict on a whole show")
    @app_commands.guild_only()
    @app_commands.describe(show="The show (defaults to this server's show)")
    async def verdict(self, interaction: DramaInteraction, show: ShowOption | None = None) -> None:
        guild = guild_id(interaction)
        chosen = await show_or_default(self.store, guild, show)
        if chosen.verdict is None:
            raise NothingYet("verdict.none_yet", title=escape(chosen.title))
        description = f"**{chosen.verdict.out_of(VERDICT_MAX)}**"
        if chosen.verdict_text:
            description += f"\n\n{chosen.verdict_text}"
        embed = discord.Embed(
            title=t("verdict.title", title=chosen.title), description=description, colour=COLOUR_SCORES
        )
        scores = [e.critic_score for e in await self.store.episodes(chosen.id) if e.critic_score is not None]
        mean = average(scores)
        embed.add_field(
            name=t("verdict.episode_average"),
            value=critic_average(mean, len(scores)) if mean is not None else t("verdict.no_episode_scores"),
        )
        overall = await self.store.show_tally(guild, chosen.id)
        embed.add_field(name=t("verdict.members_average"), value=members_line(overall))
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
        interaction: DramaInteraction,
        show: ShowOption | None = None,
        episode: EpisodeNumber | None = None,
    ) -> None:
        guild = guild_id(interaction)
        chosen = await show_or_default(self.store, guild, show)
        view = await self.store.spoiler_view(guild, chosen.id, interaction.user.id)
        if episode is None:
            text = chosen.summary
            if not text:
                raise NothingYet("summary.none_yet", title=escape(chosen.title))
            embed = self._summary_embed(chosen, t("summary.heading"), text)
            progress = view.entry.progress if view.guard and view.entry is not None else None
            if progress is not None and progress < chosen.episode_count:
                # Said above the tag, to this member alone: the series' summary covers every episode.
                note = t("spoiler.series_note", progress=progress, episodes=chosen.episode_count)
                embed.description = f"{note}\n\n{embed.description}"
                await send_private(interaction, embed=embed)
                return
            await interaction.response.send_message(embed=embed)
            return
        check_episode(chosen, episode)
        if view.hides(episode):
            assert view.entry is not None
            await send_guard(interaction, REVEAL_SUMMARY, chosen, episode, view.entry.progress)
            return
        await interaction.response.send_message(embed=await self._episode_summary(chosen, episode))

    async def reveal_summary(self, interaction: discord.Interaction, show_id: int, episode: int) -> None:
        """Show anyway: the episode's summary, to the member alone and still behind its spoiler tag."""
        show = await self.store.visible_show(guild_id(interaction), show_id)
        if show is None:
            raise UserFacingError("error.show_gone")
        check_episode(show, episode)
        await send_private(interaction, embed=await self._episode_summary(show, episode))

    async def _episode_summary(self, show: Show, episode: int) -> discord.Embed:
        row = await self.store.episode(show.id, episode)
        text = row.summary if row else None
        if not text:
            raise NothingYet("summary.episode_none_yet", number=episode, title=escape(show.title))
        label = episode_label(row) if row else t("present.episode", number=episode)
        return self._summary_embed(show, t("summary.episode_heading", episode=label), text)

    @staticmethod
    def _summary_embed(show: Show, heading: str, text: str) -> discord.Embed:
        embed = discord.Embed(
            title=t("summary.title", title=show.title, heading=heading),
            description=spoiler(text),
            colour=COLOUR_SCORES,
        )
        embed.set_footer(text=t("summary.footer"))
        return embed


async def setup(bot: DramaBot) -> None:
    scores = ScoreGroup(bot.store)
    await bot.add_cog(scores)
    bot.buttons.add_pager(PAGER, scores.pages)
    critic = Critic(bot.store)
    await bot.add_cog(critic)
    bot.buttons.add_reveal(REVEAL_SUMMARY, critic.reveal_summary)
