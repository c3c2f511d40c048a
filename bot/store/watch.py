"""Queries about members' watch status and progress, and the servers' spoiler settings.

Functions taking a :class:`Reader` read outside any write; those taking a :class:`Transaction`
run inside a write.
"""

from __future__ import annotations

from bot.store import rows
from bot.store.errors import ProgressOutOfRange
from bot.store.models import SpoilerView, WatchCounts, WatchEntry, WatchlistEntry, WatchStatus
from bot.store.reader import Reader
from bot.store.writer import Transaction

Key = tuple[int, int, int]  # guild, show, member

_ENTRY = (
    f"SELECT {rows.WATCH_COLUMNS} FROM watch AS w "  # noqa: S608 - a constant column list
    "WHERE w.guild_id = ? AND w.show_id = ? AND w.user_id = ?"
)

# The guard's one read: the member's row and the server's settings, each by primary key, in one
# statement (a server or member without a row reads as NULLs: the defaults, no progress).
_SPOILER_VIEW = f"""
    SELECT g.spoiler_guard, g.spoiler_titles, {rows.WATCH_COLUMNS}
    FROM (SELECT 1 AS one) AS x
    LEFT JOIN guild_setting AS g ON g.guild_id = :guild_id
    LEFT JOIN watch AS w ON w.guild_id = :guild_id AND w.show_id = :show_id AND w.user_id = :user_id
"""  # noqa: S608 - a constant column list

_COUNTS = (
    "coalesce(sum(CASE WHEN w.status = 'watching' THEN 1 ELSE 0 END), 0) AS watching, "
    "coalesce(sum(CASE WHEN w.status = 'completed' THEN 1 ELSE 0 END), 0) AS completed"
)


def derived_status(progress: int, episode_count: int) -> WatchStatus:
    """The status a member who never chose one has: from how far they watched."""
    if progress >= episode_count:
        return WatchStatus.COMPLETED
    if progress == 0:
        return WatchStatus.PLAN_TO_WATCH
    return WatchStatus.WATCHING


# -- reads -------------------------------------------------------------------------------------


async def entry(db: Reader, key: Key) -> WatchEntry | None:
    row = await db.one(_ENTRY, key)
    return rows.watch(row) if row else None


async def spoiler_view(db: Reader, guild_id: int, show_id: int, user_id: int) -> SpoilerView:
    row = await db.one(_SPOILER_VIEW, {"guild_id": guild_id, "show_id": show_id, "user_id": user_id})
    assert row is not None  # the FROM clause always yields its one row
    return SpoilerView(
        guard=row["spoiler_guard"] is None or bool(row["spoiler_guard"]),
        titles_hidden=row["spoiler_titles"] == "hide",
        entry=rows.watch(row) if row["status"] is not None else None,
    )


async def watchlist(
    db: Reader, guild_id: int, user_id: int, *, limit: int | None, offset: int
) -> list[WatchlistEntry]:
    """A member's watch entries in a server, by show title and season (every one without ``limit``)."""
    if (limit is not None and limit < 1) or offset < 0:
        raise ValueError(f"bad page: limit={limit}, offset={offset}")
    found = await db.all(
        f"SELECT {rows.WATCH_COLUMNS}, s.title AS show_title, s.episode_count "  # noqa: S608 - constants
        "FROM watch AS w JOIN show AS s ON s.id = w.show_id "
        "WHERE w.guild_id = ? AND w.user_id = ? "
        "ORDER BY s.title_key, s.season, s.id" + ("" if limit is None else " LIMIT ? OFFSET ?"),
        (guild_id, user_id) if limit is None else (guild_id, user_id, limit, offset),
    )
    return [
        WatchlistEntry(rows.watch(row), show_title=row["show_title"], episode_count=row["episode_count"])
        for row in found
    ]


async def watchlist_count(db: Reader, guild_id: int, user_id: int) -> int:
    row = await db.one("SELECT count(*) FROM watch WHERE guild_id = ? AND user_id = ?", (guild_id, user_id))
    return int(row[0]) if row else 0


async def counts(db: Reader, guild_id: int, show_id: int) -> WatchCounts:
    row = await db.one(
        f"SELECT {_COUNTS} FROM watch AS w WHERE w.guild_id = ? AND w.show_id = ?",  # noqa: S608
        (guild_id, show_id),
    )
    return WatchCounts(int(row["watching"]), int(row["completed"])) if row else WatchCounts()


async def counts_by_show(db: Reader, guild_id: int) -> dict[int, WatchCounts]:
    """Each show with a watch entry in this server; shows nobody follows are absent."""
    found = await db.all(
        f"SELECT w.show_id, {_COUNTS} FROM watch AS w WHERE w.guild_id = ? GROUP BY w.show_id",  # noqa: S608
        (guild_id,),
    )
    return {row["show_id"]: WatchCounts(int(row["watching"]), int(row["completed"])) for row in found}


# -- inside a write ------------------------------------------------------------------------------


async def fetch(tx: Transaction, key: Key) -> WatchEntry | None:
    row = await tx.one(_ENTRY, key)
    return rows.watch(row) if row else None


async def write(
    tx: Transaction,
    key: Key,
    *,
    status: WatchStatus | None,
    progress: int | None,
    episode_count: int,
) -> WatchEntry:
    """Set the member's status (they chose it) and/or progress; None leaves that part as it follows.

    ``completed`` means every episode, so it sets the progress to the show's end. Progress alone
    keeps a status the member chose, except that it moves ``completed`` back to ``watching`` below
    the end and ``watching`` to ``completed`` at it. Raises :class:`ProgressOutOfRange` (writing
    nothing) for progress below 0 or past the show's last episode.
    """
    if status is None and progress is None:
        raise ValueError("a watch write needs a status or a progress")
    if progress is not None and not 0 <= progress <= episode_count:
        raise ProgressOutOfRange(progress, episode_count)
    current = await fetch(tx, key)
    if status is not None:
        chosen = True
        if status is WatchStatus.COMPLETED:
            progress = episode_count
        elif progress is None:
            progress = min(current.progress, episode_count) if current else 0
    else:
        assert progress is not None
        if current is not None and current.status_chosen:
            chosen, status = True, current.status
            if status is WatchStatus.COMPLETED and progress < episode_count:
                status = WatchStatus.WATCHING
            elif status is WatchStatus.WATCHING and progress == episode_count:
                status = WatchStatus.COMPLETED
        else:
            chosen, status = False, derived_status(progress, episode_count)
    guild_id, show_id, user_id = key
    row = await tx.one(
        f"""
        INSERT INTO watch (guild_id, show_id, user_id, status, progress, status_chosen)
        VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (guild_id, show_id, user_id) DO UPDATE SET
            status = excluded.status,
            progress = excluded.progress,
            status_chosen = excluded.status_chosen,
            updated_at = {rows.NOW}
        RETURNING {rows.WATCH_RETURNING}
        """,  # noqa: S608 - constant columns
        (guild_id, show_id, user_id, status.value, progress, int(chosen)),
    )
    assert row is not None
    return rows.watch(row)


async def after_rating(tx: Transaction, key: Key, episode: int, episode_count: int) -> None:
    """A member rated ``episode``: they watched at least that far.

    Progress moves up (never down); the status follows (``watching``, ``completed`` at the last
    episode) unless the member chose it. One upsert, so two ratings at once cannot lose either.
    """
    guild_id, show_id, user_id = key
    await tx.execute(
        f"""
        INSERT INTO watch (guild_id, show_id, user_id, status, progress, status_chosen)
        VALUES (:guild_id, :show_id, :user_id,
                CASE WHEN CAST(:episode AS INTEGER) >= CAST(:count AS INTEGER)
                     THEN 'completed' ELSE 'watching' END,
                CAST(:episode AS INTEGER), 0)
        ON CONFLICT (guild_id, show_id, user_id) DO UPDATE SET
            status = CASE
                WHEN watch.status_chosen = 1 THEN watch.status
                WHEN watch.progress >= CAST(:count AS INTEGER)
                  OR excluded.progress >= CAST(:count AS INTEGER) THEN 'completed'
                ELSE 'watching' END,
            progress = CASE WHEN excluded.progress > watch.progress
                            THEN excluded.progress ELSE watch.progress END,
            updated_at = {rows.NOW}
        """,  # noqa: S608 - a constant expression
        {
            "guild_id": guild_id,
            "show_id": show_id,
            "user_id": user_id,
            "episode": episode,
            "count": episode_count,
        },
    )


async def delete_member(tx: Transaction, guild_id: int, user_id: int) -> int:
    """Delete every watch entry of a member in a server; returns how many went."""
    return await tx.execute("DELETE FROM watch WHERE guild_id = ? AND user_id = ?", (guild_id, user_id))


async def set_spoiler_guard(tx: Transaction, guild_id: int, on: bool) -> None:
    await tx.execute(
        "INSERT INTO guild_setting (guild_id, spoiler_guard) VALUES (?, ?) "
        "ON CONFLICT (guild_id) DO UPDATE SET spoiler_guard = excluded.spoiler_guard",
        (guild_id, int(on)),
    )


async def set_spoiler_titles(tx: Transaction, guild_id: int, hidden: bool) -> None:
    await tx.execute(
        "INSERT INTO guild_setting (guild_id, spoiler_titles) VALUES (?, ?) "
        "ON CONFLICT (guild_id) DO UPDATE SET spoiler_titles = excluded.spoiler_titles",
        (guild_id, "hide" if hidden else "show"),
    )
