"""A host moves dramabot to another database: every row goes, and the copy is proven whole."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.settings import DatabaseUrl
from bot.store import ShowSpec, Store, Tally, TargetNotEmpty
from tests.helpers import BOB, CLUB, FANS, a_lived_in_database, run_on


@pytest.fixture
async def source(tmp_path: Path) -> AsyncIterator[Store]:
    store = await a_lived_in_database(tmp_path / "source.db")
    yield store
    await store.close()


@pytest.fixture
async def empty(tmp_path: Path) -> AsyncIterator[Store]:
    store = await Store.open(tmp_path / "target.db")
    yield store
    await store.close()


async def test_a_copy_holds_every_servers_rows_and_rebuilds_the_tallies(source: Store, empty: Store) -> None:
    before = await source.checksums()
    report = await source.copy_into(empty)

    assert report.servers == 2
    assert report.rows["rating"] == before.rows("rating") == 6
    assert report.rows["show"] == before.rows("show") == 4  # Run On, Third, Moving, the Run On copy
    assert report.rows["comment_removal"] == 1
    assert report.rows["watch"] == before.rows("watch") == 7  # six moved by ratings, one chosen
    after = await empty.checksums()
    assert after.differences(before) == []
    assert after.rows("episode_tally") == before.rows("episode_tally") > 0
    # What members see is the same: the copy's default show, averages, the hidden show's rating.
    default = await empty.default_show(CLUB)
    assert default.show is not None and default.show.title == "Moving"
    (copy,) = [s for s in await empty.visible_shows(FANS) if s.title == "Run On"]
    assert not copy.is_catalog
    assert await empty.episode_tally(FANS, copy.id, 2) == Tally(1, 5)
    assert [s.title for s in await empty.hidden_shows(CLUB)] == ["Third Show"]
    assert (await empty.guild_settings(CLUB)).curator_role_id == 555
    assert await empty.comment_removal_count(FANS) == 1
    settings = await empty.guild_settings(CLUB), await empty.guild_settings(FANS)
    assert settings[0].spoiler_titles_hidden and not settings[1].spoiler_guard
    assert [
        (w.show_title, w.entry.status.value, w.entry.progress) for w in await empty.watchlist(CLUB, BOB)
    ] == [
        ("Moving", "watching", 1),
        ("Run On", "completed", 16),
        ("Third Show", "on-hold", 1),
    ]


async def test_the_copy_takes_new_writes_with_fresh_ids(source: Store, empty: Store) -> None:
    await source.copy_into(empty)
    before = {s.id for s in await empty.visible_shows(CLUB)}
    added = await empty.create_show(CLUB, ShowSpec(title="Brand New", episode_count=3))
    assert added.id not in before


async def test_a_target_that_holds_anything_is_refused_and_left_as_it_was(
    source: Store, tmp_path: Path
) -> None:
    target = await Store.open(tmp_path / "busy.db")
    try:
        await target.save_catalog_show(run_on())
        kept = await target.checksums()
        with pytest.raises(TargetNotEmpty) as refused:
            await source.copy_into(target)
        assert refused.value.shows == 1 and refused.value.ratings == 0
        assert (await target.checksums()).differences(kept) == []

        await source.copy_into(target, replace=True)
        assert (await target.checksums()).differences(await source.checksums()) == []
    finally:
        await target.close()


async def test_a_round_trip_ends_where_it_started(source: Store, empty: Store, tmp_path: Path) -> None:
    await source.copy_into(empty)
    back = await Store.open(tmp_path / "back.db")
    try:
        await empty.copy_into(back)
        assert (await back.checksums()).differences(await source.checksums()) == []
    finally:
        await back.close()


async def test_progress_counts_every_copied_row(source: Store, empty: Store) -> None:
    seen: dict[str, int] = {}
    await source.copy_into(
        empty, progress=lambda table, rows: seen.__setitem__(table, seen.get(table, 0) + rows)
    )
    assert sum(seen.values()) == await source.row_count()


async def test_sqlite_to_postgresql_and_back_ends_with_identical_checksums(
    source: Store, tmp_path: Path, postgresql_url: str
) -> None:
    postgres = await Store.open_url(DatabaseUrl.parse(postgresql_url))
    try:
        assert postgres.backend == "PostgreSQL"
        await source.copy_into(postgres)
        assert (await postgres.checksums()).differences(await source.checksums()) == []
        # The copy serves what the members saw, and takes new shows with fresh ids.
        default = await postgres.default_show(CLUB)
        assert default.show is not None and default.show.title == "Moving"
        added = await postgres.create_show(FANS, ShowSpec(title="After The Move", episode_count=2))
        assert added.id not in {s.id for s in await source.visible_shows(FANS)}

        # Without --replace a copy into a database that holds anything writes nothing.
        kept = await postgres.checksums()
        with pytest.raises(TargetNotEmpty):
            await source.copy_into(postgres)
        assert (await postgres.checksums()).differences(kept) == []

        back = await Store.open(tmp_path / "back.db")
        try:
            await postgres.copy_into(back)
            assert (await back.checksums()).differences(kept) == []
        finally:
            await back.close()
    finally:
        await postgres.close()
