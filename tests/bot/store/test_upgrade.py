"""Upgrading databases written by earlier schemas, and a migration that fails halfway."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiosqlite
import pytest

import bot.store.migrate as store_module
from bot.bot import DEFAULT_CATALOG
from bot.scores import Score
from bot.showfile import load_catalog
from bot.store import GuildSettings, ShowSpec, Store, Tally
from bot.store.migrate import migrations
from bot.store.opening import StoreOpenError
from bot.store.reader import SQLiteReader
from bot.store.writer import Writer

# upgrades of old SQLite files.
pytestmark = pytest.mark.sqlite_only

SHOW_TABLES = ("show", "show_alias", "episode")


async def version_one_database(path: Path) -> int:
    """A database as the first release left it: schema 0001 with Run On loaded; returns its id."""
    return await old_database(path, 1)


async def old_database(path: Path, version: int) -> int:
    """A database at schema ``version`` with Run On loaded; returns its id."""
    with sqlite3.connect(path, isolation_level=None) as connection:
        for number, _, sql in migrations()[:version]:
            connection.executescript(sql)
            connection.execute(f"PRAGMA user_version = {number}")
    # The store's own catalog code on a connection that is never migrated: Store.open would
    # upgrade the file before the catalog is in.
    old = await unmigrated_store(path)
    try:
        show_id = await old.save_catalog_show(load_catalog(DEFAULT_CATALOG)[0])
    finally:
        await old.close()
    return show_id


async def unmigrated_store(path: Path) -> Store:
    """The store's own code on a file left at its old schema (Store.open would upgrade it first)."""
    writer = Writer(await aiosqlite.connect(path, isolation_level=None), path)
    await writer.configure()
    return Store(writer, SQLiteReader(path), path)


def user_version(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute("PRAGMA user_version").fetchone()[0])


def rating_rows(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT * FROM rating ORDER BY 1, 2, 3, 4").fetchall()


def table_names(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def show_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as connection:
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()  # noqa: S608
            for table in SHOW_TABLES
        }


def schema(path: Path) -> set[tuple[str, str, str | None]]:
    with sqlite3.connect(path) as connection:
        return set(connection.execute("SELECT type, name, sql FROM sqlite_master"))


async def test_a_version_one_database_upgrades_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    show_id = await version_one_database(path)
    assert user_version(path) == 1
    assert "rating" not in table_names(path)
    before = show_rows(path)
    assert len(before["episode"]) == 16

    store = await Store.open(path)
    try:
        assert await store.schema_version() == len(migrations())
        assert show_rows(path) == before
        # Ratings work on the upgraded file, against the episodes it already had.
        change = await store.save_rating(
            guild_id=1,
            show_id=show_id,
            episode=16,
            user_id=2,
            author_name="Alice",
            score=Score(9),
            comment="Worth the wait.",
            spoiler=False,
        )
        assert change.tally == Tally(1, 9)
        assert await store.integrity_check() == "ok"
    finally:
        await store.close()

    # The upgraded file has exactly the schema of a database created fresh.
    fresh = await Store.open(tmp_path / "fresh.db")
    await fresh.close()
    assert schema(path) == schema(tmp_path / "fresh.db")
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []


async def test_a_version_two_database_gains_server_settings(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    show_id = await old_database(path, 2)
    # A member's rating as the second release wrote it, before the upgrade (today's save_rating
    # also writes progress, a table the second release did not have).
    with sqlite3.connect(path, isolation_level=None) as connection:
        connection.execute(
            "INSERT INTO rating (guild_id, show_id, episode, user_id, halves, author_name) "
            "VALUES (1, ?, 3, 2, 7, 'Alice')",
            (show_id,),
        )
    assert user_version(path) == 2
    assert "guild_setting" not in table_names(path)
    shows_before, ratings_before = show_rows(path), rating_rows(path)

    store = await Store.open(path)
    try:
        assert await store.schema_version() == len(migrations()) >= 3
        assert (show_rows(path), rating_rows(path)) == (shows_before, ratings_before)
        # Every server starts with the defaults and may choose.
        assert await store.guild_settings(1) == GuildSettings(1, None, None)
        assert await store.set_default_show(1, show_id) == GuildSettings(1, show_id, None)
        ours = await store.create_show(1, ShowSpec(title="Our Show", episode_count=2))
        assert await store.set_default_show(1, ours.id) == GuildSettings(1, ours.id, None)
        assert await store.episode_tally(1, show_id, 3) == Tally(1, 7)
        assert await store.integrity_check() == "ok"
    finally:
        await store.close()

    fresh = await Store.open(tmp_path / "fresh.db")
    await fresh.close()
    assert schema(path) == schema(tmp_path / "fresh.db")
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []


async def test_a_migration_that_fails_halfway_leaves_the_previous_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    await version_one_database(path)
    before = show_rows(path)
    real = migrations()
    # The real 0002, every table, index and trigger of it, then a statement that fails.
    broken = (2, "0002_ratings.sql", real[1][2] + "\nINSERT INTO no_such_table VALUES (1);\n")
    monkeypatch.setattr(store_module, "migrations", lambda: [real[0], broken])

    with pytest.raises(StoreOpenError) as refused:
        await Store.open(path)
    assert (refused.value.reason, refused.value.migration) == ("migration_failed", "0002_ratings.sql")
    assert user_version(path) == 1
    assert table_names(path) == set(SHOW_TABLES)
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall() == [
            ("episode_number_in_show_insert",),
            ("episode_number_in_show_update",),
            ("show_keeps_its_episodes",),
        ]
    assert show_rows(path) == before

    # With the migration fixed, the same file upgrades normally.
    monkeypatch.undo()
    store = await Store.open(path)
    try:
        assert await store.schema_version() == len(migrations())
        assert show_rows(path) == before
    finally:
        await store.close()


def all_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as connection:
        return {
            table: sorted(connection.execute(f"SELECT * FROM {table}").fetchall(), key=repr)  # noqa: S608
            for table in table_names(path)
        }


async def test_the_previous_version_upgrades_to_member_data_with_nothing_lost(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    previous = len(migrations()) - 1
    show_id = await old_database(path, previous)
    old = await unmigrated_store(path)
    try:
        for user_id, halves in ((2, 7), (3, 9)):
            await old.save_rating(
                guild_id=1,
                show_id=show_id,
                episode=3,
                user_id=user_id,
                author_name="Member",
                score=Score(halves),
                comment="rude",
                spoiler=False,
            )
        await old.remove_comment(
            guild_id=1, show_id=show_id, episode=3, author_id=2, moderator_id=3, reason=None
        )
    finally:
        await old.close()
    before = all_rows(path)
    assert "anonymous_tally" not in before

    store = await Store.open(path)
    try:
        after = all_rows(path)
        assert {table: after[table] for table in before} == before
        # The moderator asks to be forgotten: the removal stays on record without their id.
        await store.forget_member(1, 3, "anonymise")
        [removal] = await store.comment_removals(1)
        assert removal.moderator_id is None and removal.author_id == 2
        assert await store.episode_tally(1, show_id, 3) == Tally(2, 16)
        assert await store.integrity_check() == "ok"
    finally:
        await store.close()
    fresh = await Store.open(tmp_path / "fresh.db")
    await fresh.close()
    assert schema(path) == schema(tmp_path / "fresh.db")


async def test_a_version_five_database_gains_watch_status_and_spoiler_settings(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    show_id = await old_database(path, 5)
    # What the fifth release's store wrote: a rating with a comment and a server's choices.
    with sqlite3.connect(path, isolation_level=None) as connection:
        connection.execute(
            "INSERT INTO rating (guild_id, show_id, episode, user_id, halves, comment, spoiler, author_name) "
            "VALUES (1, ?, 9, 2, 8, 'Big twist.', 1, 'Alice')",
            (show_id,),
        )
        connection.execute(
            "INSERT INTO guild_setting (guild_id, default_show_id, curator_role_id) VALUES (1, ?, 77)",
            (show_id,),
        )
        settings_before = connection.execute("SELECT * FROM guild_setting").fetchall()
    assert user_version(path) == 5
    assert "watch" not in table_names(path)
    shows_before, ratings_before = show_rows(path), rating_rows(path)

    store = await Store.open(path)
    try:
        assert await store.schema_version() == len(migrations()) >= 6
        assert (show_rows(path), rating_rows(path)) == (shows_before, ratings_before)
        with sqlite3.connect(path) as connection:
            settings_after = connection.execute("SELECT * FROM guild_setting").fetchall()
        # Every old column kept; the guard on and titles shown, the defaults.
        assert settings_after == [(*settings_before[0], 1, "show")]
        assert await store.guild_settings(1) == GuildSettings(1, show_id, 77)
        # A rating from before the upgrade left no progress: that member sees what they saw before.
        assert await store.watch_entry(1, show_id, 2) is None
        assert not (await store.spoiler_view(1, show_id, 2)).hides(16)
        await store.save_rating(
            guild_id=1,
            show_id=show_id,
            episode=10,
            user_id=2,
            author_name="Alice",
            score=Score(7),
            comment=None,
            spoiler=False,
        )
        entry = await store.watch_entry(1, show_id, 2)
        assert entry is not None and entry.progress == 10
        assert await store.integrity_check() == "ok"
    finally:
        await store.close()

    fresh = await Store.open(tmp_path / "fresh.db")
    await fresh.close()
    assert schema(path) == schema(tmp_path / "fresh.db")
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
