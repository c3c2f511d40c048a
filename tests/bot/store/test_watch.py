"""Watch status and progress on both engines: what members set, what ratings move, the guard's read."""

from __future__ import annotations

import asyncio

import pytest

from bot.store import (
    GuildSettings,
    ProgressOutOfRange,
    ShowNotFound,
    ShowSpec,
    SpoilerView,
    Store,
    WatchCounts,
    WatchStatus,
)
from tests.helpers import ALICE, BOB, CLUB, FANS, execute, query, store_rate, store_snapshot

CAROL = 14


async def test_a_member_with_nothing_has_no_entry_and_the_guard_hides_nothing(
    store: Store, run_on_id: int
) -> None:
    assert await store.watch_entry(CLUB, run_on_id, ALICE) is None
    view = await store.spoiler_view(CLUB, run_on_id, ALICE)
    assert view == SpoilerView(guard=True, titles_hidden=False, entry=None)
    assert not view.hides(16)


async def test_progress_and_status_set_by_the_member(store: Store, run_on_id: int) -> None:
    entry = await store.set_progress(CLUB, run_on_id, ALICE, 6)
    assert (entry.status, entry.progress, entry.status_chosen) == (WatchStatus.WATCHING, 6, False)
    view = await store.spoiler_view(CLUB, run_on_id, ALICE)
    assert view.hides(7) and not view.hides(6)

    entry = await store.set_watch(CLUB, run_on_id, ALICE, status=WatchStatus.ON_HOLD)
    assert (entry.status, entry.progress, entry.status_chosen) == (WatchStatus.ON_HOLD, 6, True)
    # Progress alone keeps a chosen status.
    entry = await store.set_progress(CLUB, run_on_id, ALICE, 8)
    assert (entry.status, entry.progress) == (WatchStatus.ON_HOLD, 8)

    # Completed means every episode; moving back below the end makes it watching again.
    entry = await store.set_watch(CLUB, run_on_id, ALICE, status=WatchStatus.COMPLETED)
    assert (entry.status, entry.progress) == (WatchStatus.COMPLETED, 16)
    entry = await store.set_progress(CLUB, run_on_id, ALICE, 3)
    assert (entry.status, entry.progress) == (WatchStatus.WATCHING, 3)

    entry = await store.set_watch(CLUB, run_on_id, ALICE, status=WatchStatus.DROPPED, progress=10)
    assert (entry.status, entry.progress) == (WatchStatus.DROPPED, 10)
    # The entry belongs to that server only.
    assert await store.watch_entry(FANS, run_on_id, ALICE) is None


async def test_progress_zero_is_not_started(store: Store, run_on_id: int) -> None:
    entry = await store.set_progress(CLUB, run_on_id, ALICE, 0)
    assert (entry.status, entry.progress) == (WatchStatus.PLAN_TO_WATCH, 0)
    assert (await store.spoiler_view(CLUB, run_on_id, ALICE)).hides(1)


@pytest.mark.parametrize("progress", [-1, 17, 10**6])
async def test_progress_outside_the_run_is_refused_and_changes_nothing(
    store: Store, run_on_id: int, progress: int
) -> None:
    await store.set_progress(CLUB, run_on_id, ALICE, 5)
    before = await store_snapshot(store)
    with pytest.raises(ProgressOutOfRange) as refused:
        await store.set_watch(CLUB, run_on_id, ALICE, status=WatchStatus.WATCHING, progress=progress)
    assert (refused.value.progress, refused.value.episode_count) == (progress, 16)
    with pytest.raises(ProgressOutOfRange):
        await store.set_progress(CLUB, run_on_id, BOB, progress)
    assert await store_snapshot(store) == before


async def test_a_show_the_server_cannot_see_is_refused(store: Store, run_on_id: int) -> None:
    theirs = await store.create_show(FANS, ShowSpec(title="Theirs", episode_count=4))
    with pytest.raises(ShowNotFound):
        await store.set_watch(CLUB, theirs.id, ALICE, status=WatchStatus.WATCHING)
    await store.hide_show(CLUB, run_on_id)
    with pytest.raises(ShowNotFound):
        await store.set_progress(CLUB, run_on_id, ALICE, 2)
    with pytest.raises(ShowNotFound):
        await store.set_progress(CLUB, 987654, ALICE, 2)
    assert await query(store, "SELECT count(*) FROM watch") == [(0,)]


async def test_the_schema_refuses_bad_rows(
    store: Store, run_on_id: int, integrity_error: type[Exception]
) -> None:
    theirs = await store.create_show(FANS, ShowSpec(title="Theirs", episode_count=4))
    insert = "INSERT INTO watch (guild_id, show_id, user_id, status, progress) VALUES (?, ?, ?, ?, ?)"
    for params in [
        (CLUB, run_on_id, ALICE, "binging", 1),
        (CLUB, run_on_id, ALICE, "watching", -1),
        (0, run_on_id, ALICE, "watching", 1),
        (CLUB, run_on_id, 0, "watching", 1),
        (CLUB, theirs.id, ALICE, "watching", 1),  # another server's show
        (CLUB, 987654, ALICE, "watching", 1),
    ]:
        with pytest.raises(integrity_error):
            await execute(store, insert, params)
    with pytest.raises(integrity_error):
        await execute(
            store, "INSERT INTO guild_setting (guild_id, spoiler_titles) VALUES (?, 'maybe')", (CLUB,)
        )
    assert await query(store, "SELECT count(*) FROM watch") == [(0,)]


async def test_rating_moves_progress_up_and_the_status_follows(store: Store, run_on_id: int) -> None:
    await store_rate(store, run_on_id, 9, guild_id=CLUB, user_id=ALICE)
    entry = await store.watch_entry(CLUB, run_on_id, ALICE)
    assert entry is not None
    assert (entry.status, entry.progress, entry.status_chosen) == (WatchStatus.WATCHING, 9, False)

    # An earlier episode does not move it back.
    await store_rate(store, run_on_id, 2, guild_id=CLUB, user_id=ALICE)
    entry = await store.watch_entry(CLUB, run_on_id, ALICE)
    assert entry is not None and entry.progress == 9

    await store_rate(store, run_on_id, 16, guild_id=CLUB, user_id=ALICE)
    entry = await store.watch_entry(CLUB, run_on_id, ALICE)
    assert entry is not None and (entry.status, entry.progress) == (WatchStatus.COMPLETED, 16)

    # A rating of the last episode completes a first-time member at once.
    await store_rate(store, run_on_id, 16, guild_id=CLUB, user_id=BOB)
    entry = await store.watch_entry(CLUB, run_on_id, BOB)
    assert entry is not None and (entry.status, entry.progress) == (WatchStatus.COMPLETED, 16)

    # Moving progress back by hand after rating: the guard follows.
    await store.set_progress(CLUB, run_on_id, ALICE, 3)
    assert (await store.spoiler_view(CLUB, run_on_id, ALICE)).hides(4)


async def test_rating_leaves_a_status_the_member_chose(store: Store, run_on_id: int) -> None:
    await store.set_watch(CLUB, run_on_id, ALICE, status=WatchStatus.DROPPED)
    await store_rate(store, run_on_id, 5, guild_id=CLUB, user_id=ALICE)
    entry = await store.watch_entry(CLUB, run_on_id, ALICE)
    assert entry is not None and (entry.status, entry.progress, entry.status_chosen) == (
        WatchStatus.DROPPED,
        5,
        True,
    )
    await store_rate(store, run_on_id, 16, guild_id=CLUB, user_id=ALICE)
    entry = await store.watch_entry(CLUB, run_on_id, ALICE)
    assert entry is not None and (entry.status, entry.progress) == (WatchStatus.DROPPED, 16)


async def test_a_refused_rating_moves_no_progress(
    store: Store, run_on_id: int, integrity_error: type[Exception]
) -> None:
    with pytest.raises(integrity_error):
        await store_rate(store, run_on_id, 17, guild_id=CLUB, user_id=ALICE)
    assert await store.watch_entry(CLUB, run_on_id, ALICE) is None


async def test_watchlist_pages_and_counts(store: Store, run_on_id: int) -> None:
    shows = [await store.create_show(CLUB, ShowSpec(title=f"Show {n}", episode_count=10)) for n in range(5)]
    for show in shows:
        await store.set_progress(CLUB, show.id, ALICE, 4)
    await store.set_watch(CLUB, run_on_id, ALICE, status=WatchStatus.COMPLETED)
    await store.set_progress(CLUB, run_on_id, BOB, 2)
    await store.set_watch(CLUB, run_on_id, CAROL, status=WatchStatus.PLAN_TO_WATCH)

    assert await store.watchlist_count(CLUB, ALICE) == 6
    first = await store.watchlist(CLUB, ALICE, limit=4, offset=0)
    rest = await store.watchlist(CLUB, ALICE, limit=4, offset=4)
    titles = [item.show_title for item in first + rest]
    assert titles == ["Run On", "Show 0", "Show 1", "Show 2", "Show 3", "Show 4"]
    assert [item.show_title for item in await store.watchlist(CLUB, ALICE)] == titles
    assert (first[0].entry.status, first[0].entry.progress, first[0].episode_count) == (
        WatchStatus.COMPLETED,
        16,
        16,
    )
    assert await store.watchlist(FANS, ALICE) == []

    assert await store.watch_counts(CLUB, run_on_id) == WatchCounts(watching=1, completed=1)
    assert await store.watch_counts(FANS, run_on_id) == WatchCounts(0, 0)
    by_show = await store.watch_counts_by_show(CLUB)
    assert by_show[run_on_id] == WatchCounts(1, 1)
    assert by_show[shows[0].id] == WatchCounts(1, 0)
    assert len(by_show) == 6


async def test_spoiler_settings(store: Store, run_on_id: int) -> None:
    await store.set_progress(CLUB, run_on_id, ALICE, 6)
    settings = await store.set_spoiler_guard(CLUB, False)
    assert settings == GuildSettings(CLUB, None, None, spoiler_guard=False, spoiler_titles_hidden=False)
    assert not (await store.spoiler_view(CLUB, run_on_id, ALICE)).hides(12)
    await store.set_spoiler_guard(CLUB, True)
    settings = await store.set_spoiler_titles(CLUB, True)
    assert settings.spoiler_guard and settings.spoiler_titles_hidden
    view = await store.spoiler_view(CLUB, run_on_id, ALICE)
    assert view.hides(12) and view.hides_title(12) and not view.hides_title(6)
    # Other settings are kept, and other servers keep the defaults.
    await store.set_curator_role(CLUB, 77)
    assert (await store.guild_settings(CLUB)).spoiler_titles_hidden
    assert await store.guild_settings(FANS) == GuildSettings(FANS, None, None)


@pytest.mark.sqlite_only  # the read plans are SQLite's
async def test_the_guard_costs_one_primary_key_read(store: Store, run_on_id: int) -> None:
    await store.set_progress(CLUB, run_on_id, ALICE, 6)
    with store.read_plans() as plans:
        await store.spoiler_view(CLUB, run_on_id, ALICE)
    ((_statement, plan),) = plans.items()
    # The only scan is of the one constant row the two lookups hang on.
    assert [step for step in plan if step.startswith("SCAN")] == ["SCAN CONSTANT ROW", "SCAN x"], plan
    assert any(step.startswith("SEARCH g USING INTEGER PRIMARY KEY") for step in plan), plan
    assert any(step.startswith("SEARCH w USING PRIMARY KEY") for step in plan), plan


async def test_a_show_going_takes_its_entries_and_a_shorter_run_brings_progress_back(store: Store) -> None:
    show = await store.create_show(CLUB, ShowSpec(title="Ours", episode_count=10))
    await store.set_progress(CLUB, show.id, ALICE, 9)
    await store.set_progress(CLUB, show.id, BOB, 3)
    await store.update_show(CLUB, show.id, episode_count=5)
    alice = await store.watch_entry(CLUB, show.id, ALICE)
    bob = await store.watch_entry(CLUB, show.id, BOB)
    assert alice is not None and alice.progress == 5
    assert bob is not None and bob.progress == 3
    await store.delete_show(CLUB, show.id)
    assert await query(store, "SELECT count(*) FROM watch") == [(0,)]


async def test_a_catalog_copy_takes_the_servers_entries(store: Store, run_on_id: int) -> None:
    await store.set_progress(CLUB, run_on_id, ALICE, 7)
    await store.set_progress(FANS, run_on_id, ALICE, 2)
    copy = await store.copy_catalog_show(CLUB, run_on_id)
    entry = await store.watch_entry(CLUB, copy.id, ALICE)
    assert entry is not None and entry.progress == 7
    assert await store.watch_entry(CLUB, run_on_id, ALICE) is None
    fans = await store.watch_entry(FANS, run_on_id, ALICE)
    assert fans is not None and fans.progress == 2


async def test_concurrent_ratings_of_one_member_leave_the_furthest_episode(
    store: Store, run_on_id: int
) -> None:
    episodes = list(range(1, 16))
    await asyncio.gather(*(store_rate(store, run_on_id, n, guild_id=CLUB, user_id=ALICE) for n in episodes))
    entry = await store.watch_entry(CLUB, run_on_id, ALICE)
    assert entry is not None and (entry.status, entry.progress) == (WatchStatus.WATCHING, 15)
