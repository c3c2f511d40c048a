"""One aiosqlite connection, numbered migrations, and every query the bot runs."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.scores import Score
from bot.store.errors import EpisodeNotFound, EpisodesHaveRatings, ShowNotFound, ShowReadOnly, ShowTitleTaken
from bot.store.models import (
    UNSET,
    CommentRemoval,
    Episode,
    EpisodeSpec,
    GuildSettings,
    MemberRating,
    Rating,
    RatingChange,
    Show,
    ShowFootprint,
    ShowOverview,
    ShowSpec,
    Tally,
    _Unset,
)

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

_SHOW_COLUMNS = """
    s.id, s.guild_id, s.catalog_key, s.title, s.original_title, s.kind, s.year, s.network,
    s.season, s.episode_count, s.verdict_halves, s.verdict_text, s.summary,
    (SELECT json_group_array(a.alias) FROM show_alias AS a WHERE a.show_id = s.id) AS aliases
"""

_EPISODE_COLUMNS = "show_id, number, title, critic_halves, summary"

_SETTINGS_COLUMNS = "guild_id, default_show_id, curator_role_id"

_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"

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


T = TypeVar("T")


class StoreError(RuntimeError):
    """The database could not be opened or upgraded."""


async def _one(db: Any, sql: str, params: object = ()) -> aiosqlite.Row | None:
    """One row in one trip to the database thread (execute + fetchone + close would be three)."""
    if isinstance(db, sqlite3.Connection):
        return db.execute(sql, params).fetchone()
    rows = await db.execute_fetchall(sql, params)  # type: ignore[arg-type]
    return next(iter(rows), None)  # type: ignore[return-value]


async def _all(db: Any, sql: str, params: object = ()) -> list[aiosqlite.Row]:
    if isinstance(db, sqlite3.Connection):
        return db.execute(sql, params).fetchall()
    return list(await db.execute_fetchall(sql, params))  # type: ignore[arg-type]


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
        # Writes waiting for the lock, to be committed together by whoever takes it next.
        self._queued: list[tuple[Callable[[aiosqlite.Connection], Awaitable[Any]], asyncio.Future[Any]]] = []
        # Reads run right here on the event loop: a primary-key lookup takes microseconds, far less
        # than handing it to aiosqlite's thread and back. WAL lets it read beside the writer.
        self._read = sqlite3.connect(path, isolation_level=None)
        self._read.row_factory = sqlite3.Row
        self._read.execute("PRAGMA query_only = ON")

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
            self._read.close()
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
        row = await _one(self._db, "PRAGMA user_version")
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

    async def _group_write(self, work: Callable[[aiosqlite.Connection], Awaitable[T]]) -> T:
        """Run ``work`` in a transaction shared with every write queued meanwhile (group commit).

        Members rating at the same moment share one COMMIT, and so one fsync, instead of
        queueing for one each. Each write runs in its own savepoint, so one that fails is
        undone alone; nobody's result is handed back before the COMMIT that makes it durable.
        """
        done: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queued.append((work, done))
        async with self._write_lock:
            if done.done():  # an earlier holder of the lock committed this write already
                return done.result()
            batch, self._queued = self._queued, []
            outcomes: list[tuple[asyncio.Future[Any], Any, BaseException | None]] = []
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                for queued_work, future in batch:
                    await self._db.execute("SAVEPOINT queued_write")
                    try:
                        outcome = await queued_work(self._db)
                    except sqlite3.Error as exc:  # this write's own failure, e.g. a CHECK: undo it alone
                        await self._db.execute("ROLLBACK TO queued_write")
                        outcomes.append((future, None, exc))
                    else:
                        outcomes.append((future, outcome, None))
                    await self._db.execute("RELEASE queued_write")
                await self._db.execute("COMMIT")
            except BaseException as exc:
                if self._db.in_transaction:
                    await self._db.execute("ROLLBACK")
                for _, future in batch:
                    if not future.done():
                        future.set_exception(
                            exc if isinstance(exc, Exception) else StoreError("the write was interrupted")
                        )
                raise
            for future, outcome, error in outcomes:
                if future.done():
                    continue
                if error is not None:
                    future.set_exception(error)
                else:
                    future.set_result(outcome)
        return done.result()

    async def integrity_check(self) -> str:
        row = await _one(self._db, "PRAGMA integrity_check")
        return str(row[0]) if row else "no answer"

    # -- shows ---------------------------------------------------------------------

    async def visible_shows(self, guild_id: int) -> list[Show]:
        """The catalog's shows and this server's own, by title."""
        rows = await _all(
            self._read,
            f"SELECT {_SHOW_COLUMNS} FROM show AS s "  # noqa: S608 - a constant column list
            "WHERE s.guild_id IS NULL OR s.guild_id = ? ORDER BY s.title_key, s.id",
            (guild_id,),
        )
        return [_show(row) for row in rows]

    async def visible_show(self, guild_id: int, show_id: int) -> Show | None:
        """The show with this id, if this server can see it."""
        show = await _fetch_show(self._db, show_id)
        return show if show is not None and show.guild_id in (None, guild_id) else None

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
            row = await _one(db, "SELECT id FROM show WHERE catalog_key = ?", (spec.key,))
            if row is None:
                return await _insert_show(db, None, spec)
            show_id = int(row[0])
            await _rewrite_show(db, show_id, spec)
        return show_id

    # -- episodes ------------------------------------------------------------------

    async def episode(self, show_id: int, number: int) -> Episode | None:
        return await _fetch_episode(self._db, show_id, number)

    async def episodes(self, show_id: int) -> list[Episode]:
        return await _fetch_episodes(self._db, show_id)

    # -- a server's own shows ------------------------------------------------------
    #
    # ``guild_id`` is always the server acting. Every write reads the show inside its own
    # transaction and refuses a catalog show (ShowReadOnly) or one the server does not own
    # (ShowNotFound), so no check can go stale between reading and writing.

    async def create_show(self, guild_id: int, spec: ShowSpec) -> Show:
        """A new show of this server from a spec (an import or the admin's form).

        ``spec.key`` is ignored: only catalog shows have keys. Raises :class:`ShowTitleTaken`
        when the server already has a show of that title in any case; the catalog may have one.
        """
        async with self.transaction() as db:
            with _title_must_be_free(spec.title):
                show_id = await _insert_show(db, guild_id, spec)
            return await _require_show(db, show_id)

    async def copy_catalog_show(self, guild_id: int, show_id: int) -> Show:
        """A copy of a catalog show owned by this server: every field, episode and alias.

        The copy is independent: the server may edit it, and a later catalog update leaves it
        alone. Ratings stay with the show they were given to. Raises :class:`ShowNotFound` if
        ``show_id`` is no catalog show, :class:`ShowTitleTaken` if the server has the title.
        """
        async with self.transaction() as db:
            source = await _fetch_show(db, show_id)
            if source is None or not source.is_catalog:
                raise ShowNotFound(show_id)
            spec = _spec_of(source, await _fetch_episodes(db, show_id))
            with _title_must_be_free(source.title):
                copy_id = await _insert_show(db, guild_id, spec)
            return await _require_show(db, copy_id)

    async def update_show(
        self,
        guild_id: int,
        show_id: int,
        *,
        title: str | _Unset = UNSET,
        original_title: str | _Unset | None = UNSET,
        year: int | _Unset | None = UNSET,
        network: str | _Unset | None = UNSET,
        episode_count: int | _Unset = UNSET,
        aliases: Iterable[str] | _Unset = UNSET,
    ) -> Show:
        """Change only the given fields of a server's show; None clears an optional field.

        A longer run gets blank episodes. A shorter run deletes the episodes past its end, but
        only if nobody has rated them: otherwise :class:`EpisodesHaveRatings` says how much
        would be lost and nothing changes. A clashing title raises :class:`ShowTitleTaken`.
        """
        if isinstance(aliases, str):
            raise TypeError("aliases must be a collection of names, not one string")
        changes: dict[str, object] = {}
        if title is not UNSET:
            changes.update(title=title, title_key=name_key(title))
        if original_title is not UNSET:
            changes["original_title"] = original_title
        if year is not UNSET:
            changes["year"] = year
        if network is not UNSET:
            changes["network"] = network
        if episode_count is not UNSET:
            changes["episode_count"] = episode_count
        async with self.transaction() as db:
            show = await _own_show(db, guild_id, show_id)
            if episode_count is not UNSET and episode_count < show.episode_count:
                ratings, _, rated_episodes = await _ratings_after(db, guild_id, show_id, episode_count)
                if ratings:
                    raise EpisodesHaveRatings(ratings=ratings, episodes=rated_episodes)
                # Before the count may shrink (trigger show_keeps_its_episodes).
                await _delete_episodes_after(db, show_id, episode_count)
            if changes:
                with _title_must_be_free(show.title if title is UNSET else title):
                    await db.execute(
                        f"UPDATE show SET {_assignments(changes)}, updated_at = {_NOW} "  # noqa: S608 - column names from code
                        "WHERE id = :show_id",
                        {**changes, "show_id": show_id},
                    )
            if episode_count is not UNSET and episode_count > show.episode_count:
                # After the count has grown (trigger episode_number_in_show_insert).
                await db.executemany(
                    "INSERT INTO episode (show_id, number) VALUES (?, ?)",
                    [(show_id, number) for number in range(show.episode_count + 1, episode_count + 1)],
                )
            if aliases is not UNSET:
                await _replace_aliases(db, show_id, aliases)
            return await _require_show(db, show_id)

    async def set_verdict(self, guild_id: int, show_id: int, score: Score | None, text: str | None) -> Show:
        """Set (or with None, clear) the server's verdict on its show: a 0–10 score and its text."""
        return await self._update_own_show(
            guild_id, show_id, {"verdict_halves": _halves(score), "verdict_text": text}
        )

    async def set_show_summary(self, guild_id: int, show_id: int, summary: str | None) -> Show:
        return await self._update_own_show(guild_id, show_id, {"summary": summary})

    async def _update_own_show(self, guild_id: int, show_id: int, changes: dict[str, object]) -> Show:
        async with self.transaction() as db:
            await _own_show(db, guild_id, show_id)
            await db.execute(
                f"UPDATE show SET {_assignments(changes)}, updated_at = {_NOW} "  # noqa: S608 - column names from code
                "WHERE id = :show_id",
                {**changes, "show_id": show_id},
            )
            return await _require_show(db, show_id)

    async def set_episode(
        self,
        guild_id: int,
        show_id: int,
        number: int,
        *,
        score: Score | _Unset | None = UNSET,
        title: str | _Unset | None = UNSET,
    ) -> Episode:
        """Change the critic score (0–5) and/or title of an episode of a server's show.

        None clears; a field left UNSET stays. Raises :class:`EpisodeNotFound` for a number
        outside the show's run.
        """
        changes: dict[str, object] = {}
        if score is not UNSET:
            changes["critic_halves"] = _halves(score)
        if title is not UNSET:
            changes["title"] = title
        return await self._update_own_episode(guild_id, show_id, number, changes)

    async def set_episode_summary(
        self, guild_id: int, show_id: int, number: int, summary: str | None
    ) -> Episode:
        return await self._update_own_episode(guild_id, show_id, number, {"summary": summary})

    async def _update_own_episode(
        self, guild_id: int, show_id: int, number: int, changes: dict[str, object]
    ) -> Episode:
        async with self.transaction() as db:
            await _own_show(db, guild_id, show_id)
            if changes:
                await db.execute(
                    f"UPDATE episode SET {_assignments(changes)} "  # noqa: S608 - column names from code
                    "WHERE show_id = :show_id AND number = :number",
                    {**changes, "show_id": show_id, "number": number},
                )
            episode = await _fetch_episode(db, show_id, number)
        if episode is None:
            raise EpisodeNotFound(number)
        return episode

    async def show_footprint(self, guild_id: int, show_id: int) -> ShowFootprint:
        """What deleting the show would take with it: this server's ratings and comments, episodes.

        Works on any show the server can see (for a catalog show: the server's ratings of it);
        raises :class:`ShowNotFound` otherwise.
        """
        show = await _visible_show(self._db, guild_id, show_id)
        return await _footprint_after(self._db, guild_id, show, 0)

    async def delete_show(self, guild_id: int, show_id: int) -> ShowFootprint:
        """Delete a server's show with its episodes, aliases, ratings, tallies and comment removals.

        A server whose default show it was is left without one. Returns what went.
        """
        async with self.transaction() as db:
            show = await _own_show(db, guild_id, show_id)
            footprint = await _footprint_after(db, guild_id, show, 0)
            # The foreign keys cascade to everything else and clear guild_setting.default_show_id.
            await db.execute("DELETE FROM show WHERE id = ?", (show_id,))
        return footprint

    async def replace_footprint(self, guild_id: int, show_id: int, new_episode_count: int) -> ShowFootprint:
        """What :meth:`replace_show` with a run of ``new_episode_count`` would delete: the episodes
        past it with this server's ratings and comments on them (all zero for a longer run)."""
        show = await _visible_show(self._db, guild_id, show_id)
        return await _footprint_after(self._db, guild_id, show, new_episode_count)

    async def replace_show(self, guild_id: int, show_id: int, spec: ShowSpec) -> Show:
        """Overwrite a server's show with an imported spec, keeping its id.

        Every field comes from the spec, and so does every episode (blank where the spec says
        nothing). Ratings of episodes inside the new run stay; episodes past it go, ratings and
        all, so show the admin :meth:`replace_footprint` first. Raises :class:`ShowTitleTaken`
        if another show of the server has the spec's title.
        """
        async with self.transaction() as db:
            await _own_show(db, guild_id, show_id)
            with _title_must_be_free(spec.title):
                await _rewrite_show(db, show_id, spec)
            return await _require_show(db, show_id)

    async def show_overviews(self, guild_id: int) -> list[ShowOverview]:
        """Every show the server can see, by title, each with its critic average; one query."""
        rows = await _all(
            self._read,
            f"SELECT {_SHOW_COLUMNS}, count(e.critic_halves) AS scored, "  # noqa: S608 - a constant column list
            "sum(e.critic_halves) AS critic_halves "
            "FROM show AS s LEFT JOIN episode AS e ON e.show_id = s.id "
            "WHERE s.guild_id IS NULL OR s.guild_id = ? "
            "GROUP BY s.id ORDER BY s.title_key, s.id",
            (guild_id,),
        )
        return [
            ShowOverview(
                show=_show(row),
                critic_average=Fraction(row["critic_halves"], 2 * row["scored"]) if row["scored"] else None,
                scored_episodes=row["scored"],
            )
            for row in rows
        ]

    async def find_own_show_by_title(self, guild_id: int, title: str) -> Show | None:
        """The server's own show of this title in any case (catalog shows are not looked at)."""
        row = await _one(
            self._read,
            f"SELECT {_SHOW_COLUMNS} FROM show AS s "  # noqa: S608 - a constant column list
            "WHERE s.guild_id = ? AND s.title_key = ?",
            (guild_id, name_key(title)),
        )
        return _show(row) if row else None

    # -- server settings -----------------------------------------------------------

    async def guild_settings(self, guild_id: int) -> GuildSettings:
        """The server's settings; the defaults (nothing chosen) if its admins never chose."""
        row = await _one(
            self._read,
            f"SELECT {_SETTINGS_COLUMNS} FROM guild_setting WHERE guild_id = ?",  # noqa: S608 - constant columns
            (guild_id,),
        )
        return _settings(row) if row else GuildSettings(guild_id, default_show_id=None, curator_role_id=None)

    async def set_default_show(self, guild_id: int, show_id: int | None) -> GuildSettings:
        """Choose (or with None, clear) the server's default show.

        It must be a catalog show or the server's own (the schema's triggers and foreign key
        check it); any other id raises :class:`ShowNotFound`.
        """
        async with self.transaction() as db:
            try:
                row = await _one(
                    db,
                    f"""
                    INSERT INTO guild_setting (guild_id, default_show_id) VALUES (?, ?)
                    ON CONFLICT (guild_id) DO UPDATE SET default_show_id = excluded.default_show_id
                    RETURNING {_SETTINGS_COLUMNS}
                    """,  # noqa: S608 - constant columns
                    (guild_id, show_id),
                )
            except sqlite3.IntegrityError as exc:
                if show_id is not None and exc.sqlite_errorname in _NOT_VISIBLE:
                    raise ShowNotFound(show_id) from None
                raise
        return _settings(row)  # type: ignore[arg-type]

    async def set_curator_role(self, guild_id: int, role_id: int | None) -> GuildSettings:
        """Choose (or with None, clear) the role whose members may manage the server's shows."""
        async with self.transaction() as db:
            row = await _one(
                db,
                f"""
                INSERT INTO guild_setting (guild_id, curator_role_id) VALUES (?, ?)
                ON CONFLICT (guild_id) DO UPDATE SET curator_role_id = excluded.curator_role_id
                RETURNING {_SETTINGS_COLUMNS}
                """,  # noqa: S608 - constant columns
                (guild_id, role_id),
            )
        return _settings(row)  # type: ignore[arg-type]

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

        async def write(db: aiosqlite.Connection) -> RatingChange:
            # Read inside the transaction: no other write can land between this and the upsert.
            previous = await _fetch_rating(db, key)
            current = _rating(
                await _one(
                    db,
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
                )
            )  # type: ignore[arg-type]
            tally = await _fetch_tally(db, guild_id, show_id, episode)
            return RatingChange(previous=previous, current=current, tally=tally)

        return await self._group_write(write)

    async def rating(self, guild_id: int, show_id: int, episode: int, user_id: int) -> Rating | None:
        return await _fetch_rating(self._db, (guild_id, show_id, episode, user_id))

    async def delete_rating(self, guild_id: int, show_id: int, episode: int, user_id: int) -> Rating | None:
        """Delete a member's rating (comment included); returns what was deleted, if anything."""
        async with self.transaction() as db:
            row = await _one(
                db,
                f"""
                DELETE FROM rating WHERE guild_id = ? AND show_id = ? AND episode = ? AND user_id = ?
                RETURNING {_RATING_RETURNING}
                """,  # noqa: S608 - a constant column list
                (guild_id, show_id, episode, user_id),
            )
        return _rating(row) if row else None

    async def episode_tally(self, guild_id: int, show_id: int, episode: int) -> Tally:
        return await _fetch_tally(self._db, guild_id, show_id, episode)

    async def show_tallies(self, guild_id: int, show_id: int) -> dict[int, Tally]:
        """Each rated episode's tally in this server, by episode number; unrated ones are absent."""
        rows = await _all(
            self._read,
            "SELECT episode, ratings, total_halves FROM episode_tally "
            "WHERE guild_id = ? AND show_id = ? ORDER BY episode",
            (guild_id, show_id),
        )
        return {row["episode"]: Tally(row["ratings"], row["total_halves"]) for row in rows}

    async def show_tally(self, guild_id: int, show_id: int) -> Tally:
        """Every rating of every episode of the show in this server, taken together."""
        row = await _one(
            self._read,
            "SELECT coalesce(sum(ratings), 0), coalesce(sum(total_halves), 0) FROM episode_tally "
            "WHERE guild_id = ? AND show_id = ?",
            (guild_id, show_id),
        )
        return Tally(int(row[0]), int(row[1])) if row else Tally(0, 0)

    async def comments(
        self, guild_id: int, show_id: int, episode: int, *, limit: int, offset: int
    ) -> list[Rating]:
        """One page of the server's ratings of the episode that have a comment, newest first."""
        if limit < 1 or offset < 0:
            # SQLite reads a negative LIMIT as "no limit": a paging bug would dump everything.
            raise ValueError(f"bad page: limit={limit}, offset={offset}")
        rows = await _all(
            self._read,
            f"SELECT {_RATING_COLUMNS} FROM rating AS r "  # noqa: S608 - a constant column list
            "WHERE r.guild_id = ? AND r.show_id = ? AND r.episode = ? AND r.comment IS NOT NULL "
            # rowid breaks ties between writes in the same millisecond, so pages never overlap.
            "ORDER BY r.updated_at DESC, r.rowid DESC LIMIT ? OFFSET ?",
            (guild_id, show_id, episode, limit, offset),
        )
        return [_rating(row) for row in rows]

    async def comment_count(self, guild_id: int, show_id: int, episode: int) -> int:
        # "comment IS NOT NULL" is spelled out so that the partial index rating_comments serves it.
        row = await _one(
            self._read,
            "SELECT count(*) FROM rating "
            "WHERE guild_id = ? AND show_id = ? AND episode = ? AND comment IS NOT NULL",
            (guild_id, show_id, episode),
        )
        return int(row[0]) if row else 0

    async def member_ratings(
        self, guild_id: int, user_id: int, show_id: int | None = None
    ) -> list[MemberRating]:
        """A member's ratings in a server (of one show, if given), by show title then episode."""
        rows = await _all(
            self._read,
            f"SELECT {_RATING_COLUMNS}, s.title AS show_title "  # noqa: S608 - a constant column list
            "FROM rating AS r JOIN show AS s ON s.id = r.show_id "
            "WHERE r.guild_id = :guild_id AND r.user_id = :user_id "
            "AND (:show_id IS NULL OR r.show_id = :show_id) "
            "ORDER BY s.title_key, s.id, r.episode",
            {"guild_id": guild_id, "user_id": user_id, "show_id": show_id},
        )
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
            row = await _one(
                db,
                f"""
                INSERT INTO comment_removal (guild_id, show_id, episode, author_id, moderator_id, comment,
                                             reason)
                SELECT guild_id, show_id, episode, user_id, :moderator_id, comment, :reason FROM rating
                WHERE guild_id = :guild_id AND show_id = :show_id AND episode = :episode
                  AND user_id = :user_id AND comment IS NOT NULL
                RETURNING {_REMOVAL_COLUMNS}
                """,  # noqa: S608 - a constant column list
                {**key, "moderator_id": moderator_id, "reason": reason},
            )
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
        rows = await _all(
            self._read,
            f"SELECT {_REMOVAL_COLUMNS} FROM comment_removal "  # noqa: S608 - a constant column list
            "WHERE guild_id = ? ORDER BY removed_at DESC, id DESC LIMIT ?",
            (guild_id, max(limit, 0)),
        )
        return [_removal(row) for row in rows]

    async def episode_query_plan(self, guild_id: int, show_id: int, episode: int) -> list[str]:
        """SQLite's plan for the tally lookup, one detail line per step (for tests and notes)."""
        rows = await _all(self._read, f"EXPLAIN QUERY PLAN {_EPISODE_TALLY}", (guild_id, show_id, episode))
        return [str(row[3]) for row in rows]


# A default show the schema refuses: another server's (trigger) or none at all (foreign key).
_NOT_VISIBLE = frozenset({"SQLITE_CONSTRAINT_TRIGGER", "SQLITE_CONSTRAINT_FOREIGNKEY"})


async def _fetch_show(db: aiosqlite.Connection, show_id: int) -> Show | None:
    row = await _one(
        db,
        f"SELECT {_SHOW_COLUMNS} FROM show AS s WHERE s.id = ?",  # noqa: S608 - a constant column list
        (show_id,),
    )
    return _show(row) if row else None


async def _require_show(db: aiosqlite.Connection, show_id: int) -> Show:
    """A show just written in the same transaction, so certainly there."""
    show = await _fetch_show(db, show_id)
    if show is None:
        raise AssertionError(f"show {show_id} vanished inside its own transaction")
    return show


async def _visible_show(db: aiosqlite.Connection, guild_id: int, show_id: int) -> Show:
    """The show, if this server can see it (catalog or its own); else :class:`ShowNotFound`."""
    show = await _fetch_show(db, show_id)
    if show is None or show.guild_id not in (None, guild_id):
        raise ShowNotFound(show_id)
    return show


async def _own_show(db: aiosqlite.Connection, guild_id: int, show_id: int) -> Show:
    """The show a server is about to write to: its own, else ShowReadOnly or ShowNotFound."""
    show = await _visible_show(db, guild_id, show_id)
    if show.is_catalog:
        raise ShowReadOnly(show.title)
    return show


async def _fetch_episode(db: aiosqlite.Connection, show_id: int, number: int) -> Episode | None:
    row = await _one(
        db,
        f"SELECT {_EPISODE_COLUMNS} FROM episode WHERE show_id = ? AND number = ?",  # noqa: S608 - constant columns
        (show_id, number),
    )
    return _episode(row) if row else None


async def _fetch_episodes(db: aiosqlite.Connection, show_id: int) -> list[Episode]:
    rows = await _all(
        db,
        f"SELECT {_EPISODE_COLUMNS} FROM episode WHERE show_id = ? ORDER BY number",  # noqa: S608 - constant columns
        (show_id,),
    )
    return [_episode(row) for row in rows]


def _spec_values(spec: ShowSpec) -> dict[str, object]:
    """The show columns a spec decides, as named parameters for _insert_show and _rewrite_show."""
    return {
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
    }


async def _insert_show(db: aiosqlite.Connection, guild_id: int | None, spec: ShowSpec) -> int:
    """A new show with its aliases and one episode row per number; returns its id.

    ``guild_id`` None makes a catalog show keyed by ``spec.key``; a server's show has no key.
    A clashing title raises the title index's :class:`sqlite3.IntegrityError`.
    """
    async with db.execute(
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
    ) as cursor:
        show_id = int((await cursor.fetchone())[0])  # type: ignore[index]
    await _replace_aliases(db, show_id, spec.aliases)
    await _write_episodes(db, show_id, spec)
    return show_id


async def _rewrite_show(db: aiosqlite.Connection, show_id: int, spec: ShowSpec) -> None:
    """Make an existing show exactly what the spec says, keeping its id, owner and key.

    Episodes past the spec's run are deleted with their ratings; those inside it are updated
    in place, so their ratings stay.
    """
    # Episodes past a shortened run must go before the count may shrink.
    await _delete_episodes_after(db, show_id, spec.episode_count)
    await db.execute(
        f"""
        UPDATE show SET
            title = :title, title_key = :title_key, original_title = :original_title, kind = :kind,
            year = :year, network = :network, season = :season, episode_count = :episode_count,
            verdict_halves = :verdict_halves, verdict_text = :verdict_text, summary = :summary,
            updated_at = {_NOW}
        WHERE id = :show_id
        """,  # noqa: S608 - a constant expression
        {**_spec_values(spec), "show_id": show_id},
    )
    await _replace_aliases(db, show_id, spec.aliases)
    await _write_episodes(db, show_id, spec)


def _spec_of(show: Show, episodes: Iterable[Episode]) -> ShowSpec:
    """A show and its episodes as a spec, to write them again elsewhere (without the catalog key)."""
    return ShowSpec(
        title=show.title,
        episode_count=show.episode_count,
        original_title=show.original_title,
        aliases=show.aliases,
        kind=show.kind,
        year=show.year,
        network=show.network,
        season=show.season,
        verdict=show.verdict,
        verdict_text=show.verdict_text,
        summary=show.summary,
        episodes=tuple(
            EpisodeSpec(number=e.number, title=e.title, critic_score=e.critic_score, summary=e.summary)
            for e in episodes
        ),
    )


async def _delete_episodes_after(db: aiosqlite.Connection, show_id: int, last: int) -> None:
    """Delete the show's episodes numbered above ``last``; ratings, tallies and removals cascade."""
    await db.execute("DELETE FROM episode WHERE show_id = ? AND number > ?", (show_id, last))


async def _ratings_after(
    db: aiosqlite.Connection, guild_id: int, show_id: int, last: int
) -> tuple[int, int, int]:
    """This server's ratings of the show's episodes above ``last``.

    Returns (ratings, ratings with a comment, episodes with a rating).
    """
    row = await _one(
        db,
        "SELECT count(*), count(comment), count(DISTINCT episode) FROM rating "
        "WHERE guild_id = ? AND show_id = ? AND episode > ?",
        (guild_id, show_id, last),
    )
    return (int(row[0]), int(row[1]), int(row[2])) if row else (0, 0, 0)


async def _footprint_after(db: aiosqlite.Connection, guild_id: int, show: Show, last: int) -> ShowFootprint:
    ratings, comments, _ = await _ratings_after(db, guild_id, show.id, last)
    return ShowFootprint(ratings=ratings, comments=comments, episodes=max(show.episode_count - last, 0))


def _assignments(changes: dict[str, object]) -> str:
    """``a = :a, b = :b`` for an UPDATE; the keys are column names written in this module, never input."""
    return ", ".join(f"{column} = :{column}" for column in changes)


@contextmanager
def _title_must_be_free(title: str) -> Iterator[None]:
    """Turn the server title index's refusal into :class:`ShowTitleTaken`; other errors pass."""
    try:
        yield
    except sqlite3.IntegrityError as exc:
        # "UNIQUE constraint failed: show.guild_id, show.title_key" from index show_guild_title.
        if exc.sqlite_errorname == "SQLITE_CONSTRAINT_UNIQUE" and "show.title_key" in str(exc):
            raise ShowTitleTaken(title) from None
        raise


async def _fetch_rating(db: aiosqlite.Connection, key: tuple[int, int, int, int]) -> Rating | None:
    row = await _one(
        db,
        f"SELECT {_RATING_COLUMNS} FROM rating AS r "  # noqa: S608 - a constant column list
        "WHERE r.guild_id = ? AND r.show_id = ? AND r.episode = ? AND r.user_id = ?",
        key,
    )
    return _rating(row) if row else None


async def _fetch_tally(db: aiosqlite.Connection, guild_id: int, show_id: int, episode: int) -> Tally:
    row = await _one(db, _EPISODE_TALLY, (guild_id, show_id, episode))
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


def _settings(row: aiosqlite.Row) -> GuildSettings:
    return GuildSettings(
        guild_id=row["guild_id"],
        default_show_id=row["default_show_id"],
        curator_role_id=row["curator_role_id"],
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
