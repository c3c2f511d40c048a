"""Members rating together share one commit, and one member's bad write never fails another's."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from bot.scores import Score
from bot.store import Outage, RatingChange, Store, Tally, WriteUnavailable

# SQLite's group commit and its write lock held by another process.
pytestmark = pytest.mark.sqlite_only

GUILD = 1


async def rate(store: Store, show_id: int, user_id: int, comment: str | None = None) -> RatingChange:
    return await store.save_rating(
        guild_id=GUILD,
        show_id=show_id,
        episode=5,
        user_id=user_id,
        author_name=f"member {user_id}",
        score=Score(8),
        comment=comment,
        spoiler=False,
    )


def rating_count(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute("SELECT count(*) FROM rating").fetchone()[0])


async def test_a_comment_sqlite_cannot_store_fails_alone_in_its_batch(store: Store, run_on_id: int) -> None:
    """A lone surrogate makes sqlite3 raise UnicodeEncodeError, not an sqlite3.Error: still only that one."""
    async with store.transaction():  # hold the writer so that all forty queue into one batch
        writes = [
            asyncio.create_task(rate(store, run_on_id, user, comment="\ud800" if user == 20 else None))
            for user in range(1, 41)
        ]
        await asyncio.sleep(0.05)
    outcomes = await asyncio.gather(*writes, return_exceptions=True)
    failed = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    assert len(failed) == 1 and isinstance(failed[0], UnicodeEncodeError)
    assert await store.episode_tally(GUILD, run_on_id, 5) == Tally(39, 39 * 8)
    assert rating_count(store.path) == 39


def hold_write_lock(path: Path, seconds: float, started: threading.Event) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    started.set()
    threading.Event().wait(seconds)
    connection.execute("ROLLBACK")
    connection.close()


async def test_a_batch_that_cannot_begin_tells_every_member_nothing_was_saved(
    store: Store, run_on_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holds the write lock past the busy timeout: every queued write gets the same
    clear answer, none is left unresolved, and none is applied after the lock is gone."""
    async with store.transaction() as tx:
        await tx.execute("PRAGMA busy_timeout = 300")
    started = threading.Event()
    holder = threading.Thread(target=hold_write_lock, args=(store.path, 1.5, started))
    holder.start()
    await asyncio.to_thread(started.wait)
    try:
        outcomes = await asyncio.gather(
            *(rate(store, run_on_id, user) for user in range(1, 11)), return_exceptions=True
        )
    finally:
        await asyncio.to_thread(holder.join)
    assert all(isinstance(o, WriteUnavailable) and o.outage is Outage.BUSY for o in outcomes), outcomes
    await asyncio.sleep(0.1)
    assert rating_count(store.path) == 0
    # Once the lock is gone, writes work again.
    assert (await rate(store, run_on_id, 11)).tally == Tally(1, 8)


async def test_readers_never_wait_for_another_process_writing(store: Store, run_on_id: int) -> None:
    started = threading.Event()
    holder = threading.Thread(target=hold_write_lock, args=(store.path, 1.0, started))
    holder.start()
    await asyncio.to_thread(started.wait)
    try:
        episode, tally = await store.episode_with_tally(GUILD, run_on_id, 16)
        assert episode is not None and tally == Tally(0, 0)
        assert [show.title for show in await store.visible_shows(GUILD)] == ["Run On"]
    finally:
        await asyncio.to_thread(holder.join)
