"""The store on SQLite and PostgreSQL: migrations, constraints, catalog loading, lookups."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.scores import Score
from bot.store import EpisodeSpec, ShowSpec, Store
from bot.store.migrate import migrations
from bot.store.opening import StoreOpenError
from tests.helpers import execute, query, run_on

GUILD = 1001


async def test_a_fresh_database_reaches_the_latest_version_on_either_engine(store: Store) -> None:
    assert len(migrations("postgresql")) == len(migrations())  # the same schema versions
    assert await store.schema_version() == len(migrations())
    assert await store.integrity_check() == "ok"
    assert store.backend in {"SQLite", "PostgreSQL"}


@pytest.mark.sqlite_only
async def test_a_fresh_database_reaches_the_latest_version_with_wal(store: Store) -> None:
    assert store.path.exists()
    assert await store.schema_version() == len(migrations())
    with sqlite3.connect(store.path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert await store.integrity_check() == "ok"


async def test_reopening_applies_no_migration_again(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    first = await Store.open(path)
    show_id = await first.save_catalog_show(run_on())
    await first.close()
    with sqlite3.connect(path) as connection:
        schema_before = connection.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()

    second = await Store.open(path)
    assert await second.schema_version() == len(migrations())
    assert (await second.visible_show(1, show_id)) is not None
    await second.close()
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema_before


async def test_a_database_from_a_newer_dramabot_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA user_version = 999")
    with pytest.raises(StoreOpenError) as refused:
        await Store.open(path)
    assert (refused.value.reason, refused.value.found_version) == ("newer_schema", 999)


async def test_the_catalog_loads_run_on_exactly(store: Store) -> None:
    show_id = await store.save_catalog_show(run_on())
    show = await store.visible_show(guild_id=123, show_id=show_id)
    assert show is not None
    assert (show.title, show.original_title, show.year, show.network, show.season) == (
        "Run On",
        "런 온",
        2020,
        "JTBC",
        1,
    )
    assert show.is_catalog and show.episode_count == 16
    assert show.verdict == Score(17)
    episodes = await store.episodes(show_id)
    assert [str(e.critic_score) for e in episodes] == [
        "3.5", "4", "3.5", "3.5", "4", "4", "3.5", "3", "3.5", "4", "4", "3.5", "3.5", "4", "4.5", "5",
    ]  # fmt: skip


async def test_loading_the_catalog_twice_changes_nothing(store: Store) -> None:
    first = await store.save_catalog_show(run_on())
    before = (await store.visible_shows(1), await store.episodes(first))
    second = await store.save_catalog_show(run_on())
    assert second == first
    assert (await store.visible_shows(1), await store.episodes(first)) == before


async def test_an_edited_catalog_updates_in_place_and_shrinks_cleanly(store: Store) -> None:
    show_id = await store.save_catalog_show(run_on())
    shorter = ShowSpec(
        key="run-on",
        title="Run On",
        episode_count=2,
        episodes=(EpisodeSpec(number=1, critic_score=Score(2)),),
    )
    assert await store.save_catalog_show(shorter) == show_id
    episodes = await store.episodes(show_id)
    assert [(e.number, e.critic_score) for e in episodes] == [(1, Score(2)), (2, None)]


async def test_constraints_reject_bad_rows(store: Store, integrity_error: type[Exception]) -> None:
    show_id = await store.save_catalog_show(run_on())
    bad_statements = [
        # a critic score above 5
        ("UPDATE episode SET critic_halves = 11 WHERE show_id = ? AND number = 1", (show_id,)),
        # an episode past the end of the show
        ("INSERT INTO episode (show_id, number) VALUES (?, 17)", (show_id,)),
        # an episode of a show that does not exist
        ("INSERT INTO episode (show_id, number) VALUES (?, 1)", (show_id + 100,)),
        # shrinking a show below its episodes without removing them
        ("UPDATE show SET episode_count = 3 WHERE id = ?", (show_id,)),
        # a second catalog show with the same (case-folded) title
        (
            "INSERT INTO show (title, title_key, episode_count) VALUES ('RUN ON', 'run on', 1)",
            (),
        ),
        # a verdict above 10
        ("UPDATE show SET verdict_halves = 21 WHERE id = ?", (show_id,)),
        # an empty title
        ("INSERT INTO show (guild_id, title, title_key, episode_count) VALUES (5, '', '', 1)", ()),
    ]
    for statement, parameters in bad_statements:
        with pytest.raises(integrity_error):
            await execute(store, statement, parameters)
    assert await store.integrity_check() == "ok"
    assert [str(e.critic_score) for e in await store.episodes(show_id)][:1] == ["3.5"]


async def test_two_servers_may_each_have_a_show_of_the_same_title(
    store: Store, integrity_error: type[Exception]
) -> None:
    for guild in (1, 2):
        await execute(
            store,
            "INSERT INTO show (guild_id, title, title_key, episode_count) VALUES (?, 'Mine', 'mine', 1)",
            (guild,),
        )
    with pytest.raises(integrity_error):
        await execute(
            store,
            "INSERT INTO show (guild_id, title, title_key, episode_count) VALUES (1, 'MINE', 'mine', 1)",
        )
    assert [s.title for s in await store.visible_shows(1)] == ["Mine"]


async def test_search_matches_title_original_title_and_alias(store: Store) -> None:
    await store.save_catalog_show(run_on())
    for typed in ("run", "RUN ON", "on", "런", "런 온", "reon"):
        assert [s.title for s in await store.search_shows(1, typed)] == ["Run On"], typed
    assert await store.search_shows(1, "goblin") == []
    assert [s.title for s in await store.find_show_by_name(1, "  run   on ")] == ["Run On"]
    assert await store.find_show_by_name(1, "run") == []


async def test_a_server_sees_only_the_catalog_and_its_own_shows(store: Store) -> None:
    await store.save_catalog_show(run_on())
    await execute(
        store, "INSERT INTO show (guild_id, title, title_key, episode_count) VALUES (1, 'Ours', 'ours', 3)"
    )
    [(theirs,)] = await query(
        store,
        "INSERT INTO show (guild_id, title, title_key, episode_count) "
        "VALUES (2, 'Theirs', 'theirs', 3) RETURNING id",
    )
    assert [s.title for s in await store.visible_shows(1)] == ["Ours", "Run On"]
    assert await store.visible_show(1, theirs) is None
    assert await store.search_shows(1, "theirs") == []
    assert await store.find_show_by_name(1, "Theirs") == []


async def test_a_failed_transaction_leaves_nothing_behind(store: Store) -> None:
    show_id = await store.save_catalog_show(run_on())
    with pytest.raises(RuntimeError):
        async with store.transaction() as db:
            await db.execute("UPDATE episode SET critic_halves = 0 WHERE show_id = ?", (show_id,))
            raise RuntimeError("interrupted")
    assert str((await store.episode(show_id, 16)).critic_score) == "5"  # type: ignore[union-attr]


async def test_lists_come_in_the_same_order_on_either_engine(store: Store) -> None:
    """Titles sort by code point, as SQLite's binary collation does, whatever the server's locale."""
    titles = ["Zebra", "apple", "Ápple", "éclair", "런 온", "Run", "run 2", "_under", "10 Days", "9 Days"]
    for number, title in enumerate(titles, start=1):
        await store.create_show(GUILD, ShowSpec(title=title, episode_count=1, season=1 + number % 2))
    expected = sorted(titles, key=lambda title: title.casefold())
    assert [s.title for s in await store.visible_shows(GUILD)] == expected
    assert [o.show.title for o in await store.show_overviews(GUILD)] == expected


async def test_discord_snowflakes_keep_every_digit(store: Store) -> None:
    guild, member, role = 1_234_567_890_123_456_789, 987_654_321_098_765_432, 2**63 - 1
    show_id = await store.save_catalog_show(run_on())
    await store.save_rating(
        guild_id=guild,
        show_id=show_id,
        episode=3,
        user_id=member,
        author_name="Snow",
        score=Score(9),
        comment=None,
        spoiler=False,
    )
    rating = await store.rating(guild, show_id, 3, member)
    assert rating is not None and (rating.guild_id, rating.user_id) == (guild, member)
    assert (await store.set_curator_role(guild, role)).curator_role_id == role
    assert (await store.guild_settings(guild)).curator_role_id == role
