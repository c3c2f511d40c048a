"""The store facade: every read and write the bot makes, one method each.

Two backends behind one interface. SQLite (the embedded default): reads through
:class:`SQLiteReader` on the event loop, writes through :class:`Writer` in aiosqlite's thread.
PostgreSQL (``bot.store.postgres``): reads and writes on an asyncpg pool. Each write is one
transaction. Cogs see only this class and the models; they never see SQL.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import AbstractContextManager, asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path

from bot.scores import Score
from bot.store import copying, guild_settings, members, opening, ratings, rows, shows, watch
from bot.store.backend import DatabaseLocation, WritePath
from bot.store.errors import (
    CopyMismatch,
    EpisodeNotFound,
    EpisodesHaveCriticScores,
    EpisodesHaveRatings,
    ShowAlreadyHidden,
    ShowNotFound,
    ShowNotHidden,
    ShowTitleTaken,
)
from bot.store.migrate import migrate
from bot.store.models import (
    UNSET,
    CommentRemoval,
    DefaultShow,
    Episode,
    ForgetReport,
    GuildSettings,
    ImportedRating,
    ImportedWatch,
    ImportOverwrite,
    MemberData,
    MemberRating,
    PurgeReport,
    Rating,
    RatingChange,
    Show,
    ShowFootprint,
    ShowOverview,
    ShowSpec,
    SpoilerView,
    Tally,
    WatchCounts,
    WatchEntry,
    WatchlistEntry,
    WatchStatus,
    _Unset,
)
from bot.store.opening import StoreOpenError, describe_open_failure
from bot.store.reader import Reader, SQLiteReader
from bot.store.shows import name_key
from bot.store.writer import Transaction, Writer

log = logging.getLogger(__name__)


class Store:
    """The bot's database: SQLite (one writer connection, one reader connection) or PostgreSQL (a pool)."""

    def __init__(self, writer: WritePath, reader: Reader, path: Path, *, backend: str = "SQLite") -> None:
        self._writer = writer
        self._reader = reader
        # SQLite: the file. PostgreSQL: the database name (``location`` says where).
        self.path = path
        self._backend = backend
        self.location = path.as_posix()

    @property
    def backend(self) -> str:
        """``"SQLite"`` or ``"PostgreSQL"``: which engine holds the data (for /about and logs)."""
        return self._backend

    # -- lifecycle -----------------------------------------------------------------

    @classmethod
    async def open_url(cls, url: DatabaseLocation, *, pool_size: int = 10) -> Store:
        """Open the database a ``DATABASE_URL`` names: SQLite's file, or a PostgreSQL database.

        For PostgreSQL, ``pool_size`` connections at most are kept open. Failures raise
        :class:`StoreOpenError`, whose words never include the password.
        """
        if url.scheme == "postgresql":
            return await cls._open_postgresql(url, pool_size)
        return await cls.open(url.path)

    @classmethod
    async def _open_postgresql(cls, url: DatabaseLocation, pool_size: int) -> Store:
        from bot.store.migrate import migrate_postgresql
        from bot.store.postgres import PostgresReader, PostgresWriter, Target, open_connection, open_pool

        where = url.redacted()
        target = Target(
            host=url.host,
            port=url.port,
            user=url.username,
            password=url.password,
            database=url.path.as_posix(),
            sslmode=url.sslmode,
        )
        try:
            # Migrations run on a connection of their own, without the pool's statement timeout.
            connection = await open_connection(target)
            try:
                await migrate_postgresql(connection, where)
            finally:
                await connection.close()
            pool = await open_pool(target, size=pool_size)
        except Exception as exc:
            raise _postgresql_open_failure(exc, where, url.password) from exc
        store = cls(PostgresWriter(pool, where), PostgresReader(pool, where), url.path, backend="PostgreSQL")
        store.location = where
        return store

    @classmethod
    async def open(cls, path: Path) -> Store:
        """Open (creating folder and file if needed) and migrate to the latest schema.

        Any failure raises :class:`StoreOpenError` saying why. A database that can be read but
        not written (a read-only file or filesystem) opens: reads work, and every write is
        refused with :class:`WriteUnavailable` until it can be written again.
        """
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise describe_open_failure(exc, path) from exc
        # isolation_level=None: transactions are opened explicitly by the writer.
        connection = await opening.connect(path, isolation_level=None)
        writer = Writer(connection, path)
        try:
            await writer.configure()
            await migrate(writer)
            await writer.probe()
            reader = SQLiteReader(path)
        except BaseException as exc:
            await connection.close()
            if isinstance(exc, Exception):
                raise describe_open_failure(exc, path) from exc
            raise
        return cls(writer, reader, path)

    async def close(self) -> None:
        await self._writer.close()
        await self._reader.close()
        log.info("Closed the database at %s", self.location)

    async def copy_into(
        self, target: Store, *, replace: bool = False, progress: copying.Progress | None = None
    ) -> copying.CopyReport:
        """Copy every row of this database into ``target`` (SQLite or PostgreSQL, either way).

        Both sides work in one transaction: the source is read from one snapshot, and the target
        commits only after its per-server checksums equal the source's (else :class:`CopyMismatch`
        and nothing is written). :class:`TargetNotEmpty` unless ``target`` is empty or ``replace``.
        """
        async with self._writer.transaction() as source, target._writer.transaction() as sink:
            # The source's write transaction is its snapshot: it holds off every other dramabot write
            # (SQLite's write lock; on PostgreSQL the store's exclusive advisory lock).
            copied = await copying.copy_rows(
                source,
                sink,
                written_order=copying.WRITTEN_ORDER_COLUMN[self.backend],
                replace=replace,
                progress=progress,
            )
            for statement in copying.AFTER_EXPLICIT_IDS.get(target.backend, ()):
                await sink.execute(statement)
            expected = await copying.checksums(source)
            differences = expected.differences(await copying.checksums(sink))
            if differences:
                raise CopyMismatch(differences)
        return copying.CopyReport(copied, len(expected.servers), expected)

    async def row_count(self) -> int:
        """How many rows ``copy_into`` copies (episode tallies are rebuilt, not copied)."""
        async with self._writer.transaction() as tx:
            copied = [table for table in copying.TABLES if table != "episode_tally"]
            return sum([await copying.count_rows(tx, table) for table in copied])

    async def checksums(self) -> copying.Checksums:
        """Per-server row counts and digests of every table (what ``copy-db`` compares)."""
        async with self._writer.transaction() as tx:
            return await copying.checksums(tx)

    @property
    def writes_idle(self) -> bool:
        """No write is running or queued, so a new one starts at once."""
        return self._writer.idle

    @property
    def writes_failing(self) -> bool:
        """The last write found the database unavailable, so a new one may wait for it (seconds).

        Commands defer their reply at once then. Otherwise a write, even queued behind others,
        commits in milliseconds (group commit), and deferring first would cost every write a second
        request to Discord; ``bot.replies.in_time`` still defers one that runs late."""
        return self._writer.failing

    async def schema_version(self) -> int:
        return await self._writer.schema_version()

    async def integrity_check(self) -> str:
        """SQLite's ``PRAGMA integrity_check`` ("ok" when sound); PostgreSQL checks itself: "ok"."""
        return await self._writer.integrity_check()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """A raw write transaction, for maintenance and tests; cogs use the methods below."""
        async with self._writer.transaction() as tx:
            yield tx

    # -- shows ---------------------------------------------------------------------

    async def visible_shows(self, guild_id: int) -> list[Show]:
        """The catalog's shows (except those the server hid) and the server's own, by title."""
        return await shows.visible(self._reader, guild_id)

    async def visible_show(self, guild_id: int, show_id: int) -> Show | None:
        """The show with this id, if this server can see it."""
        return await shows.visible_by_id(self._reader, guild_id, show_id)

    async def hidden_shows(self, guild_id: int) -> list[Show]:
        """The catalog shows this server has hidden."""
        return await shows.hidden(self._reader, guild_id)

    async def default_show(self, guild_id: int) -> DefaultShow:
        """The show commands use when none is named: the server's default, else its only show."""
        return await shows.default(self._reader, guild_id)

    async def search_shows(
        self, guild_id: int, text: str, *, limit: int = 25, own_only: bool = False
    ) -> list[Show]:
        """Visible shows whose title, original title or an alias contains ``text``.

        Names that start with the text come first. A server sees the catalog and its own
        shows, a few dozen at most, so matching runs over that short list in Python,
        where casefolding is correct for every script (SQLite's lower() is ASCII-only).
        """
        key = name_key(text)
        ranked: list[tuple[int, str, int, int, Show]] = []
        for show in await shows.visible(self._reader, guild_id):
            if own_only and show.is_catalog:
                continue
            keys = [name_key(name) for name in show.names()]
            if any(k.startswith(key) for k in keys):
                rank = 0
            elif any(key in k for k in keys):
                rank = 1
            else:
                continue
            ranked.append((rank, name_key(show.title), show.season, show.id, show))
        ranked.sort(key=lambda item: item[:4])
        return [show for *_, show in ranked[:limit]]

    async def find_show_by_name(self, guild_id: int, name: str) -> list[Show]:
        """Visible shows known exactly by ``name`` (title, original title or alias, any case).

        Season 1 comes before later seasons, and a server's own show before a catalog show of
        the same name and season.
        """
        key = name_key(name)
        matches = [
            show
            for show in await shows.visible(self._reader, guild_id)
            if key in {name_key(n) for n in show.names()}
        ]
        matches.sort(key=lambda show: (show.season, show.is_catalog))
        return matches

    async def save_catalog_show(self, spec: ShowSpec) -> int:
        """Create or update a catalog show from its spec; returns its id.

        Idempotent, and writes nothing when the stored show already matches the spec, so a
        bot whose database is read-only can still start and serve reads.
        """
        if spec.key is None:
            raise ValueError("catalog shows need a key")
        show_id = await shows.catalog_id_by_key(self._reader, spec.key)
        if show_id is not None:
            stored = await shows.catalog_by_id(self._reader, show_id)
            if stored is not None:
                current = ShowSpec.of(stored, await shows.episodes(self._reader, show_id))
                if current.normalised() == spec.normalised():
                    return show_id
        async with self._writer.transaction() as tx:
            existing = await shows.catalog_id(tx, spec.key)
            if existing is None:
                return await shows.insert(tx, None, spec)
            await shows.rewrite(tx, existing, spec)
        return existing

    # -- episodes ------------------------------------------------------------------

    async def episode(self, show_id: int, number: int) -> Episode | None:
        return await shows.episode(self._reader, show_id, number)

    async def episodes(self, show_id: int) -> list[Episode]:
        return await shows.episodes(self._reader, show_id)

    async def episode_with_tally(
        self, guild_id: int, show_id: int, number: int
    ) -> tuple[Episode | None, Tally]:
        """An episode and this server's tally of it, in one read."""
        return await shows.episode_with_tally(self._reader, guild_id, show_id, number)

    # -- a server's own shows ------------------------------------------------------
    #
    # ``guild_id`` is always the server acting. Every write reads the show inside its own
    # transaction and refuses a catalog show (ShowReadOnly) or one the server does not own
    # (ShowNotFound), so no check can go stale between reading and writing.

    async def create_show(self, guild_id: int, spec: ShowSpec) -> Show:
        """A new show of this server from a spec (an import or the admin's form).

        ``spec.key`` is ignored: only catalog shows have keys. Raises :class:`ShowTitleTaken`
        when the server can already see a show of that title (any case) and season.
        """
        async with self._writer.transaction() as tx:
            show_id = await shows.insert(tx, guild_id, spec)
            return await shows.require(tx, show_id)

    async def copy_catalog_show(self, guild_id: int, show_id: int) -> Show:
        """Replace a catalog show in this server by the server's own copy of it.

        The copy has every field, episode and alias; the catalog original is hidden in this
        server; the server's ratings, comments and removal records of it move to the copy; and
        the copy becomes the default show if the original was the default or the server's only
        show. Raises :class:`ShowNotFound` if ``show_id`` is no catalog show the server sees.
        """
        async with self._writer.transaction() as tx:
            source = await shows.fetch_visible(tx, guild_id, show_id)
            if not source.is_catalog:
                raise ShowNotFound(show_id)
            settings = await guild_settings.fetch(tx, guild_id)
            visible_before = await shows.count_visible(tx, guild_id)
            spec = ShowSpec.of(source, await shows.fetch_episodes(tx, show_id))
            await shows.hide(tx, guild_id, show_id)
            copy_id = await shows.insert(tx, guild_id, spec)
            await shows.move_server_data(tx, guild_id, show_id, copy_id)
            if settings.default_show_id == show_id or visible_before == 1:
                await guild_settings.set_default_show(tx, guild_id, copy_id)
            return await shows.require(tx, copy_id)

    async def hide_show(self, guild_id: int, show_id: int) -> Show:
        """Hide a catalog show from this server (its ratings here are kept, out of sight)."""
        async with self._writer.transaction() as tx:
            show = await shows.fetch(tx, show_id)
            if show is None or not show.is_catalog:
                raise ShowNotFound(show_id)
            if await shows.is_hidden(tx, guild_id, show_id):
                raise ShowAlreadyHidden(show.title)
            await shows.hide(tx, guild_id, show_id)
            return show

    async def unhide_show(self, guild_id: int, show_id: int) -> Show:
        """Show a hidden catalog show again; refused while the server has its own of that title."""
        async with self._writer.transaction() as tx:
            show = await shows.fetch(tx, show_id)
            if show is None or not show.is_catalog:
                raise ShowNotFound(show_id)
            if not await shows.is_hidden(tx, guild_id, show_id):
                raise ShowNotHidden(show.title)
            if await shows.own_by_title_tx(tx, guild_id, show.title, show.season) is not None:
                raise ShowTitleTaken(show.title, show.season)
            await shows.unhide(tx, guild_id, show_id)
            return show

    async def update_show(
        self,
        guild_id: int,
        show_id: int,
        *,
        title: str | _Unset = UNSET,
        original_title: str | _Unset | None = UNSET,
        year: int | _Unset | None = UNSET,
        network: str | _Unset | None = UNSET,
        season: int | _Unset = UNSET,
        episode_count: int | _Unset = UNSET,
        aliases: Iterable[str] | _Unset = UNSET,
        drop_critic_scores: bool = False,
    ) -> Show:
        """Change only the given fields of a server's show; None clears an optional field.

        A longer run gets blank episodes. A shorter run deletes the episodes past its end, but
        only if nobody has rated them (else :class:`EpisodesHaveRatings`) and, unless
        ``drop_critic_scores``, none has a critic score (else :class:`EpisodesHaveCriticScores`);
        either way nothing changes. A clashing title raises :class:`ShowTitleTaken`.
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
        if season is not UNSET:
            changes["season"] = season
        if episode_count is not UNSET:
            changes["episode_count"] = episode_count
        async with self._writer.transaction() as tx:
            show = await shows.fetch_own(tx, guild_id, show_id)
            if episode_count is not UNSET and episode_count < show.episode_count:
                lost = await shows.fetch_footprint_after(tx, guild_id, show, episode_count)
                if lost.ratings:
                    raise EpisodesHaveRatings(ratings=lost.ratings, episodes=lost.rated_episodes)
                if lost.critic_scores and not drop_critic_scores:
                    raise EpisodesHaveCriticScores(lost.critic_scores, episode_count + 1, show.episode_count)
                # Before the count may shrink (trigger show_keeps_its_episodes).
                await shows.delete_episodes_after(tx, show_id, episode_count)
            if changes:
                with shows.title_must_be_free(
                    show.title if title is UNSET else title, show.season if season is UNSET else season
                ):
                    await shows.update_columns(tx, show_id, changes)
            if episode_count is not UNSET and episode_count > show.episode_count:
                # After the count has grown (trigger episode_number_in_show_insert).
                await shows.add_blank_episodes(tx, show_id, show.episode_count + 1, episode_count)
            if aliases is not UNSET:
                await shows.replace_aliases(tx, show_id, aliases)
            return await shows.require(tx, show_id)

    async def set_verdict(self, guild_id: int, show_id: int, score: Score | None, text: str | None) -> Show:
        """Set (or with None, clear) the server's verdict on its show: a 0–10 score and its text."""
        return await self._update_own_show(
            guild_id, show_id, {"verdict_halves": rows.halves(score), "verdict_text": text}
        )

    async def set_show_summary(self, guild_id: int, show_id: int, summary: str | None) -> Show:
        return await self._update_own_show(guild_id, show_id, {"summary": summary})

    async def _update_own_show(self, guild_id: int, show_id: int, changes: dict[str, object]) -> Show:
        async with self._writer.transaction() as tx:
            await shows.fetch_own(tx, guild_id, show_id)
            await shows.update_columns(tx, show_id, changes)
            return await shows.require(tx, show_id)

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
            changes["critic_halves"] = rows.halves(score)
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
        async with self._writer.transaction() as tx:
            await shows.fetch_own(tx, guild_id, show_id)
            if changes:
                await shows.update_episode_columns(tx, show_id, number, changes)
            episode = await shows.fetch_episode(tx, show_id, number)
        if episode is None:
            raise EpisodeNotFound(number)
        return episode

    async def show_footprint(self, guild_id: int, show_id: int) -> ShowFootprint:
        """What deleting the show would take with it: this server's ratings and comments, episodes.

        Works on any show the server can see (for a catalog show: the server's ratings of it);
        raises :class:`ShowNotFound` otherwise.
        """
        show = await shows.visible_by_id(self._reader, guild_id, show_id)
        if show is None:
            raise ShowNotFound(show_id)
        return await shows.footprint_after(self._reader, guild_id, show, 0)

    async def delete_show(self, guild_id: int, show_id: int) -> ShowFootprint:
        """Delete a server's show with its episodes, aliases, ratings, tallies and comment removals.

        A server whose default show it was is left without one. Returns what went.
        """
        async with self._writer.transaction() as tx:
            show = await shows.fetch_own(tx, guild_id, show_id)
            footprint = await shows.fetch_footprint_after(tx, guild_id, show, 0)
            # The foreign keys cascade to everything else and clear guild_setting.default_show_id.
            await tx.execute("DELETE FROM show WHERE id = ?", (show_id,))
        return footprint

    async def replace_footprint(self, guild_id: int, show_id: int, new_episode_count: int) -> ShowFootprint:
        """What :meth:`replace_show` with a run of ``new_episode_count`` would delete: the episodes
        past it with this server's ratings and comments on them (all zero for a longer run)."""
        show = await shows.visible_by_id(self._reader, guild_id, show_id)
        if show is None:
            raise ShowNotFound(show_id)
        return await shows.footprint_after(self._reader, guild_id, show, new_episode_count)

    async def replace_show(self, guild_id: int, show_id: int, spec: ShowSpec) -> Show:
        """Overwrite a server's show with a spec, keeping its id.

        Every field comes from the spec, and so does every episode (blank where the spec says
        nothing): merge what an import does not carry into the spec first. Ratings of episodes
        inside the new run stay; episodes past it go, ratings and all, so show the admin
        :meth:`replace_footprint` first. Raises :class:`ShowTitleTaken` if the server can see
        another show of the spec's title and season.
        """
        async with self._writer.transaction() as tx:
            await shows.fetch_own(tx, guild_id, show_id)
            await shows.rewrite(tx, show_id, spec)
            return await shows.require(tx, show_id)

    async def show_overviews(self, guild_id: int) -> list[ShowOverview]:
        """Every show the server can see, by title, each with its critic average; one query."""
        return await shows.overviews(self._reader, guild_id)

    async def find_own_show_by_title(self, guild_id: int, title: str, season: int = 1) -> Show | None:
        """The server's own show of this title in any case and season (catalog shows are not looked at)."""
        return await shows.own_by_title(self._reader, guild_id, title, season)

    # -- server settings -----------------------------------------------------------

    async def guild_settings(self, guild_id: int) -> GuildSettings:
        """The server's settings; the defaults (nothing chosen) if its admins never chose."""
        return await guild_settings.get(self._reader, guild_id)

    async def set_default_show(self, guild_id: int, show_id: int | None) -> GuildSettings:
        """Choose (or with None, clear) the server's default show.

        It must be a show the server can see (the schema's triggers and foreign key check it);
        any other id raises :class:`ShowNotFound`.
        """
        async with self._writer.transaction() as tx:
            return await guild_settings.set_default_show(tx, guild_id, show_id)

    async def set_curator_role(self, guild_id: int, role_id: int | None) -> GuildSettings:
        """Choose (or with None, clear) the role whose members may manage the server's shows."""
        async with self._writer.transaction() as tx:
            return await guild_settings.set_curator_role(tx, guild_id, role_id)

    async def set_spoiler_guard(self, guild_id: int, on: bool) -> GuildSettings:
        """Switch the server's spoiler guard on (the default) or off."""
        async with self._writer.transaction() as tx:
            await watch.set_spoiler_guard(tx, guild_id, on)
            return await guild_settings.fetch(tx, guild_id)

    async def set_spoiler_titles(self, guild_id: int, hidden: bool) -> GuildSettings:
        """Hide (or show, the default) titles of episodes past a member's progress in /score show."""
        async with self._writer.transaction() as tx:
            await watch.set_spoiler_titles(tx, guild_id, hidden)
            return await guild_settings.fetch(tx, guild_id)

    # -- watch status and progress -------------------------------------------------

    async def watch_entry(self, guild_id: int, show_id: int, user_id: int) -> WatchEntry | None:
        """A member's status and progress on a show in a server; one primary-key read."""
        return await watch.entry(self._reader, (guild_id, show_id, user_id))

    async def spoiler_view(self, guild_id: int, show_id: int, user_id: int) -> SpoilerView:
        """What the spoiler guard needs (the server's settings, the member's entry) in one read."""
        return await watch.spoiler_view(self._reader, guild_id, show_id, user_id)

    async def set_watch(
        self,
        guild_id: int,
        show_id: int,
        user_id: int,
        *,
        status: WatchStatus | None = None,
        progress: int | None = None,
    ) -> WatchEntry:
        """Set a member's status (as chosen by them) and/or progress on a show; returns the entry.

        ``completed`` sets the progress to the last episode; progress alone keeps a chosen status
        (see :func:`bot.store.watch.write`). Raises :class:`ShowNotFound` for a show the server
        cannot see and :class:`ProgressOutOfRange` past the show's end or below 0, writing nothing.
        """
        async with self._writer.transaction() as tx:
            show = await shows.fetch_visible(tx, guild_id, show_id)
            key = (guild_id, show_id, user_id)
            return await watch.write(
                tx, key, status=status, progress=progress, episode_count=show.episode_count
            )

    async def set_progress(self, guild_id: int, show_id: int, user_id: int, progress: int) -> WatchEntry:
        """Watched up to episode ``progress`` (0: not started): :meth:`set_watch` with progress only."""
        return await self.set_watch(guild_id, show_id, user_id, progress=progress)

    async def watchlist(
        self, guild_id: int, user_id: int, *, limit: int | None = None, offset: int = 0
    ) -> list[WatchlistEntry]:
        """A member's watch entries in a server by show title (one page, or all without ``limit``)."""
        return await watch.watchlist(self._reader, guild_id, user_id, limit=limit, offset=offset)

    async def watchlist_count(self, guild_id: int, user_id: int) -> int:
        return await watch.watchlist_count(self._reader, guild_id, user_id)

    async def watch_counts(self, guild_id: int, show_id: int) -> WatchCounts:
        """How many members of the server are watching the show and how many completed it."""
        return await watch.counts(self._reader, guild_id, show_id)

    async def watch_counts_by_show(self, guild_id: int) -> dict[int, WatchCounts]:
        """:meth:`watch_counts` of every show in one read; shows nobody follows are absent."""
        return await watch.counts_by_show(self._reader, guild_id)

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
        enforces all of it and a violation raises the engine's integrity error
        (:class:`sqlite3.IntegrityError`, asyncpg's ``IntegrityConstraintViolationError``).
        """
        key = (guild_id, show_id, episode, user_id)

        async def write(tx: Transaction) -> RatingChange:
            # Read inside the transaction: no other write of this rating can land between this and
            # the upsert (SQLite writes one at a time; PostgreSQL waits for the member's other write).
            await tx.serialise(f"rating {guild_id} {show_id} {episode} {user_id}")
            previous = await ratings.fetch(tx, key)
            current = await ratings.upsert(
                tx,
                key,
                author_name=author_name,
                score=score,
                comment=comment,
                spoiler=spoiler,
                keep_comment=keep_comment,
            )
            tally = await ratings.fetch_tally(tx, guild_id, show_id, episode)
            # The rating is proof the member watched this far: their progress follows it in the
            # same transaction, so a confirmed rating never leaves the guard behind.
            show = await shows.fetch(tx, show_id)
            assert show is not None  # the rating's foreign key has just found its episode
            await watch.after_rating(tx, (guild_id, show_id, user_id), episode, show.episode_count)
            return RatingChange(previous=previous, current=current, tally=tally)

        return await self._writer.group(write)

    async def rating(self, guild_id: int, show_id: int, episode: int, user_id: int) -> Rating | None:
        return await ratings.rating(self._reader, (guild_id, show_id, episode, user_id))

    async def delete_rating(self, guild_id: int, show_id: int, episode: int, user_id: int) -> Rating | None:
        """Delete a member's rating (comment included); returns what was deleted, if anything."""
        async with self._writer.transaction() as tx:
            return await ratings.delete(tx, (guild_id, show_id, episode, user_id))

    async def remove_own_comment(
        self, guild_id: int, show_id: int, episode: int, user_id: int
    ) -> Rating | None:
        """Remove a member's own comment and keep their score; None when they had no comment."""
        async with self._writer.transaction() as tx:
            return await ratings.clear_comment(tx, (guild_id, show_id, episode, user_id))

    async def episode_tally(self, guild_id: int, show_id: int, episode: int) -> Tally:
        return await ratings.episode_tally(self._reader, guild_id, show_id, episode)

    async def show_tallies(self, guild_id: int, show_id: int) -> dict[int, Tally]:
        """Each rated episode's tally in this server, by episode number; unrated ones are absent."""
        return await ratings.show_tallies(self._reader, guild_id, show_id)

    async def show_tally(self, guild_id: int, show_id: int) -> Tally:
        """Every rating of every episode of the show in this server, taken together."""
        return await ratings.show_tally(self._reader, guild_id, show_id)

    async def comments(
        self, guild_id: int, show_id: int, episode: int, *, limit: int, offset: int
    ) -> list[Rating]:
        """One page of the server's ratings of the episode that have a comment, newest first."""
        return await ratings.comments(self._reader, guild_id, show_id, episode, limit=limit, offset=offset)

    async def comment_count(self, guild_id: int, show_id: int, episode: int) -> int:
        return await ratings.comment_count(self._reader, guild_id, show_id, episode)

    async def member_ratings(
        self, guild_id: int, user_id: int, show_id: int | None = None
    ) -> list[MemberRating]:
        """A member's ratings in a server (of one show, if given), by show title then episode."""
        return await ratings.member_ratings(self._reader, guild_id, user_id, show_id)

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
        """
        async with self._writer.transaction() as tx:
            return await ratings.record_removal(
                tx, (guild_id, show_id, episode, author_id), moderator_id=moderator_id, reason=reason
            )

    async def comment_removals(
        self, guild_id: int, *, limit: int = 20, offset: int = 0
    ) -> list[CommentRemoval]:
        """The server's comment removals, newest first."""
        return await ratings.removals(self._reader, guild_id, limit=limit, offset=offset)

    async def comment_removal_count(self, guild_id: int) -> int:
        return await ratings.removal_count(self._reader, guild_id)

    # -- a member's own data (/mydata) ---------------------------------------------------

    async def member_data(self, guild_id: int, user_id: int) -> MemberData:
        """Everything held about the member in this server: ratings and comments, removal records
        of their comments, how many removals they made as a moderator, their settings."""
        return await members.member_data(self._reader, guild_id, user_id)

    async def forget_preview(self, guild_id: int, user_id: int, mode: str) -> ForgetReport:
        """What :meth:`forget` in ``mode`` (``"delete"`` or ``"anonymise"``) would take, and how
        each average would move; nothing is written."""
        return await members.forget_report(self._reader, guild_id, user_id, mode)

    async def forget_member(self, guild_id: int, user_id: int, mode: str) -> ForgetReport:
        """Erase the member from this server, in one transaction; returns what went.

        ``"delete"``: ratings, comments, watch status and progress go, and the averages change.
        ``"anonymise"``: comments, watch status and progress go, and each score stays in the
        averages (``anonymous_tally``) linked to nobody. Either way the records of removals of their
        comments and their settings go, and removals they made as a moderator stay without their
        id: afterwards the member's id is stored nowhere in the server.
        """
        async with self._writer.transaction() as tx:
            return await members.forget(tx, guild_id, user_id, mode)

    async def forget_member_as_previewed(
        self, guild_id: int, user_id: int, previewed: ForgetReport
    ) -> ForgetReport | None:
        """:meth:`forget_member` in the preview's mode, unless the member's own data changed since
        :meth:`forget_preview` gave ``previewed``: then None, and nothing is erased."""
        async with self._writer.transaction() as tx:
            now = await members.forget_report(tx, guild_id, user_id, previewed.mode)
            if not members.same_data(now, previewed):
                return None
            return await members.forget(tx, guild_id, user_id, previewed.mode)

    async def hides_from_rankings(self, guild_id: int, user_id: int) -> bool:
        return await members.hides_from_rankings(self._reader, guild_id, user_id)

    async def set_hide_from_rankings(self, guild_id: int, user_id: int, hide: bool) -> None:
        async with self._writer.transaction() as tx:
            await members.set_hide_from_rankings(tx, guild_id, user_id, hide)

    async def import_overwrites(
        self, guild_id: int, user_id: int, items: list[ImportedRating]
    ) -> list[ImportOverwrite]:
        """The member's ratings here that are newer than the file's (an import would overwrite them)."""
        return await members.import_overwrites(self._reader, guild_id, user_id, items)

    async def import_member_ratings(
        self,
        guild_id: int,
        user_id: int,
        author_name: str,
        items: list[ImportedRating],
        *,
        expected_overwrites: list[ImportOverwrite],
        watch_entries: list[ImportedWatch] | None = None,
        hide_from_rankings: bool | None = None,
    ) -> int | None:
        """Write the file's ratings as the member's own (the file's dates kept), in one transaction.

        None, writing nothing, when the newer ratings it would overwrite are no longer the ones the
        member was shown (``expected_overwrites``). Returns how many ratings were written.
        """
        async with self._writer.transaction() as tx:
            if await members.import_overwrites(tx, guild_id, user_id, items) != expected_overwrites:
                return None
            written = await members.import_ratings(tx, guild_id, user_id, author_name, items)
            await members.import_watch(tx, guild_id, user_id, watch_entries or [])
            if hide_from_rankings is not None:
                await members.set_hide_from_rankings(tx, guild_id, user_id, hide_from_rankings)
            return written

    # -- servers that removed the bot ----------------------------------------------------

    async def guild_departed(self, guild_id: int, at: datetime) -> None:
        """The bot was removed from the server at ``at`` (UTC): its data is kept until the purge."""
        async with self._writer.transaction() as tx:
            await members.mark_departed(tx, guild_id, at)

    async def guild_returned(self, guild_id: int) -> bool:
        """The server has the bot again: nothing of it will be purged. True if it had departed."""
        async with self._writer.transaction() as tx:
            return await members.returned(tx, guild_id)

    async def departed_guilds(self, before: datetime) -> list[tuple[int, str]]:
        """Servers that removed the bot before ``before`` (UTC), oldest first: (server, when)."""
        return await members.departed_before(self._reader, before)

    async def purge_guild(self, guild_id: int, before: datetime) -> PurgeReport | None:
        """Delete every row of a server that removed the bot before ``before``, in one transaction.

        None, deleting nothing, when it is not such a server (it added the bot back meanwhile).
        """
        async with self._writer.transaction() as tx:
            departed_at = await members.departed_at(tx, guild_id, before)
            if departed_at is None:
                return None
            return PurgeReport(guild_id, departed_at, await members.purge_guild(tx, guild_id))

    async def purge_departed_guilds(self, now: datetime, retention: timedelta) -> list[PurgeReport]:
        """:meth:`purge_guild` of each server that removed the bot more than ``retention`` before ``now``."""
        cutoff = now - retention
        reports = []
        for guild_id, _ in await self.departed_guilds(cutoff):
            report = await self.purge_guild(guild_id, cutoff)
            if report is not None:
                reports.append(report)
        return reports

    def read_plans(self) -> AbstractContextManager[dict[str, list[str]]]:
        """Collects SQLite's plan of every read made inside the block (see :meth:`Reader.plans`)."""
        return self._reader.plans()

    async def show_titles(self, show_ids: Iterable[int]) -> dict[int, str]:
        """Titles of shows by id, whoever owns them (for logs that outlive a show's visibility)."""
        return await shows.titles(self._reader, show_ids)


def _postgresql_open_failure(exc: Exception, where: str, password: str | None) -> StoreOpenError:
    """Why a PostgreSQL database could not be opened, with the redacted URL as its path."""
    failure = describe_open_failure(exc, Path(where))
    if failure.reason == "unknown" or isinstance(exc, OSError):
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        failure = StoreOpenError("unknown", Path(where), detail)
    if password and password in failure.detail:  # a driver quoting the DSN back: never show it
        failure.detail = failure.detail.replace(password, "***")
    return failure
