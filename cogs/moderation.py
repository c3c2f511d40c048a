"""Moderators remove members' comments; every removal is recorded and can be listed: /moderate."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.context import DramaInteraction, guild_id
from bot.errors import BadValue, NotAllowed, NothingYet
from bot.markdown import escape, shorten
from bot.options import EpisodeNumber, ShowOption, check_episode, one_line, show_or_default
from bot.pages import Pages, chunk, expect_args, send_pages
from bot.present import COLOUR_ADMIN, when
from bot.replies import in_time, send_private
from bot.store import Store
from bot.text import t

if TYPE_CHECKING:
    from bot.bot import DramaBot

log = logging.getLogger(__name__)

Reason = app_commands.Range[str, 1, 200]
REMOVALS_PER_PAGE = 10
# The log reads the newest removals; the footer counts every one.
MAX_REMOVALS_SHOWN = 500
PAGER = "modlog"


def require_moderator(interaction: discord.Interaction) -> None:
    """Manage Messages, as the member holds it now: at the command and at every page turn."""
    guild_id(interaction)
    if not interaction.permissions.manage_messages:
        raise NotAllowed("moderate.not_allowed")


@app_commands.guild_only()
@app_commands.default_permissions(manage_messages=True)
class Moderation(
    commands.GroupCog,
    group_name="moderate",
    group_description="Moderate members' comments (Manage Messages)",
):
    """Comment moderation for members with Manage Messages, checked again on every use."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        require_moderator(interaction)
        return True

    @app_commands.command(name="remove-comment", description="Remove a member's comment on an episode")
    @app_commands.describe(
        member="Whose comment to remove",
        episode="Episode number the comment is on",
        show="The show (defaults to this server's show)",
        reason="Why, for the moderation log (up to 200 characters)",
    )
    async def remove_comment(
        self,
        interaction: DramaInteraction,
        member: discord.User,
        episode: EpisodeNumber,
        show: ShowOption | None = None,
        reason: Reason | None = None,
    ) -> None:
        guild = guild_id(interaction)
        if not isinstance(member, discord.User | discord.Member):
            raise BadValue("option.unresolved", name="member")
        chosen = await show_or_default(self.store, guild, show)
        check_episode(chosen, episode)
        why = one_line(reason, name="reason", limit=200) if reason is not None else None
        removal = await in_time(
            interaction,
            self.store.remove_comment(
                guild_id=guild,
                show_id=chosen.id,
                episode=episode,
                author_id=member.id,
                moderator_id=interaction.user.id,
                reason=why,
            ),
            defer_now=self.store.writes_failing,
        )
        where = t("rating.where", title=escape(chosen.title), episode=episode)
        name = escape(member.display_name)
        if removal is None:
            await send_private(interaction, t("moderate.nothing", name=name, where=where))
            return
        log.info(
            "Moderator %s removed the comment of %s on show %s episode %s in guild %s (removal %s)",
            interaction.user.id,
            member.id,
            chosen.id,
            episode,
            guild,
            removal.id,
        )
        await send_private(interaction, t("moderate.removed", name=name, where=where, id=removal.id))

    @app_commands.command(name="log", description="The comment removals in this server, newest first")
    async def log_(self, interaction: DramaInteraction) -> None:
        await send_pages(interaction, PAGER, (), await self.log_pages(interaction, ()), ephemeral=True)

    async def log_pages(self, interaction: discord.Interaction, args: tuple[int, ...]) -> Pages:
        """The log as it is now, for the command and for every page turn (rights checked again)."""
        expect_args(args, 0)
        require_moderator(interaction)
        guild = guild_id(interaction)
        removals = await self.store.comment_removals(guild, limit=MAX_REMOVALS_SHOWN)
        if not removals:
            raise NothingYet("moderate.log_empty")
        total = await self.store.comment_removal_count(guild)
        titles = await self.store.show_titles(removal.show_id for removal in removals)
        lines = []
        for removal in removals:
            title = titles.get(removal.show_id)
            reason = t("moderate.log_reason", reason=escape(removal.reason)) if removal.reason else ""
            lines.append(
                t(
                    "moderate.log_line",
                    id=removal.id,
                    moderator=(
                        f"<@{removal.moderator_id}>"
                        if removal.moderator_id is not None
                        else t("moderate.forgotten_moderator")
                    ),
                    author=f"<@{removal.author_id}>",
                    title=escape(title) if title else t("moderate.deleted_show"),
                    episode=removal.episode,
                    reason=reason,
                    when=when(removal.removed_at),
                )
                + f"\n> {escape(shorten(' '.join(removal.comment.split()), 80))}"
            )
        pages = chunk(lines, per_page=REMOVALS_PER_PAGE)

        def render(index: int, count: int) -> discord.Embed:
            embed = discord.Embed(
                title=t("moderate.log_title"), description=pages[index], colour=COLOUR_ADMIN
            )
            embed.set_footer(text=t("moderate.log_footer", count=total, page=index + 1, pages=count))
            return embed

        return Pages(len(pages), render)


async def setup(bot: DramaBot) -> None:
    moderation = Moderation(bot.store)
    await bot.add_cog(moderation)
    bot.buttons.add_pager(PAGER, moderation.log_pages)
