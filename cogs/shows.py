"""Server admins and curators manage their shows: /show add, edit, verdict, summary, copy, hide,
unhide, remove, default, import and export."""

from __future__ import annotations

import asyncio
import io
import logging
import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.context import DramaInteraction, guild_id
from bot.errors import BadValue, UserFacingError
from bot.imports import ImportChanges, changes, merge
from bot.markdown import escape, shorten
from bot.options import OwnShowOption, ShowOption, VerdictScore, one_line, paragraph
from bot.present import COLOUR_ADMIN, describe_show
from bot.replies import in_time, send_private
from bot.review_page import read_upload
from bot.rights import require_show_admin
from bot.scores import Score
from bot.showfile import (
    MAX_NAME,
    MAX_SUMMARY,
    MAX_UPLOAD,
    MAX_VERDICT_TEXT,
    ShowFileError,
    dump_show_document,
)
from bot.store import EpisodesHaveCriticScores, Show, ShowFootprint, ShowSpec, ShowTitleTaken, Store
from bot.store.models import VERDICT_MAX
from bot.text import t
from bot.ui import Form, QuestionKind, hold_question, question_view

if TYPE_CHECKING:
    from bot.bot import DramaBot

log = logging.getLogger(__name__)

MANAGE_SERVER = discord.Permissions(manage_guild=True)

Title = app_commands.Range[str, 1, MAX_NAME]
Network = app_commands.Range[str, 1, 50]
Year = app_commands.Range[int, 1900, 2100]
Season = app_commands.Range[int, 1, 100]
EpisodeCount = app_commands.Range[int, 1, 500]
VerdictText = app_commands.Range[str, 1, MAX_VERDICT_TEXT]
Aliases = app_commands.Range[str, 1, 500]

_FIELD_LABELS = {
    "title": "import.field.title",
    "original_title": "import.field.original_title",
    "aliases": "import.field.aliases",
    "kind": "import.field.kind",
    "year": "import.field.year",
    "network": "import.field.network",
    "season": "import.field.season",
    "episode_count": "import.field.episode_count",
    "verdict": "import.field.verdict",
    "verdict_text": "import.field.verdict_text",
    "summary": "import.field.summary",
}
# Long text fields are only said to change; short ones show before and after.
_LONG_FIELDS = {"summary", "verdict_text"}

# Kinds of question this cog asks (in each button's custom_id). Removal, copy and make-default
# carry the show id and work after a restart; shortening and import hold their state in memory.
ASK_REMOVE, ASK_COPY, ASK_DEFAULT, ASK_SHORTEN, ASK_IMPORT = "remove", "copy", "default", "shorten", "import"


def own_show(show: Show) -> Show:
    """Refuse catalog shows for writes, pointing at /show copy."""
    if show.is_catalog:
        raise UserFacingError("show.catalog_read_only", title=escape(show.title))
    return show


def clearable(value: str, *, name: str, limit: int) -> str | None:
    """``-`` (or blank) clears an optional field: Discord has no way to send an empty option."""
    text = one_line(value, name=name, limit=limit)
    return None if text in {None, "-"} else text


def required_text(value: str, *, name: str, limit: int) -> str:
    text = one_line(value, name=name, limit=limit)
    if text is None:
        raise BadValue("option.empty", name=name)
    return text


def _shown(value: object) -> str:
    if value is None or value == ():
        return t("import.value_none")
    if isinstance(value, tuple):
        value = ", ".join(str(item) for item in value)
    if isinstance(value, Score):
        value = str(value)
    return escape(shorten(str(value), 60))


def preview_embed(
    spec: ShowSpec, existing: Show | None, diff: ImportChanges | None, lost: ShowFootprint | None
) -> discord.Embed:
    embed = discord.Embed(title=t("import.preview_title", title=spec.title), colour=COLOUR_ADMIN)
    lines = [t("import.summary_line", season=spec.season, episodes=t("n.episodes", count=spec.episode_count))]
    if spec.verdict is not None:
        lines.append(t("import.verdict_line", verdict=spec.verdict.out_of(VERDICT_MAX)))
    if existing is not None and diff is not None and lost is not None:
        lines.append(
            t(
                "import.replaces",
                title=escape(existing.title),
                episodes=t("n.episodes", count=existing.episode_count),
            )
        )
        if diff.nothing:
            lines.append(t("import.no_changes"))
        for change in diff.fields:
            label = t(_FIELD_LABELS[change.name])
            if change.name in _LONG_FIELDS:
                key = "import.field_cleared" if change.after is None else "import.field_rewritten"
                lines.append(t(key, field=label))
            else:
                lines.append(
                    t(
                        "import.field_change",
                        field=label,
                        before=_shown(change.before),
                        after=_shown(change.after),
                    )
                )
        episode_notes = [
            t("import.scores_changed", count=diff.scores_changed) if diff.scores_changed else None,
            t("import.scores_added", count=diff.scores_added) if diff.scores_added else None,
            t("import.titles_changed", count=diff.titles_changed) if diff.titles_changed else None,
            t("import.summaries_changed", count=diff.summaries_changed) if diff.summaries_changed else None,
        ]
        lines.extend(note for note in episode_notes if note)
        goes = []
        if lost.ratings:
            goes.append(t("n.member_ratings", count=lost.ratings))
        if lost.comments:
            goes.append(t("n.comments", count=lost.comments))
        if diff.scores_removed:
            goes.append(t("n.critic_scores", count=diff.scores_removed))
        if goes:
            lines.append(t("import.will_delete", what=", ".join(goes)))
        else:
            lines.append(t("import.nothing_deleted"))
        lines.append(t("import.kept_fields"))
    embed.description = "\n".join(lines)
    scores = [f"{e.number}: {e.critic_score}" for e in spec.episodes if e.critic_score is not None]
    if scores:
        embed.add_field(name=t("import.scores_field"), value=shorten(", ".join(scores), 1024), inline=False)
    embed.set_footer(text=t("import.footer"))
    return embed


class VerdictForm(Form):
    def __init__(self, store: Store, show: Show, score: Score) -> None:
        super().__init__(
            title=shorten(t("verdict_form.title", title=show.title), 45),
            rights=lambda interaction: require_show_admin(interaction, store),
        )
        self.store = store
        self.show = show
        self.score = score
        self.text: discord.ui.TextInput[VerdictForm] = discord.ui.TextInput(
            custom_id="text",
            style=discord.TextStyle.paragraph,
            default=show.verdict_text,
            required=False,
            max_length=MAX_VERDICT_TEXT,
        )
        self.add_field(t("verdict_form.text_label"), self.text)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        text = paragraph(self.text.value, name=self.name_of(self.text), limit=MAX_VERDICT_TEXT)
        await in_time(
            interaction, self.store.set_verdict(guild_id(interaction), self.show.id, self.score, text)
        )
        await send_private(
            interaction,
            t("show.verdict_set", title=escape(self.show.title), verdict=self.score.out_of(VERDICT_MAX)),
        )


class SummaryForm(Form):
    """The series summary, or one episode's when ``episode`` is given."""

    def __init__(self, store: Store, show: Show, current: str | None, episode: int | None = None) -> None:
        what = t("summary_form.episode", episode=episode) if episode else t("summary_form.series")
        super().__init__(
            title=shorten(t("summary_form.title", title=show.title, what=what), 45),
            rights=lambda interaction: require_show_admin(interaction, store),
        )
        self.store = store
        self.show = show
        self.episode = episode
        self.text: discord.ui.TextInput[SummaryForm] = discord.ui.TextInput(
            custom_id="summary",
            style=discord.TextStyle.paragraph,
            default=current,
            required=False,
            max_length=MAX_SUMMARY,
        )
        self.add_field(t("summary_form.label"), self.text)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        text = paragraph(self.text.value, name=self.name_of(self.text), limit=MAX_SUMMARY)
        guild = guild_id(interaction)
        if self.episode is None:
            await in_time(interaction, self.store.set_show_summary(guild, self.show.id, text))
            where = f"**{escape(self.show.title)}**"
        else:
            await in_time(
                interaction, self.store.set_episode_summary(guild, self.show.id, self.episode, text)
            )
            where = t("rating.where", title=escape(self.show.title), episode=self.episode)
        await send_private(
            interaction, t("show.summary_saved" if text else "show.summary_cleared", where=where)
        )


class HiddenShowTransformer(app_commands.Transformer):
    """A catalog show this server has hidden, for /show unhide."""

    @property
    def max_value(self) -> int:
        return MAX_NAME

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction, value: str
    ) -> list[app_commands.Choice[str]]:
        store: Store = interaction.client.store  # type: ignore[attr-defined]
        if interaction.guild_id is None:
            return []
        key = value.casefold().strip()
        return [
            app_commands.Choice(name=shorten(show.title, 100), value=f"id:{show.id}")
            for show in await store.hidden_shows(interaction.guild_id)
            if key in show.title.casefold()
        ][:25]

    async def transform(self, interaction: discord.Interaction, value: str) -> Show:
        store: Store = interaction.client.store  # type: ignore[attr-defined]
        hidden = await store.hidden_shows(guild_id(interaction))
        text = value.strip()
        for show in hidden:
            if text == f"id:{show.id}" or text.casefold() == show.title.casefold():
                return show
        raise UserFacingError("show.not_hidden_unknown", value=escape(shorten(text, 60)))


HiddenShow = app_commands.Transform[Show, HiddenShowTransformer]


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class ShowAdmin(
    commands.GroupCog,
    group_name="show",
    group_description="Manage this server's shows (Manage Server or curators)",
):
    """Shows a server owns: adding, editing, importing, exporting, hiding and removing them."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        await require_show_admin(interaction, self.store)
        return True

    def _rights(self, interaction: discord.Interaction) -> Any:
        return require_show_admin(interaction, self.store)

    def questions(self) -> dict[str, QuestionKind]:
        """What this cog's Confirm, Cancel and Make-default buttons do, whichever process gets the press."""
        rights = self._rights
        return {
            ASK_REMOVE: QuestionKind(rights=rights, confirm=self._remove, cancel=self._keep),
            ASK_COPY: QuestionKind(rights=rights, confirm=self._copy, cancel=self._keep_catalog),
            ASK_DEFAULT: QuestionKind(rights=rights, confirm=self._make_default),
            ASK_SHORTEN: QuestionKind(gone="show.shorten_gone"),
            ASK_IMPORT: QuestionKind(gone="import.gone"),
        }

    async def _visible(self, interaction: discord.Interaction, show_id: int) -> Show:
        # Looked up again at the press: the show may have gone since the question was asked.
        show = await self.store.visible_show(guild_id(interaction), show_id)
        if show is None:
            raise UserFacingError("error.show_gone")
        return show

    async def _remove(self, interaction: discord.Interaction, show_id: int) -> str:
        guild = guild_id(interaction)
        show = own_show(await self._visible(interaction, show_id))
        gone = await self.store.delete_show(guild, show.id)
        log.info("Guild %s removed show %s (%s ratings)", guild, show.id, gone.ratings)
        return t(
            "show.removed",
            title=escape(show.title),
            ratings=t("n.ratings", count=gone.ratings),
            comments=t("n.comments", count=gone.comments),
        )

    async def _keep(self, interaction: discord.Interaction, show_id: int) -> str:
        show = await self.store.visible_show(guild_id(interaction), show_id)
        if show is None:
            return t("show.remove_cancelled_gone")
        return t("show.remove_cancelled", title=escape(show.title))

    async def _copy(self, interaction: discord.Interaction, show_id: int) -> str:
        guild = guild_id(interaction)
        show = await self._visible(interaction, show_id)
        if not show.is_catalog:
            raise UserFacingError("show.already_own", title=escape(show.title))
        copied = await self.store.copy_catalog_show(guild, show.id)
        log.info("Guild %s copied catalog show %s as %s", guild, show.id, copied.id)
        return t("show.copied", title=escape(copied.title))

    async def _keep_catalog(self, interaction: discord.Interaction, show_id: int) -> str:
        show = await self.store.visible_show(guild_id(interaction), show_id)
        if show is None:
            return t("show.copy_cancelled_gone")
        return t("show.copy_cancelled", title=escape(show.title))

    async def _make_default(self, interaction: discord.Interaction, show_id: int) -> str:
        show = await self._visible(interaction, show_id)
        await self.store.set_default_show(guild_id(interaction), show.id)
        return t("show.default_set", title=escape(show.title))

    @app_commands.command(name="add", description="Add a show to this server")
    @app_commands.describe(
        title="The show's title (unique in this server, per season)",
        episodes="How many episodes it has (1–500)",
        original_title="The title in its original language, e.g. 런 온",
        year="The year it first aired",
        network="Where it aired, e.g. JTBC",
        season="Which season this is (a second season is its own show)",
    )
    async def add(
        self,
        interaction: DramaInteraction,
        title: Title,
        episodes: EpisodeCount,
        original_title: Title | None = None,
        year: Year | None = None,
        network: Network | None = None,
        season: Season = 1,
    ) -> None:
        guild = guild_id(interaction)
        spec = ShowSpec(
            title=required_text(title, name="title", limit=MAX_NAME),
            episode_count=episodes,
            original_title=one_line(original_title, name="original_title", limit=MAX_NAME)
            if original_title
            else None,
            year=year,
            network=one_line(network, name="network", limit=50) if network else None,
            season=season,
        )
        created = await in_time(
            interaction, self.store.create_show(guild, spec), defer_now=self.store.writes_failing
        )
        lines = [t("show.added", title=escape(created.title), facts=describe_show(created))]
        default = await self.store.default_show(guild)
        view = None
        if default.show is None and default.visible > 1:
            lines.append(t("show.now_several", count=default.visible))
            view = question_view(
                ASK_DEFAULT,
                interaction.user.id,
                created.id,
                confirm_label=shorten(t("show.make_default_button", title=created.title), 80),
                style=discord.ButtonStyle.primary,
                cancel=False,
            )
        await send_private(interaction, "\n".join(lines), **({"view": view} if view else {}))

    @app_commands.command(
        name="edit", description="Change a show's details; only the options you give change"
    )
    @app_commands.describe(
        show="The show to change",
        title="New title",
        original_title="New original title (type - to clear)",
        year="New year",
        network="New network (type - to clear)",
        episodes="New episode count (1–500)",
        aliases="Other names, separated by commas (type - to clear)",
        season="New season number (a second season is its own show)",
    )
    async def edit(
        self,
        interaction: DramaInteraction,
        show: OwnShowOption,
        title: Title | None = None,
        original_title: Title | None = None,
        year: Year | None = None,
        network: Network | None = None,
        episodes: EpisodeCount | None = None,
        aliases: Aliases | None = None,
        season: Season | None = None,
    ) -> None:
        guild = guild_id(interaction)
        own_show(show)
        changes_: dict[str, Any] = {}
        if title is not None:
            changes_["title"] = required_text(title, name="title", limit=MAX_NAME)
        if original_title is not None:
            changes_["original_title"] = clearable(original_title, name="original_title", limit=MAX_NAME)
        if year is not None:
            changes_["year"] = year
        if network is not None:
            changes_["network"] = clearable(network, name="network", limit=50)
        if episodes is not None:
            changes_["episode_count"] = episodes
        if season is not None:
            changes_["season"] = season
        if aliases is not None:
            cleared = clearable(aliases, name="aliases", limit=500)
            names = [] if cleared is None else [a.strip() for a in cleared.split(",") if a.strip()]
            if any(len(name) > MAX_NAME for name in names):
                raise BadValue("show.alias_too_long", limit_count=MAX_NAME)
            changes_["aliases"] = tuple(names)
        if not changes_:
            raise UserFacingError("show.nothing_to_change")
        try:
            updated = await in_time(
                interaction,
                self.store.update_show(guild, show.id, **changes_),
                defer_now=self.store.writes_failing,
            )
        except EpisodesHaveCriticScores as lost:
            await self._confirm_shortening(interaction, show, changes_, lost)
            return
        await send_private(
            interaction, t("show.updated", title=escape(updated.title), facts=describe_show(updated))
        )

    async def _confirm_shortening(
        self,
        interaction: discord.Interaction,
        show: Show,
        changes_: dict[str, Any],
        lost: EpisodesHaveCriticScores,
    ) -> None:
        guild = guild_id(interaction)
        title = escape(show.title)

        async def shorten_show(_: discord.Interaction) -> str:
            updated = await self.store.update_show(guild, show.id, drop_critic_scores=True, **changes_)
            return t("show.updated", title=escape(updated.title), facts=describe_show(updated))

        view, held = hold_question(
            interaction,
            ASK_SHORTEN,
            shorten_show,
            rights=self._rights,
            cancelled=t("show.shorten_cancelled", title=title),
            expired=t("show.shorten_expired", title=title),
        )
        await send_private(
            interaction,
            t(
                "show.shorten_question",
                title=title,
                episodes=t("n.episodes", count=changes_["episode_count"]),
                scores=t("n.critic_scores", count=lost.scores),
                first=lost.first,
                last=lost.last,
            ),
            view=view,
        )
        held.message = await interaction.original_response()

    @app_commands.command(
        name="verdict", description="Set a show's verdict out of 10 (text in a form if left out)"
    )
    @app_commands.describe(
        show="The show", score="The verdict from 0 to 10 in half steps", text="The verdict text"
    )
    async def verdict(
        self,
        interaction: DramaInteraction,
        show: OwnShowOption,
        score: VerdictScore,
        text: VerdictText | None = None,
    ) -> None:
        own_show(show)
        if text is None:
            await interaction.response.send_modal(VerdictForm(self.store, show, score))
            return
        written = one_line(text, name="text", limit=MAX_VERDICT_TEXT)
        await in_time(
            interaction,
            self.store.set_verdict(guild_id(interaction), show.id, score, written),
            defer_now=self.store.writes_failing,
        )
        await send_private(
            interaction, t("show.verdict_set", title=escape(show.title), verdict=score.out_of(VERDICT_MAX))
        )

    @app_commands.command(name="summary", description="Write the series summary in a form")
    @app_commands.describe(show="The show")
    async def summary(self, interaction: DramaInteraction, show: OwnShowOption) -> None:
        own_show(show)
        await interaction.response.send_modal(SummaryForm(self.store, show, show.summary))

    @app_commands.command(
        name="copy", description="Replace a catalog show by this server's own copy, to edit it"
    )
    @app_commands.describe(show="The catalog show to copy")
    async def copy(self, interaction: DramaInteraction, show: ShowOption) -> None:
        guild = guild_id(interaction)
        if not show.is_catalog:
            raise UserFacingError("show.already_own", title=escape(show.title))
        footprint = await self.store.show_footprint(guild, show.id)
        default = await self.store.default_show(guild)
        becomes_default = default.show is not None and default.show.id == show.id
        title = escape(show.title)

        question = [
            t("show.copy_question", title=title),
            t(
                "show.copy_moves",
                ratings=t("n.member_ratings", count=footprint.ratings),
                comments=t("n.comments", count=footprint.comments),
            ),
        ]
        if becomes_default:
            question.append(t("show.copy_default"))
        view = question_view(ASK_COPY, interaction.user.id, show.id)
        await send_private(interaction, "\n".join(question), view=view)

    @app_commands.command(name="hide", description="Hide a catalog show this server does not follow")
    @app_commands.describe(show="The catalog show to hide (its ratings here are kept)")
    async def hide(self, interaction: DramaInteraction, show: ShowOption) -> None:
        guild = guild_id(interaction)
        if not show.is_catalog:
            raise UserFacingError("show.hide_own", title=escape(show.title))
        footprint = await self.store.show_footprint(guild, show.id)
        await in_time(interaction, self.store.hide_show(guild, show.id), defer_now=self.store.writes_failing)
        await send_private(
            interaction,
            t(
                "show.hidden",
                title=escape(show.title),
                count=footprint.ratings,
            ),
        )

    @app_commands.command(name="unhide", description="Show a hidden catalog show in this server again")
    @app_commands.describe(show="The hidden catalog show")
    async def unhide(self, interaction: DramaInteraction, show: HiddenShow) -> None:
        guild = guild_id(interaction)
        await in_time(
            interaction, self.store.unhide_show(guild, show.id), defer_now=self.store.writes_failing
        )
        await send_private(interaction, t("show.unhidden", title=escape(show.title)))

    @app_commands.command(name="remove", description="Delete one of this server's shows, after you confirm")
    @app_commands.describe(show="The show to delete")
    async def remove(self, interaction: DramaInteraction, show: OwnShowOption) -> None:
        guild = guild_id(interaction)
        own_show(show)
        footprint = await self.store.show_footprint(guild, show.id)
        title = escape(show.title)

        view = question_view(ASK_REMOVE, interaction.user.id, show.id)
        await send_private(
            interaction,
            t(
                "show.remove_question",
                title=title,
                episodes=t("n.episodes", count=show.episode_count),
                ratings=t("n.member_ratings", count=footprint.ratings),
                comments=t("n.comments", count=footprint.comments),
            ),
            view=view,
        )

    @app_commands.command(
        name="default", description="The show commands use when the show option is left out"
    )
    @app_commands.describe(show="The show to use by default")
    async def default(self, interaction: DramaInteraction, show: ShowOption) -> None:
        await in_time(
            interaction,
            self.store.set_default_show(guild_id(interaction), show.id),
            defer_now=self.store.writes_failing,
        )
        await send_private(interaction, t("show.default_set", title=escape(show.title)))

    @app_commands.command(
        name="import", description="Import a show from a JSON file or a review page, with a preview"
    )
    @app_commands.describe(
        file="A .json show file (as /show export makes) or a plain-text review page, up to 256 KiB",
        replace="Update this server's show of the same title (what the file leaves out is kept)",
    )
    async def import_(
        self, interaction: DramaInteraction, file: discord.Attachment, replace: bool = False
    ) -> None:
        guild = guild_id(interaction)
        if file.size > MAX_UPLOAD:
            raise BadValue("import.too_big", size_count=-(-file.size // 1024), limit_count=MAX_UPLOAD // 1024)
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await file.read()
        # Parsing is linear in the file's size, but 256 KiB of it is still milliseconds of CPU:
        # off the event loop, every other server's commands go on meanwhile.
        try:
            upload = await asyncio.to_thread(read_upload, data)
        except ShowFileError as exc:
            raise UserFacingError(
                "import.unreadable", filename=escape(shorten(file.filename, 60)), problem=exc
            ) from None
        spec = upload.spec
        existing = await self.store.find_own_show_by_title(guild, spec.title, spec.season)
        if existing is None:
            clash = [
                show
                for show in await self.store.find_show_by_name(guild, spec.title)
                if show.is_catalog
                and show.season == spec.season
                and show.title.casefold() == spec.title.casefold()
            ]
            if clash:
                raise ShowTitleTaken(clash[0].title, spec.season, catalog=True)
        if existing is not None and not replace:
            raise UserFacingError("import.exists", title=escape(existing.title))
        merged = spec
        diff = lost = None
        if existing is not None:
            current = ShowSpec.of(existing, await self.store.episodes(existing.id))
            merged = merge(current, upload)
            diff = changes(current, merged)
            lost = await self.store.replace_footprint(guild, existing.id, merged.episode_count)
        filename = escape(shorten(file.filename, 60))

        async def write(_: discord.Interaction) -> str:
            if existing is not None:
                # Members may have rated the doomed episodes while the admin read the preview.
                now = await self.store.replace_footprint(guild, existing.id, merged.episode_count)
                if now != lost:
                    return t("import.changed_since_preview")
                saved = await self.store.replace_show(guild, existing.id, merged)
                key = "import.updated"
            else:
                saved = await self.store.create_show(guild, spec)
                key = "import.imported"
            log.info("Guild %s imported %s into show %s", guild, file.filename, saved.id)
            return t(key, title=escape(saved.title), facts=describe_show(saved))

        view, held = hold_question(
            interaction,
            ASK_IMPORT,
            write,
            rights=self._rights,
            cancelled=t("import.cancelled"),
            expired=t("import.expired"),
        )
        embed = preview_embed(merged, existing, diff, lost)
        held.message = await interaction.followup.send(
            t("import.preview_of", filename=filename), embed=embed, view=view, ephemeral=True, wait=True
        )

    @app_commands.command(name="export", description="Download a show as a JSON file you can import again")
    @app_commands.describe(show="The show to export")
    async def export(self, interaction: DramaInteraction, show: ShowOption) -> None:
        episodes = await self.store.episodes(show.id)
        text = await asyncio.to_thread(dump_show_document, show, episodes)
        name = re.sub(r"[^a-z0-9]+", "-", show.title.casefold(), flags=re.ASCII).strip("-") or "show"
        await send_private(
            interaction,
            t("show.exported", title=escape(show.title)),
            file=discord.File(io.BytesIO(text.encode("utf-8")), filename=f"{name[:60]}.json"),
        )


async def setup(bot: DramaBot) -> None:
    admin = ShowAdmin(bot.store)
    await bot.add_cog(admin)
    for kind, question in admin.questions().items():
        bot.buttons.add_question(kind, question)
