"""Queries about one member's own data in a server (/mydata), and about servers that removed the bot.

Forgetting a member is one transaction. *delete* removes their ratings (the tally triggers take
their scores out of the averages); *anonymise* first adds each score to ``anonymous_tally``, whose
triggers count it in ``episode_tally`` beside the ratings, and then deletes the ratings, so every
tally ends exactly where it was while no row links a score to the member. Either way their removal
records and settings go, and removals they made as a moderator stay without their id.
"""

from __future__ import annotations

from datetime import datetime

from bot.scores import Score
from bot.store import rows, watch
from bot.store.models import (
    FORGET_MODES,
    AverageChange,
    ForgetReport,
    ImportedRating,
    ImportedWatch,
    ImportOverwrite,
    MemberData,
    MemberRating,
    Tally,
)
from bot.store.reader import Reader
from bot.store.writer import Transaction

Source = Reader | Transaction

# A member's ratings with what forgetting them does to each tally.
_RATED = """
    SELECT r.show_id, s.title AS show_title, r.episode, r.halves, r.comment,
           t.ratings AS tally_ratings, t.total_halves AS tally_halves
    FROM rating AS r
    JOIN show AS s ON s.id = r.show_id
    JOIN episode_tally AS t ON t.guild_id = r.guild_id AND t.show_id = r.show_id AND t.episode = r.episode
    WHERE r.guild_id = ? AND r.user_id = ?
    ORDER BY s.title_key, s.season, s.id, r.episode
"""


def timestamp(moment: datetime) -> str:
    """A UTC moment as the store writes every date: ``2026-12-02T21:57:24.123Z`` (24 characters)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


async def _count(db: Source, sql: str, params: tuple[object, ...]) -> int:
    row = await db.one(sql, params)
    return int(row[0]) if row else 0


# -- reads -------------------------------------------------------------------------------------


async def member_data(db: Reader, guild_id: int, user_id: int) -> MemberData:
    found = await db.all(
        f"SELECT {rows.RATING_COLUMNS}, s.title AS show_title "  # noqa: S608 - a constant column list
        "FROM rating AS r JOIN show AS s ON s.id = r.show_id "
        "WHERE r.guild_id = ? AND r.user_id = ? ORDER BY s.title_key, s.season, s.id, r.episode",
        (guild_id, user_id),
    )
    removals = await db.all(
        f"SELECT {rows.REMOVAL_COLUMNS} FROM comment_removal "  # noqa: S608 - a constant column list
        "WHERE guild_id = ? AND author_id = ? ORDER BY removed_at, id",
        (guild_id, user_id),
    )
    moderated = await _count(
        db,
        "SELECT count(*) FROM comment_removal WHERE guild_id = ? AND moderator_id = ?",
        (guild_id, user_id),
    )
    return MemberData(
        ratings=tuple(MemberRating(rating=rows.rating(row), show_title=row["show_title"]) for row in found),
        removals=tuple(rows.removal(row) for row in removals),
        moderated=moderated,
        hide_from_rankings=await hides_from_rankings(db, guild_id, user_id),
        watch=tuple(await watch.watchlist(db, guild_id, user_id, limit=None, offset=0)),
    )


async def hides_from_rankings(db: Source, guild_id: int, user_id: int) -> bool:
    row = await db.one(
        "SELECT hide_from_rankings FROM member_setting WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )
    return bool(row and row[0])


async def forget_report(db: Source, guild_id: int, user_id: int, mode: str) -> ForgetReport:
    """What forgetting the member in ``mode`` takes, and how each episode's average moves."""
    if mode not in FORGET_MODES:
        raise ValueError(f"unknown forget mode {mode!r}")
    changes = []
    comments = 0
    for row in await db.all(_RATED, (guild_id, user_id)):
        before = Tally(row["tally_ratings"], row["tally_halves"])
        after = (
            before if mode == "anonymise" else Tally(before.ratings - 1, before.total_halves - row["halves"])
        )
        comments += row["comment"] is not None
        changes.append(AverageChange(row["show_id"], row["show_title"], row["episode"], before, after))
    params = (guild_id, user_id)
    return ForgetReport(
        mode=mode,
        ratings=len(changes),
        comments=comments,
        removals=await _count(
            db, "SELECT count(*) FROM comment_removal WHERE guild_id = ? AND author_id = ?", params
        ),
        moderated=await _count(
            db, "SELECT count(*) FROM comment_removal WHERE guild_id = ? AND moderator_id = ?", params
        ),
        settings=await _count(
            db, "SELECT count(*) FROM member_setting WHERE guild_id = ? AND user_id = ?", params
        ),
        watch=await _count(db, "SELECT count(*) FROM watch WHERE guild_id = ? AND user_id = ?", params),
        changes=tuple(changes),
    )


async def import_overwrites(
    db: Source, guild_id: int, user_id: int, items: list[ImportedRating]
) -> list[ImportOverwrite]:
    """The member's ratings in the server that are newer than the file's rating of the same episode."""
    found = []
    for item in items:
        row = await db.one(
            "SELECT r.halves, r.updated_at, s.title FROM rating AS r JOIN show AS s ON s.id = r.show_id "
            "WHERE r.guild_id = ? AND r.show_id = ? AND r.episode = ? AND r.user_id = ?",
            (guild_id, item.show_id, item.episode, user_id),
        )
        if row is not None and row["updated_at"] > item.updated_at:
            found.append(
                ImportOverwrite(
                    show_id=item.show_id,
                    show_title=row["title"],
                    episode=item.episode,
                    current=Score(row["halves"]),
                    current_updated_at=row["updated_at"],
                    imported=item.score,
                    imported_updated_at=item.updated_at,
                )
            )
    return found


async def departed_before(db: Reader, cutoff: datetime) -> list[tuple[int, str]]:
    """Servers that removed the bot before ``cutoff``, oldest first: (server, when)."""
    found = await db.all(
        "SELECT guild_id, departed_at FROM guild_departure WHERE departed_at < ? "
        "ORDER BY departed_at, guild_id",
        (timestamp(cutoff),),
    )
    return [(int(row["guild_id"]), str(row["departed_at"])) for row in found]


def same_data(report: ForgetReport, previewed: ForgetReport) -> bool:
    """The member's own data is as previewed: the same rows of theirs (others' ratings may move the
    averages meanwhile; that is not theirs to confirm)."""

    def own(r: ForgetReport) -> tuple[object, ...]:
        rated = tuple((c.show_id, c.episode, c.before.total_halves - c.after.total_halves) for c in r.changes)
        return (r.mode, r.ratings, r.comments, r.removals, r.moderated, r.settings, r.watch, rated)

    return own(report) == own(previewed)


# -- inside a write ------------------------------------------------------------------------------


async def forget(tx: Transaction, guild_id: int, user_id: int, mode: str) -> ForgetReport:
    report = await forget_report(tx, guild_id, user_id, mode)
    params = (guild_id, user_id)
    if mode == "anonymise":
        # Into the anonymous tally first: its triggers add the scores to episode_tally, and the
        # deletes below take the ratings' copies out again, so every tally ends where it was.
        await tx.execute(
            """
            INSERT INTO anonymous_tally (guild_id, show_id, episode, ratings, total_halves)
            SELECT guild_id, show_id, episode, count(*), sum(halves) FROM rating
            WHERE guild_id = ? AND user_id = ?
            GROUP BY guild_id, show_id, episode
            ON CONFLICT (guild_id, show_id, episode) DO UPDATE SET
                ratings = anonymous_tally.ratings + excluded.ratings,
                total_halves = anonymous_tally.total_halves + excluded.total_halves
            """,
            params,
        )
    await tx.execute("DELETE FROM rating WHERE guild_id = ? AND user_id = ?", params)
    await tx.execute("DELETE FROM comment_removal WHERE guild_id = ? AND author_id = ?", params)
    await tx.execute(
        "UPDATE comment_removal SET moderator_id = NULL WHERE guild_id = ? AND moderator_id = ?", params
    )
    await tx.execute("DELETE FROM member_setting WHERE guild_id = ? AND user_id = ?", params)
    await watch.delete_member(tx, guild_id, user_id)
    return report


async def set_hide_from_rankings(tx: Transaction, guild_id: int, user_id: int, hide: bool) -> None:
    if hide:
        await tx.execute(
            "INSERT INTO member_setting (guild_id, user_id, hide_from_rankings) VALUES (?, ?, 1) "
            "ON CONFLICT (guild_id, user_id) DO UPDATE SET hide_from_rankings = 1",
            (guild_id, user_id),
        )
    else:
        # The default needs no row: a member who switches it off leaves nothing behind.
        await tx.execute("DELETE FROM member_setting WHERE guild_id = ? AND user_id = ?", (guild_id, user_id))


async def import_ratings(
    tx: Transaction, guild_id: int, user_id: int, author_name: str, items: list[ImportedRating]
) -> int:
    """Write the file's ratings over the member's own, keeping the file's dates; returns how many."""
    for item in items:
        await tx.execute(
            """
            INSERT INTO rating (guild_id, show_id, episode, user_id, halves, comment, spoiler, author_name,
                                created_at, updated_at)
            VALUES (:guild_id, :show_id, :episode, :user_id, :halves, :comment, :spoiler, :author_name,
                    :created_at, :updated_at)
            ON CONFLICT (guild_id, show_id, episode, user_id) DO UPDATE SET
                halves = excluded.halves, comment = excluded.comment, spoiler = excluded.spoiler,
                author_name = excluded.author_name, created_at = excluded.created_at,
                updated_at = excluded.updated_at
            """,
            {
                "guild_id": guild_id,
                "show_id": item.show_id,
                "episode": item.episode,
                "user_id": user_id,
                "halves": item.score.halves,
                "comment": item.comment,
                "spoiler": int(item.spoiler),
                "author_name": author_name,
                "created_at": item.created_at,
                "updated_at": item.updated_at,
            },
        )
    return len(items)


async def import_watch(tx: Transaction, guild_id: int, user_id: int, items: list[ImportedWatch]) -> int:
    """Write the file's watch entries over the member's own; returns how many."""
    for item in items:
        await tx.execute(
            "INSERT INTO watch (guild_id, show_id, user_id, status, progress, status_chosen) "  # noqa: S608
            "VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, show_id, user_id) DO UPDATE SET status = excluded.status, "
            f"progress = excluded.progress, status_chosen = excluded.status_chosen, updated_at = {rows.NOW}",
            (guild_id, item.show_id, user_id, item.status.value, item.progress, int(item.status_chosen)),
        )
    return len(items)


async def mark_departed(tx: Transaction, guild_id: int, at: datetime) -> None:
    # A second GUILD_DELETE keeps the first date: the retention period runs from the removal.
    await tx.execute(
        "INSERT INTO guild_departure (guild_id, departed_at) VALUES (?, ?) ON CONFLICT (guild_id) DO NOTHING",
        (guild_id, timestamp(at)),
    )


async def returned(tx: Transaction, guild_id: int) -> bool:
    return bool(await tx.execute("DELETE FROM guild_departure WHERE guild_id = ?", (guild_id,)))


# Children first: ratings (their triggers empty the tallies), then the server's own shows, whose
# cascade takes their episodes and aliases, and only then the hidden catalog shows (unhiding one
# whose title a server show holds is refused).
_PURGE = (
    ("rating", "DELETE FROM rating WHERE guild_id = ?"),
    ("anonymous_tally", "DELETE FROM anonymous_tally WHERE guild_id = ?"),
    ("episode_tally", "DELETE FROM episode_tally WHERE guild_id = ?"),
    ("comment_removal", "DELETE FROM comment_removal WHERE guild_id = ?"),
    ("member_setting", "DELETE FROM member_setting WHERE guild_id = ?"),
    ("watch", "DELETE FROM watch WHERE guild_id = ?"),
    ("guild_setting", "DELETE FROM guild_setting WHERE guild_id = ?"),
    ("show", "DELETE FROM show WHERE guild_id = ?"),
    ("guild_hidden_show", "DELETE FROM guild_hidden_show WHERE guild_id = ?"),
)


async def departed_at(tx: Transaction, guild_id: int, before: datetime) -> str | None:
    """When the server removed the bot, if that was before ``before``."""
    row = await tx.one(
        "SELECT departed_at FROM guild_departure WHERE guild_id = ? AND departed_at < ?",
        (guild_id, timestamp(before)),
    )
    return str(row[0]) if row else None


async def purge_guild(tx: Transaction, guild_id: int) -> dict[str, int]:
    """Delete every row of the server; how many went, by table."""
    counts = {table: await tx.execute(sql, (guild_id,)) for table, sql in _PURGE}
    await tx.execute("DELETE FROM guild_departure WHERE guild_id = ?", (guild_id,))
    return counts
