"""Members own their data in each server: /mydata show, export, import, forget, hide-from-rankings.

Export and import use the documented format of :mod:`bot.memberfile` (docs/member-data.md); both
read and write the file off the event loop. Forget and import ask first, with Confirm/Cancel held
by this process (the preview is the state): nothing is written without Confirm, and a second
press finds the question settled.
"""

from __future__ import annotations

import asyncio
import io
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.context import DramaInteraction, guild_id
from bot.errors import UserFacingError
from bot.markdown import escape, shorten
from bot.memberfile import MAX_MEMBER_FILE, MemberFile, dump_member_data, read_member_file
from bot.replies import in_time, send_private
from bot.scores import format_average
from bot.showfile import ShowFileError, Where
from bot.store import ForgetReport, ImportedRating, ImportedWatch, ImportOverwrite, Show, Store, Tally
from bot.store.members import timestamp
from bot.store.shows import name_key
from bot.text import t
from bot.ui import QuestionKind, hold_question
from cogs.community import author_name

if TYPE_CHECKING:
    from bot.bot import DramaBot

log = logging.getLogger(__name__)

ASK_FORGET = "forget"
ASK_IMPORT = "myimport"
# A preview lists this many lines at most, then says how many more.
MAX_PREVIEW_LINES = 15

ForgetMode = Literal["delete", "anonymise"]
OnOff = Literal["on", "off"]


def _day(stamp: str) -> str:
    return stamp[:10]


def _span(dates: list[str]) -> str:
    oldest, newest = _day(min(dates)), _day(max(dates))
    if oldest == newest:
        return t("mydata.span_one", date=oldest)
    return t("mydata.span", oldest=oldest, newest=newest)


def _average(tally: Tally) -> str:
    mean = tally.average()
    return format_average(mean) if mean is not None else "–"


def _clipped(lines: list[str]) -> list[str]:
    if len(lines) <= MAX_PREVIEW_LINES:
        return lines
    rest = len(lines) - MAX_PREVIEW_LINES
    return [*lines[:MAX_PREVIEW_LINES], t("mydata.more_lines", count=rest)]


def forget_preview(report: ForgetReport) -> str:
    """What forgetting takes, as the member reads it before Confirm."""
    lines = [t(f"mydata.forget_title_{report.mode}")]
    if report.ratings:
        lines.append(
            t(f"mydata.forget_ratings_{report.mode}", count=report.ratings, comments_count=report.comments)
        )
    if report.watch:
        lines.append(t("mydata.forget_watch", count=report.watch))
    if report.removals:
        lines.append(t("mydata.forget_removals", count=report.removals))
    if report.moderated:
        lines.append(t("mydata.forget_moderated", count=report.moderated))
    if report.settings:
        lines.append(t("mydata.forget_settings"))
    moves = []
    for change in report.changes:
        if change.after == change.before:
            continue
        title = escape(change.show_title)
        if change.after.ratings == 0:
            moves.append(
                t("mydata.forget_last", title=title, episode=change.episode, before=_average(change.before))
            )
        else:
            moves.append(
                t(
                    "mydata.forget_move",
                    title=title,
                    episode=change.episode,
                    before=_average(change.before),
                    after=_average(change.after),
                )
            )
    if moves:
        lines += ["", t("mydata.forget_moves"), *_clipped(moves)]
    lines += ["", t("mydata.forget_confirm")]
    return "\n".join(lines)


@app_commands.guild_only()
class MyData(
    commands.GroupCog,
    group_name="mydata",
    group_description="What dramabot holds about you in this server: see, download, move or erase it",
):
    """Every command acts on the member who runs it, in the server it is run in, and nobody else."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def questions(self) -> dict[str, QuestionKind]:
        return {
            ASK_FORGET: QuestionKind(gone="mydata.forget_gone"),
            ASK_IMPORT: QuestionKind(gone="mydata.import_gone"),
        }

    @app_commands.command(name="show", description="Everything dramabot holds about you in this server")
    async def show(self, interaction: DramaInteraction) -> None:
        guild = guild_id(interaction)
        data = await self.store.member_data(guild, interaction.user.id)
        if data.empty:
            await send_private(interaction, t("mydata.nothing"))
            return
        lines = [t("mydata.title")]
        if data.ratings:
            dates = [d for item in data.ratings for d in (item.rating.created_at, item.rating.updated_at)]
            lines.append(
                t("mydata.ratings", count=len(data.ratings), comments_count=data.comments, span=_span(dates))
            )
        if data.watch:
            dates = [d for item in data.watch for d in (item.entry.created_at, item.entry.updated_at)]
            lines.append(t("mydata.watch", count=len(data.watch), span=_span(dates)))
        if data.removals:
            dates = [removal.removed_at for removal in data.removals]
            lines.append(t("mydata.removals", count=len(data.removals), span=_span(dates)))
        if data.moderated:
            lines.append(t("mydata.moderated", count=data.moderated))
        answer = t("mydata.yes") if data.hide_from_rankings else t("mydata.no")
        lines += [t("mydata.hidden", answer=answer), "", t("mydata.footer")]
        await send_private(interaction, "\n".join(lines))

    @app_commands.command(name="export", description="Download everything dramabot holds about you here")
    async def export(self, interaction: DramaInteraction) -> None:
        guild = guild_id(interaction)
        user_id = interaction.user.id
        data = await self.store.member_data(guild, user_id)
        show_ids = {item.rating.show_id for item in data.ratings}
        show_ids |= {removal.show_id for removal in data.removals}
        show_ids |= {item.entry.show_id for item in data.watch}
        shows = {show_id: await self._any_show(guild, show_id) for show_id in show_ids}
        exported_at = timestamp(datetime.now(UTC))
        document, ratings_csv = await asyncio.to_thread(
            dump_member_data, data, shows, guild_id=guild, user_id=user_id, exported_at=exported_at
        )
        name, csv_name = "dramabot-my-data.json", "dramabot-my-ratings.csv"
        await send_private(
            interaction,
            t("mydata.exported", json=name, csv=csv_name),
            files=[
                discord.File(io.BytesIO(document.encode("utf-8")), filename=name),
                discord.File(io.BytesIO(ratings_csv.encode("utf-8")), filename=csv_name),
            ],
        )

    async def _any_show(self, guild: int, show_id: int) -> Show:
        """A show the member's data is about; a hidden catalog show is still named by its title."""
        show = await self.store.visible_show(guild, show_id)
        if show is None:
            # Only a catalog show the server hid: nothing else can hold the server's rows.
            show = next(hidden for hidden in await self.store.hidden_shows(guild) if hidden.id == show_id)
        return show

    @app_commands.command(name="import", description="Bring back your ratings from a /mydata export file")
    @app_commands.describe(file="A .json file that /mydata export made, here or in another server")
    async def import_(self, interaction: DramaInteraction, file: discord.Attachment) -> None:
        guild = guild_id(interaction)
        user_id = interaction.user.id
        filename = escape(shorten(file.filename, 60))
        if file.size > MAX_MEMBER_FILE:
            raise UserFacingError(
                "mydata.import_too_big", size_count=-(-file.size // 1024), limit_count=MAX_MEMBER_FILE // 1024
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await file.read()
        try:
            parsed = await asyncio.to_thread(read_member_file, data)
            if parsed.member_id != user_id:
                raise UserFacingError("mydata.import_not_yours", filename=filename)
            ratings, entries = await self._resolve(guild, parsed)
        except ShowFileError as exc:
            raise UserFacingError("mydata.import_unreadable", filename=filename, problem=exc) from None
        if not ratings and not entries:
            raise UserFacingError("mydata.import_empty", filename=filename)
        overwrites = await self.store.import_overwrites(guild, user_id, ratings)
        author = author_name(interaction)

        async def write(_: discord.Interaction) -> str:
            written = await self.store.import_member_ratings(
                guild,
                user_id,
                author,
                ratings,
                expected_overwrites=overwrites,
                watch_entries=entries,
                # Only "on" is carried over: "off" is every member's default.
                hide_from_rankings=True if parsed.hide_from_rankings else None,
            )
            if written is None:
                return t("mydata.import_changed")
            log.info(
                "Guild %s: a member imported %d ratings and %d watch entries", guild, written, len(entries)
            )
            return t("mydata.imported", count=written, watch=t("mydata.import_watch", count=len(entries)))

        view, held = hold_question(
            interaction,
            ASK_IMPORT,
            write,
            cancelled=t("mydata.import_cancelled"),
            expired=t("mydata.import_expired"),
        )
        held.message = await interaction.followup.send(
            _import_preview(filename, parsed, ratings, entries, overwrites),
            view=view,
            ephemeral=True,
            wait=True,
        )

    async def _resolve(
        self, guild: int, parsed: MemberFile
    ) -> tuple[list[ImportedRating], list[ImportedWatch]]:
        """The file's shows as this server's (by title and season); raises ShowFileError naming the field."""
        visible = await self.store.visible_shows(guild)
        by_name = {(name_key(show.title), show.season): show for show in visible}

        def find(where: str, title: str, season: int) -> Show:
            show = by_name.get((name_key(title), season))
            if show is None:
                raise (Where(where) / "show").fail(
                    "mdoc.unknown_show", show=shorten(title, 40), season=season
                )
            return show

        ratings = []
        for item in parsed.ratings:
            show = find(item.where, item.show, item.season)
            if item.episode > show.episode_count:
                raise (Where(item.where) / "episode").fail(
                    "mdoc.no_such_episode", show=show.title, count=show.episode_count, episode=item.episode
                )
            ratings.append(
                ImportedRating(
                    show.id,
                    item.episode,
                    item.score,
                    item.comment,
                    item.spoiler,
                    item.created_at,
                    item.updated_at,
                )
            )
        entries = []
        for listed in parsed.watch:
            show = find(listed.where, listed.show, listed.season)
            if listed.progress > show.episode_count:
                raise (Where(listed.where) / "progress").fail(
                    "mdoc.progress_past_end",
                    show=show.title,
                    count=show.episode_count,
                    progress=listed.progress,
                )
            entries.append(ImportedWatch(show.id, listed.status, listed.progress, listed.status_chosen))
        return ratings, entries

    @app_commands.command(name="forget", description="Erase yourself from this server, after a preview")
    @app_commands.describe(
        mode="delete: your ratings go and averages change; anonymise: your scores stay, linked to nobody"
    )
    async def forget(self, interaction: DramaInteraction, mode: ForgetMode) -> None:
        guild = guild_id(interaction)
        user_id = interaction.user.id
        preview = await self.store.forget_preview(guild, user_id, mode)
        if preview.empty:
            await send_private(interaction, t("mydata.forget_nothing"))
            return

        async def erase(_: discord.Interaction) -> str:
            done = await self.store.forget_member_as_previewed(guild, user_id, preview)
            if done is None:
                return t("mydata.forget_changed")
            log.info(
                "Guild %s: a member was forgotten (%s): %d ratings, %d watch entries, %d removal records",
                guild,
                mode,
                done.ratings,
                done.watch,
                done.removals,
            )
            return t(f"mydata.forgotten_{mode}", count=done.ratings)

        view, held = hold_question(
            interaction,
            ASK_FORGET,
            erase,
            cancelled=t("mydata.forget_cancelled"),
            expired=t("mydata.forget_expired"),
        )
        await send_private(interaction, forget_preview(preview), view=view)
        held.message = await interaction.original_response()

    @app_commands.command(
        name="hide-from-rankings", description="Keep yourself out of lists that name members"
    )
    @app_commands.describe(choice="on: keep me out of every list that names members; off: the default")
    async def hide_from_rankings(self, interaction: DramaInteraction, choice: OnOff) -> None:
        guild = guild_id(interaction)
        hide = choice == "on"
        await in_time(
            interaction,
            self.store.set_hide_from_rankings(guild, interaction.user.id, hide),
            defer_now=not self.store.writes_idle,
        )
        await send_private(interaction, t("mydata.rankings_hidden" if hide else "mydata.rankings_shown"))


def _import_preview(
    filename: str,
    parsed: MemberFile,
    ratings: list[ImportedRating],
    entries: list[ImportedWatch],
    overwrites: list[ImportOverwrite],
) -> str:
    hidden = t("mydata.import_hidden_on") if parsed.hide_from_rankings else ""
    lines = [
        t(
            "mydata.import_preview",
            filename=filename,
            count=len(ratings),
            watch=t("mydata.import_watch", count=len(entries)),
            hidden=hidden,
        )
    ]
    if overwrites:
        lines.append(t("mydata.import_overwrites", count=len(overwrites)))
        lines += _clipped(
            [
                t(
                    "mydata.import_overwrite_line",
                    title=escape(item.show_title),
                    episode=item.episode,
                    current=str(item.current),
                    current_date=_day(item.current_updated_at),
                    imported=str(item.imported),
                    imported_date=_day(item.imported_updated_at),
                )
                for item in overwrites
            ]
        )
    lines += ["", t("mydata.import_confirm")]
    return "\n".join(lines)


async def setup(bot: DramaBot) -> None:
    cog = MyData(bot.store)
    await bot.add_cog(cog)
    for kind, question in cog.questions().items():
        bot.buttons.add_question(kind, question)
