"""Server admins' shows and settings on SQLite and PostgreSQL: create, copy, edit, delete, replace."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Awaitable, Callable
from fractions import Fraction
from functools import partial
from typing import Any

import pytest

from bot.scores import Score
from bot.store import (
    UNSET,
    DefaultShow,
    Episode,
    EpisodeNotFound,
    EpisodesHaveRatings,
    EpisodeSpec,
    GuildSettings,
    Show,
    ShowAlreadyHidden,
    ShowFootprint,
    ShowNotFound,
    ShowNotHidden,
    ShowReadOnly,
    ShowSpec,
    ShowTitleTaken,
    Store,
    StoreConflict,
    Tally,
)
from tests.helpers import execute, query, run_on, store_rate, store_snapshot

GUILD_A = 1001
GUILD_B = 1002
ALICE = 501
BOB = 502
CAROL = 503
MOD = 900
ROLE = 7001


def spec(title: str = "Ours", count: int = 6, **fields: Any) -> ShowSpec:
    return ShowSpec(title=title, episode_count=count, **fields)


async def own_show(store: Store, title: str = "Ours", episodes: int = 6, *, guild_id: int = GUILD_A) -> int:
    return (await store.create_show(guild_id, spec(title, episodes))).id


# Alice rates in server A unless a test says otherwise.
rate = partial(store_rate, guild_id=GUILD_A, user_id=ALICE)


async def rows_of_show(store: Store, show_id: int) -> dict[str, int]:
    return {
        table: (await query(store, f"SELECT count(*) FROM {table} WHERE show_id = ?", (show_id,)))[0][0]  # noqa: S608
        for table in ("show_alias", "episode", "rating", "episode_tally", "comment_removal")
    }


async def tally_rows(store: Store) -> list[tuple[Any, ...]]:
    return await query(
        store, "SELECT guild_id, show_id, episode, ratings, total_halves FROM episode_tally ORDER BY 1, 2, 3"
    )


async def recounted_tally(store: Store) -> list[tuple[Any, ...]]:
    return await query(
        store,
        "SELECT guild_id, show_id, episode, count(*), sum(halves) FROM rating "
        "GROUP BY guild_id, show_id, episode ORDER BY 1, 2, 3",
    )


async def foreign_key_problems(store: Store) -> list[tuple[Any, ...]]:
    if store.backend == "PostgreSQL":
        return []  # PostgreSQL checks every foreign key on every write; there is nothing to look for
    return await query(store, "PRAGMA foreign_key_check")


# -- creating and copying ----------------------------------------------------------------------


async def test_create_show_writes_every_field_and_one_episode_row_per_number(store: Store) -> None:
    show = await store.create_show(
        GUILD_A,
        ShowSpec(
            key="ignored-for-servers",
            title="Another Love",
            episode_count=4,
            original_title="또 다른 사랑",
            aliases=("AL", "Another"),
            kind="Korean drama",
            year=2023,
            network="tvN",
            season=2,
            verdict=Score(15),
            verdict_text="Warm.",
            summary="Two people, again.",
            episodes=(
                EpisodeSpec(number=1, title="Hello", critic_score=Score(7), summary="They meet."),
                EpisodeSpec(number=3, critic_score=Score(0)),
            ),
        ),
    )
    assert show == Show(
        id=show.id,
        guild_id=GUILD_A,
        catalog_key=None,
        title="Another Love",
        original_title="또 다른 사랑",
        aliases=("AL", "Another"),
        kind="Korean drama",
        year=2023,
        network="tvN",
        season=2,
        episode_count=4,
        verdict=Score(15),
        verdict_text="Warm.",
        summary="Two people, again.",
    )
    assert await store.episodes(show.id) == [
        Episode(show.id, 1, "Hello", Score(7), "They meet."),
        Episode(show.id, 2, None, None, None),
        Episode(show.id, 3, None, Score(0), None),
        Episode(show.id, 4, None, None, None),
    ]
    assert await store.visible_show(GUILD_A, show.id) == show
    assert await store.visible_show(GUILD_B, show.id) is None


async def test_a_show_is_its_title_and_season_and_a_server_sees_each_once(
    store: Store, run_on_id: int
) -> None:
    # The catalog's Run On is visible to every server: its title and season are taken there ...
    before = await store_snapshot(store)
    for clash in ("Run On", "RUN ON", "  run   on "):
        with pytest.raises(ShowTitleTaken) as refused:
            await store.create_show(GUILD_A, spec(clash, 3))
        assert (refused.value.title, refused.value.season, refused.value.catalog) == (clash, 1, True)
        assert isinstance(refused.value, StoreConflict)
    assert await store_snapshot(store) == before
    # ... but a second season is its own show.
    second = await store.create_show(GUILD_A, spec("run on", 8, season=2))
    assert (second.title, second.season, second.is_catalog) == ("run on", 2, False)
    # A server's own titles are unique among themselves, in any case or spacing, per season.
    ours = await store.create_show(GUILD_A, spec("Moving", 20))
    before = await store_snapshot(store)
    for clash in ("MOVING", "  moving "):
        with pytest.raises(ShowTitleTaken) as refused:
            await store.create_show(GUILD_A, spec(clash, 3))
        assert (refused.value.title, refused.value.catalog) == (clash, False)
    assert await store_snapshot(store) == before
    # Another server may use the same title.
    theirs = await store.create_show(GUILD_B, spec("Moving", 20))
    assert theirs.guild_id == GUILD_B and theirs.id != ours.id
    assert [(s.title, s.season, s.guild_id) for s in await store.visible_shows(GUILD_A)] == [
        ("Moving", 1, GUILD_A),
        ("Run On", 1, None),
        ("run on", 2, GUILD_A),
    ]


async def test_a_bad_spec_is_refused_by_the_schema_and_leaves_nothing(
    store: Store, integrity_error: type[Exception]
) -> None:
    before = await store_snapshot(store)
    with pytest.raises(integrity_error):
        await store.create_show(GUILD_A, spec("Ours", 3, year=1800))
    with pytest.raises(integrity_error):
        # A critic score above 5: the episode row is refused, and the show row goes with the rollback.
        await store.create_show(
            GUILD_A, spec("Ours", 3, episodes=(EpisodeSpec(number=2, critic_score=Score(11)),))
        )
    assert await store_snapshot(store) == before


async def test_copying_a_catalog_show_copies_fields_episodes_and_aliases(
    store: Store, run_on_id: int
) -> None:
    catalog = await store.visible_show(GUILD_A, run_on_id)
    assert catalog is not None
    copy = await store.copy_catalog_show(GUILD_A, run_on_id)
    assert copy.id != run_on_id
    assert copy.guild_id == GUILD_A and copy.catalog_key is None
    fields = ("title", "original_title", "aliases", "kind", "year", "network", "season", "episode_count")
    assert [getattr(copy, f) for f in fields] == [getattr(catalog, f) for f in fields]
    assert (copy.verdict, copy.verdict_text, copy.summary) == (
        catalog.verdict,
        catalog.verdict_text,
        catalog.summary,
    )
    strip = [(e.number, e.title, e.critic_score, e.summary) for e in await store.episodes(run_on_id)]
    assert [(e.number, e.title, e.critic_score, e.summary) for e in await store.episodes(copy.id)] == strip
    assert await store.find_own_show_by_title(GUILD_A, "RUN ON") == copy

    # The copy is the server's to edit; the catalog does not move, and is hidden behind the copy.
    await store.set_episode(GUILD_A, copy.id, 1, score=Score(1))
    assert (await store.episode(run_on_id, 1)).critic_score == Score(7)  # type: ignore[union-attr]
    assert await store.visible_show(GUILD_A, run_on_id) is None
    assert await store.hidden_shows(GUILD_A) == [catalog]
    assert await store.visible_show(GUILD_B, run_on_id) == catalog

    # The original is hidden in this server, so there is nothing left to copy.
    with pytest.raises(ShowNotFound):
        await store.copy_catalog_show(GUILD_A, run_on_id)
    # Another server can take its own copy.
    assert (await store.copy_catalog_show(GUILD_B, run_on_id)).guild_id == GUILD_B
    # Only catalog shows are copied.
    with pytest.raises(ShowNotFound):
        await store.copy_catalog_show(GUILD_A, copy.id)
    with pytest.raises(ShowNotFound):
        await store.copy_catalog_show(GUILD_A, 99_999)


async def test_reloading_the_catalog_leaves_server_copies_alone(store: Store, run_on_id: int) -> None:
    copy = await store.copy_catalog_show(GUILD_A, run_on_id)
    episodes = await store.episodes(copy.id)
    await store.save_catalog_show(ShowSpec(key="run-on", title="Run On", episode_count=2))
    assert await store.visible_show(GUILD_A, copy.id) == copy
    assert await store.episodes(copy.id) == episodes


# -- editing -----------------------------------------------------------------------------------


async def test_update_show_changes_only_the_given_fields(store: Store) -> None:
    show = await store.create_show(
        GUILD_A,
        spec("Ours", 3, original_title="우리", year=2020, network="KBS", aliases=("O",), kind="Drama"),
    )

    assert await store.update_show(GUILD_A, show.id) == show  # nothing given, nothing changed

    renamed = await store.update_show(GUILD_A, show.id, title="Ours Again")
    assert renamed.title == "Ours Again"
    assert (renamed.original_title, renamed.year, renamed.network, renamed.aliases) == (
        "우리",
        2020,
        "KBS",
        ("O",),
    )
    assert await store.find_own_show_by_title(GUILD_A, "ours again") == renamed
    assert await store.find_own_show_by_title(GUILD_A, "Ours") is None

    changed = await store.update_show(
        GUILD_A, show.id, original_title="우리 다시", year=2021, network="MBC", aliases=["B", "A", "a"]
    )
    # Aliases equal in any case are kept once.
    assert (changed.original_title, changed.year, changed.network, changed.aliases) == (
        "우리 다시",
        2021,
        "MBC",
        ("A", "B"),
    )
    assert changed.title == "Ours Again" and changed.kind == "Drama"

    cleared = await store.update_show(
        GUILD_A, show.id, original_title=None, year=None, network=None, aliases=()
    )
    assert (cleared.original_title, cleared.year, cleared.network, cleared.aliases) == (None, None, None, ())
    assert cleared.title == "Ours Again" and cleared.episode_count == 3

    # A show may change the case of its own title.
    assert (await store.update_show(GUILD_A, show.id, title="OURS AGAIN")).title == "OURS AGAIN"
    with pytest.raises(TypeError):
        await store.update_show(GUILD_A, show.id, aliases="one string")


async def test_a_title_clash_on_update_changes_nothing(store: Store) -> None:
    await own_show(store, "Taken")
    show_id = await own_show(store, "Ours")
    before = await store_snapshot(store)
    with pytest.raises(ShowTitleTaken) as refused:
        await store.update_show(GUILD_A, show_id, title="taken", year=2001, episode_count=2, aliases=["x"])
    assert refused.value.title == "taken"
    assert await store_snapshot(store) == before


async def test_growing_a_run_adds_blank_episodes_and_keeps_the_rest(store: Store) -> None:
    show = await store.create_show(
        GUILD_A, spec("Ours", 2, episodes=(EpisodeSpec(number=2, title="Two", critic_score=Score(6)),))
    )
    await rate(store, show.id, 2)
    grown = await store.update_show(GUILD_A, show.id, episode_count=5)
    assert grown.episode_count == 5
    assert await store.episodes(show.id) == [
        Episode(show.id, 1, None, None, None),
        Episode(show.id, 2, "Two", Score(6), None),
        *(Episode(show.id, n, None, None, None) for n in (3, 4, 5)),
    ]
    assert await store.episode_tally(GUILD_A, show.id, 2) == Tally(1, 8)


async def test_shrinking_over_rated_episodes_is_refused_with_exact_counts(store: Store) -> None:
    show_id = await own_show(store, "Ours", 6)
    await rate(store, show_id, 2)  # inside the new run: not counted
    await rate(store, show_id, 4, user_id=ALICE, comment="Hm.")
    await rate(store, show_id, 4, user_id=BOB)
    await rate(store, show_id, 6, user_id=CAROL)
    before = await store_snapshot(store)

    with pytest.raises(EpisodesHaveRatings) as refused:
        await store.update_show(GUILD_A, show_id, episode_count=3, title="Shorter", year=2001)
    assert (refused.value.ratings, refused.value.episodes) == (3, 2)
    assert await store_snapshot(store) == before

    with pytest.raises(EpisodesHaveRatings) as refused:
        await store.update_show(GUILD_A, show_id, episode_count=5)
    assert (refused.value.ratings, refused.value.episodes) == (1, 1)
    assert await store_snapshot(store) == before


async def test_shrinking_over_unrated_episodes_deletes_them(store: Store) -> None:
    show_id = await own_show(store, "Ours", 6)
    await rate(store, show_id, 3, halves=9)
    shorter = await store.update_show(GUILD_A, show_id, episode_count=3)
    assert shorter.episode_count == 3
    assert [e.number for e in await store.episodes(show_id)] == [1, 2, 3]
    assert await store.episode_tally(GUILD_A, show_id, 3) == Tally(1, 9)
    assert await store.integrity_check() == "ok"
    assert await foreign_key_problems(store) == []


async def test_verdict_summary_and_episode_setters(store: Store, integrity_error: type[Exception]) -> None:
    show_id = await own_show(store, "Ours", 3)

    judged = await store.set_verdict(GUILD_A, show_id, Score(17), "Lovely.")
    assert (judged.verdict, judged.verdict_text) == (Score(17), "Lovely.")
    unjudged = await store.set_verdict(GUILD_A, show_id, None, None)
    assert (unjudged.verdict, unjudged.verdict_text) == (None, None)

    assert (await store.set_show_summary(GUILD_A, show_id, "About us.")).summary == "About us."
    assert (await store.set_show_summary(GUILD_A, show_id, None)).summary is None

    assert await store.set_episode(GUILD_A, show_id, 2, score=Score(7)) == Episode(
        show_id, 2, None, Score(7), None
    )
    assert await store.set_episode(GUILD_A, show_id, 2, title="Two") == Episode(
        show_id, 2, "Two", Score(7), None
    )
    assert await store.set_episode_summary(GUILD_A, show_id, 2, "Things happen.") == Episode(
        show_id, 2, "Two", Score(7), "Things happen."
    )
    assert await store.set_episode(GUILD_A, show_id, 2) == Episode(  # nothing given, nothing changed
        show_id, 2, "Two", Score(7), "Things happen."
    )
    assert await store.set_episode(GUILD_A, show_id, 2, score=None, title=UNSET) == Episode(
        show_id, 2, "Two", None, "Things happen."
    )
    assert await store.set_episode(GUILD_A, show_id, 2, score=Score(0), title=None) == Episode(
        show_id, 2, None, Score(0), "Things happen."
    )
    assert await store.set_episode_summary(GUILD_A, show_id, 2, None) == Episode(
        show_id, 2, None, Score(0), None
    )
    # The other episodes never moved.
    assert [e for e in await store.episodes(show_id) if e.number != 2] == [
        Episode(show_id, 1, None, None, None),
        Episode(show_id, 3, None, None, None),
    ]

    with pytest.raises(EpisodeNotFound) as missing:
        await store.set_episode(GUILD_A, show_id, 4, score=Score(4))
    assert missing.value.number == 4
    with pytest.raises(EpisodeNotFound):
        await store.set_episode_summary(GUILD_A, show_id, 0, "Nope.")
    # The schema keeps scores in range: a critic score is 0–5.
    with pytest.raises(integrity_error):
        await store.set_episode(GUILD_A, show_id, 1, score=Score(11))


# -- every write refuses catalog shows and other servers' shows --------------------------------

Write = Callable[[Store, int, int], Awaitable[object]]

WRITES: dict[str, Write] = {
    "update_show": lambda store, guild, show: store.update_show(guild, show, title="Mine now"),
    "update_show episode_count": lambda store, guild, show: store.update_show(guild, show, episode_count=1),
    "set_verdict": lambda store, guild, show: store.set_verdict(guild, show, Score(2), "Meh."),
    "set_show_summary": lambda store, guild, show: store.set_show_summary(guild, show, "Changed."),
    "set_episode": lambda store, guild, show: store.set_episode(guild, show, 1, score=Score(1)),
    "set_episode_summary": lambda store, guild, show: store.set_episode_summary(guild, show, 1, "Changed."),
    "delete_show": lambda store, guild, show: store.delete_show(guild, show),
    "replace_show": lambda store, guild, show: store.replace_show(guild, show, spec("Mine now", 1)),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
async def test_a_catalog_show_is_read_only_for_servers(store: Store, run_on_id: int, write: Write) -> None:
    await rate(store, run_on_id, 16)
    before = await store_snapshot(store)
    with pytest.raises(ShowReadOnly) as refused:
        await write(store, GUILD_A, run_on_id)
    assert refused.value.title == "Run On"
    assert await store_snapshot(store) == before


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
async def test_another_servers_show_is_not_found(store: Store, write: Write) -> None:
    theirs = await own_show(store, "Theirs", 4, guild_id=GUILD_B)
    await rate(store, theirs, 4, guild_id=GUILD_B)
    before = await store_snapshot(store)
    with pytest.raises(ShowNotFound):
        await write(store, GUILD_A, theirs)
    with pytest.raises(ShowNotFound):
        await write(store, GUILD_A, 99_999)
    assert await store_snapshot(store) == before


async def test_footprints_need_a_visible_show(store: Store, run_on_id: int) -> None:
    theirs = await own_show(store, "Theirs", 4, guild_id=GUILD_B)
    for show_id in (theirs, 99_999):
        with pytest.raises(ShowNotFound):
            await store.show_footprint(GUILD_A, show_id)
        with pytest.raises(ShowNotFound):
            await store.replace_footprint(GUILD_A, show_id, 1)
    # A catalog show's footprint is the server's own ratings of it.
    await rate(store, run_on_id, 16, comment="Yes.")
    await rate(store, run_on_id, 16, guild_id=GUILD_B)
    assert await store.show_footprint(GUILD_A, run_on_id) == ShowFootprint(
        ratings=1, comments=1, episodes=16, critic_scores=16, rated_episodes=1
    )


# -- deleting ----------------------------------------------------------------------------------


async def test_deleting_a_show_takes_everything_of_it_along(store: Store, run_on_id: int) -> None:
    show = await store.create_show(GUILD_A, spec("Ours", 4, aliases=("O",)))
    await rate(store, show.id, 1, user_id=ALICE, halves=6, comment="Fine.")
    await rate(store, show.id, 1, user_id=BOB, halves=10)
    await rate(store, show.id, 3, user_id=CAROL, halves=2, comment="Rude words.")
    await store.remove_comment(
        guild_id=GUILD_A, show_id=show.id, episode=3, author_id=CAROL, moderator_id=MOD, reason=None
    )
    await rate(store, run_on_id, 16, comment="Catalog stays.")
    await rate(store, run_on_id, 16, guild_id=GUILD_B)
    await store.set_default_show(GUILD_A, show.id)
    await store.set_curator_role(GUILD_A, ROLE)
    await store.set_default_show(GUILD_B, run_on_id)
    catalog_before = (await store.visible_show(GUILD_A, run_on_id), await store.episodes(run_on_id))
    assert await rows_of_show(store, show.id) == {
        "show_alias": 1,
        "episode": 4,
        "rating": 3,
        "episode_tally": 2,
        "comment_removal": 1,
    }

    expected = ShowFootprint(ratings=3, comments=1, episodes=4, rated_episodes=2)  # Carol's comment went
    assert await store.show_footprint(GUILD_A, show.id) == expected
    assert await store.delete_show(GUILD_A, show.id) == expected

    assert await store.visible_show(GUILD_A, show.id) is None
    assert await rows_of_show(store, show.id) == dict.fromkeys(await rows_of_show(store, show.id), 0)
    assert await store.comment_removals(GUILD_A) == []
    assert await store.guild_settings(GUILD_A) == GuildSettings(GUILD_A, None, ROLE)
    assert await store.guild_settings(GUILD_B) == GuildSettings(GUILD_B, run_on_id, None)
    # The catalog and its ratings are untouched; every tally still matches its ratings.
    assert (await store.visible_show(GUILD_A, run_on_id), await store.episodes(run_on_id)) == catalog_before
    assert await store.episode_tally(GUILD_A, run_on_id, 16) == Tally(1, 8)
    assert await store.episode_tally(GUILD_B, run_on_id, 16) == Tally(1, 8)
    assert await tally_rows(store) == await recounted_tally(store)
    assert await store.integrity_check() == "ok"
    assert await foreign_key_problems(store) == []
    # The title is free again.
    assert (await store.create_show(GUILD_A, spec("OURS"))).title == "OURS"


# -- replacing from an import ------------------------------------------------------------------


async def test_replace_keeps_ratings_on_surviving_episodes_and_drops_the_rest(store: Store) -> None:
    old = await store.create_show(
        GUILD_A,
        spec(
            "Ours",
            6,
            original_title="우리",
            aliases=("O",),
            verdict=Score(10),
            episodes=(EpisodeSpec(number=2, title="Old two", critic_score=Score(2), summary="Old."),),
        ),
    )
    await rate(store, old.id, 2, user_id=ALICE, halves=7, comment="Kept.")
    await rate(store, old.id, 2, user_id=BOB, halves=4)
    await rate(store, old.id, 4, user_id=ALICE, halves=10)
    await rate(store, old.id, 5, user_id=ALICE, halves=3, comment="Gone.")
    await rate(store, old.id, 5, user_id=BOB, halves=5)
    await rate(store, old.id, 6, user_id=CAROL, halves=9, comment="Gone too.")
    await store.set_default_show(GUILD_A, old.id)

    assert await store.replace_footprint(GUILD_A, old.id, 4) == ShowFootprint(
        ratings=3, comments=2, episodes=2, rated_episodes=2
    )

    new_spec = ShowSpec(
        key="from-a-file",
        title="Ours (2024)",
        episode_count=4,
        kind="Korean drama",
        year=2024,
        season=2,
        verdict_text="Reconsidered.",
        aliases=("Ours 2",),
        episodes=(
            EpisodeSpec(number=1, title="New one", critic_score=Score(9)),
            EpisodeSpec(number=4, summary="The end."),
        ),
    )
    replaced = await store.replace_show(GUILD_A, old.id, new_spec)
    assert replaced == Show(
        id=old.id,
        guild_id=GUILD_A,
        catalog_key=None,
        title="Ours (2024)",
        original_title=None,
        aliases=("Ours 2",),
        kind="Korean drama",
        year=2024,
        network=None,
        season=2,
        episode_count=4,
        verdict=None,
        verdict_text="Reconsidered.",
        summary=None,
    )
    # Every episode as the spec says, blank where it says nothing (episode 2 lost its old data).
    assert await store.episodes(old.id) == [
        Episode(old.id, 1, "New one", Score(9), None),
        Episode(old.id, 2, None, None, None),
        Episode(old.id, 3, None, None, None),
        Episode(old.id, 4, None, None, "The end."),
    ]
    assert await store.show_tallies(GUILD_A, old.id) == {2: Tally(2, 11), 4: Tally(1, 10)}
    assert (await store.rating(GUILD_A, old.id, 2, ALICE)).comment == "Kept."  # type: ignore[union-attr]
    assert await tally_rows(store) == await recounted_tally(store)
    assert await store.show_footprint(GUILD_A, old.id) == ShowFootprint(
        ratings=3, comments=1, episodes=4, critic_scores=1, rated_episodes=2
    )
    assert (await store.guild_settings(GUILD_A)).default_show_id == old.id
    assert await store.integrity_check() == "ok"
    assert await foreign_key_problems(store) == []


async def test_replace_may_grow_a_run_and_keep_its_title(store: Store) -> None:
    show_id = await own_show(store, "Ours", 2)
    await rate(store, show_id, 2, halves=5)
    assert await store.replace_footprint(GUILD_A, show_id, 2) == ShowFootprint(0, 0, 0)
    assert await store.replace_footprint(GUILD_A, show_id, 9) == ShowFootprint(0, 0, 0)
    assert await store.replace_footprint(GUILD_A, show_id, 1) == ShowFootprint(1, 0, 1, rated_episodes=1)
    grown = await store.replace_show(GUILD_A, show_id, spec("OURS", 5))
    assert (grown.title, grown.episode_count) == ("OURS", 5)
    assert [e.number for e in await store.episodes(show_id)] == [1, 2, 3, 4, 5]
    assert await store.show_tallies(GUILD_A, show_id) == {2: Tally(1, 5)}


async def test_replace_refuses_another_shows_title_and_changes_nothing(store: Store, run_on_id: int) -> None:
    await own_show(store, "Taken")
    show_id = await own_show(store, "Ours", 6)
    await rate(store, show_id, 6)
    before = await store_snapshot(store)
    with pytest.raises(ShowTitleTaken) as refused:
        await store.replace_show(GUILD_A, show_id, spec("TAKEN", 2))
    assert refused.value.title == "TAKEN"
    assert await store_snapshot(store) == before
    # Nor may it take the title and season of a catalog show the server sees, until it hides that.
    with pytest.raises(ShowTitleTaken) as refused:
        await store.replace_show(GUILD_A, show_id, spec("Run On", 6))
    assert refused.value.catalog
    assert await store_snapshot(store) == before
    await store.hide_show(GUILD_A, run_on_id)
    assert (await store.replace_show(GUILD_A, show_id, spec("Run On", 6))).title == "Run On"


# -- lists and lookups -------------------------------------------------------------------------


async def test_show_overviews_are_exact_and_scoped_to_the_server(store: Store, run_on_id: int) -> None:
    await store.create_show(
        GUILD_A,
        spec(
            "Another Love",
            4,
            episodes=(
                EpisodeSpec(number=1, critic_score=Score(7)),
                EpisodeSpec(number=2, critic_score=Score(8)),
                EpisodeSpec(number=4, critic_score=Score(0)),
            ),
        ),
    )
    await store.create_show(GUILD_A, spec("Zero Scores", 3))
    await store.create_show(
        GUILD_B, spec("Theirs", 2, episodes=(EpisodeSpec(number=1, critic_score=Score(1)),))
    )

    overviews = await store.show_overviews(GUILD_A)
    assert [(o.show.title, o.critic_average, o.scored_episodes) for o in overviews] == [
        ("Another Love", Fraction(15, 6), 3),  # (3.5 + 4 + 0) / 3 = 2.5
        # Run On's 16 critic scores add up to 61 points.
        ("Run On", Fraction(122, 32), 16),
        ("Zero Scores", None, 0),
    ]
    assert overviews[1].show == await store.visible_show(GUILD_A, run_on_id)
    assert [s.id for s in await store.visible_shows(GUILD_A)] == [o.show.id for o in overviews]
    assert [(o.show.title, o.critic_average) for o in await store.show_overviews(GUILD_B)] == [
        ("Run On", Fraction(61, 16)),
        ("Theirs", Fraction(1, 2)),
    ]
    assert [o.show.title for o in await store.show_overviews(GUILD_A + 99)] == ["Run On"]


async def test_find_own_show_by_title_ignores_case_and_other_shows(store: Store, run_on_id: int) -> None:
    ours = await store.create_show(GUILD_A, spec("Another Love"))
    await store.create_show(GUILD_B, spec("Theirs"))
    assert await store.find_own_show_by_title(GUILD_A, "  ANOTHER   love ") == ours
    assert await store.find_own_show_by_title(GUILD_A, "Run On") is None  # catalog shows are not own
    assert await store.find_own_show_by_title(GUILD_A, "Theirs") is None
    assert await store.find_own_show_by_title(GUILD_B, "Another Love") is None


# -- server settings ---------------------------------------------------------------------------


async def test_guild_settings_default_and_upsert_independently(
    store: Store, run_on_id: int, integrity_error: type[Exception]
) -> None:
    assert await store.guild_settings(GUILD_A) == GuildSettings(GUILD_A, None, None)

    assert await store.set_curator_role(GUILD_A, ROLE) == GuildSettings(GUILD_A, None, ROLE)
    assert await store.set_default_show(GUILD_A, run_on_id) == GuildSettings(GUILD_A, run_on_id, ROLE)
    ours = await own_show(store)
    assert await store.set_default_show(GUILD_A, ours) == GuildSettings(GUILD_A, ours, ROLE)
    assert await store.set_curator_role(GUILD_A, ROLE + 1) == GuildSettings(GUILD_A, ours, ROLE + 1)
    assert await store.set_default_show(GUILD_A, None) == GuildSettings(GUILD_A, None, ROLE + 1)
    assert await store.set_curator_role(GUILD_A, None) == GuildSettings(GUILD_A, None, None)
    assert await store.guild_settings(GUILD_A) == GuildSettings(GUILD_A, None, None)

    assert await store.set_default_show(GUILD_B, None) == GuildSettings(GUILD_B, None, None)
    assert await store.guild_settings(GUILD_B + 1) == GuildSettings(GUILD_B + 1, None, None)
    with pytest.raises(integrity_error):
        await store.set_curator_role(GUILD_A, 0)


async def test_a_default_show_must_be_visible_to_its_server(
    store: Store, run_on_id: int, integrity_error: type[Exception]
) -> None:
    theirs = await own_show(store, "Theirs", guild_id=GUILD_B)
    ours = await own_show(store, "Ours", guild_id=GUILD_A)
    await store.set_default_show(GUILD_A, ours)
    before = await store_snapshot(store)
    for show_id in (theirs, 99_999):
        with pytest.raises(ShowNotFound):
            await store.set_default_show(GUILD_A, show_id)
        with pytest.raises(ShowNotFound):
            await store.set_default_show(GUILD_B + 5, show_id if show_id != theirs else ours)
    assert await store_snapshot(store) == before

    # The schema itself refuses, whoever writes.
    refused = [
        ("INSERT INTO guild_setting (guild_id, default_show_id) VALUES (?, ?)", (GUILD_B + 9, theirs)),
        ("UPDATE guild_setting SET default_show_id = ? WHERE guild_id = ?", (theirs, GUILD_A)),
        ("UPDATE guild_setting SET guild_id = ? WHERE guild_id = ?", (GUILD_B + 9, GUILD_A)),
        ("UPDATE show SET guild_id = ? WHERE id = ?", (GUILD_B, ours)),
        ("INSERT INTO guild_setting (guild_id, default_show_id) VALUES (?, ?)", (GUILD_B + 9, 99_999)),
        ("INSERT INTO guild_setting (guild_id) VALUES (0)", ()),
        ("INSERT INTO guild_setting (guild_id, curator_role_id) VALUES (?, -1)", (GUILD_B + 9,)),
    ]
    for statement, parameters in refused:
        with pytest.raises(integrity_error):
            await execute(store, statement, parameters)
    # A catalog show suits every server.
    await execute(
        store, "INSERT INTO guild_setting (guild_id, default_show_id) VALUES (?, ?)", (GUILD_B + 9, run_on_id)
    )
    assert (await store_snapshot(store))["guild_setting"] == [
        (GUILD_A, ours, None, 1, "show"),
        (GUILD_B + 9, run_on_id, None, 1, "show"),
    ]


# -- hiding, copying and the default show -------------------------------------------------------


async def test_copying_moves_the_servers_ratings_comments_removals_and_default_to_the_copy(
    store: Store, run_on_id: int
) -> None:
    await rate(store, run_on_id, 16, user_id=ALICE, halves=10, comment="Best.")
    await rate(store, run_on_id, 16, user_id=BOB, halves=8, comment="Good.")
    await rate(store, run_on_id, 16, guild_id=GUILD_B, user_id=CAROL, halves=2)
    await store.remove_comment(
        guild_id=GUILD_A, show_id=run_on_id, episode=16, author_id=BOB, moderator_id=CAROL, reason=None
    )
    await store.set_default_show(GUILD_A, run_on_id)
    copy = await store.copy_catalog_show(GUILD_A, run_on_id)

    assert await store.episode_tally(GUILD_A, copy.id, 16) == Tally(2, 18)
    assert await store.episode_tally(GUILD_A, run_on_id, 16) == Tally(0, 0)
    assert await store.episode_tally(GUILD_B, run_on_id, 16) == Tally(1, 2)  # other servers keep theirs
    assert [r.rating.show_id for r in await store.member_ratings(GUILD_A, ALICE)] == [copy.id]
    assert [r.show_id for r in await store.comment_removals(GUILD_A)] == [copy.id]
    assert (await store.guild_settings(GUILD_A)).default_show_id == copy.id
    assert (await store.default_show(GUILD_A)).show == copy
    assert await tally_rows(store) == await recounted_tally(store)
    assert await foreign_key_problems(store) == []


async def test_the_only_show_copied_becomes_the_default_and_a_hidden_show_takes_no_ratings(
    store: Store, run_on_id: int, integrity_error: type[Exception]
) -> None:
    copy = await store.copy_catalog_show(GUILD_A, run_on_id)
    assert (await store.guild_settings(GUILD_A)).default_show_id == copy.id
    with pytest.raises(integrity_error, match="hidden"):
        await rate(store, run_on_id, 1)
    with pytest.raises(ShowNotFound):
        await store.set_default_show(GUILD_A, run_on_id)


async def test_hiding_and_unhiding_keeps_ratings_and_refuses_a_clash(store: Store, run_on_id: int) -> None:
    await rate(store, run_on_id, 2, halves=6)
    await store.set_default_show(GUILD_A, run_on_id)
    hidden = await store.hide_show(GUILD_A, run_on_id)
    assert hidden.id == run_on_id
    assert await store.visible_shows(GUILD_A) == []
    assert (await store.guild_settings(GUILD_A)).default_show_id is None  # hiding clears the default
    assert await store.default_show(GUILD_A) == DefaultShow(show=None, visible=0)
    with pytest.raises(ShowAlreadyHidden):
        await store.hide_show(GUILD_A, run_on_id)
    # While hidden, the server may have its own show of that title; then it cannot unhide.
    ours = await store.create_show(GUILD_A, spec("Run On", 16))
    with pytest.raises(ShowTitleTaken):
        await store.unhide_show(GUILD_A, run_on_id)
    await store.delete_show(GUILD_A, ours.id)
    await store.unhide_show(GUILD_A, run_on_id)
    assert await store.episode_tally(GUILD_A, run_on_id, 2) == Tally(1, 6)
    with pytest.raises(ShowNotHidden):
        await store.unhide_show(GUILD_A, run_on_id)
    with pytest.raises(ShowNotFound):
        await store.hide_show(GUILD_A, (await store.create_show(GUILD_A, spec("Mine", 2))).id)


async def test_the_default_show_is_one_read_whatever_the_server_has(store: Store, run_on_id: int) -> None:
    assert await store.default_show(GUILD_A) == DefaultShow(
        show=await store.visible_show(GUILD_A, run_on_id), visible=1
    )
    ours = await store.create_show(GUILD_A, spec("Ours", 3))
    assert await store.default_show(GUILD_A) == DefaultShow(show=None, visible=2)
    await store.set_default_show(GUILD_A, ours.id)
    assert await store.default_show(GUILD_A) == DefaultShow(show=ours, visible=2)


async def test_an_episode_and_its_tally_come_in_one_read(store: Store, run_on_id: int) -> None:
    await rate(store, run_on_id, 7, user_id=ALICE, halves=9)
    await rate(store, run_on_id, 7, user_id=BOB, halves=4)
    episode, tally = await store.episode_with_tally(GUILD_A, run_on_id, 7)
    assert episode == await store.episode(run_on_id, 7) and tally == Tally(2, 13)
    assert await store.episode_with_tally(GUILD_B, run_on_id, 7) == (episode, Tally(0, 0))
    assert await store.episode_with_tally(GUILD_A, run_on_id, 17) == (None, Tally(0, 0))


@pytest.mark.sqlite_only
async def test_an_unchanged_catalog_is_not_written_again(store: Store, run_on_id: int) -> None:
    """A read-only database must still start: loading the same catalog again writes nothing."""
    with contextlib.closing(sqlite3.connect(store.path)) as connection:
        before = connection.execute("PRAGMA data_version").fetchone()[0]
        assert await store.save_catalog_show(run_on()) == run_on_id
        # data_version changes when another connection commits a write to the file.
        assert connection.execute("PRAGMA data_version").fetchone()[0] == before
        changed = ShowSpec(key="run-on", title="Run On", episode_count=16)
        await store.save_catalog_show(changed)
        assert connection.execute("PRAGMA data_version").fetchone()[0] != before


async def test_a_member_removes_their_own_comment_and_keeps_the_score(store: Store, run_on_id: int) -> None:
    await rate(store, run_on_id, 4, halves=7, comment="Hmm.")
    kept = await store.remove_own_comment(GUILD_A, run_on_id, 4, ALICE)
    assert kept is not None and (kept.comment, kept.score) == (None, Score(7))
    assert await store.remove_own_comment(GUILD_A, run_on_id, 4, ALICE) is None
    assert await store.episode_tally(GUILD_A, run_on_id, 4) == Tally(1, 7)
