"""Row mappers: one column list per table and the function that turns its rows into a model.

Every query that returns a model selects exactly these columns, so a column added to a table is
added here once.
"""

from __future__ import annotations

import json
from fractions import Fraction

from bot.scores import Score
from bot.store.models import (
    CommentRemoval,
    Episode,
    GuildSettings,
    Rating,
    Show,
    ShowOverview,
    Tally,
    WatchEntry,
    WatchStatus,
)
from bot.store.reader import Row

NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"

SHOW_COLUMNS = """
    s.id, s.guild_id, s.catalog_key, s.title, s.original_title, s.kind, s.year, s.network,
    s.season, s.episode_count, s.verdict_halves, s.verdict_text, s.summary,
    (SELECT json_group_array(a.alias) FROM show_alias AS a WHERE a.show_id = s.id) AS aliases
"""

EPISODE_COLUMNS = "e.show_id, e.number, e.title, e.critic_halves, e.summary"

SETTINGS_COLUMNS = "guild_id, default_show_id, curator_role_id, spoiler_guard, spoiler_titles"

WATCH_COLUMNS = (
    "w.guild_id, w.show_id, w.user_id, w.status, w.progress, w.status_chosen, w.created_at, w.updated_at"
)
WATCH_RETURNING = "guild_id, show_id, user_id, status, progress, status_chosen, created_at, updated_at"

RATING_COLUMNS = """
    r.guild_id, r.show_id, r.episode, r.user_id, r.halves, r.comment, r.spoiler,
    r.author_name, r.created_at, r.updated_at
"""

# RETURNING cannot take a table alias, so writes name the columns bare.
RATING_RETURNING = (
    "guild_id, show_id, episode, user_id, halves, comment, spoiler, author_name, created_at, updated_at"
)

REMOVAL_COLUMNS = "id, guild_id, show_id, episode, author_id, moderator_id, comment, reason, removed_at"

TALLY_COLUMNS = "t.ratings, t.total_halves"


def halves(score: Score | None) -> int | None:
    return None if score is None else score.halves


def score(value: int | None) -> Score | None:
    return None if value is None else Score(value)


def show(row: Row) -> Show:
    return Show(
        id=row["id"],
        guild_id=row["guild_id"],
        catalog_key=row["catalog_key"],
        title=row["title"],
        original_title=row["original_title"],
        aliases=tuple(sorted(json.loads(row["aliases"]))),
        kind=row["kind"],
        year=row["year"],
        network=row["network"],
        season=row["season"],
        episode_count=row["episode_count"],
        verdict=score(row["verdict_halves"]),
        verdict_text=row["verdict_text"],
        summary=row["summary"],
    )


def episode(row: Row) -> Episode:
    return Episode(
        show_id=row["show_id"],
        number=row["number"],
        title=row["title"],
        critic_score=score(row["critic_halves"]),
        summary=row["summary"],
    )


def tally(row: Row | None) -> Tally:
    # No row: nobody in this server has rated the episode (the tally keeps no zero rows).
    if row is None or row["ratings"] is None:
        return Tally(0, 0)
    return Tally(row["ratings"], row["total_halves"])


def rating(row: Row) -> Rating:
    return Rating(
        guild_id=row["guild_id"],
        show_id=row["show_id"],
        episode=row["episode"],
        user_id=row["user_id"],
        score=Score(row["halves"]),
        comment=row["comment"],
        spoiler=bool(row["spoiler"]),
        author_name=row["author_name"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def settings(row: Row) -> GuildSettings:
    return GuildSettings(
        guild_id=row["guild_id"],
        default_show_id=row["default_show_id"],
        curator_role_id=row["curator_role_id"],
        spoiler_guard=bool(row["spoiler_guard"]),
        spoiler_titles_hidden=row["spoiler_titles"] == "hide",
    )


def watch(row: Row) -> WatchEntry:
    return WatchEntry(
        guild_id=row["guild_id"],
        show_id=row["show_id"],
        user_id=row["user_id"],
        status=WatchStatus(row["status"]),
        progress=row["progress"],
        status_chosen=bool(row["status_chosen"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def removal(row: Row) -> CommentRemoval:
    return CommentRemoval(
        id=row["id"],
        guild_id=row["guild_id"],
        show_id=row["show_id"],
        episode=row["episode"],
        author_id=row["author_id"],
        moderator_id=row["moderator_id"],
        comment=row["comment"],
        reason=row["reason"],
        removed_at=row["removed_at"],
    )


def overview(row: Row) -> ShowOverview:
    scored = row["scored"]
    return ShowOverview(
        show=show(row),
        critic_average=Fraction(row["critic_halves"], 2 * scored) if scored else None,
        scored_episodes=scored,
    )
