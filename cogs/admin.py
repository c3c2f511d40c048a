"""Server admins and curators manage their shows: /show, /episode, /settings, and /shows for everyone."""

from __future__ import annotations

import io
import logging
import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.confirm import Confirm
from bot.errors import UserFacingError
from bot.markdown import escape, shorten
from bot.paginator import Paginator
from bot.review_page import parse_upload
from bot.scores import Score, ScoreError, format_average
from bot.show_option import EpisodeNumber, ShowOption, check_episode
from bot.showfile import (
    MAX_NAME,
    MAX_SUMMARY,
    MAX_UPLOAD,
    MAX_VERDICT_TEXT,
    ShowFileError,
    dump_show_document,
)
from bot.store import Show, ShowSpec, Store
from bot.store.models import CRITIC_MAX, VERDICT_MAX
from bot.tree import report_error

if TYPE_CHECKING:
    from bot.bot import DramaBot

log = logging.getLogger(__name__)

COLOUR = discord.Colour(0xF2A541)
SHOWS_PER_PAGE = 10
MANAGE_SERVER = discord.Permissions(manage_guild=True)

Title = app_commands.Range[str, 1, MAX_NAME]
Network = app_commands.Range[str, 1, 50]
Year = app_commands.Range[int, 1900, 2100]
Season = app_commands.Range[int, 1, 100]
EpisodeCount = app_commands.Range[int, 1, 500]
CriticScore = app_commands.Range[float, 0.0, 5.0]
VerdictScore = app_commands.Range[float, 0.0, 10.0]
VerdictText = app_commands.Range[str, 1, MAX_VERDICT_TEXT]


class NotShowAdmin(UserFacingError):
    pass


def _store(interaction: discord.Interaction) -> Store:
    client: DramaBot = interaction.client  # type: ignore[assignment]
    return client.store


async def is_show_admin(interaction: discord.Interaction) -> bool:
    """Manage Server, or the server's curator role. Checked on every call, whatever Discord shows."""
    member = interaction.user
    if interaction.guild_id is None or not isinstance(member, discord.Member):
        raise app_commands.NoPrivateMessage()
    if interaction.permissions.manage_guild:
        return True
    settings = await _store(interaction).guild_settings(interaction.guild_id)
    if settings.curator_role_id is not None and any(
        role.id == settings.curator_role_id for role in member.roles
    ):
        return True
    raise NotShowAdmin(
        "Only members with Manage Server or this server's curator role can manage shows. Nothing was changed."
    )


def parse_score(value: float, maximum: int, what: str) -> Score:
    try:
        return Score.parse(f"{value:g}", maximum=maximum)
    except ScoreError as exc:
        raise UserFacingError(f"{what}: {exc}. Use 0 to {maximum} in half steps, like 3 or 3.5.") from None


def own_show(show: Show) -> Show:
    """Refuse catalog shows for writes, pointing at /show copy."""
    if show.is_catalog:
        raise UserFacingError(
            f"**{escape(show.title)}** is part of the bundled catalog and can't be changed here. "
            "Use `/show copy` to give this server its own copy to edit."
        )
    return show


def describe_show(show: Show) -> str:
    facts = [show.kind, show.network, str(show.year) if show.year else None]
    if show.season > 1:
        facts.append(f"season {show.season}")
    facts.append(f"{show.episode_count} episodes")
    return " · ".join(fact for fact in facts if fact)


def preview_embed(spec: ShowSpec, existing: Show | None, lost: Any) -> discord.Embed:
    embed = discord.Embed(title=f"Import preview: {spec.title}", colour=COLOUR)
    lines = [f"Season {spec.season} · {spec.episode_count} episodes"]
    if spec.verdict is not None:
        lines.append(f"Verdict: **{spec.verdict.out_of(VERDICT_MAX)}**")
    if existing is not None:
        lines.append(
            f"Replaces this server's **{escape(existing.title)}** ({existing.episode_count} episodes)."
        )
        if lost.ratings or lost.comments:
            lines.append(
                f"⚠ {lost.ratings} member ratings and {lost.comments} comments on episodes past "
                f"{spec.episode_count} will be deleted. Ratings of the other episodes are kept."
            )
        else:
            lines.append("Member ratings are kept.")
    embed.description = "\n".join(lines)
    scores = [f"{e.number}: {e.critic_score}" for e in spec.episodes if e.critic_score is not None]
    if scores:
        text = ", ".join(scores)
        embed.add_field(name="Episode scores (out of 5)", value=shorten(text, 1024), inline=False)
    embed.set_footer(text="Nothing is written until you press Confirm.")
    return embed


class VerdictModal(discord.ui.Modal):
    def __init__(self, show: Show, score: Score) -> None:
        super().__init__(title=shorten(f"Verdict: {show.title}", 45))
        self.show = show
        self.score = score
        self.text: discord.ui.TextInput[VerdictModal] = discord.ui.TextInput(
            label="Verdict text",
            custom_id="text",
            style=discord.TextStyle.paragraph,
            default=show.verdict_text,
            required=False,
            max_length=MAX_VERDICT_TEXT,
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await is_show_admin(interaction)
        assert interaction.guild_id is not None
        text = self.text.value.strip() or None
        await _store(interaction).set_verdict(interaction.guild_id, self.show.id, self.score, text)
        await interaction.response.send_message(
            f"Verdict for **{escape(self.show.title)}** set to **{self.score.out_of(VERDICT_MAX)}**.",
            ephemeral=True,
        )

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await report_error(interaction, error)


class SummaryModal(discord.ui.Modal):
    """The series summary, or one episode's when ``episode`` is given."""

    def __init__(self, show: Show, current: str | None, episode: int | None = None) -> None:
        what = f"ep. {episode} summary" if episode else "summary"
        super().__init__(title=shorten(f"{show.title}: {what}", 45))
        self.show = show
        self.episode = episode
        self.text: discord.ui.TextInput[SummaryModal] = discord.ui.TextInput(
            label="Summary (shown behind a spoiler tag)",
            custom_id="summary",
            style=discord.TextStyle.paragraph,
            default=current,
            required=False,
            max_length=MAX_SUMMARY,
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await is_show_admin(interaction)
        assert interaction.guild_id is not None
        text = self.text.value.strip() or None
        store = _store(interaction)
        if self.episode is None:
            await store.set_show_summary(interaction.guild_id, self.show.id, text)
            where = f"**{escape(self.show.title)}**"
        else:
            await store.set_episode_summary(interaction.guild_id, self.show.id, self.episode, text)
            where = f"**{escape(self.show.title)}** episode {self.episode}"
        done = "saved" if text else "cleared"
        await interaction.response.send_message(f"Summary for {where} {done}.", ephemeral=True)

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await report_error(interaction, error)


class Admin(commands.Cog):
    """Shows a server owns: adding, editing, importing, exporting and removing them."""

    def __init__(self, store: Store) -> None:
        self.store = store

    show = app_commands.Group(
        name="show",
        description="Manage this server's shows (Manage Server or curators)",
        guild_only=True,
        default_permissions=MANAGE_SERVER,
    )
    episode = app_commands.Group(
        name="episode",
        description="Set critic scores, titles and summaries of episodes (Manage Server or curators)",
        guild_only=True,
        default_permissions=MANAGE_SERVER,
    )
    settings = app_commands.Group(
        name="settings",
        description="Server settings for dramabot (Manage Server)",
        guild_only=True,
        default_permissions=MANAGE_SERVER,
    )

    # -- /show ------------------------------------------------------------------------

    @show.command(name="add", description="Add a show to this server")
    @app_commands.check(is_show_admin)
    @app_commands.describe(
        title="The show's title (unique in this server)",
        episodes="How many episodes it has (1–500)",
        original_title="The title in its original language, e.g. 런 온",
        year="The year it first aired",
        network="Where it aired, e.g. JTBC",
        season="Which season this is (a second season is its own show)",
    )
    async def show_add(
        self,
        interaction: discord.Interaction,
        title: Title,
        episodes: EpisodeCount,
        original_title: Title | None = None,
        year: Year | None = None,
        network: Network | None = None,
        season: Season = 1,
    ) -> None:
        assert interaction.guild_id is not None
        spec = ShowSpec(
            title=_required_text(title, "title"),
            episode_count=episodes,
            original_title=_optional_text(original_title),
            year=year,
            network=_optional_text(network),
            season=season,
        )
        created = await self.store.create_show(interaction.guild_id, spec)
        await interaction.response.send_message(
            f"Added **{escape(created.title)}** ({describe_show(created)}). "
            "Set scores with `/episode set` and a verdict with `/show verdict`.",
            ephemeral=True,
        )

    @show.command(name="edit", description="Change a show's details; only the options you give change")
    @app_commands.check(is_show_admin)
    @app_commands.describe(
        show="The show to change",
        title="New title",
        original_title="New original title (type - to clear)",
        year="New year",
        network="New network (type - to clear)",
        episodes="New episode count (1–500)",
        aliases="Other names, separated by commas (type - to clear)",
    )
    async def show_edit(
        self,
        interaction: discord.Interaction,
        show: ShowOption,
        title: Title | None = None,
        original_title: Title | None = None,
        year: Year | None = None,
        network: Network | None = None,
        episodes: EpisodeCount | None = None,
        aliases: app_commands.Range[str, 1, 500] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        own_show(show)
        changes: dict[str, Any] = {}
        if title is not None:
            changes["title"] = _required_text(title, "title")
        if original_title is not None:
            changes["original_title"] = _clearable(original_title)
        if year is not None:
            changes["year"] = year
        if network is not None:
            changes["network"] = _clearable(network)
        if episodes is not None:
            changes["episode_count"] = episodes
        if aliases is not None:
            cleared = _clearable(aliases)
            names = [] if cleared is None else [a.strip() for a in cleared.split(",") if a.strip()]
            if any(len(name) > MAX_NAME for name in names):
                raise UserFacingError(f"Each alias can be at most {MAX_NAME} characters.")
            changes["aliases"] = tuple(names)
        if not changes:
            raise UserFacingError("Nothing to change: give at least one option besides `show`.")
        updated = await self.store.update_show(interaction.guild_id, show.id, **changes)
        await interaction.response.send_message(
            f"Updated **{escape(updated.title)}** ({describe_show(updated)}).", ephemeral=True
        )

    @show.command(name="verdict", description="Set a show's verdict out of 10 (text in a form if left out)")
    @app_commands.check(is_show_admin)
    @app_commands.describe(
        show="The show", score="The verdict from 0 to 10 in half steps", text="The verdict text"
    )
    async def show_verdict(
        self,
        interaction: discord.Interaction,
        show: ShowOption,
        score: VerdictScore,
        text: VerdictText | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        own_show(show)
        verdict = parse_score(score, VERDICT_MAX, "Verdict")
        if text is None:
            await interaction.response.send_modal(VerdictModal(show, verdict))
            return
        await self.store.set_verdict(interaction.guild_id, show.id, verdict, text.strip() or None)
        await interaction.response.send_message(
            f"Verdict for **{escape(show.title)}** set to **{verdict.out_of(VERDICT_MAX)}**.", ephemeral=True
        )

    @show.command(name="summary", description="Write the series summary in a form")
    @app_commands.check(is_show_admin)
    @app_commands.describe(show="The show")
    async def show_summary(self, interaction: discord.Interaction, show: ShowOption) -> None:
        own_show(show)
        await interaction.response.send_modal(SummaryModal(show, show.summary))

    @show.command(name="copy", description="Copy a catalog show into this server so it can be edited")
    @app_commands.check(is_show_admin)
    @app_commands.describe(show="The catalog show to copy")
    async def show_copy(self, interaction: discord.Interaction, show: ShowOption) -> None:
        assert interaction.guild_id is not None
        if not show.is_catalog:
            raise UserFacingError(f"**{escape(show.title)}** already belongs to this server.")
        copy = await self.store.copy_catalog_show(interaction.guild_id, show.id)
        await interaction.response.send_message(
            f"Copied **{escape(copy.title)}** into this server. Commands now use this server's copy; "
            "member ratings of the catalog version stay with it.",
            ephemeral=True,
        )

    @show.command(name="remove", description="Delete one of this server's shows, after you confirm")
    @app_commands.check(is_show_admin)
    @app_commands.describe(show="The show to delete")
    async def show_remove(self, interaction: discord.Interaction, show: ShowOption) -> None:
        assert interaction.guild_id is not None
        own_show(show)
        footprint = await self.store.show_footprint(interaction.guild_id, show.id)
        title = escape(show.title)
        guild_id = interaction.guild_id

        async def remove(_: discord.Interaction) -> str:
            gone = await self.store.delete_show(guild_id, show.id)
            log.info("Guild %s removed show %s (%s ratings)", guild_id, show.id, gone.ratings)
            return f"Deleted **{title}** with {gone.ratings} ratings and {gone.comments} comments."

        view = Confirm(
            interaction.user.id,
            remove,
            cancelled=f"Kept **{title}**; nothing was deleted.",
            expired=f"No answer in time: **{title}** was kept.",
        )
        await interaction.response.send_message(
            f"Delete **{title}** ({show.episode_count} episodes) with its {footprint.ratings} member "
            f"ratings and {footprint.comments} comments? This cannot be undone.",
            view=view,
            ephemeral=True,
        )
        view.message = await interaction.original_response()

    @show.command(name="default", description="The show commands use when the show option is left out")
    @app_commands.check(is_show_admin)
    @app_commands.describe(show="The show to use by default")
    async def show_default(self, interaction: discord.Interaction, show: ShowOption) -> None:
        assert interaction.guild_id is not None
        await self.store.set_default_show(interaction.guild_id, show.id)
        await interaction.response.send_message(
            f"**{escape(show.title)}** is now this server's default show.", ephemeral=True
        )

    @show.command(
        name="import", description="Import a show from a JSON file or a review page, with a preview"
    )
    @app_commands.check(is_show_admin)
    @app_commands.describe(
        file="A .json show file (as /show export makes) or a plain-text review page, up to 256 KiB",
        replace="Update this server's show of the same title (member ratings of kept episodes stay)",
    )
    async def show_import(
        self, interaction: discord.Interaction, file: discord.Attachment, replace: bool = False
    ) -> None:
        assert interaction.guild_id is not None
        guild_id = interaction.guild_id
        if file.size > MAX_UPLOAD:
            raise UserFacingError(f"The file is {file.size // 1024} KiB; the limit is 256 KiB.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            spec = parse_upload(await file.read())
        except ShowFileError as exc:
            raise UserFacingError(
                f"I couldn't import **{escape(file.filename)}**: {escape(str(exc))}"
            ) from None
        existing = await self.store.find_own_show_by_title(guild_id, spec.title)
        if existing is not None and not replace:
            raise UserFacingError(
                f"This server already has **{escape(existing.title)}**. Run the import again with "
                "`replace:True` to update it (member ratings of episodes that still exist are kept)."
            )
        lost = (
            await self.store.replace_footprint(guild_id, existing.id, spec.episode_count)
            if existing is not None
            else None
        )

        async def write(_: discord.Interaction) -> str:
            if existing is not None:
                # Members may have rated the doomed episodes while the admin read the preview.
                now = await self.store.replace_footprint(guild_id, existing.id, spec.episode_count)
                if now != lost:
                    return (
                        "Members rated episodes that this import would delete since the preview was made; "
                        "nothing was written. Run the import again to see the new numbers."
                    )
                saved = await self.store.replace_show(guild_id, existing.id, spec)
                verb = "Updated"
            else:
                saved = await self.store.create_show(guild_id, spec)
                verb = "Imported"
            return f"{verb} **{escape(saved.title)}** ({describe_show(saved)})."

        view = Confirm(
            interaction.user.id,
            write,
            cancelled="Import cancelled; nothing was written.",
            expired="No answer in time: the import was cancelled and nothing was written.",
        )
        view.message = await interaction.followup.send(
            embed=preview_embed(spec, existing, lost), view=view, ephemeral=True, wait=True
        )

    @show.command(name="export", description="Download a show as a JSON file you can import again")
    @app_commands.check(is_show_admin)
    @app_commands.describe(show="The show to export")
    async def show_export(self, interaction: discord.Interaction, show: ShowOption) -> None:
        episodes = await self.store.episodes(show.id)
        text = dump_show_document(show, episodes)
        name = re.sub(r"[^a-z0-9]+", "-", show.title.casefold()).strip("-") or "show"
        await interaction.response.send_message(
            f"**{escape(show.title)}** as a show file; `/show import` reads it back.",
            file=discord.File(io.BytesIO(text.encode("utf-8")), filename=f"{name}.json"),
            ephemeral=True,
        )

    # -- /episode -----------------------------------------------------------------------

    @episode.command(name="set", description="Set an episode's critic score and/or title")
    @app_commands.check(is_show_admin)
    @app_commands.describe(
        show="The show",
        number="Episode number",
        score="Critic score from 0 to 5 in half steps",
        title="Episode title (type - to clear)",
    )
    async def episode_set(
        self,
        interaction: discord.Interaction,
        show: ShowOption,
        number: EpisodeNumber,
        score: CriticScore | None = None,
        title: Title | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        own_show(show)
        check_episode(show, number)
        if score is None and title is None:
            raise UserFacingError("Nothing to change: give a `score`, a `title`, or both.")
        changes: dict[str, Any] = {}
        if score is not None:
            changes["score"] = parse_score(score, CRITIC_MAX, "Score")
        if title is not None:
            changes["title"] = _clearable(title)
        episode = await self.store.set_episode(interaction.guild_id, show.id, number, **changes)
        score_text = episode.critic_score.out_of(CRITIC_MAX) if episode.critic_score else "not scored"
        title_text = f" “{escape(episode.title)}”" if episode.title else ""
        await interaction.response.send_message(
            f"**{escape(show.title)}** episode {number}{title_text}: {score_text}.", ephemeral=True
        )

    @episode.command(name="summary", description="Write an episode's summary in a form")
    @app_commands.check(is_show_admin)
    @app_commands.describe(show="The show", number="Episode number")
    async def episode_summary(
        self, interaction: discord.Interaction, show: ShowOption, number: EpisodeNumber
    ) -> None:
        own_show(show)
        check_episode(show, number)
        current = await self.store.episode(show.id, number)
        await interaction.response.send_modal(
            SummaryModal(show, current.summary if current else None, episode=number)
        )

    # -- /settings ----------------------------------------------------------------------

    @settings.command(name="curator-role", description="Let a role manage shows (leave out role to clear)")
    @app_commands.checks.has_permissions(manage_guild=True)
    @app_commands.describe(role="Members with this role may add, edit, import and remove shows")
    async def curator_role(self, interaction: discord.Interaction, role: discord.Role | None = None) -> None:
        assert interaction.guild_id is not None
        await self.store.set_curator_role(interaction.guild_id, role.id if role else None)
        if role is None:
            message = "Curator role cleared: only members with Manage Server can manage shows now."
        else:
            message = (
                f"Members with {role.mention} can now manage shows. To let them see the commands, allow "
                "the role for /show and /episode in Server Settings › Integrations › dramabot."
            )
        await interaction.response.send_message(message, ephemeral=True)

    # -- /shows (everyone) ------------------------------------------------------------------

    @app_commands.command(name="shows", description="The shows this server follows")
    @app_commands.guild_only()
    async def shows(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        overviews = await self.store.show_overviews(interaction.guild_id)
        settings = await self.store.guild_settings(interaction.guild_id)
        lines = []
        for overview in overviews:
            show = overview.show
            parts = [f"**{escape(show.title)}**", f"{show.episode_count} episodes"]
            if overview.critic_average is not None:
                parts.append(f"critic {format_average(overview.critic_average)}/{CRITIC_MAX}")
            if show.verdict is not None:
                parts.append(f"verdict {show.verdict.out_of(VERDICT_MAX)}")
            parts.append("catalog" if show.is_catalog else "this server")
            if show.id == settings.default_show_id:
                parts.append("default")
            lines.append(" · ".join(parts))
        if not lines:
            await interaction.response.send_message("This server has no shows yet.", ephemeral=True)
            return
        pages = []
        for start in range(0, len(lines), SHOWS_PER_PAGE):
            embed = discord.Embed(
                title="Shows in this server",
                description="\n".join(lines[start : start + SHOWS_PER_PAGE]),
                colour=COLOUR,
            )
            embed.set_footer(text=f"{len(lines)} shows")
            pages.append(embed)
        await Paginator.send(interaction, pages)


def _required_text(value: str, what: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise UserFacingError(f"The {what} can't be empty.")
    return value


def _optional_text(value: str | None) -> str | None:
    return " ".join(value.split()) or None if value else None


def _clearable(value: str) -> str | None:
    """``-`` (or blank) clears an optional field: Discord has no way to send an empty option."""
    value = " ".join(value.split())
    return None if value in {"", "-"} else value


async def setup(bot: DramaBot) -> None:
    await bot.add_cog(Admin(bot.store))
