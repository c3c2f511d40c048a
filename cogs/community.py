"""What the server's members think: /rate, /review, /comments, /myratings, /unrate, /uncomment."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.context import DramaInteraction, guild_id
from bot.errors import BadValue, NothingYet, UserFacingError
from bot.markdown import escape, shorten, spoiler
from bot.options import (
    MEMBER,
    EpisodeNumber,
    MemberScore,
    ShowOption,
    check_episode,
    paragraph,
    parse_score,
    show_or_default,
)
from bot.pages import Pages, chunk, expect_args, send_pages
from bot.present import COLOUR_COMMUNITY, members_line, when
from bot.replies import in_time, send_private
from bot.scores import Score
from bot.spoilers import send_guard
from bot.store import Rating, Show, Store
from bot.store.models import CRITIC_MAX
from bot.text import t
from bot.ui import Form
from bot.write_cooldown import WriteCooldown

if TYPE_CHECKING:
    from bot.bot import DramaBot

MAX_COMMENT = 1000
COMMENTS_PER_PAGE = 5
RATINGS_PER_PAGE = 10
# The newest comments are read into pages; the footer counts every one.
MAX_COMMENTS_SHOWN = 500
# Discord's embed description limit is 4096 characters; escaped comments can double in length.
_PAGE_CHARS = 3900
# The store keeps display names of up to 100 characters (Discord's are shorter).
_MAX_AUTHOR = 100

COMMENTS_PAGER = "comments"
MINE_PAGER = "mine"
# The comments a member chose to see past their progress: their own pages, never guarded again.
REVEALED_PAGER = "revealed"
REVEAL_COMMENTS = "comments"

CommentText = app_commands.Range[str, 1, MAX_COMMENT]


def clean_comment(comment: str | None, *, field: str) -> str | None:
    if comment is None:
        return None
    return paragraph(comment, name=field, limit=MAX_COMMENT)


def author_name(interaction: discord.Interaction) -> str:
    name = (
        " ".join(interaction.user.display_name.split()) or interaction.user.name or str(interaction.user.id)
    )
    # Half an emoji (a lone surrogate) in a nickname cannot be stored as UTF-8; the member did not
    # choose it for this command, so their rating is kept under the name with "�" in its place.
    name = "".join("\ufffd" if "\ud800" <= char <= "\udfff" else char for char in name)
    return shorten(name, _MAX_AUTHOR)


class CommentPages:
    """Up to five comments a page, fewer when they are long, every one behind its own spoiler."""

    def __init__(self, show: Show, episode: int, comments: list[Rating], total: int) -> None:
        self.show = show
        self.episode = episode
        self.total = total
        self.shown = len(comments)
        entries = []
        for rating in comments:
            flags = t("comments.spoiler_flag") if rating.spoiler else ""
            head = t(
                "comments.head",
                name=escape(shorten(rating.author_name, 32)),
                score=rating.score.out_of(CRITIC_MAX),
                flags=flags,
                when=when(rating.updated_at),
            )
            entries.append(f"{head}\n{spoiler(rating.comment or '')}")
        self.pages = chunk(entries, max_chars=_PAGE_CHARS, per_page=COMMENTS_PER_PAGE, gap="\n\n")

    def render(self, index: int, count: int) -> discord.Embed:
        embed = discord.Embed(
            title=t("comments.title", title=self.show.title, episode=self.episode),
            description=self.pages[index],
            colour=COLOUR_COMMUNITY,
        )
        key = "comments.footer" if self.total == self.shown else "comments.footer_newest"
        embed.set_footer(text=t(key, count=self.total, shown_count=self.shown, page=index + 1, pages=count))
        return embed


class ReviewForm(Form):
    """Score, comment and a spoiler choice in one form, prefilled with the member's current rating."""

    def __init__(self, cog: Community, show: Show, episode: int, current: Rating | None) -> None:
        super().__init__(title=shorten(t("review.form_title", title=show.title, episode=episode), 45))
        self.cog = cog
        self.show = show
        self.episode = episode
        self.score: discord.ui.TextInput[ReviewForm] = discord.ui.TextInput(
            custom_id="score",
            placeholder="4.5",
            default=str(current.score) if current else None,
            min_length=1,
            max_length=4,
        )
        self.comment: discord.ui.TextInput[ReviewForm] = discord.ui.TextInput(
            custom_id="comment",
            style=discord.TextStyle.paragraph,
            default=current.comment if current and current.comment else None,
            required=False,
            max_length=MAX_COMMENT,
        )
        spoils = bool(current and current.spoiler)
        self.spoilers: discord.ui.Select[ReviewForm] = discord.ui.Select(
            custom_id="spoilers",
            options=[
                discord.SelectOption(label=t("review.no_spoilers"), value="no", default=not spoils),
                discord.SelectOption(label=t("review.contains_spoilers"), value="yes", default=spoils),
            ],
            min_values=1,
            max_values=1,
        )
        self.add_field(t("review.score_label"), self.score)
        self.add_field(t("review.comment_label"), self.comment)
        self.add_field(t("review.spoiler_question"), self.spoilers)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        if self.spoilers.values not in (["no"], ["yes"]):
            raise BadValue("review.bad_spoiler_choice")
        spoils = self.spoilers.values == ["yes"]
        comment = clean_comment(self.comment.value, field=t("review.comment_label"))
        if spoils and comment is None:
            raise BadValue("review.spoiler_without_comment")
        await self.cog.save(
            interaction,
            self.show,
            self.episode,
            score=parse_score(self.score.value, MEMBER),
            comment=comment,
            spoiler=spoils,
            keep_comment=False,
        )


class Community(commands.Cog):
    """Member ratings and comments, kept per server."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.writes = WriteCooldown(rate=5, per=10.0)

    async def _show(self, interaction: discord.Interaction, show: Show | None, episode: int) -> Show:
        chosen = await show_or_default(self.store, guild_id(interaction), show)
        check_episode(chosen, episode)
        return chosen

    async def save(
        self,
        interaction: discord.Interaction,
        show: Show,
        episode: int,
        *,
        score: Score,
        comment: str | None,
        spoiler: bool,
        keep_comment: bool,
    ) -> None:
        """Write, and only then confirm: the member never hears "saved" for an unsaved rating."""
        guild = guild_id(interaction)
        self.writes.check(interaction)
        change = await in_time(
            interaction,
            self.store.save_rating(
                guild_id=guild,
                show_id=show.id,
                episode=episode,
                user_id=interaction.user.id,
                author_name=author_name(interaction),
                score=score,
                comment=comment,
                spoiler=spoiler,
                keep_comment=keep_comment and comment is None,
            ),
            defer_now=self.store.writes_failing,
        )
        where = t("rating.where", title=escape(show.title), episode=episode)
        new = change.current.score.out_of(CRITIC_MAX)
        if change.previous is None:
            lines = [t("rating.saved", score=new, where=where)]
        elif change.previous.score != change.current.score:
            lines = [
                t("rating.updated", old=change.previous.score.out_of(CRITIC_MAX), score=new, where=where)
            ]
        else:
            lines = [t("rating.unchanged", score=new, where=where)]
        if comment is not None:
            lines.append(t("rating.comment_saved_spoilers" if spoiler else "rating.comment_saved"))
        elif change.current.comment and keep_comment:
            lines.append(t("rating.comment_kept"))
        lines.append(t("rating.in_this_server", members=members_line(change.tally)))
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
        interaction: DramaInteraction,
        episode: EpisodeNumber,
        score: MemberScore,
        comment: CommentText | None = None,
        show: ShowOption | None = None,
    ) -> None:
        chosen = await self._show(interaction, show, episode)
        text = clean_comment(comment, field="comment")
        await self.save(
            interaction, chosen, episode, score=score, comment=text, spoiler=False, keep_comment=True
        )

    @app_commands.command(name="review", description="Rate an episode and write a longer comment in a form")
    @app_commands.guild_only()
    @app_commands.describe(
        episode="Episode number, starting at 1", show="The show (defaults to this server's show)"
    )
    async def review(
        self, interaction: DramaInteraction, episode: EpisodeNumber, show: ShowOption | None = None
    ) -> None:
        chosen = await self._show(interaction, show, episode)
        current = await self.store.rating(guild_id(interaction), chosen.id, episode, interaction.user.id)
        await interaction.response.send_modal(ReviewForm(self, chosen, episode, current))

    @app_commands.command(name="comments", description="What members of this server said about an episode")
    @app_commands.guild_only()
    @app_commands.describe(
        episode="Episode number, starting at 1", show="The show (defaults to this server's show)"
    )
    async def comments(
        self, interaction: DramaInteraction, episode: EpisodeNumber, show: ShowOption | None = None
    ) -> None:
        chosen = await self._show(interaction, show, episode)
        view = await self.store.spoiler_view(guild_id(interaction), chosen.id, interaction.user.id)
        if view.hides(episode):
            assert view.entry is not None
            await send_guard(interaction, REVEAL_COMMENTS, chosen, episode, view.entry.progress)
            return
        pages = await self._comment_pages(interaction, chosen, episode)
        await send_pages(interaction, COMMENTS_PAGER, (chosen.id, episode), pages)

    async def comment_pages(self, interaction: discord.Interaction, args: tuple[int, ...]) -> Pages:
        """The comments as they are now, for a page turn: the show is looked up again by id."""
        show, episode = await self._comment_args(interaction, args)
        view = await self.store.spoiler_view(guild_id(interaction), show.id, interaction.user.id)
        if view.hides(episode):
            # The member moved their progress back since: these pages may no longer show it.
            raise UserFacingError("spoiler.moved_back", episode=episode)
        return await self._comment_pages(interaction, show, episode)

    async def revealed_pages(self, interaction: discord.Interaction, args: tuple[int, ...]) -> Pages:
        """Comments the member chose to see with Show anyway, for a page turn of their private list."""
        show, episode = await self._comment_args(interaction, args)
        return await self._comment_pages(interaction, show, episode)

    async def reveal_comments(self, interaction: discord.Interaction, show_id: int, episode: int) -> None:
        """Show anyway: the comments, to the member alone, each still behind its spoiler tag."""
        show, episode = await self._comment_args(interaction, (show_id, episode))
        pages = await self._comment_pages(interaction, show, episode)
        await send_pages(interaction, REVEALED_PAGER, (show.id, episode), pages, ephemeral=True)

    async def _comment_args(
        self, interaction: discord.Interaction, args: tuple[int, ...]
    ) -> tuple[Show, int]:
        show_id, episode = expect_args(args, 2)
        show = await self.store.visible_show(guild_id(interaction), show_id)
        if show is None:
            raise UserFacingError("error.show_gone")
        check_episode(show, episode)
        return show, episode

    async def _comment_pages(self, interaction: discord.Interaction, show: Show, episode: int) -> Pages:
        guild = guild_id(interaction)
        found = await self.store.comments(guild, show.id, episode, limit=MAX_COMMENTS_SHOWN, offset=0)
        if not found:
            raise NothingYet("comments.none", title=escape(show.title), episode=episode)
        total = await self.store.comment_count(guild, show.id, episode)
        pages = CommentPages(show, episode, found, total)
        return Pages(len(pages.pages), pages.render)

    @app_commands.command(name="myratings", description="Your own ratings and comments in this server")
    @app_commands.guild_only()
    @app_commands.describe(show="Only this show (all shows when left out)")
    async def myratings(self, interaction: DramaInteraction, show: ShowOption | None = None) -> None:
        pages = await self._my_pages(interaction, show)
        await send_pages(interaction, MINE_PAGER, (show.id if show else 0,), pages, ephemeral=True)

    async def my_pages(self, interaction: discord.Interaction, args: tuple[int, ...]) -> Pages:
        """The member's ratings as they are now, for a page turn (show id 0: every show)."""
        (show_id,) = expect_args(args, 1)
        show = None
        if show_id:
            show = await self.store.visible_show(guild_id(interaction), show_id)
            if show is None:
                raise UserFacingError("error.show_gone")
        return await self._my_pages(interaction, show)

    async def _my_pages(self, interaction: discord.Interaction, show: Show | None) -> Pages:
        mine = await self.store.member_ratings(
            guild_id(interaction), interaction.user.id, show.id if show else None
        )
        if not mine:
            key = "myratings.none_for_show" if show else "myratings.none"
            raise NothingYet(key, title=escape(show.title) if show else "")
        lines = []
        for item in mine:
            rating = item.rating
            line = t(
                "myratings.line",
                title=escape(item.show_title),
                episode=rating.episode,
                score=rating.score.out_of(CRITIC_MAX),
            )
            if rating.comment:
                line += f"\n> {escape(shorten(' '.join(rating.comment.split()), 90))}"
            lines.append(line)
        pages = chunk(lines, per_page=RATINGS_PER_PAGE)

        def render(index: int, count: int) -> discord.Embed:
            embed = discord.Embed(
                title=t("myratings.title"), description=pages[index], colour=COLOUR_COMMUNITY
            )
            embed.set_footer(text=t("myratings.footer", count=len(mine)))
            return embed

        return Pages(len(pages), render)

    @app_commands.command(name="unrate", description="Delete your rating and comment for an episode")
    @app_commands.guild_only()
    @app_commands.describe(
        episode="Episode number, starting at 1", show="The show (defaults to this server's show)"
    )
    async def unrate(
        self, interaction: DramaInteraction, episode: EpisodeNumber, show: ShowOption | None = None
    ) -> None:
        guild = guild_id(interaction)
        chosen = await self._show(interaction, show, episode)
        self.writes.check(interaction)
        removed = await in_time(
            interaction,
            self.store.delete_rating(guild, chosen.id, episode, interaction.user.id),
            defer_now=self.store.writes_failing,
        )
        where = t("rating.where", title=escape(chosen.title), episode=episode)
        if removed is None:
            await send_private(interaction, t("unrate.nothing", where=where))
            return
        key = "unrate.done_with_comment" if removed.comment else "unrate.done"
        await send_private(interaction, t(key, score=removed.score.out_of(CRITIC_MAX), where=where))

    @app_commands.command(
        name="uncomment", description="Remove your comment on an episode and keep your score"
    )
    @app_commands.guild_only()
    @app_commands.describe(
        episode="Episode number, starting at 1", show="The show (defaults to this server's show)"
    )
    async def uncomment(
        self, interaction: DramaInteraction, episode: EpisodeNumber, show: ShowOption | None = None
    ) -> None:
        guild = guild_id(interaction)
        chosen = await self._show(interaction, show, episode)
        self.writes.check(interaction)
        kept = await in_time(
            interaction,
            self.store.remove_own_comment(guild, chosen.id, episode, interaction.user.id),
            defer_now=self.store.writes_failing,
        )
        where = t("rating.where", title=escape(chosen.title), episode=episode)
        if kept is None:
            await send_private(interaction, t("uncomment.nothing", where=where))
            return
        await send_private(interaction, t("uncomment.done", where=where, score=kept.score.out_of(CRITIC_MAX)))


async def setup(bot: DramaBot) -> None:
    community = Community(bot.store)
    await bot.add_cog(community)
    bot.buttons.add_pager(COMMENTS_PAGER, community.comment_pages)
    bot.buttons.add_pager(MINE_PAGER, community.my_pages)
    bot.buttons.add_pager(REVEALED_PAGER, community.revealed_pages)
    bot.buttons.add_reveal(REVEAL_COMMENTS, community.reveal_comments)
