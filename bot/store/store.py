"""One aiosqlite connection, numbered migrations, and every query the bot runs."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

import aiosqlite

from bot.scores import Score
from bot.store.models import (
    CommentRemoval,
    Episode,
    MemberRating,
    Rating,
    RatingChange,
    Show,
    ShowSpec,
    Tally,
)

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

_SHOW_COLUMNS = """
    s.id, s.guild_id, s.catalog_key, s.title, s.original_title, s.kind, s.year, s.network,
    s.season, s.episode_count, s.verdict_halves, s.verdict_text, s.summary,
    (SELECT json_group_array(a.alias) FROM show_alias AS a WHERE a.show_id = s.id) AS aliases
"""

_RATING_COLUMNS = """
    r.guild_id, r.show_id, r.episode, r.user_id, r.halves, r.comment, r.spoiler,
    r.author_name, r.created_at, r.updated_at
"""

# RETURNING cannot take a table alias, so writes name the columns bare.
_RATING_RETURNING = (
    "guild_id, show_id, episode, user_id, halves, comment, spoiler, author_name, created_at, updated_at"
)

_REMOVAL_COLUMNS = "id, guild_id, show_id, episode, author_id, moderator_id, comment, reason, removed_at"

# One primary-key lookup whatever the number of ratings; episode_query_plan() shows the plan.
_EPISODE_TALLY = (
    "SELECT ratings, total_halves FROM episode_tally WHERE guild_id = ? AND show_id = ? AND episode = ?"
)


class StoreError(RuntimeError):
    """The database could not be opened or upgraded."""


def name_key(name: str) -> str:
    """How names are compared: case- and width-insensitive, surrounding space ignored."""
    return " ".join(name.split()).casefold()


def migrations() -> list[tuple[int, str, str]]:
    """The bundled migrations as (version, file name, SQL), in order, numbered 1, 2, 3…"""
    folder = resources.files("bot.store") / "migrations"
    found: list[tuple[int, str, str]] = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    for expected, (version, name, _) in enumerate(found, start=1):
        if version != expected:
            raise StoreError(f"migration {name} is out of sequence: expected number {expected:04d}")
    return found


class Store:
    """The bot's SQLite database.

    One connection is shared by every cog. Writes take ``_write_lock`` so that two
    coroutines never interleave statements of their transactions on that connection.
    """

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self._db = connection
        self.path = path
        self._write_lock = asyncio.Lock()

    # -- lifecycle -----------------------------------------------------------------

    @classmethod
    async def open(cls, path: Path) -> Store:
        """Open (creating folder and file if needed) and migrate to the latest schema."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: transactions are opened explicitly by ``transaction()``.
            connection = await aiosqlite.connect(path, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the database at {path}: {exc}") from exc
        store = cls(connection, path)
        try:
            await store._configure()
            await store._migrate()
        except BaseException:
            await connection.close()
            raise
        return store

    async def close(self) -> None:
        async with self._write_lock:
            await self._db.close()
        log.info("Closed the database at %s", self.path)

    async def _configure(self) -> None:
        self._db.row_factory = aiosqlite.Row
        # WAL lets readers run beside a writer and survives a killed process; FULL makes
        # a commit durable before the bot tells a member it is saved.
        await self._db.execute("PRAGMA journal_mode = WAL")
        await self._db.execute("PRAGMA synchronous = FULL")
        await self._db.execute("PRAGMA foreign_keys = ON")
        await self._db.execute("PRAGMA busy_timeout = 5000")
        # Without it an INSERT OR REPLACE on rating would delete the old row without firing
        # its delete trigger, and the episode tally would count that rating twice.
        await self._db.execute("PRAGMA recursive_triggers = ON")

    async def schema_version(self) -> int:
        async with self._db.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def _migrate(self) -> None:
        available = migrations()
        latest = len(available)
        current = await self.schema_version()
        if current > latest:
            raise StoreError(
                f"the database at {self.path} is at schema version {current}, newer than this "
                f"dramabot knows ({latest}); upgrade dramabot or point DATABASE_URL elsewhere"
            )
        for version, name, sql in available[current:]:
            log.info("Applying migration %s", name)
            # executescript runs the script as given, so the whole migration and the
            # version bump commit together or not at all.
            script = f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;"
            try:
                await self._db.executescript(script)
            except sqlite3.Error as exc:
                if self._db.in_transaction:
                    await self._db.execute("ROLLBACK")
                raise StoreError(f"migration {name} failed: {exc}") from exc

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction: committed when the block ends, rolled back if it raises."""
        async with self._write_lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                await self._db.execute("COMMIT")
            except BaseException:
                # Also after a failed COMMIT (e.g. disk full): never leave the shared connection
                # inside a transaction that the next writer would silently join.
                if self._db.in_transaction:
                    await self._db.execute("ROLLBACK")
                raise

    async def integrity_check(self) -> str:
        async with self._db.execute("PRAGMA integrity_check") as cursor:
            row = await cursor.fetchone()
        return str(row[0]) if row else "no answer"

    # -- shows ---------------------------------------------------------------------

    async def visible_shows(self, guild_id: int) -> list[Show]:
        """The catalog's shows and this server's own, by title."""
        async with self._db.execute(
            f"SELECT {_SHOW_COLUMNS} FROM show AS s "  # noqa: S608 - a constant column list
            "WHERE s.guild_id IS NULL OR s.guild_id = ? ORDER BY s.title_key, s.id",
            (guild_id,),
        ) as cursor:
            rows = await cursor.fetchall()
        return [_show(row) for row in rows]

    async def visible_show(self, guild_id: int, show_id: int) -> Show | None:
        """The show with this id, if this server can see it."""
        async with self._db.execute(
            f"SELECT {_SHOW_COLUMNS} FROM show AS s "  # noqa: S608 - a constant column list
            "WHERE s.id = ? AND (s.guild_id IS NULL OR s.guild_id = ?)",
            (show_id, guild_id),
        ) as cursor:
            row = await cursor.fetchone()
        return _show(row) if row else None

    async def search_shows(self, guild_id: int, text: str, *, limit: int = 25) -> list[Show]:
        """Visible shows whose title, original title or an alias contains ``text``.

        Names that start with the text come first. A server sees the catalog and its own
        shows, a few dozen at most, so matching runs over that short list in Python,
        where casefolding is correct for every script (SQLite's lower() is ASCII-only).
        """
        key = name_key(text)
        shows = await self.visible_shows(guild_id)
        ranked: list[tuple[int, str, int, Show]] = []
        for show in shows:
            keys = [name_key(name) for name in show.names()]
            if any(k.startswith(key) for k in keys):
                rank = 0
            elif any(key in k for k in keys):
                rank = 1
            else:
                continue
            ranked.append((rank, name_key(show.title), show.id, show))
        ranked.sort(key=lambda item: item[:3])
        return [show for *_, show in ranked[:limit]]

    async def find_show_by_name(self, guild_id: int, name: str) -> list[Show]:
        """Visible shows known exactly by ``name`` (title, original title or alias, any case).

        A server's own show is listed before a catalog show of the same name.
        """
        key = name_key(name)
        shows = await self.visible_shows(guild_id)
        matches = [show for show in shows if key in {name_key(n) for n in show.names()}]
        matches.sort(key=lambda show: show.is_catalog)
        return matches

    async def save_catalog_show(self, spec: ShowSpec) -> int:
        """Create or update a catalog show from its spec; returns its id.

        Idempotent: loading the same catalog twice leaves the same rows. Every show has
        exactly one episode row per episode number; numbers the spec leaves out are blank.
        """
        if spec.key is None:
            raise ValueError("catalog shows need a key")
        async with self.transaction() as db:
            async with db.execute("SELECT id FROM show WHERE catalog_key = ?", (spec.key,)) as cursor:
                row = await cursor.fetchone()
            if row is not None:
                # Episodes past a shortened run must go before the count may shrink.
                await db.execute(
                    "DELETE FROM episode WHERE show_id = ? AND number > ?", (row[0], spec.episode_count)
                )
            async with db.execute(
                """
                INSERT INTO show (guild_id, catalog_key, title, title_key, original_title, kind, year,
                                  network, season, episode_count, verdict_halves, verdict_text, summary)
                VALUES (NULL, :key, :title, :title_key, :original_title, :kind, :year,
                        :network, :season, :episode_count, :verdict_halves, :verdict_text, :summary)
                ON CONFLICT (catalog_key) WHERE catalog_key IS NOT NULL DO UPDATE SET
                    title = excluded.title, title_key = excluded.title_key,
                    original_title = excluded.original_title, kind = excluded.kind,
                    year = excluded.year, network = excluded.network, season = excluded.season,
                    episode_count = excluded.episode_count, verdict_halves = excluded.verdict_halves,
                    verdict_text = excluded.verdict_text, summary = excluded.summary,
                    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                RETURNING id
                """,
                {
                    "key": spec.key,
                    "title": spec.title,
                    "title_key": name_key(spec.title),
                    "original_title": spec.original_title,
                    "kind": spec.kind,
                    "year": spec.year,
                    "network": spec.network,
                    "season": spec.season,
                    "episode_count": spec.episode_count,
                    "verdict_halves": _halves(spec.verdict),
                    "verdict_text": spec.verdict_text,
                    "summary": spec.summary,
                },
            ) as cursor:
                show_id = int((await cursor.fetchone())[0])  # type: ignore[index]
            await _replace_aliases(db, show_id, spec.aliases)
            await _write_episodes(db, show_id, spec)
        return show_id

    # -- episodes ------------------------------------------------------------------

    async def episode(self, show_id: int, number: int) -> Episode | None:
        async with self._db.execute(
            "SELECT show_id, number, title, critic_halves, summary FROM episode "
            "WHERE show_id = ? AND number = ?",
            (show_id, number),
        ) as cursor:
            row = await cursor.fetchone()
        return _episode(row) if row else None

    async def episodes(self, show_id: int) -> list[Episode]:
        async with self._db.execute(
            "SELECT show_id, number, title, critic_halves, summary FROM episode "
            "WHERE show_id = ? ORDER BY number",
            (show_id,),
        ) as cursor:
            rows = await cursor.fetchall()
        return [_episode(row) for row in rows]

    # -- ratings -------------------------------------------------------------------

    async def save_rating(
        self,
        *,
        guild_id: int,
        show_id: int,
        episode: int,
        user_id: int,
        author_name: str,
        score: Score,
        comment: str | None,
        spoiler: bool,
        keep_comment: bool = False,
    ) -> RatingChange:
        """Create or replace a member's rating of an episode in a server.

        ``comment=None`` removes an earlier comment, unless ``keep_comment`` is set: then the
        earlier comment and its spoiler flag stay (a new score without a new comment).
        ``spoiler`` must be False without a comment. The score must be 0.5–5, the comment
        1–1000 characters, and the show visible to the server with that episode; the schema
        enforces all of it and a violation raises :class:`sqlite3.IntegrityError`.
        """
        key = (guild_id, show_id, episode, user_id)
        async with self.transaction() as db:
            # Read inside the transaction: no other write can land between this and the upsert.
            previous = await _fetch_rating(db, key)
            async with db.execute(
                f"""
                INSERT INTO rating (guild_id, show_id, episode, user_id, halves, comment, spoiler,
                                    author_name)
                VALUES (:guild_id, :show_id, :episode, :user_id, :halves, :comment, :spoiler,
                        :author_name)
                ON CONFLICT (guild_id, show_id, episode, user_id) DO UPDATE SET
                    halves = excluded.halves,
                    comment = CASE WHEN :keep AND excluded.comment IS NULL
                                   THEN rating.comment ELSE excluded.comment END,
                    spoiler = CASE WHEN :keep AND excluded.comment IS NULL
                                   THEN rating.spoiler ELSE excluded.spoiler END,
                    author_name = excluded.author_name,
                    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                RETURNING {_RATING_RETURNING}
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
            ) as cursor:
                current = _rating(await cursor.fetchone())  # type: ignore[arg-type]
            tally = await _fetch_tally(db, guild_id, show_id, episode)
        return RatingChange(previous=previous, current=current, tally=tally)

    async def rating(self, guild_id: int, show_id: int, episode: int, user_id: int) -> Rating | None:
        return await _fetch_rating(self._db, (guild_id, show_id, episode, user_id))

    async def delete_rating(self, guild_id: int, show_id: int, episode: int, user_id: int) -> Rating | None:
        """Delete a member's rating (comment included); returns what was deleted, if anything."""
        async with self.transaction() as db:
            async with db.execute(
                f"""
                DELETE FROM rating WHERE guild_id = ? AND show_id = ? AND episode = ? AND user_id = ?
                RETURNING {_RATING_RETURNING}
                """,  # noqa: S608 - a constant column list
                (guild_id, show_id, episode, user_id),
            ) as cursor:
                row = await cursor.fetchone()
        return _rating(row) if row else None

    async def episode_tally(self, guild_id: int, show_id: int, episode: int) -> Tally:
        return await _fetch_tally(self._db, guild_id, show_id, episode)

    async def show_tallies(self, guild_id: int, show_id: int) -> dict[int, Tally]:
        """Each rated episode's tally in this server, by episode number; unrated ones are absent."""
        async with self._db.execute(
            "SELECT episode, ratings, total_halves FROM episode_tally "
            "WHERE guild_id = ? AND show_id = ? ORDER BY episode",
            (guild_id, show_id),
        ) as cursor:
            rows = await cursor.fetchall()
        return {row["episode"]: Tally(row["ratings"], row["total_halves"]) for row in rows}

    async def show_tally(self, guild_id: int, show_id: int) -> Tally:
        """Every rating of every episode of the show in this server, taken together."""
        async with self._db.execute(
            "SELECT coalesce(sum(ratings), 0), coalesce(sum(total_halves), 0) FROM episode_tally "
            "WHERE guild_id = ? AND show_id = ?",
            (guild_id, show_id),
        ) as cursor:
            row = await cursor.fetchone()
        return Tally(int(row[0]), int(row[1])) if row else Tally(0, 0)

    async def comments(
        self, guild_id: int, show_id: int, episode: int, *, limit: int, offset: int
    ) -> list[Rating]:
        """One page of the server's ratings of the episode that have a comment, newest first."""
        if limit < 1 or offset < 0:
            # SQLite reads a negative LIMIT as "no limit": a paging bug would dump everything.
            raise ValueError(f"bad page: limit={limit}, offset={offset}")
        async with self._db.execute(
            f"SELECT {_RATING_COLUMNS} FROM rating AS r "  # noqa: S608 - a constant column list
            "WHERE r.guild_id = ? AND r.show_id = ? AND r.episode = ? AND r.comment IS NOT NULL "
            # rowid breaks ties between writes in the same millisecond, so pages never overlap.
            "ORDER BY r.updated_at DESC, r.rowid DESC LIMIT ? OFFSET ?",
            (guild_id, show_id, episode, limit, offset),
        ) as cursor:
            rows = await cursor.fetchall()
        return [_rating(row) for row in rows]

    async def comment_count(self, guild_id: int, show_id: int, episode: int) -> int:
        async with self._db.execute(
            # "comment IS NOT NULL" must be spelled out for the partial index rating_comments to serve.
            "SELECT count(*) FROM rating "
            "WHERE guild_id = ? AND show_id = ? AND episode = ? AND comment IS NOT NULL",
            (guild_id, show_id, episode),
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def member_ratings(
        self, guild_id: int, user_id: int, show_id: int | None = None
    ) -> list[MemberRating]:
        """A member's ratings in a server (of one show, if given), by show title then episode."""
        async with self._db.execute(
            f"SELECT {_RATING_COLUMNS}, s.title AS show_title "  # noqa: S608 - a constant column list
            "FROM rating AS r JOIN show AS s ON s.id = r.show_id "
            "WHERE r.guild_id = :guild_id AND r.user_id = :user_id "
            "AND (:show_id IS NULL OR r.show_id = :show_id) "
            "ORDER BY s.title_key, s.id, r.episode",
            {"guild_id": guild_id, "user_id": user_id, "show_id": show_id},
        ) as cursor:
            rows = await cursor.fetchall()
        return [MemberRating(rating=_rating(row), show_title=row["show_title"]) for row in rows]

    async def remove_comment(
        self,
        *,
        guild_id: int,
        show_id: int,
        episode: int,
        author_id: int,
        moderator_id: int,
        reason: str | None,
    ) -> CommentRemoval | None:
        """Remove a member's comment, keeping their score, and record who removed what and why.

        Returns None, changing nothing, when the member has no comment on that episode there.
        The rating's updated_at stays: it dates the member's own writes, not moderation.
        """
        key = {"guild_id": guild_id, "show_id": show_id, "episode": episode, "user_id": author_id}
        async with self.transaction() as db:
            # The record is copied from the rating in one statement, so it holds exactly the
            # text that is about to go; no comment, no row, no record.
            async with db.execute(
                f"""
                INSERT INTO comment_removal (guild_id, show_id, episode, author_id, moderator_id, comment,
                                             reason)
                SELECT guild_id, show_id, episode, user_id, :moderator_id, comment, :reason FROM rating
                WHERE guild_id = :guild_id AND show_id = :show_id AND episode = :episode
                  AND user_id = :user_id AND comment IS NOT NULL
                RETURNING {_REMOVAL_COLUMNS}
                """,  # noqa: S608 - a constant column list
                {**key, "moderator_id": moderator_id, "reason": reason},
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return None
            await db.execute(
                "UPDATE rating SET comment = NULL, spoiler = 0 "
                "WHERE guild_id = :guild_id AND show_id = :show_id AND episode = :episode "
                "AND user_id = :user_id",
                key,
            )
        return _removal(row)

    async def comment_removals(self, guild_id: int, *, limit: int = 20) -> list[CommentRemoval]:
        """The server's most recent comment removals, newest first."""
        async with self._db.execute(
            f"SELECT {_REMOVAL_COLUMNS} FROM comment_removal "  # noqa: S608 - a constant column list
            "WHERE guild_id = ? ORDER BY removed_at DESC, id DESC LIMIT ?",
            (guild_id, max(limit, 0)),
        ) as cursor:
            rows = await cursor.fetchall()
        return [_removal(row) for row in rows]

    async def episode_query_plan(self, guild_id: int, show_id: int, episode: int) -> list[str]:
        """SQLite's plan for the tally lookup, one detail line per step (for tests and notes)."""
        async with self._db.execute(
            f"EXPLAIN QUERY PLAN {_EPISODE_TALLY}", (guild_id, show_id, episode)
        ) as cursor:
            rows = await cursor.fetchall()
        return [str(row[3]) for row in rows]


async def _fetch_rating(db: aiosqlite.Connection, key: tuple[int, int, int, int]) -> Rating | None:
    async with db.execute(
        f"SELECT {_RATING_COLUMNS} FROM rating AS r "  # noqa: S608 - a constant column list
        "WHERE r.guild_id = ? AND r.show_id = ? AND r.episode = ? AND r.user_id = ?",
        key,
    ) as cursor:
        row = await cursor.fetchone()
    return _rating(row) if row else None


async def _fetch_tally(db: aiosqlite.Connection, guild_id: int, show_id: int, episode: int) -> Tally:
    async with db.execute(_EPISODE_TALLY, (guild_id, show_id, episode)) as cursor:
        row = await cursor.fetchone()
    # No row: nobody in this server has rated the episode (the tally keeps no zero rows).
    return Tally(row["ratings"], row["total_halves"]) if row else Tally(0, 0)


async def _replace_aliases(db: aiosqlite.Connection, show_id: int, aliases: Iterable[str]) -> None:
    await db.execute("DELETE FROM show_alias WHERE show_id = ?", (show_id,))
    await db.executemany(
        "INSERT INTO show_alias (show_id, alias, alias_key) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        [(show_id, alias, name_key(alias)) for alias in aliases],
    )


async def _write_episodes(db: aiosqlite.Connection, show_id: int, spec: ShowSpec) -> None:
    given = {episode.number: episode for episode in spec.episodes}
    rows = []
    for number in range(1, spec.episode_count + 1):
        episode = given.get(number)
        rows.append(
            (
                show_id,
                number,
                episode.title if episode else None,
                _halves(episode.critic_score) if episode else None,
                episode.summary if episode else None,
            )
        )
    await db.executemany(
        """
        INSERT INTO episode (show_id, number, title, critic_halves, summary) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (show_id, number) DO UPDATE SET
            title = excluded.title, critic_halves = excluded.critic_halves, summary = excluded.summary
        """,
        rows,
    )


def _halves(score: Score | None) -> int | None:
    return None if score is None else score.halves


def _score(halves: int | None) -> Score | None:
    return None if halves is None else Score(halves)


def _show(row: aiosqlite.Row) -> Show:
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
        verdict=_score(row["verdict_halves"]),
        verdict_text=row["verdict_text"],
        summary=row["summary"],
    )


def _episode(row: aiosqlite.Row) -> Episode:
    return Episode(
        show_id=row["show_id"],
        number=row["number"],
        title=row["title"],
        critic_score=_score(row["critic_halves"]),
        summary=row["summary"],
    )


def _rating(row: aiosqlite.Row) -> Rating:
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


def _removal(row: aiosqlite.Row) -> CommentRemoval:
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
