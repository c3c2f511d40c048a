"""Members own their data: what the store holds about a member, forgetting them, and servers that left."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.scores import Score
from bot.store import EpisodesHaveRatings, ImportedRating, ShowSpec, Store, Tally
from tests.helpers import CLUB, FANS, execute, mentions_of, query, store_rate, store_snapshot

ANNA = 734_512_098_765_432_101  # the member who asks to be forgotten
BEN, MOD = 734_512_098_765_432_202, 734_512_098_765_432_303


async def _lived_in(store: Store, run_on_id: int) -> None:
    """Anna rated three episodes and commented; a moderator removed one comment; she moderated
    Ben's comment herself; she hides from rankings. Ben rated episode 8 too."""
    await store_rate(store, run_on_id, 8, guild_id=CLUB, user_id=ANNA, halves=6, comment="good")
    await store_rate(store, run_on_id, 8, guild_id=CLUB, user_id=BEN, halves=9)
    await store_rate(store, run_on_id, 9, guild_id=CLUB, user_id=ANNA, halves=10, comment="rude")
    await store_rate(store, run_on_id, 10, guild_id=CLUB, user_id=ANNA, halves=4)
    await store_rate(store, run_on_id, 10, guild_id=CLUB, user_id=BEN, halves=8, comment="spam")
    await store.remove_comment(
        guild_id=CLUB, show_id=run_on_id, episode=9, author_id=ANNA, moderator_id=MOD, reason="rude"
    )
    await store.remove_comment(
        guild_id=CLUB, show_id=run_on_id, episode=10, author_id=BEN, moderator_id=ANNA, reason=None
    )
    await store.set_hide_from_rankings(CLUB, ANNA, True)
    # The same member in another server is another server's business.
    await store_rate(store, run_on_id, 8, guild_id=FANS, user_id=ANNA, halves=2)


async def test_a_member_sees_everything_held_about_them(store: Store, run_on_id: int) -> None:
    await _lived_in(store, run_on_id)

    data = await store.member_data(CLUB, ANNA)

    assert [(item.rating.episode, item.rating.score) for item in data.ratings] == [
        (8, Score(6)),
        (9, Score(10)),
        (10, Score(4)),
    ]
    assert data.comments == 1  # episode 9's was removed
    assert [removal.episode for removal in data.removals] == [9]
    assert data.moderated == 1
    assert data.hide_from_rankings
    # Rating moved her progress on Run On to episode 10.
    assert [(entry.show_title, entry.entry.progress) for entry in data.watch] == [("Run On", 10)]
    assert (await store.member_data(CLUB, 999)).empty


async def test_forget_by_delete_moves_the_averages_as_previewed_and_leaves_no_row(
    store: Store, run_on_id: int
) -> None:
    await _lived_in(store, run_on_id)

    preview = await store.forget_preview(CLUB, ANNA, "delete")
    report = await store.forget_member(CLUB, ANNA, "delete")

    assert report == preview
    assert (report.ratings, report.comments, report.removals, report.moderated, report.settings) == (
        3,
        1,
        1,
        1,
        1,
    )
    assert [(c.episode, c.before, c.after) for c in report.changes] == [
        (8, Tally(2, 15), Tally(1, 9)),
        (9, Tally(1, 10), Tally(0, 0)),
        (10, Tally(2, 12), Tally(1, 8)),
    ]
    for change in report.changes:
        assert await store.episode_tally(CLUB, run_on_id, change.episode) == change.after
    # Nothing in the server refers to her; her rating in the other server stays.
    mentions = await mentions_of(store, ANNA)
    assert sorted(mentions) == ["rating", "watch"]  # rating moved her progress there too
    assert {row[0] for rows in mentions.values() for row in rows} == {FANS}
    # Ben's removal record stays, made by a moderator who is now nobody.
    assert (await store.comment_removals(CLUB))[0].moderator_id is None


async def test_forget_by_anonymising_keeps_every_average_exact_and_her_id_nowhere(
    store: Store, run_on_id: int
) -> None:
    await _lived_in(store, run_on_id)
    await store.forget_member(FANS, ANNA, "anonymise")  # only FANS; CLUB is checked below
    before = {n: await store.episode_tally(CLUB, run_on_id, n) for n in (8, 9, 10)}

    preview = await store.forget_preview(CLUB, ANNA, "anonymise")
    report = await store.forget_member(CLUB, ANNA, "anonymise")

    assert report == preview
    assert [(c.episode, c.before, c.after) for c in report.changes] == [
        (n, before[n], before[n]) for n in (8, 9, 10)
    ]
    assert {n: await store.episode_tally(CLUB, run_on_id, n) for n in (8, 9, 10)} == before
    assert await mentions_of(store, ANNA) == {}
    assert await store.member_data(CLUB, ANNA) == await store.member_data(CLUB, 999)
    # Ben un-rating later leaves exactly the anonymous score behind.
    await store.delete_rating(CLUB, run_on_id, 8, BEN)
    assert await store.episode_tally(CLUB, run_on_id, 8) == Tally(1, 6)


async def test_anonymous_scores_go_with_their_episode_and_move_with_a_copied_show(
    store: Store, run_on_id: int
) -> None:
    await _lived_in(store, run_on_id)
    await store.forget_member(CLUB, ANNA, "anonymise")

    copy = await store.copy_catalog_show(CLUB, run_on_id)

    assert await store.episode_tally(CLUB, copy.id, 8) == Tally(2, 15)
    assert await store.episode_tally(CLUB, run_on_id, 8) == Tally(0, 0)
    await store.delete_show(CLUB, copy.id)
    assert await query(store, "SELECT count(*) FROM anonymous_tally") == [(0,)]
    assert await query(store, "SELECT count(*) FROM episode_tally WHERE guild_id = ?", (CLUB,)) == [(0,)]


async def test_forgetting_someone_with_nothing_stored_changes_nothing(store: Store, run_on_id: int) -> None:
    await _lived_in(store, run_on_id)
    before = await query(store, "SELECT count(*) FROM rating")

    report = await store.forget_member(CLUB, 999, "delete")

    assert report.empty and report.changes == ()
    assert await query(store, "SELECT count(*) FROM rating") == before


async def test_an_import_names_the_newer_ratings_it_would_overwrite(store: Store, run_on_id: int) -> None:
    await store_rate(store, run_on_id, 8, guild_id=CLUB, user_id=ANNA, halves=6)
    old = "2020-01-01T00:00:00.000Z"
    items = [
        ImportedRating(run_on_id, 8, Score(9), "from the file", False, old, old),
        ImportedRating(run_on_id, 9, Score(7), None, False, old, old),
    ]

    overwrites = await store.import_overwrites(CLUB, ANNA, items)
    assert [(o.episode, o.current, o.imported) for o in overwrites] == [(8, Score(6), Score(9))]
    # The member rated again after the preview: nothing is written.
    await store_rate(store, run_on_id, 8, guild_id=CLUB, user_id=ANNA, halves=5)
    assert (
        await store.import_member_ratings(CLUB, ANNA, "Anna", items, expected_overwrites=overwrites) is None
    )
    assert await store.episode_tally(CLUB, run_on_id, 9) == Tally(0, 0)

    overwrites = await store.import_overwrites(CLUB, ANNA, items)
    written = await store.import_member_ratings(CLUB, ANNA, "Anna", items, expected_overwrites=overwrites)
    assert written == 2
    assert await store.episode_tally(CLUB, run_on_id, 8) == Tally(1, 9)
    rating = await store.rating(CLUB, run_on_id, 8, ANNA)
    assert rating is not None and rating.comment == "from the file" and rating.updated_at == old


async def test_a_departed_server_is_kept_for_the_retention_period_then_deleted(
    store: Store, run_on_id: int
) -> None:
    await _lived_in(store, run_on_id)
    await store.set_curator_role(CLUB, 42)
    left = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    await store.guild_departed(CLUB, left)
    retention = timedelta(days=30)

    assert await store.purge_departed_guilds(left + timedelta(days=29), retention) == []
    assert (await store.member_data(CLUB, ANNA)).ratings

    [report] = await store.purge_departed_guilds(left + timedelta(days=31), retention)

    assert report.guild_id == CLUB
    assert report.rows["rating"] == 5 and report.rows["comment_removal"] == 2
    snapshot = await store_snapshot(store)
    assert all(CLUB not in row for rows in snapshot.values() for row in rows)
    # The other server is untouched.
    assert await store.episode_tally(FANS, run_on_id, 8) == Tally(1, 2)


async def test_a_server_that_adds_the_bot_back_in_time_keeps_everything(store: Store, run_on_id: int) -> None:
    await _lived_in(store, run_on_id)
    left = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    await store.guild_departed(CLUB, left)

    assert await store.guild_returned(CLUB)

    assert await store.purge_departed_guilds(left + timedelta(days=365), timedelta(days=30)) == []
    assert await store.episode_tally(CLUB, run_on_id, 8) == Tally(2, 15)
    assert not await store.guild_returned(CLUB)


async def test_forget_as_previewed_erases_nothing_once_the_members_own_data_changed(
    store: Store, run_on_id: int
) -> None:
    await _lived_in(store, run_on_id)
    preview = await store.forget_preview(CLUB, ANNA, "delete")
    await store_rate(store, run_on_id, 11, guild_id=CLUB, user_id=ANNA, halves=7)

    assert await store.forget_member_as_previewed(CLUB, ANNA, preview) is None
    assert len((await store.member_data(CLUB, ANNA)).ratings) == 4

    # Another member rating meanwhile moves an average, but what goes is still what she was shown.
    preview = await store.forget_preview(CLUB, ANNA, "delete")
    await store_rate(store, run_on_id, 8, guild_id=CLUB, user_id=MOD, halves=2)
    done = await store.forget_member_as_previewed(CLUB, ANNA, preview)
    assert done is not None and done.ratings == 4
    assert done.changes[0].after == Tally(2, 11)


INSERT_ANONYMOUS = "INSERT INTO anonymous_tally (guild_id, show_id, episode, ratings, total_halves)"


async def test_anonymous_scores_obey_the_ratings_rule_on_shows(
    store: Store, run_on_id: int, integrity_error: type[Exception]
) -> None:
    other = await store.create_show(FANS, ShowSpec(title="Theirs", episode_count=2))
    with pytest.raises(integrity_error):
        await execute(
            store,
            f"{INSERT_ANONYMOUS} VALUES (?, ?, 1, 1, 5)",
            (CLUB, other.id),
        )
    with pytest.raises(integrity_error):
        await execute(
            store,
            f"{INSERT_ANONYMOUS} VALUES (?, ?, 1, 2, 21)",  # more than 5 points a score
            (CLUB, run_on_id),
        )
    assert await store.episode_tally(CLUB, run_on_id, 1) == Tally(0, 0)


async def test_a_forgotten_members_anonymous_score_counts_when_a_show_would_lose_episodes(
    store: Store, run_on_id: int
) -> None:
    moving = await store.create_show(CLUB, ShowSpec(title="Moving", episode_count=20))
    await store_rate(store, moving.id, 20, guild_id=CLUB, user_id=ANNA, halves=8)
    await store.forget_member(CLUB, ANNA, "anonymise")

    assert (await store.show_footprint(CLUB, moving.id)).ratings == 1
    with pytest.raises(EpisodesHaveRatings):
        await store.update_show(CLUB, moving.id, episode_count=19)
    assert await store.episode_tally(CLUB, moving.id, 20) == Tally(1, 8)
