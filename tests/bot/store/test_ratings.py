"""Member ratings on SQLite and PostgreSQL: upserts, exact tallies, constraints, comments, moderation."""

from __future__ import annotations

import asyncio
import random
from dataclasses import replace
from fractions import Fraction
from typing import Any

import pytest

from bot.scores import Score
from bot.store import Rating, RatingChange, ShowSpec, Store, Tally
from tests.helpers import execute, query

GUILD_A = 1001
GUILD_B = 1002
ALICE = 501
BOB = 502
MOD = 900


async def own_show(store: Store, guild_id: int, title: str, episodes: int) -> int:
    """A server's own show, written directly: the store has no call for it yet."""
    async with store.transaction() as tx:
        row = await tx.one(
            "INSERT INTO show (guild_id, title, title_key, episode_count) VALUES (?, ?, ?, ?) RETURNING id",
            (guild_id, title, title.casefold(), episodes),
        )
        assert row is not None
        await tx.executemany(
            "INSERT INTO episode (show_id, number) VALUES (?, ?)",
            [(row[0], number) for number in range(1, episodes + 1)],
        )
    return int(row[0])


async def rate(
    store: Store,
    show_id: int,
    *,
    guild_id: int = GUILD_A,
    episode: int = 1,
    user_id: int = ALICE,
    halves: int = 8,
    comment: str | None = None,
    spoiler: bool = False,
    keep_comment: bool = False,
    author_name: str | None = None,
) -> RatingChange:
    return await store.save_rating(
        guild_id=guild_id,
        show_id=show_id,
        episode=episode,
        user_id=user_id,
        author_name=author_name or f"member {user_id}",
        score=Score(halves),
        comment=comment,
        spoiler=spoiler,
        keep_comment=keep_comment,
    )


async def tally_rows(store: Store) -> list[tuple[Any, ...]]:
    return await query(
        store, "SELECT guild_id, show_id, episode, ratings, total_halves FROM episode_tally ORDER BY 1, 2, 3"
    )


async def recomputed_tally(store: Store) -> list[tuple[Any, ...]]:
    return await query(
        store,
        "SELECT guild_id, show_id, episode, count(*), sum(halves) FROM rating "
        "GROUP BY guild_id, show_id, episode ORDER BY 1, 2, 3",
    )


# -- writing and replacing -------------------------------------------------------------------


async def test_a_first_rating_is_new_and_a_second_replaces_it(store: Store, run_on_id: int) -> None:
    first = await rate(store, run_on_id, halves=7, comment="Lovely pacing.", author_name="Alice")
    assert first.previous is None
    assert first.current == Rating(
        guild_id=GUILD_A,
        show_id=run_on_id,
        episode=1,
        user_id=ALICE,
        score=Score(7),
        comment="Lovely pacing.",
        spoiler=False,
        author_name="Alice",
        created_at=first.current.created_at,
        updated_at=first.current.created_at,
    )
    assert first.tally == Tally(1, 7)
    # Age the first write so a refreshed or overwritten timestamp cannot hide in the same millisecond.
    long_ago = "2024-01-01T00:00:00.000Z"
    await execute(store, "UPDATE rating SET created_at = ?, updated_at = ?", (long_ago, long_ago))

    second = await rate(
        store, run_on_id, halves=9, comment="The ending!", spoiler=True, author_name="Alice (she/her)"
    )
    assert second.previous == replace(first.current, created_at=long_ago, updated_at=long_ago)
    assert second.current.score == Score(9)
    assert (second.current.comment, second.current.spoiler) == ("The ending!", True)
    assert second.current.author_name == "Alice (she/her)"
    assert second.current.created_at == long_ago
    assert second.current.updated_at > long_ago
    # Still one member's rating, now worth the new score.
    assert second.tally == Tally(1, 9)
    assert await store.rating(GUILD_A, run_on_id, 1, ALICE) == second.current


async def test_keep_comment_leaves_the_comment_and_its_spoiler_flag(store: Store, run_on_id: int) -> None:
    await rate(store, run_on_id, halves=6, comment="He finally runs!", spoiler=True)
    kept = await rate(store, run_on_id, halves=10, keep_comment=True)
    assert (kept.current.score, kept.current.comment, kept.current.spoiler) == (
        Score(10),
        "He finally runs!",
        True,
    )
    replaced = await rate(store, run_on_id, halves=10, comment="Rewritten.", keep_comment=True)
    assert (replaced.current.comment, replaced.current.spoiler) == ("Rewritten.", False)
    cleared = await rate(store, run_on_id, halves=10)
    assert (cleared.current.comment, cleared.current.spoiler) == (None, False)
    # keep_comment on a first rating simply has nothing to keep.
    new = await rate(store, run_on_id, user_id=BOB, keep_comment=True)
    assert new.previous is None and new.current.comment is None


async def test_a_rejected_write_leaves_nothing_behind(
    store: Store, run_on_id: int, integrity_error: type[Exception]
) -> None:
    await rate(store, run_on_id, halves=4, comment="ok")
    for bad in (
        {"halves": 11},  # above 5 points
        {"halves": 0},  # members rate from 0.5
        {"comment": "x" * 1001},
        {"comment": ""},
        {"comment": None, "spoiler": True},  # a spoiler flag needs a comment
        {"episode": 17},  # Run On has 16 episodes
    ):
        with pytest.raises(integrity_error):
            await rate(store, run_on_id, **bad)  # type: ignore[arg-type]
    with pytest.raises(integrity_error):
        await rate(store, run_on_id + 1000)  # no such show
    current = await store.rating(GUILD_A, run_on_id, 1, ALICE)
    assert current is not None and (current.score, current.comment) == (Score(4), "ok")
    assert await store.episode_tally(GUILD_A, run_on_id, 1) == Tally(1, 4)
    # The connection is usable afterwards: every failed transaction was rolled back.
    assert (await rate(store, run_on_id, user_id=BOB, halves=2)).tally == Tally(2, 6)


async def test_a_server_cannot_rate_another_servers_show(
    store: Store, run_on_id: int, integrity_error: type[Exception]
) -> None:
    theirs = await own_show(store, GUILD_B, "Theirs", 4)
    with pytest.raises(integrity_error, match="only catalog shows and its own"):
        await rate(store, theirs, guild_id=GUILD_A)
    assert (await rate(store, theirs, guild_id=GUILD_B)).tally == Tally(1, 8)


# -- tallies ---------------------------------------------------------------------------------


async def test_the_tally_is_exact(store: Store, run_on_id: int) -> None:
    await rate(store, run_on_id, user_id=ALICE, halves=10)  # 5
    change = await rate(store, run_on_id, user_id=BOB, halves=8)  # 4
    assert change.tally == Tally(ratings=2, total_halves=18)
    assert change.tally.average() == Fraction(9, 2)
    await rate(store, run_on_id, user_id=503, halves=7)  # 3.5
    tally = await store.episode_tally(GUILD_A, run_on_id, 1)
    assert tally.average() == Fraction(25, 6)  # 12.5 / 3, exactly
    assert Tally(0, 0).average() is None
    assert (await store.episode_tally(GUILD_A, run_on_id, 2)).average() is None


async def test_show_tallies_cover_only_rated_episodes(store: Store, run_on_id: int) -> None:
    await rate(store, run_on_id, episode=1, user_id=ALICE, halves=10)
    await rate(store, run_on_id, episode=1, user_id=BOB, halves=7)
    await rate(store, run_on_id, episode=16, user_id=ALICE, halves=3)
    assert await store.show_tallies(GUILD_A, run_on_id) == {1: Tally(2, 17), 16: Tally(1, 3)}
    show = await store.show_tally(GUILD_A, run_on_id)
    assert show == Tally(3, 20) and show.average() == Fraction(10, 3)
    assert await store.show_tally(GUILD_A, run_on_id + 1000) == Tally(0, 0)


async def test_servers_never_share_ratings(store: Store, run_on_id: int) -> None:
    # The same member rates the same catalog episode in server A only.
    await rate(store, run_on_id, guild_id=GUILD_A, halves=2, comment="Not for me.")
    assert await store.episode_tally(GUILD_B, run_on_id, 1) == Tally(0, 0)
    assert await store.show_tallies(GUILD_B, run_on_id) == {}
    assert await store.show_tally(GUILD_B, run_on_id) == Tally(0, 0)
    assert await store.rating(GUILD_B, run_on_id, 1, ALICE) is None
    assert await store.comments(GUILD_B, run_on_id, 1, limit=10, offset=0) == []
    assert await store.comment_count(GUILD_B, run_on_id, 1) == 0
    assert await store.member_ratings(GUILD_B, ALICE) == []
    # A rating in B is a separate row with its own tally, and A's is untouched.
    in_b = await rate(store, run_on_id, guild_id=GUILD_B, halves=10)
    assert in_b.previous is None and in_b.tally == Tally(1, 10)
    assert await store.episode_tally(GUILD_A, run_on_id, 1) == Tally(1, 2)


async def test_deleting_ratings_updates_the_tally_and_leaves_no_zero_rows(
    store: Store, run_on_id: int
) -> None:
    await rate(store, run_on_id, user_id=ALICE, halves=10, comment="Yes.")
    await rate(store, run_on_id, user_id=BOB, halves=4)
    deleted = await store.delete_rating(GUILD_A, run_on_id, 1, ALICE)
    assert deleted is not None and (deleted.score, deleted.comment) == (Score(10), "Yes.")
    assert await store.episode_tally(GUILD_A, run_on_id, 1) == Tally(1, 4)
    assert await store.delete_rating(GUILD_A, run_on_id, 1, ALICE) is None
    await store.delete_rating(GUILD_A, run_on_id, 1, BOB)
    assert await store.episode_tally(GUILD_A, run_on_id, 1) == Tally(0, 0)
    assert await tally_rows(store) == []


async def test_the_tally_matches_a_recount_after_a_random_mix_of_writes(
    store: Store, run_on_id: int, integrity_error: type[Exception]
) -> None:
    ours = await own_show(store, GUILD_A, "Ours", 6)
    shows = {GUILD_A: (run_on_id, ours), GUILD_B: (run_on_id,), 1003: (run_on_id,)}
    randomness = random.Random(20240611)
    expected: dict[tuple[int, int, int, int], int] = {}  # (guild, show, episode, user) -> halves
    moves = 0
    for step in range(400):
        guild = randomness.choice(list(shows))
        show = randomness.choice(shows[guild])
        episode = randomness.randint(1, 6)
        user = randomness.randint(1, 8)
        key = (guild, show, episode, user)
        roll = randomness.random()
        if roll < 0.6:
            halves = randomness.randint(1, 10)
            comment = randomness.choice([None, "meh", "wow"])
            await rate(
                store,
                show,
                guild_id=guild,
                episode=episode,
                user_id=user,
                halves=halves,
                comment=comment,
                keep_comment=randomness.random() < 0.5,
            )
            expected[key] = halves
        elif roll < 0.8:
            await store.delete_rating(guild, show, episode, user)
            expected.pop(key, None)
        elif roll < 0.9:
            await store.remove_comment(
                guild_id=guild, show_id=show, episode=episode, author_id=user, moderator_id=MOD, reason=None
            )
        elif key in expected:
            # By hand, as a maintenance script might: move a rating to another episode.
            target = randomness.randint(1, 6)
            moved = (guild, show, target, user)
            try:
                await execute(
                    store,
                    "UPDATE rating SET episode = ?, halves = ? "
                    "WHERE guild_id = ? AND show_id = ? AND episode = ? AND user_id = ?",
                    (target, 5, *key),
                )
            except integrity_error:
                pass  # the member already rated the target episode: nothing changed
            else:
                del expected[key]
                expected[moved] = 5
                moves += 1
        if step % 50 == 0:
            assert await tally_rows(store) == await recomputed_tally(store), f"after step {step}"
    assert moves > 0 and len(expected) > 20, "the mix should exercise every kind of write"

    assert await tally_rows(store) == await recomputed_tally(store)
    recount: dict[tuple[int, int, int], list[int]] = {}
    for (guild, show, episode, _), halves in expected.items():
        recount.setdefault((guild, show, episode), []).append(halves)
    for (guild, show, episode), scores in recount.items():
        assert await store.episode_tally(guild, show, episode) == Tally(len(scores), sum(scores))

    # Shortening the run cascades to ratings and tallies of the dropped episodes alike.
    shorter = ShowSpec(key="run-on", title="Run On", episode_count=3)
    await store.save_catalog_show(shorter)
    assert await tally_rows(store) == await recomputed_tally(store)
    assert all(episode <= 3 for _, show, episode, _, _ in await tally_rows(store) if show == run_on_id)
    assert await store.integrity_check() == "ok"


@pytest.mark.sqlite_only  # INSERT OR REPLACE is SQLite's; PostgreSQL has no REPLACE to guard against
async def test_insert_or_replace_on_the_stores_connection_keeps_the_tally(
    store: Store, run_on_id: int
) -> None:
    await rate(store, run_on_id, halves=4)
    async with store.transaction() as db:
        await db.execute(
            "INSERT OR REPLACE INTO rating (guild_id, show_id, episode, user_id, halves, author_name) "
            "VALUES (?, ?, 1, ?, 9, 'Alice')",
            (GUILD_A, run_on_id, ALICE),
        )
    assert await store.episode_tally(GUILD_A, run_on_id, 1) == Tally(1, 9)


async def test_a_member_rating_twice_at_once_is_told_of_the_other_rating(
    store: Store, run_on_id: int
) -> None:
    """Two clicks that arrive together: one rating is new, the other replaces it, and says so."""
    for episode in range(1, 11):
        first, second = await asyncio.gather(
            rate(store, run_on_id, episode=episode, halves=4),
            rate(store, run_on_id, episode=episode, halves=6),
        )
        new, replacing = (first, second) if first.previous is None else (second, first)
        assert new.previous is None and replacing.previous == new.current
        assert replacing.tally == Tally(1, replacing.current.score.halves)


async def test_two_hundred_members_rating_at_once_all_count(store: Store, run_on_id: int) -> None:
    scores = {user: 1 + user % 10 for user in range(1, 201)}
    changes = await asyncio.gather(
        *(rate(store, run_on_id, episode=5, user_id=user, halves=halves) for user, halves in scores.items())
    )
    assert all(change.previous is None for change in changes)
    # Writes are serialised, so each saw a tally one larger than the one before it.
    assert sorted(change.tally.ratings for change in changes) == list(range(1, 201))
    assert await store.episode_tally(GUILD_A, run_on_id, 5) == Tally(200, sum(scores.values()))
    assert await tally_rows(store) == await recomputed_tally(store)


# -- constraints -----------------------------------------------------------------------------


async def test_constraints_reject_bad_rows(
    store: Store, run_on_id: int, integrity_error: type[Exception]
) -> None:
    theirs = await own_show(store, GUILD_B, "Theirs", 2)
    good = {
        "guild_id": GUILD_A,
        "show_id": run_on_id,
        "episode": 1,
        "user_id": ALICE,
        "halves": 8,
        "comment": None,
        "spoiler": 0,
        "author_name": "Alice",
    }
    insert = """
        INSERT INTO rating (guild_id, show_id, episode, user_id, halves, comment, spoiler, author_name)
        VALUES (:guild_id, :show_id, :episode, :user_id, :halves, :comment, :spoiler, :author_name)
    """
    refusals: tuple[type[Exception], ...] = (integrity_error,)
    if store.backend == "PostgreSQL":
        refusals += (TypeError,)  # the backend refuses 5.5 before asyncpg could truncate it
    bad_rows = [
        {"halves": 0},
        {"halves": 11},
        {"halves": 5.5},  # a REAL would break exact sums
        {"comment": "x" * 1001},
        {"comment": ""},
        {"spoiler": 2},
        {"spoiler": 1},  # a spoiler flag without a comment
        {"episode": 17},  # Run On has 16 episodes
        {"episode": 0},
        {"show_id": run_on_id + 1000},  # no such show
        {"show_id": theirs},  # another server's show
        {"guild_id": 0},
        {"user_id": 0},
        {"author_name": ""},
    ]
    for change in bad_rows:
        with pytest.raises(refusals):
            await execute(store, insert, {**good, **change})
    # The edges of the allowed ranges pass, and a second rating of the same key does not.
    await execute(store, insert, {**good, "halves": 1, "comment": "y" * 1000, "spoiler": 1})
    await execute(store, insert, {**good, "user_id": BOB, "halves": 10})
    with pytest.raises(integrity_error):
        await execute(store, insert, good)
    # The tally is written by triggers only; impossible tallies are refused outright.
    for statement in (
        "UPDATE episode_tally SET ratings = 0",
        "UPDATE episode_tally SET ratings = -1",
        "UPDATE episode_tally SET total_halves = 21",  # two ratings can sum to 20 at most
        "UPDATE episode_tally SET total_halves = 1",  # nor to less than 2
    ):
        with pytest.raises(integrity_error):
            await execute(store, statement)
    with pytest.raises(integrity_error):
        await execute(
            store,
            "INSERT INTO comment_removal (guild_id, show_id, episode, author_id, moderator_id, comment, "
            "reason) VALUES (?, ?, 1, ?, ?, 'c', ?)",
            (GUILD_A, run_on_id, ALICE, MOD, "r" * 201),
        )
    assert await store.episode_tally(GUILD_A, run_on_id, 1) == Tally(2, 11)
    assert await store.integrity_check() == "ok"


async def test_shortening_a_show_takes_its_ratings_along(store: Store, run_on_id: int) -> None:
    await rate(store, run_on_id, episode=2, halves=6, comment="two")
    await rate(store, run_on_id, episode=12, halves=9, comment="twelve")
    await store.remove_comment(
        guild_id=GUILD_A, show_id=run_on_id, episode=12, author_id=ALICE, moderator_id=MOD, reason=None
    )
    await store.save_catalog_show(ShowSpec(key="run-on", title="Run On", episode_count=10))
    assert await store.rating(GUILD_A, run_on_id, 12, ALICE) is None
    assert await store.show_tallies(GUILD_A, run_on_id) == {2: Tally(1, 6)}
    assert await store.comment_removals(GUILD_A) == []
    assert [r.rating.episode for r in await store.member_ratings(GUILD_A, ALICE)] == [2]


# -- comments and moderation -----------------------------------------------------------------


async def test_comments_page_newest_first_without_overlap(store: Store, run_on_id: int) -> None:
    for user in range(1, 10):
        # Users 3 and 6 rate without a comment, so they never appear in the list.
        await rate(store, run_on_id, user_id=user, comment=None if user in (3, 6) else f"comment {user}")
    # Pin the times, with ties, to check the order: updated_at, then the newer row first.
    times = {1: "01", 2: "05", 4: "05", 5: "03", 7: "05", 8: "02", 9: "09"}
    for user, second in times.items():
        await execute(
            store,
            "UPDATE rating SET updated_at = ? WHERE guild_id = ? AND user_id = ?",
            (f"2024-01-01T00:00:{second}.000Z", GUILD_A, user),
        )
    assert await store.comment_count(GUILD_A, run_on_id, 1) == 7
    pages = [await store.comments(GUILD_A, run_on_id, 1, limit=3, offset=offset) for offset in (0, 3, 6, 9)]
    assert [[r.user_id for r in page] for page in pages] == [[9, 7, 4], [2, 5, 8], [1], []]
    assert pages[0][0].comment == "comment 9"
    with pytest.raises(ValueError, match="bad page"):
        await store.comments(GUILD_A, run_on_id, 1, limit=0, offset=0)


async def test_removing_a_comment_keeps_the_score_and_records_it(store: Store, run_on_id: int) -> None:
    written = await rate(store, run_on_id, halves=3, comment="Spoilers: they kiss.", spoiler=True)
    await rate(store, run_on_id, user_id=BOB, halves=9, comment="Great.")
    removal = await store.remove_comment(
        guild_id=GUILD_A, show_id=run_on_id, episode=1, author_id=ALICE, moderator_id=MOD, reason="Unmarked"
    )
    assert removal is not None
    assert (removal.guild_id, removal.show_id, removal.episode) == (GUILD_A, run_on_id, 1)
    assert (removal.author_id, removal.moderator_id) == (ALICE, MOD)
    assert (removal.comment, removal.reason) == ("Spoilers: they kiss.", "Unmarked")
    assert removal.removed_at.endswith("Z")

    after = await store.rating(GUILD_A, run_on_id, 1, ALICE)
    assert after is not None
    assert (after.score, after.comment, after.spoiler) == (Score(3), None, False)
    assert after.updated_at == written.current.updated_at  # moderation is not the member's edit
    assert await store.episode_tally(GUILD_A, run_on_id, 1) == Tally(2, 12)
    assert [r.user_id for r in await store.comments(GUILD_A, run_on_id, 1, limit=10, offset=0)] == [BOB]
    assert await store.comment_removals(GUILD_A) == [removal]
    assert await store.comment_removals(GUILD_B) == []

    # Nothing left to remove, or nothing there at all: no change and no record.
    no_comment = {
        "guild_id": GUILD_A,
        "show_id": run_on_id,
        "episode": 1,
        "moderator_id": MOD,
        "reason": None,
    }
    assert await store.remove_comment(author_id=ALICE, **no_comment) is None  # type: ignore[arg-type]
    assert await store.remove_comment(author_id=777, **no_comment) is None  # type: ignore[arg-type]
    assert await store.comment_removals(GUILD_A) == [removal]


async def test_a_refused_removal_keeps_the_comment(
    store: Store, run_on_id: int, integrity_error: type[Exception]
) -> None:
    await rate(store, run_on_id, comment="Stays.")
    with pytest.raises(integrity_error):
        await store.remove_comment(
            guild_id=GUILD_A,
            show_id=run_on_id,
            episode=1,
            author_id=ALICE,
            moderator_id=MOD,
            reason="r" * 201,
        )
    assert (await store.rating(GUILD_A, run_on_id, 1, ALICE)).comment == "Stays."  # type: ignore[union-attr]
    assert await store.comment_removals(GUILD_A) == []


async def test_comment_removals_list_newest_first(store: Store, run_on_id: int) -> None:
    for user in range(1, 6):
        await rate(store, run_on_id, user_id=user, comment=f"comment {user}")
        await store.remove_comment(
            guild_id=GUILD_A, show_id=run_on_id, episode=1, author_id=user, moderator_id=MOD, reason=None
        )
    removals = await store.comment_removals(GUILD_A, limit=3)
    # Written in order, and the id breaks ties within a millisecond.
    assert [r.author_id for r in removals] == [5, 4, 3]
    assert [r.comment for r in await store.comment_removals(GUILD_A)] == [
        f"comment {u}" for u in (5, 4, 3, 2, 1)
    ]


async def test_member_ratings_list_by_show_title_then_episode(store: Store, run_on_id: int) -> None:
    ours = await own_show(store, GUILD_A, "Another Love", 4)
    await rate(store, run_on_id, episode=3, halves=6)
    await rate(store, run_on_id, episode=1, halves=10, comment="Start.")
    await rate(store, ours, episode=4, halves=2)
    await rate(store, ours, episode=2, halves=5)
    await rate(store, run_on_id, episode=2, user_id=BOB)  # someone else's
    await rate(store, run_on_id, episode=2, guild_id=GUILD_B)  # another server

    mine = await store.member_ratings(GUILD_A, ALICE)
    assert [(m.show_title, m.rating.episode, m.rating.score) for m in mine] == [
        ("Another Love", 2, Score(5)),
        ("Another Love", 4, Score(2)),
        ("Run On", 1, Score(10)),
        ("Run On", 3, Score(6)),
    ]
    assert mine[2].rating.comment == "Start."
    only_run_on = await store.member_ratings(GUILD_A, ALICE, show_id=run_on_id)
    assert [(m.show_title, m.rating.episode) for m in only_run_on] == [("Run On", 1), ("Run On", 3)]
    assert await store.member_ratings(GUILD_A, 12345) == []


async def test_ratings_written_together_share_a_commit_but_fail_alone(
    store: Store, run_on_id: int, integrity_error: type[Exception]
) -> None:
    async def save(user: int, episode: int) -> RatingChange:
        return await store.save_rating(
            guild_id=GUILD_A, show_id=run_on_id, episode=episode, user_id=user,
            author_name=f"m{user}", score=Score(8), comment=None, spoiler=False,
        )  # fmt: skip

    # Episode 17 does not exist: that one write fails; the ones queued beside it still land.
    outcomes = await asyncio.gather(
        *(save(user, 17 if user == 5 else 16) for user in range(1, 11)), return_exceptions=True
    )
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(failures) == 1 and isinstance(failures[0], integrity_error)
    assert await store.episode_tally(GUILD_A, run_on_id, 16) == Tally(ratings=9, total_halves=72)
    assert await store.integrity_check() == "ok"
