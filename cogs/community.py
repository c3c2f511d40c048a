"""What the server's members think: /rate, /review, /comments, /myratings, /unrate."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import UserFacingError
from bot.markdown import escape, shorten, spoiler
from bot.paginator import Paginator
from bot.scores import Score, ScoreError, members_line
from bot.show_option import EpisodeNumber, ShowOption, check_episode, show_or_default
from bot.store import Rating, Show, Store
from bot.store.models import CRITIC_MAX
from bot.tree import report_error, send_private
from bot.write_cooldown import WriteCooldown

if TYPE_CHECKING:
    from bot.bot import DramaBot

log = logging.getLogger(__name__)

T = TypeVar("T")

COLOUR = discord.Colour(0x5B8DEF)
MAX_COMMENT = 1000
COMMENTS_PER_PAGE = 5
RATINGS_PER_PAGE = 10
# Pages are built up front; a few hundred comments make about a hundred pages already.
MAX_COMMENTS_SHOWN = 500
# Discord's embed description limit is 4096 characters; escaped comments can double in length.
_PAGE_CHARS = 3900
# Discord allows 3 s for the first answer; past this, defer and finish in a follow-up.
_DEFER_AFTER = 2.0

MemberScore = app_commands.Range[float, 0.5, 5.0]
CommentText = app_commands.Range[str, 1, MAX_COMMENT]


class BadRating(UserFacingError):
    """A score or comment a member cannot give."""


def parse_member_score(value: object) -> Score:
    try:
        score = Score.parse(value, maximum=CRITIC_MAX)
    except ScoreError:
        score = Score(0)
    if score.halves == 0:
        shown = value if isinstance(value, str) else f"{value:g}" if isinstance(value, float) else value
        raise BadRating(f"{shown} isn't a score you can give: use 0.5 to 5 in half steps, like 4 or 4.5.")
    return score


def clean_comment(comment: str | None) -> str | None:
    if comment is None or not comment.strip():
        return None
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise BadRating(f"Your comment is {len(comment):,} characters long; the limit is {MAX_COMMENT:,}.")
    return comment


def when(timestamp: str) -> str:
    """A stored UTC timestamp as a Discord timestamp each member sees in their own time zone."""
    moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    return discord.utils.format_dt(moment, "R")


async def within_deadline(interaction: discord.Interaction, work: Awaitable[T]) -> T:
    """Run ``work``; if it is still going near Discord's 3-second limit, defer so the answer can follow."""
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.wait_for(asyncio.shield(task), _DEFER_AFTER)
    except TimeoutError:
        await interaction.response.defer(ephemeral=True, thinking=True)
        return await task


def comment_pages(show: Show, episode: int, comments: list[Rating], total: int) -> list[discord.Embed]:
    """Up to five comments a page, fewer when they are long, every one behind its own spoiler."""
    entries = []
    for rating in comments:
        flags = " · ⚠ spoilers" if rating.spoiler else ""
        head = (
            f"**{escape(shorten(rating.author_name, 32))}** · {rating.score.out_of(CRITIC_MAX)}"
            f"{flags} · {when(rating.updated_at)}"
        )
        entries.append(f"{head}\n{spoiler(rating.comment or '')}")
    pages: list[list[str]] = [[]]
    size = 0
    for entry in entries:
        if pages[-1] and (len(pages[-1]) == COMMENTS_PER_PAGE or size + len(entry) + 2 > _PAGE_CHARS):
            pages.append([])
            size = 0
        pages[-1].append(entry)
        size += len(entry) + 2
    shown = "" if total == len(comments) else f" (the newest {len(comments)} shown)"
    embeds = []
    for number, page in enumerate(pages, start=1):
        embed = discord.Embed(
            title=f"{show.title} · Episode {episode} · Comments",
            description="\n\n".join(page),
            colour=COLOUR,
        )
        noun = "comment" if total == 1 else "comments"
        embed.set_footer(
            text=f"{total} {noun} from this server{shown}, newest first · page {number}/{len(pages)}"
        )
        embeds.append(embed)
    return embeds


class ReviewModal(discord.ui.Modal):
    """Score, comment and a spoiler choice in one form, prefilled with the member's current rating."""

    def __init__(self, cog: Community, show: Show, episode: int, current: Rating | None) -> None:
        super().__init__(title=shorten(f"Review: {show.title} ep. {episode}", 45), timeout=900)
        self.cog = cog
        self.show = show
        self.episode = episode
        self.score: discord.ui.TextInput[ReviewModal] = discord.ui.TextInput(
            label="Score (0.5 to 5, in half steps)",
            custom_id="score",
            placeholder="4.5",
            default=str(current.score) if current else None,
            min_length=1,
            max_length=4,
        )
        self.comment: discord.ui.TextInput[ReviewModal] = discord.ui.TextInput(
            label="Comment (optional)",
            custom_id="comment",
            style=discord.TextStyle.paragraph,
            default=current.comment if current and current.comment else None,
            required=False,
            max_length=MAX_COMMENT,
        )
        spoils = bool(current and current.spoiler)
        self.spoilers: discord.ui.Select[ReviewModal] = discord.ui.Select(
            custom_id="spoilers",
            options=[
                discord.SelectOption(label="No spoilers", value="no", default=not spoils),
                discord.SelectOption(label="Contains spoilers", value="yes", default=spoils),
            ],
            min_values=1,
            max_values=1,
        )
        self.add_item(self.score)
        self.add_item(self.comment)
        self.add_item(discord.ui.Label(text="Does your comment contain spoilers?", component=self.spoilers))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.cog.save(
            interaction,
            self.show,
            self.episode,
            score=self.score.value,
            comment=self.comment.value,
            spoiler=self.spoilers.values == ["yes"],
            keep_comment=False,
        )

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await report_error(interaction, error)


class Community(commands.Cog):
    """Member ratings and comments, kept per server."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.writes = WriteCooldown(rate=5, per=10.0)

    async def _show(self, interaction: discord.Interaction, show: Show | None, episode: int) -> Show:
        assert interaction.guild_id is not None
        chosen = await show_or_default(self.store, interaction.guild_id, show)
        check_episode(chosen, episode)
        return chosen

    async def save(
        self,
        interaction: discord.Interaction,
        show: Show,
        episode: int,
        *,
        score: object,
        comment: str | None,
        spoiler: bool,
        keep_comment: bool,
    ) -> None:
        """Check, write, and only then confirm: the member never hears "saved" for an unsaved rating."""
        assert interaction.guild_id is not None
        parsed = parse_member_score(score)
        text = clean_comment(comment)
        self.writes.check(interaction)
        change = await within_deadline(
            interaction,
            self.store.save_rating(
                guild_id=interaction.guild_id,
                show_id=show.id,
                episode=episode,
                user_id=interaction.user.id,
                author_name=interaction.user.display_name,
                score=parsed,
                comment=text,
                spoiler=spoiler,
                keep_comment=keep_comment and text is None,
            ),
        )
        where = f"**{escape(show.title)}** episode {episode}"
        new = change.current.score.out_of(CRITIC_MAX)
        if change.previous is None:
            lines = [f"Saved your rating of **{new}** for {where}."]
        elif change.previous.score != change.current.score:
            old = change.previous.score.out_of(CRITIC_MAX)
            lines = [f"Updated your rating for {where} from {old} to **{new}**."]
        else:
            lines = [f"Your rating for {where} stays at **{new}**."]
        if text is not None:
            lines.append("Your comment is saved" + (", marked as containing spoilers." if spoiler else "."))
        elif change.current.comment and keep_comment:
            lines.append("Your earlier comment is kept.")
        lines.append(members_line(change.tally.average(), change.tally.ratings) + " in this server.")
        await send_private(interaction, "\n".join(lines))

    @app_commands.command(name="rate", description="Rate an episode from 0.5 to 5, with an optional comment")
    @app_commands.guild_only()
    @app_commands.describe(
        episode="Episode number, starting at 1",
        score="Your score from 0.5 to 5 in half steps, e.g. 4 or 4.5",
        comment="What you thought (up to 1,000 characters; shown behind a spoiler tag)",
        show="The show (defaults to this server's show)",
    )
    async def rate(
        self,
        interaction: discord.Interaction,
        episode: EpisodeNumber,
        score: MemberScore,
        comment: CommentText | None = None,
        show: ShowOption | None = None,
    ) -> None:
        chosen = await self._show(interaction, show, episode)
        await self.save(
            interaction, chosen, episode, score=score, comment=comment, spoiler=False, keep_comment=True
        )

    @app_commands.command(name="review", description="Rate an episode and write a longer comment in a form")
    @app_commands.guild_only()
    @app_commands.describe(
        episode="Episode number, starting at 1", show="The show (defaults to this server's show)"
    )
    async def review(
        self, interaction: discord.Interaction, episode: EpisodeNumber, show: ShowOption | None = None
    ) -> None:
        assert interaction.guild_id is not None
        chosen = await self._show(interaction, show, episode)
        current = await self.store.rating(interaction.guild_id, chosen.id, episode, interaction.user.id)
        await interaction.response.send_modal(ReviewModal(self, chosen, episode, current))

    @app_commands.command(name="comments", description="What members of this server said about an episode")
    @app_commands.guild_only()
    @app_commands.describe(
        episode="Episode number, starting at 1", show="The show (defaults to this server's show)"
    )
    async def comments(
        self, interaction: discord.Interaction, episode: EpisodeNumber, show: ShowOption | None = None
    ) -> None:
        assert interaction.guild_id is not None
        chosen = await self._show(interaction, show, episode)
        found = await self.store.comments(
            interaction.guild_id, chosen.id, episode, limit=MAX_COMMENTS_SHOWN, offset=0
        )
        if not found:
            await send_private(
                interaction, f"No comments on **{escape(chosen.title)}** episode {episode} here yet."
            )
            return
        total = await self.store.comment_count(interaction.guild_id, chosen.id, episode)
        await Paginator.send(interaction, comment_pages(chosen, episode, found, total))

    @app_commands.command(name="myratings", description="Your own ratings and comments in this server")
    @app_commands.guild_only()
    @app_commands.describe(show="Only this show (all shows when left out)")
    async def myratings(self, interaction: discord.Interaction, show: ShowOption | None = None) -> None:
        assert interaction.guild_id is not None
        mine = await self.store.member_ratings(
            interaction.guild_id, interaction.user.id, show.id if show else None
        )
        if not mine:
            where = f" for **{escape(show.title)}**" if show else ""
            await send_private(
                interaction, f"You haven't rated anything{where} in this server yet. Try `/rate`."
            )
            return
        lines = []
        for item in mine:
            rating = item.rating
            line = f"**{escape(item.show_title)}** · Ep {rating.episode} · {rating.score.out_of(CRITIC_MAX)}"
            if rating.comment:
                line += f"\n> {escape(shorten(' '.join(rating.comment.split()), 90))}"
            lines.append(line)
        pages = []
        for start in range(0, len(lines), RATINGS_PER_PAGE):
            embed = discord.Embed(
                title="Your ratings in this server",
                description="\n".join(lines[start : start + RATINGS_PER_PAGE]),
                colour=COLOUR,
            )
            embed.set_footer(text=f"{len(mine)} ratings · only you can see this")
            pages.append(embed)
        await Paginator.send(interaction, pages, ephemeral=True)

    @app_commands.command(name="unrate", description="Delete your rating and comment for an episode")
    @app_commands.guild_only()
    @app_commands.describe(
        episode="Episode number, starting at 1", show="The show (defaults to this server's show)"
    )
    async def unrate(
        self, interaction: discord.Interaction, episode: EpisodeNumber, show: ShowOption | None = None
    ) -> None:
        assert interaction.guild_id is not None
        chosen = await self._show(interaction, show, episode)
        self.writes.check(interaction)
        removed = await within_deadline(
            interaction,
            self.store.delete_rating(interaction.guild_id, chosen.id, episode, interaction.user.id),
        )
        where = f"**{escape(chosen.title)}** episode {episode}"
        if removed is None:
            await send_private(interaction, f"You haven't rated {where}, so there was nothing to delete.")
            return
        extra = " and your comment" if removed.comment else ""
        await send_private(
            interaction, f"Deleted your {removed.score.out_of(CRITIC_MAX)} rating{extra} for {where}."
        )


async def setup(bot: DramaBot) -> None:
    await bot.add_cog(Community(bot.store))
