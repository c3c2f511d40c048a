"""Queries about members' ratings, comments, tallies and comment removals.

Functions taking a :class:`Reader` read outside any write; those taking a :class:`Transaction`
run inside a write.
"""

from __future__ import annotations

from bot.scores import Score
from bot.store import rows
from bot.store.models import CommentRemoval, MemberRating, Rating, Tally
from bot.store.reader import Reader
from bot.store.writer import Transaction

# One primary-key lookup whatever the number of ratings; Store.read_plans() shows the plan.
EPISODE_TALLY = (
    "SELECT t.ratings, t.total_halves FROM episode_tally AS t "
    "WHERE t.guild_id = ? AND t.show_id = ? AND t.episode = ?"
)
_RATING = (
    f"SELECT {rows.RATING_COLUMNS} FROM rating AS r "  # noqa: S608 - a constant column list
    "WHERE r.guild_id = ? AND r.show_id = ? AND r.episode = ? AND r.user_id = ?"
)

Key = tuple[int, int, int, int]  # guild, show, episode, member


# -- reads -------------------------------------------------------------------------------------


async def rating(db: Reader, key: Key) -> Rating | None:
    row = await db.one(_RATING, key)
    return rows.rating(row) if row else None


async def episode_tally(db: Reader, guild_id: int, show_id: int, episode: int) -> Tally:
    return rows.tally(await db.one(EPISODE_TALLY, (guild_id, show_id, episode)))


async def show_tallies(db: Reader, guild_id: int, show_id: int) -> dict[int, Tally]:
    """Each rated episode's tally in this server, by episode number; unrated ones are absent."""
    found = await db.all(
        "SELECT t.episode, t.ratings, t.total_halves FROM episode_tally AS t "
        "WHERE t.guild_id = ? AND t.show_id = ? ORDER BY t.episode",
        (guild_id, show_id),
    )
    return {row["episode"]: rows.tally(row) for row in found}


async def show_tally(db: Reader, guild_id: int, show_id: int) -> Tally:
    """Every rating of every episode of the show in this server, taken together."""
    row = await db.one(
        "SELECT coalesce(sum(t.ratings), 0) AS ratings, coalesce(sum(t.total_halves), 0) AS total_halves "
        "FROM episode_tally AS t WHERE t.guild_id = ? AND t.show_id = ?",
        (guild_id, show_id),
    )
    return rows.tally(row)


async def comments(
    db: Reader, guild_id: int, show_id: int, episode: int, *, limit: int, offset: int
) -> list[Rating]:
    """One page of the server's ratings of the episode that have a comment, newest first."""
    if limit < 1 or offset < 0:
        # SQLite reads a negative LIMIT as "no limit": a paging bug would dump everything.
        raise ValueError(f"bad page: limit={limit}, offset={offset}")
    found = await db.all(
        f"SELECT {rows.RATING_COLUMNS} FROM rating AS r "  # noqa: S608 - a constant column list
        "WHERE r.guild_id = ? AND r.show_id = ? AND r.episode = ? AND r.comment IS NOT NULL "
        # rowid breaks ties between writes in the same millisecond, so pages never overlap.
        "ORDER BY r.updated_at DESC, r.rowid DESC LIMIT ? OFFSET ?",
        (guild_id, show_id, episode, limit, offset),
    )
    return [rows.rating(row) for row in found]


async def comment_count(db: Reader, guild_id: int, show_id: int, episode: int) -> int:
    # "comment IS NOT NULL" is spelled out so that the partial index rating_comments serves it.
    row = await db.one(
        "SELECT count(*) FROM rating "
        "WHERE guild_id = ? AND show_id = ? AND episode = ? AND comment IS NOT NULL",
        (guild_id, show_id, episode),
    )
    return int(row[0]) if row else 0


async def member_ratings(db: Reader, guild_id: int, user_id: int, show_id: int | None) -> list[MemberRating]:
    """A member's ratings in a server (of one show, if given), by show title then episode."""
    found = await db.all(
        f"SELECT {rows.RATING_COLUMNS}, s.title AS show_title "  # noqa: S608 - a constant column list
        "FROM rating AS r JOIN show AS s ON s.id = r.show_id "
        "WHERE r.guild_id = :guild_id AND r.user_id = :user_id "
        "AND (CAST(:show_id AS BIGINT) IS NULL OR r.show_id = :show_id) "
        "ORDER BY s.title_key, s.season, s.id, r.episode",
        {"guild_id": guild_id, "user_id": user_id, "show_id": show_id},
    )
    return [MemberRating(rating=rows.rating(row), show_title=row["show_title"]) for row in found]


async def removals(db: Reader, guild_id: int, *, limit: int, offset: int = 0) -> list[CommentRemoval]:
    """The server's comment removals, newest first."""
    found = await db.all(
        f"SELECT {rows.REMOVAL_COLUMNS} FROM comment_removal "  # noqa: S608 - a constant column list
        "WHERE guild_id = ? ORDER BY removed_at DESC, id DESC LIMIT ? OFFSET ?",
        (guild_id, max(limit, 0), max(offset, 0)),
    )
    return [rows.removal(row) for row in found]


async def removal_count(db: Reader, guild_id: int) -> int:
    row = await db.one("SELECT count(*) FROM comment_removal WHERE guild_id = ?", (guild_id,))
    return int(row[0]) if row else 0


# -- inside a write ------------------------------------------------------------------------------


async def fetch(tx: Transaction, key: Key) -> Rating | None:
    row = await tx.one(_RATING, key)
    return rows.rating(row) if row else None


async def fetch_tally(tx: Transaction, guild_id: int, show_id: int, episode: int) -> Tally:
    return rows.tally(await tx.one(EPISODE_TALLY, (guild_id, show_id, episode)))


async def upsert(
    tx: Transaction,
    key: Key,
    *,
    author_name: str,
    score: Score,
    comment: str | None,
    spoiler: bool,
    keep_comment: bool,
) -> Rating:
    guild_id, show_id, episode, user_id = key
    row = await tx.one(
        f"""
        INSERT INTO rating (guild_id, show_id, episode, user_id, halves, comment, spoiler, author_name)
        VALUES (:guild_id, :show_id, :episode, :user_id, :halves, :comment, :spoiler, :author_name)
        ON CONFLICT (guild_id, show_id, episode, user_id) DO UPDATE SET
            halves = excluded.halves,
            comment = CASE WHEN :keep = 1 AND excluded.comment IS NULL
                           THEN rating.comment ELSE excluded.comment END,
            spoiler = CASE WHEN :keep = 1 AND excluded.comment IS NULL
                           THEN rating.spoiler ELSE excluded.spoiler END,
            author_name = excluded.author_name,
            updated_at = {rows.NOW}
        RETURNING {rows.RATING_RETURNING}
        """,  # noqa: S608 - a constant column list
        {
            "guild_id": guild_id,
            "show_id": show_id,
            "episode": episode,
            "user_id": user_id,
            "halves": score.halves,
            "comment": comment,
            "spoiler": int(spoiler),
            "author_name": author_name,
            "keep": int(keep_comment),
        },
    )
    assert row is not None
    return rows.rating(row)


async def delete(tx: Transaction, key: Key) -> Rating | None:
    row = await tx.one(
        f"DELETE FROM rating WHERE guild_id = ? AND show_id = ? AND episode = ? AND user_id = ? "  # noqa: S608
        f"RETURNING {rows.RATING_RETURNING}",
        key,
    )
    return rows.rating(row) if row else None


async def clear_comment(tx: Transaction, key: Key) -> Rating | None:
    """Remove the member's own comment, keeping the score; None when there was no comment."""
    row = await tx.one(
        "UPDATE rating SET comment = NULL, spoiler = 0, "  # noqa: S608 - a constant expression
        f"updated_at = {rows.NOW} "
        "WHERE guild_id = ? AND show_id = ? AND episode = ? AND user_id = ? AND comment IS NOT NULL "
        f"RETURNING {rows.RATING_RETURNING}",
        key,
    )
    return rows.rating(row) if row else None


async def record_removal(
    tx: Transaction, key: Key, *, moderator_id: int, reason: str | None
) -> CommentRemoval | None:
    """Record a moderator's removal of the comment and remove it; None when there is no comment.

    The record is copied from the rating in one statement, so it holds exactly the text that is
    about to go. The rating's updated_at stays: it dates the member's own writes, not moderation.
    """
    guild_id, show_id, episode, user_id = key
    params = {"guild_id": guild_id, "show_id": show_id, "episode": episode, "user_id": user_id}
    row = await tx.one(
        f"""
        INSERT INTO comment_removal (guild_id, show_id, episode, author_id, moderator_id, comment, reason)
        SELECT guild_id, show_id, episode, user_id, :moderator_id, comment, :reason FROM rating
        WHERE guild_id = :guild_id AND show_id = :show_id AND episode = :episode
          AND user_id = :user_id AND comment IS NOT NULL
        RETURNING {rows.REMOVAL_COLUMNS}
        """,  # noqa: S608 - a constant column list
        {**params, "moderator_id": moderator_id, "reason": reason},
    )
    if row is None:
        return None
    await tx.execute(
        "UPDATE rating SET comment = NULL, spoiler = 0 "
        "WHERE guild_id = :guild_id AND show_id = :show_id AND episode = :episode AND user_id = :user_id",
        params,
    )
    return rows.removal(row)
