"""Every read a member's command makes is answered by an index, however big the database grows.

A bot in 1,000 servers holds 20,000 shows and a million ratings; a read that scans a table costs
milliseconds there instead of microseconds (the benchmark's large database showed a scan of the
show table making `/score` nine times slower). SQLite's plans do not depend on how many rows
there are (nothing runs ANALYZE), so a small file shows the same plans as the large one.
"""

from __future__ import annotations

import re

import pytest

from bot.scores import Score
from bot.store import ShowSpec, Store
from tests.helpers import run_on

# SQLite's EXPLAIN QUERY PLAN; PostgreSQL plans by table statistics.
pytestmark = pytest.mark.sqlite_only

GUILD = 1001
MEMBER = 77
# A bare "SCAN <table>" reads every row; "SCAN s USING INDEX …" walks one index range.
FULL_SCAN = re.compile(r"^SCAN (?P<table>\w+)$")


async def test_the_reads_behind_member_commands_never_scan_a_table(store: Store) -> None:
    run_on_id = await store.save_catalog_show(run_on())
    own = await store.create_show(GUILD, ShowSpec(title="Moving", episode_count=20))
    await store.save_rating(
        guild_id=GUILD,
        show_id=run_on_id,
        episode=3,
        user_id=MEMBER,
        author_name="alice",
        score=Score.parse("4.5", maximum=5),
        comment="loved it",
        spoiler=False,
    )
    await store.set_default_show(GUILD, own.id)

    with store.read_plans() as plans:
        await store.default_show(GUILD)
        await store.visible_shows(GUILD)
        await store.visible_show(GUILD, run_on_id)
        await store.hidden_shows(GUILD)
        await store.search_shows(GUILD, "run")
        await store.find_show_by_name(GUILD, "Run On")
        await store.episode_with_tally(GUILD, run_on_id, 3)
        await store.episodes(run_on_id)
        await store.show_tallies(GUILD, run_on_id)
        await store.show_tally(GUILD, run_on_id)
        await store.rating(GUILD, run_on_id, 3, MEMBER)
        await store.comments(GUILD, run_on_id, 3, limit=5, offset=0)
        await store.comment_count(GUILD, run_on_id, 3)
        await store.member_ratings(GUILD, MEMBER)
        await store.guild_settings(GUILD)
        await store.show_overviews(GUILD)
        await store.comment_removals(GUILD)
        await store.comment_removal_count(GUILD)

    assert len(plans) >= 15, plans
    scans = {
        statement: lines for statement, lines in plans.items() if any(FULL_SCAN.match(line) for line in lines)
    }
    assert scans == {}


async def test_a_tally_is_one_primary_key_lookup(store: Store) -> None:
    run_on_id = await store.save_catalog_show(run_on())
    with store.read_plans() as plans:
        await store.episode_tally(GUILD, run_on_id, 1)
    (lines,) = plans.values()
    assert lines == ["SEARCH t USING PRIMARY KEY (guild_id=? AND show_id=? AND episode=?)"]
