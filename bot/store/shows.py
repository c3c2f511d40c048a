"""Queries about shows and their episodes.

Functions taking a :class:`Reader` read outside any write; those taking a :class:`Transaction`
run inside a write. Both build on the same SQL and row mappers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from bot.store import rows
from bot.store.errors import ShowNotFound, ShowReadOnly, ShowTitleTaken
from bot.store.integrity import violation
from bot.store.models import DefaultShow, Episode, Show, ShowFootprint, ShowOverview, ShowSpec, Tally
from bot.store.reader import Reader, Row
from bot.store.writer import Transaction


def name_key(name: str) -> str:
    """How names are compared: case- and width-insensitive, surrounding space ignored."""
    return " ".join(name.split()).casefold()


# The catalog's shows that this server has not hidden, and the server's own.
_VISIBLE = """
    (s.guild_id = :guild_id OR (s.guild_id IS NULL AND NOT EXISTS (
        SELECT 1 FROM guild_hidden_show AS h WHERE h.guild_id = :guild_id AND h.show_id = s.id)))
"""

_BY_ID = f"SELECT {rows.SHOW_COLUMNS} FROM show AS s WHERE s.id = ?"  # noqa: S608 - constant columns
_VISIBLE_BY_ID = f"SELECT {rows.SHOW_COLUMNS} FROM show AS s WHERE s.id = :show_id AND {_VISIBLE}"  # noqa: S608
_EPISODE = f"SELECT {rows.EPISODE_COLUMNS} FROM episode AS e WHERE e.show_id = ? AND e.number = ?"  # noqa: S608
_EPISODES = f"SELECT {rows.EPISODE_COLUMNS} FROM episode AS e WHERE e.show_id = ? ORDER BY e.number"  # noqa: S608


# -- reads -------------------------------------------------------------------------------------


async def visible(db: Reader, guild_id: int) -> list[Show]:
    """The catalog's shows the server has not hidden and its own, by title and season."""
    found = await db.all(
        f"SELECT {rows.SHOW_COLUMNS} FROM show AS s WHERE {_VISIBLE} "  # noqa: S608 - constant SQL
        "ORDER BY s.title_key, s.season, s.id",
        {"guild_id": guild_id},
    )
    return [rows.show(row) for row in found]


async def visible_by_id(db: Reader, guild_id: int, show_id: int) -> Show | None:
    row = await db.one(_VISIBLE_BY_ID, {"guild_id": guild_id, "show_id": show_id})
    return rows.show(row) if row else None


async def hidden(db: Reader, guild_id: int) -> list[Show]:
    """The catalog shows this server has hidden, by title."""
    found = await db.all(
        f"SELECT {rows.SHOW_COLUMNS} FROM show AS s JOIN guild_hidden_show AS h ON h.show_id = s.id "  # noqa: S608
        "WHERE h.guild_id = ? ORDER BY s.title_key, s.season, s.id",
        (guild_id,),
    )
    return [rows.show(row) for row in found]


async def default(db: Reader, guild_id: int) -> DefaultShow:
    """The server's default show if it can see it, else its only show; one read in both cases."""
    row = await db.one(
        f"""
        SELECT {rows.SHOW_COLUMNS}, (SELECT count(*) FROM show AS s WHERE {_VISIBLE}) AS visible_count
        FROM show AS s
        WHERE {_VISIBLE} AND (
            s.id = (SELECT default_show_id FROM guild_setting WHERE guild_id = :guild_id)
            OR (SELECT count(*) FROM show AS s WHERE {_VISIBLE}) = 1
        )
        ORDER BY s.id = (SELECT default_show_id FROM guild_setting WHERE guild_id = :guild_id) DESC
        LIMIT 1
        """,  # noqa: S608 - constant SQL
        {"guild_id": guild_id},
    )
    if row is not None:
        return DefaultShow(show=rows.show(row), visible=int(row["visible_count"]))
    counted = await db.one(f"SELECT count(*) FROM show AS s WHERE {_VISIBLE}", {"guild_id": guild_id})  # noqa: S608
    return DefaultShow(show=None, visible=int(counted[0]) if counted else 0)


async def catalog_id_by_key(db: Reader, key: str) -> int | None:
    row = await db.one("SELECT id FROM show WHERE catalog_key = ?", (key,))
    return int(row[0]) if row else None


async def episode_with_tally(
    db: Reader, guild_id: int, show_id: int, number: int
) -> tuple[Episode | None, Tally]:
    """An episode and this server's tally of it, in one primary-key read of each table."""
    row = await db.one(
        f"SELECT {rows.EPISODE_COLUMNS}, {rows.TALLY_COLUMNS} FROM episode AS e "  # noqa: S608 - constant
        "LEFT JOIN episode_tally AS t ON t.guild_id = ? AND t.show_id = e.show_id AND t.episode = e.number "
        "WHERE e.show_id = ? AND e.number = ?",
        (guild_id, show_id, number),
    )
    if row is None:
        return None, Tally(0, 0)
    return rows.episode(row), rows.tally(row)


async def titles(db: Reader, show_ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(show_ids))
    if not wanted:
        return {}
    marks = ", ".join("?" for _ in wanted)
    found = await db.all(f"SELECT id, title FROM show WHERE id IN ({marks})", tuple(wanted))  # noqa: S608
    return {int(row["id"]): row["title"] for row in found}


async def catalog_by_id(db: Reader, show_id: int) -> Show | None:
    row = await db.one(_BY_ID, (show_id,))
    show = rows.show(row) if row else None
    return show if show is not None and show.is_catalog else None


async def episode(db: Reader, show_id: int, number: int) -> Episode | None:
    row = await db.one(_EPISODE, (show_id, number))
    return rows.episode(row) if row else None


async def episodes(db: Reader, show_id: int) -> list[Episode]:
    return [rows.episode(row) for row in await db.all(_EPISODES, (show_id,))]


async def overviews(db: Reader, guild_id: int) -> list[ShowOverview]:
    """Every show the server can see, by title, each with its critic average; one query."""
    found = await db.all(
        f"SELECT {rows.SHOW_COLUMNS}, count(e.critic_halves) AS scored, "  # noqa: S608 - constant SQL
        "sum(e.critic_halves) AS critic_halves "
        f"FROM show AS s LEFT JOIN episode AS e ON e.show_id = s.id WHERE {_VISIBLE} "
        "GROUP BY s.id ORDER BY s.title_key, s.season, s.id",
        {"guild_id": guild_id},
    )
    return [rows.overview(row) for row in found]


async def own_by_title(db: Reader, guild_id: int, title: str, season: int) -> Show | None:
    """The server's own show of this title (any case) and season; catalog shows are not looked at."""
    row = await db.one(
        f"SELECT {rows.SHOW_COLUMNS} FROM show AS s "  # noqa: S608 - a constant column list
        "WHERE s.guild_id = ? AND s.title_key = ? AND s.season = ?",
        (guild_id, name_key(title), season),
    )
    return rows.show(row) if row else None


async def footprint_after(db: Reader, guild_id: int, show: Show, last: int) -> ShowFootprint:
    """What cutting the show's run to ``last`` episodes (0: deleting it) would take in this server."""
    row = await db.one(_FOOTPRINT, {"guild_id": guild_id, "show_id": show.id, "last": last})
    return _footprint(row, show, last)


# -- inside a write ------------------------------------------------------------------------------


async def fetch(tx: Transaction, show_id: int) -> Show | None:
    row = await tx.one(_BY_ID, (show_id,))
    return rows.show(row) if row else None


async def require(tx: Transaction, show_id: int) -> Show:
    """A show just written in the same transaction, so certainly there."""
    show = await fetch(tx, show_id)
    if show is None:
        raise AssertionError(f"show {show_id} vanished inside its own transaction")
    return show


async def fetch_visible(tx: Transaction, guild_id: int, show_id: int) -> Show:
    """The show, if this server can see it (catalog or its own); else :class:`ShowNotFound`."""
    row = await tx.one(_VISIBLE_BY_ID, {"guild_id": guild_id, "show_id": show_id})
    if row is None:
        raise ShowNotFound(show_id)
    return rows.show(row)


async def fetch_own(tx: Transaction, guild_id: int, show_id: int) -> Show:
    """The show a server is about to write to: its own, else ShowReadOnly or ShowNotFound."""
    show = await fetch_visible(tx, guild_id, show_id)
    if show.is_catalog:
        raise ShowReadOnly(show.title)
    return show


async def fetch_episode(tx: Transaction, show_id: int, number: int) -> Episode | None:
    row = await tx.one(_EPISODE, (show_id, number))
    return rows.episode(row) if row else None


async def fetch_episodes(tx: Transaction, show_id: int) -> list[Episode]:
    return [rows.episode(row) for row in await tx.all(_EPISODES, (show_id,))]


async def fetch_footprint_after(tx: Transaction, guild_id: int, show: Show, last: int) -> ShowFootprint:
    row = await tx.one(_FOOTPRINT, {"guild_id": guild_id, "show_id": show.id, "last": last})
    return _footprint(row, show, last)


async def count_visible(tx: Transaction, guild_id: int) -> int:
    row = await tx.one(f"SELECT count(*) FROM show AS s WHERE {_VISIBLE}", {"guild_id": guild_id})  # noqa: S608
    return int(row[0]) if row else 0


async def own_by_title_tx(tx: Transaction, guild_id: int, title: str, season: int) -> Show | None:
    row = await tx.one(
        f"SELECT {rows.SHOW_COLUMNS} FROM show AS s "  # noqa: S608 - a constant column list
        "WHERE s.guild_id = ? AND s.title_key = ? AND s.season = ?",
        (guild_id, name_key(title), season),
    )
    return rows.show(row) if row else None


async def catalog_id(tx: Transaction, key: str) -> int | None:
    row = await tx.one("SELECT id FROM show WHERE catalog_key = ?", (key,))
    return int(row[0]) if row else None


async def insert(tx: Transaction, guild_id: int | None, spec: ShowSpec) -> int:
    """A new show with its aliases and one episode row per number; returns its id.

    ``guild_id`` None makes a catalog show keyed by ``spec.key``; a server's show has no key.
    """
    with title_must_be_free(spec.title, spec.season):
        row = await tx.one(
            """
            INSERT INTO show (guild_id, catalog_key, title, title_key, original_title, kind, year,
                              network, season, episode_count, verdict_halves, verdict_text, summary)
            VALUES (:guild_id, :catalog_key, :title, :title_key, :original_title, :kind, :year,
                    :network, :season, :episode_count, :verdict_halves, :verdict_text, :summary)
            RETURNING id
            """,
            {
                **_spec_values(spec),
                "guild_id": guild_id,
                "catalog_key": spec.key if guild_id is None else None,
            },
        )
    assert row is not None
    show_id = int(row[0])
    await replace_aliases(tx, show_id, spec.aliases)
    await write_episodes(tx, show_id, spec)
    return show_id


async def rewrite(tx: Transaction, show_id: int, spec: ShowSpec) -> None:
    """Make an existing show exactly what the spec says, keeping its id, owner and key.

    Episodes past the spec's run are deleted with their ratings; those inside it are updated
    in place, so their ratings stay.
    """
    # Episodes past a shortened run must go before the count may shrink.
    await delete_episodes_after(tx, show_id, spec.episode_count)
    with title_must_be_free(spec.title, spec.season):
        await tx.execute(
            f"""
            UPDATE show SET
                title = :title, title_key = :title_key, original_title = :original_title, kind = :kind,
                year = :year, network = :network, season = :season, episode_count = :episode_count,
                verdict_halves = :verdict_halves, verdict_text = :verdict_text, summary = :summary,
                updated_at = {rows.NOW}
            WHERE id = :show_id
            """,  # noqa: S608 - a constant expression
            {**_spec_values(spec), "show_id": show_id},
        )
    await replace_aliases(tx, show_id, spec.aliases)
    await write_episodes(tx, show_id, spec)


async def update_columns(tx: Transaction, show_id: int, changes: dict[str, object]) -> None:
    """``UPDATE show SET …`` for columns named in code (never by input)."""
    assignments = ", ".join(f"{column} = :{column}" for column in changes)
    await tx.execute(
        f"UPDATE show SET {assignments}, updated_at = {rows.NOW} WHERE id = :show_id",  # noqa: S608
        {**changes, "show_id": show_id},
    )


async def update_episode_columns(
    tx: Transaction, show_id: int, number: int, changes: dict[str, object]
) -> None:
    assignments = ", ".join(f"{column} = :{column}" for column in changes)
    await tx.execute(
        f"UPDATE episode SET {assignments} WHERE show_id = :show_id AND number = :number",  # noqa: S608
        {**changes, "show_id": show_id, "number": number},
    )


async def delete_episodes_after(tx: Transaction, show_id: int, last: int) -> None:
    """Delete the show's episodes numbered above ``last``; ratings, tallies and removals cascade.

    Every server's progress past the new end comes back to it (the member watched all there is).
    """
    await tx.execute("DELETE FROM episode WHERE show_id = ? AND number > ?", (show_id, last))
    await tx.execute(
        f"UPDATE watch SET progress = ?, updated_at = {rows.NOW} WHERE show_id = ? AND progress > ?",  # noqa: S608
        (last, show_id, last),
    )


async def add_blank_episodes(tx: Transaction, show_id: int, first: int, last: int) -> None:
    await tx.executemany(
        "INSERT INTO episode (show_id, number) VALUES (?, ?)",
        [(show_id, number) for number in range(first, last + 1)],
    )


async def replace_aliases(tx: Transaction, show_id: int, aliases: Iterable[str]) -> None:
    await tx.execute("DELETE FROM show_alias WHERE show_id = ?", (show_id,))
    await tx.executemany(
        "INSERT INTO show_alias (show_id, alias, alias_key) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        [(show_id, alias, name_key(alias)) for alias in aliases],
    )


async def write_episodes(tx: Transaction, show_id: int, spec: ShowSpec) -> None:
    """Exactly one episode row per number of the spec's run; numbers it leaves out are blank."""
    given = {episode.number: episode for episode in spec.episodes}
    values = []
    for number in range(1, spec.episode_count + 1):
        episode = given.get(number)
        values.append(
            (
                show_id,
                number,
                episode.title if episode else None,
                rows.halves(episode.critic_score) if episode else None,
                episode.summary if episode else None,
            )
        )
    await tx.executemany(
        """
        INSERT INTO episode (show_id, number, title, critic_halves, summary) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (show_id, number) DO UPDATE SET
            title = excluded.title, critic_halves = excluded.critic_halves, summary = excluded.summary
        """,
        values,
    )


async def hide(tx: Transaction, guild_id: int, show_id: int) -> None:
    await tx.execute("INSERT INTO guild_hidden_show (guild_id, show_id) VALUES (?, ?)", (guild_id, show_id))


async def unhide(tx: Transaction, guild_id: int, show_id: int) -> int:
    return await tx.execute(
        "DELETE FROM guild_hidden_show WHERE guild_id = ? AND show_id = ?", (guild_id, show_id)
    )


async def is_hidden(tx: Transaction, guild_id: int, show_id: int) -> bool:
    row = await tx.one(
        "SELECT 1 FROM guild_hidden_show WHERE guild_id = ? AND show_id = ?", (guild_id, show_id)
    )
    return row is not None


async def move_server_data(tx: Transaction, guild_id: int, source_id: int, target_id: int) -> None:
    """Move one server's ratings, comments, removal records and watch entries from one show to another.

    The tally triggers move the tallies with the ratings; the target must have every episode
    the ratings are on (a copy has the same run).
    """
    await tx.execute(
        "UPDATE rating SET show_id = ? WHERE guild_id = ? AND show_id = ?", (target_id, guild_id, source_id)
    )
    await tx.execute(
        "UPDATE comment_removal SET show_id = ? WHERE guild_id = ? AND show_id = ?",
        (target_id, guild_id, source_id),
    )
    # Forgotten members' anonymous scores too; its triggers move them between the tallies.
    await tx.execute(
        "UPDATE anonymous_tally SET show_id = ? WHERE guild_id = ? AND show_id = ?",
        (target_id, guild_id, source_id),
    )
    await tx.execute(
        "UPDATE watch SET show_id = ? WHERE guild_id = ? AND show_id = ?", (target_id, guild_id, source_id)
    )


@contextmanager
def title_must_be_free(title: str, season: int) -> Iterator[None]:
    """Turn the schema's refusal of a taken title into :class:`ShowTitleTaken`; other errors pass."""
    try:
        yield
    except Exception as exc:
        refused = violation(exc)
        if refused is None:
            raise
        # SQLite: "UNIQUE constraint failed: show.guild_id, show.title_key, show.season";
        # PostgreSQL names the index (show_guild_title, show_catalog_title).
        if refused.kind == "unique" and any(
            name in refused.text for name in ("show.title_key", "show_guild_title", "show_catalog_title")
        ):
            raise ShowTitleTaken(title, season) from None
        if "a catalog show the server can see has this title" in refused.text:
            raise ShowTitleTaken(title, season, catalog=True) from None
        raise


# Scores are counted from the tallies, so forgotten members' anonymous scores (which go with their
# episodes too) are counted with the ratings; the invariant tally = ratings + anonymous makes this
# the same number as counting rating rows when nobody was anonymised.
_FOOTPRINT = """
    SELECT
        (SELECT coalesce(sum(t.ratings), 0) FROM episode_tally AS t
         WHERE t.guild_id = :guild_id AND t.show_id = :show_id AND t.episode > :last) AS ratings,
        (SELECT count(*) FROM episode_tally AS t
         WHERE t.guild_id = :guild_id AND t.show_id = :show_id AND t.episode > :last) AS rated_episodes,
        (SELECT count(r.comment) FROM rating AS r
         WHERE r.guild_id = :guild_id AND r.show_id = :show_id AND r.episode > :last) AS comments,
        (SELECT count(critic_halves) FROM episode WHERE show_id = :show_id AND number > :last)
            AS critic_scores
"""


def _footprint(row: Row | None, show: Show, last: int) -> ShowFootprint:
    if row is None:
        return ShowFootprint(ratings=0, comments=0, episodes=0)
    return ShowFootprint(
        ratings=int(row["ratings"]),
        comments=int(row["comments"]),
        episodes=max(show.episode_count - last, 0),
        critic_scores=int(row["critic_scores"]),
        rated_episodes=int(row["rated_episodes"]),
    )


def _spec_values(spec: ShowSpec) -> dict[str, object]:
    """The show columns a spec decides, as named parameters for insert and rewrite."""
    return {
        "title": spec.title,
        "title_key": name_key(spec.title),
        "original_title": spec.original_title,
        "kind": spec.kind,
        "year": spec.year,
        "network": spec.network,
        "season": spec.season,
        "episode_count": spec.episode_count,
        "verdict_halves": rows.halves(spec.verdict),
        "verdict_text": spec.verdict_text,
        "summary": spec.summary,
    }
