"""The /mydata export format: a member's data in one server as JSON (and their ratings as CSV).

``/mydata import`` reads the JSON back, into the same server or another one running dramabot, so a
member can move. The format is documented in docs/member-data.md. Reading uses the show file's
bounded JSON reader (depth, number length) and its field readers, so a file edited into nonsense
is refused with the field it got wrong (``ratings[3].score: …``) and nothing is written.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.scores import Score
from bot.showfile import (
    MAX_NAME,
    ShowFileError,
    Where,
    decode_upload,
    load_bounded_json,
    no_unknown_keys,
    read_int,
    read_score_value,
    read_text,
)
from bot.store.models import CRITIC_MAX, MemberData, Show, WatchStatus

FORMAT = "dramabot-member-data"
VERSION = 1
# A heavy member's export (every episode of dozens of shows, long comments) stays well below this.
MAX_MEMBER_FILE = 2 * 1024 * 1024
MAX_RATINGS = 20_000
MAX_COMMENT = 1000

_TOP_KEYS = {
    "format",
    "version",
    "server_id",
    "member_id",
    "exported_at",
    "hide_from_rankings",
    "ratings",
    "comment_removals",
    "moderated_removals",
    "watch",
}
_WATCH_KEYS = {"show", "season", "status", "progress", "status_chosen"}
_RATING_KEYS = {"show", "season", "episode", "score", "comment", "spoiler", "created_at", "updated_at"}
# Dates as the store writes them: UTC, milliseconds, 24 characters.
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z", re.ASCII)
_SNOWFLAKE = re.compile(r"[1-9][0-9]{0,18}", re.ASCII)
# Spreadsheets run a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class FileRating:
    """One rating of a member file, with where it stands in the file (for errors)."""

    where: str
    show: str
    season: int
    episode: int
    score: Score
    comment: str | None
    spoiler: bool
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class FileWatch:
    """One watch entry of a member file: status and progress on a show."""

    where: str
    show: str
    season: int
    status: WatchStatus
    progress: int
    status_chosen: bool


@dataclass(frozen=True, slots=True)
class MemberFile:
    member_id: int
    hide_from_rankings: bool | None
    ratings: tuple[FileRating, ...]
    watch: tuple[FileWatch, ...] = ()


# -- writing ---------------------------------------------------------------------------------------


def dump_member_data(
    data: MemberData, shows: dict[int, Show], *, guild_id: int, user_id: int, exported_at: str
) -> tuple[str, str]:
    """The JSON document and the CSV of ratings for ``data`` (``shows`` by id names each show)."""

    def show_of(show_id: int) -> tuple[str, int]:
        show = shows[show_id]
        return show.title, show.season

    ratings = []
    for item in data.ratings:
        rating = item.rating
        title, season = show_of(rating.show_id)
        ratings.append(
            {
                "show": title,
                "season": season,
                "episode": rating.episode,
                "score": _number(rating.score),
                "comment": rating.comment,
                "spoiler": rating.spoiler,
                "created_at": rating.created_at,
                "updated_at": rating.updated_at,
            }
        )
    removals = []
    for removal in data.removals:
        title, season = show_of(removal.show_id)
        removals.append(
            {
                "show": title,
                "season": season,
                "episode": removal.episode,
                "comment": removal.comment,
                "reason": removal.reason,
                "removed_at": removal.removed_at,
            }
        )
    watch = []
    for listed in data.watch:
        title, season = show_of(listed.entry.show_id)
        watch.append(
            {
                "show": title,
                "season": season,
                "status": listed.entry.status.value,
                "progress": listed.entry.progress,
                "status_chosen": listed.entry.status_chosen,
            }
        )
    document = {
        "format": FORMAT,
        "version": VERSION,
        # Ids as strings: they exceed what a JavaScript number holds exactly.
        "server_id": str(guild_id),
        "member_id": str(user_id),
        "exported_at": exported_at,
        "hide_from_rankings": data.hide_from_rankings,
        "ratings": ratings,
        "watch": watch,
        "comment_removals": removals,
        "moderated_removals": data.moderated,
    }
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["show", "season", "episode", "score", "comment", "spoiler", "created_at", "updated_at"])
    for row in ratings:
        writer.writerow(
            [
                _cell(str(row["show"])),
                row["season"],
                row["episode"],
                row["score"],
                _cell(str(row["comment"] or "")),
                "yes" if row["spoiler"] else "no",
                row["created_at"],
                row["updated_at"],
            ]
        )
    return text, out.getvalue()


def _number(score: Score) -> int | float:
    return score.halves // 2 if score.halves % 2 == 0 else score.halves / 2


def _cell(text: str) -> str:
    """A text cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


# -- reading ---------------------------------------------------------------------------------------


def read_member_file(data: bytes) -> MemberFile:
    """A /mydata export file; raises :class:`ShowFileError` naming the field that is wrong."""
    text = decode_upload(data, limit=MAX_MEMBER_FILE)
    if not text.strip():
        raise ShowFileError("file.empty")
    document = load_bounded_json(text)
    root = Where("")
    if not isinstance(document, dict):
        raise root.fail("mdoc.not_an_object", format=FORMAT)
    if document.get("format") != FORMAT:
        raise (root / "format").fail("mdoc.wrong_format", format=FORMAT)
    version = document.get("version")
    if isinstance(version, bool) or version != VERSION:
        raise (root / "version").fail("mdoc.wrong_version", version=VERSION)
    no_unknown_keys(document, _TOP_KEYS, root)
    member_id = _snowflake(document.get("member_id"), root / "member_id")
    hide = document.get("hide_from_rankings")
    if hide is not None and not isinstance(hide, bool):
        raise (root / "hide_from_rankings").fail("mdoc.expected_true_false")
    items = document.get("ratings", [])
    if not isinstance(items, list):
        raise (root / "ratings").fail("mdoc.ratings_not_a_list")
    if len(items) > MAX_RATINGS:
        raise (root / "ratings").fail("mdoc.too_many_ratings", count=len(items), limit_count=MAX_RATINGS)
    ratings = tuple(_rating(item, root / "ratings" / index) for index, item in enumerate(items))
    seen: set[tuple[str, int, int]] = set()
    for rating in ratings:
        key = (rating.show.casefold(), rating.season, rating.episode)
        if key in seen:
            raise Where(rating.where).fail("mdoc.rating_twice")
        seen.add(key)
    listed = document.get("watch", [])
    if not isinstance(listed, list):
        raise (root / "watch").fail("mdoc.watch_not_a_list")
    if len(listed) > MAX_RATINGS:
        raise (root / "watch").fail("mdoc.too_many_ratings", count=len(listed), limit_count=MAX_RATINGS)
    watch = tuple(_watch(item, root / "watch" / index) for index, item in enumerate(listed))
    followed: set[tuple[str, int]] = set()
    for entry in watch:
        if (entry.show.casefold(), entry.season) in followed:
            raise Where(entry.where).fail("mdoc.watch_twice")
        followed.add((entry.show.casefold(), entry.season))
    return MemberFile(member_id=member_id, hide_from_rankings=hide, ratings=ratings, watch=watch)


def _watch(data: Any, where: Where) -> FileWatch:
    if not isinstance(data, dict):
        raise where.fail("mdoc.watch_not_an_object")
    no_unknown_keys(data, _WATCH_KEYS, where)
    show = read_text(data.get("show"), where / "show", MAX_NAME, required=True) or ""
    season = read_int(data.get("season"), where / "season", 1, 100) or 1
    status = data.get("status")
    statuses = [choice.value for choice in WatchStatus]
    if status not in statuses:
        raise (where / "status").fail("mdoc.expected_status", statuses=", ".join(statuses))
    progress = read_int(data.get("progress"), where / "progress", 0, 500, required=True)
    assert progress is not None
    chosen = data.get("status_chosen", False)
    if not isinstance(chosen, bool):
        raise (where / "status_chosen").fail("mdoc.expected_true_false")
    return FileWatch(where.path, show, season, WatchStatus(status), progress, chosen)


def _rating(data: Any, where: Where) -> FileRating:
    if not isinstance(data, dict):
        raise where.fail("mdoc.rating_not_an_object")
    no_unknown_keys(data, _RATING_KEYS, where)
    show = read_text(data.get("show"), where / "show", MAX_NAME, required=True) or ""
    season = read_int(data.get("season"), where / "season", 1, 100) or 1
    episode = read_int(data.get("episode"), where / "episode", 1, 500, required=True)
    assert episode is not None
    score = read_score_value(data.get("score"), where / "score", CRITIC_MAX)
    if score is None or score.halves < 1:
        raise (where / "score").fail("mdoc.member_score")
    comment = read_text(data.get("comment"), where / "comment", MAX_COMMENT, prose=True)
    spoiler = data.get("spoiler", False)
    if not isinstance(spoiler, bool):
        raise (where / "spoiler").fail("mdoc.expected_true_false")
    if spoiler and comment is None:
        raise (where / "spoiler").fail("mdoc.spoiler_without_comment")
    created_at = _date(data.get("created_at"), where / "created_at")
    updated_at = _date(data.get("updated_at"), where / "updated_at")
    if updated_at < created_at:
        raise (where / "updated_at").fail("mdoc.updated_before_created")
    return FileRating(where.path, show, season, episode, score, comment, spoiler, created_at, updated_at)


def _date(value: Any, where: Where) -> str:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise where.fail("mdoc.expected_date", example="2026-03-01T12:00:00.000Z")
    try:
        datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ")
    except ValueError:
        raise where.fail("mdoc.expected_date", example="2026-03-01T12:00:00.000Z") from None
    return value


def _snowflake(value: Any, where: Where) -> int:
    if not isinstance(value, str) or not _SNOWFLAKE.fullmatch(value) or int(value) >= 2**63:
        raise where.fail("mdoc.expected_id")
    return int(value)
