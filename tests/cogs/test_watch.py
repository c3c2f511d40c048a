"""Members say how far they have watched; the spoiler guard follows each member's progress."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.bot import DramaBot
from emulator import DiscordEmulator
from tests.helpers import (
    Server,
    button_ids,
    fields,
    only_embed,
    private_reply,
    rate,
    run_bot,
    settings_for,
    snapshot,
    sql,
)

ADMIN = 0x20  # Manage Server
TWIST = "Ji-sun was the runner all along!"


async def comments(emulator: DiscordEmulator, who: Any, episode: int) -> Any:
    return await emulator.invoke(who, "comments", episode=episode)


def is_guard(result: Any, progress: int, episode: int) -> bool:
    text = private_reply(result)
    return text.startswith(f"You're at episode {progress} of **Run On**; this is episode {episode}.")


async def test_a_member_at_episode_6_is_guarded_and_one_who_completed_sees_the_comments(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    carol = emulator.add_member(server.guild, emulator.add_user("carol"))
    await rate(emulator, carol, 12, 4.5, comment=TWIST)
    alice, bob = server.alice, server.bob
    assert private_reply(await emulator.invoke(alice, "progress", episode=6)).startswith(
        "**Run On** · watching · 6/16. Only you can see this."
    )
    assert private_reply(await emulator.invoke(bob, "watch", status="completed")).startswith(
        "**Run On** · completed · 16/16."
    )

    guarded = await comments(emulator, alice, 12)
    assert is_guard(guarded, 6, 12)
    assert TWIST not in str(guarded.message.content) + str(guarded.message.embeds)
    assert list(button_ids(guarded.message)) == ["Show anyway"]

    seen = await comments(emulator, bob, 12)
    assert f"||{TWIST}||" in only_embed(seen)["description"]

    # Alice's guard is private, so only a modified client can press her button as Bob: refused,
    # privately, and nothing is shown to him.
    show_anyway = button_ids(guarded.message)["Show anyway"]
    refused = await emulator.click(bob, guarded.message, show_anyway, validate=False)
    assert private_reply(refused).startswith("This button belongs to the member who asked.")
    assert TWIST not in str(refused.message.embeds)

    revealed = await emulator.click(alice, guarded.message, show_anyway)
    assert revealed.message.ephemeral
    assert f"||{TWIST}||" in only_embed(revealed)["description"]


async def test_rating_moves_progress_and_the_guard_follows_and_progress_can_go_back(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    await rate(emulator, server.bob, 8, 4, comment="Episode 8 thoughts")
    alice = server.alice
    await rate(emulator, alice, 2, 4)
    assert is_guard(await comments(emulator, alice, 8), 2, 8)

    await rate(emulator, alice, 9, 4)
    assert "Episode 8 thoughts" in only_embed(await comments(emulator, alice, 8))["description"]
    listed = only_embed(await emulator.invoke(alice, "mywatchlist"))
    assert listed["description"] == "**Run On** · watching · 9/16"

    reply = private_reply(await emulator.invoke(alice, "progress", episode=3))
    assert reply.startswith("**Run On** · watching · 3/16.")
    assert "episodes after 3 stay hidden" in reply
    assert is_guard(await comments(emulator, alice, 8), 3, 8)


async def test_a_member_who_never_opted_in_sees_what_they_saw_before(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, database: Path
) -> None:
    await rate(emulator, server.bob, 12, 4, comment=TWIST)
    seen = await comments(emulator, server.alice, 12)
    assert not seen.message.ephemeral
    assert f"||{TWIST}||" in only_embed(seen)["description"]
    assert "Your watchlist in this server is empty" in private_reply(
        await emulator.invoke(server.alice, "mywatchlist")
    )


async def test_the_server_can_switch_the_guard_off_and_on(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    admin = emulator.add_member(server.guild, emulator.add_user("admin"), permissions=ADMIN)
    await rate(emulator, server.bob, 12, 4, comment=TWIST)
    await emulator.invoke(server.alice, "progress", episode=6)

    # Without Manage Server even a modified client that sends the command changes nothing.
    refused = await emulator.invoke(
        server.alice, "settings spoiler-guard", validate=False, options={"state": "off"}
    )
    assert "Manage Server" in private_reply(refused)
    assert is_guard(await comments(emulator, server.alice, 12), 6, 12)

    reply = private_reply(await emulator.invoke(admin, "settings spoiler-guard", state="off"))
    assert reply.startswith("Spoiler guard off")
    assert f"||{TWIST}||" in only_embed(await comments(emulator, server.alice, 12))["description"]

    await emulator.invoke(admin, "settings spoiler-guard", state="on")
    assert is_guard(await comments(emulator, server.alice, 12), 6, 12)


async def test_episode_summaries_past_progress_wait_and_the_series_summary_says_so(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, database: Path
) -> None:
    sql(database, "UPDATE episode SET summary = 'The race is fixed.' WHERE number = 14")
    await emulator.invoke(server.alice, "progress", episode=6)

    guarded = await emulator.invoke(server.alice, "summary", episode=14)
    assert is_guard(guarded, 6, 14)
    revealed = await emulator.click(server.alice, guarded.message, button_ids(guarded.message)["Show anyway"])
    assert revealed.message.ephemeral
    assert only_embed(revealed)["description"] == "||The race is fixed.||"

    # Bob never opted in: the summary as before, public and behind its tag.
    public = await emulator.invoke(server.bob, "summary", episode=14)
    assert not public.message.ephemeral
    assert only_embed(public)["description"] == "||The race is fixed.||"

    series = await emulator.invoke(server.alice, "summary")
    assert series.message.ephemeral
    description = only_embed(series)["description"]
    assert description.startswith("You're at episode 6 of 16: this summary covers the whole series")
    assert description.endswith("||")
    assert not only_embed(await emulator.invoke(server.bob, "summary"))["description"].startswith("You're")


async def test_show_anyway_works_after_a_restart(
    emulator: DiscordEmulator, server: Server, database: Path
) -> None:
    settings = settings_for(emulator, database)
    async with run_bot(emulator, settings):
        await rate(emulator, server.bob, 12, 4, comment=TWIST)
        await emulator.invoke(server.alice, "progress", episode=6)
        guarded = await comments(emulator, server.alice, 12)
    async with run_bot(emulator, settings):
        revealed = await emulator.click(
            server.alice, guarded.message, button_ids(guarded.message)["Show anyway"]
        )
        assert f"||{TWIST}||" in only_embed(revealed)["description"]


async def test_titles_past_progress_are_hidden_in_score_show_when_the_server_says_so(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, database: Path
) -> None:
    sql(database, "UPDATE episode SET title = 'Finish line' WHERE number = 16")
    sql(database, "UPDATE episode SET title = 'Start' WHERE number = 1")
    admin = emulator.add_member(server.guild, emulator.add_user("admin"), permissions=ADMIN)
    await emulator.invoke(server.alice, "progress", episode=6)
    await emulator.invoke(server.bob, "watch", status="completed")

    lines = only_embed(await emulator.invoke(server.alice, "score show"))["description"].splitlines()
    assert lines[15].startswith("`Ep 16` Finish line · ")

    await emulator.invoke(admin, "settings spoiler-titles", state="hide")
    embed = only_embed(await emulator.invoke(server.alice, "score show"))
    lines = embed["description"].splitlines()
    assert lines[0].startswith("`Ep  1` Start · ")
    assert "Finish line" not in embed["description"]
    assert lines[15] == "`Ep 16` **5/5**  ★★★★★"
    assert embed["footer"]["text"].endswith("titles after episode 6 hidden")
    assert fields(embed)["Members"] == "1 watching · 1 completed"
    await emulator.invoke(server.alice, "watch", status="dropped")
    assert fields(only_embed(await emulator.invoke(server.bob, "score show")))["Members"] == "1 completed"
    # Bob has watched it all: nothing hidden for him.
    assert "Finish line" in only_embed(await emulator.invoke(server.bob, "score show"))["description"]
    shows = only_embed(await emulator.invoke(server.bob, "shows"))["description"]
    assert shows.startswith("**Run On** · 16 episodes · ") and " · 1 completed · " in shows


@pytest.mark.parametrize(
    ("command", "options", "reply"),
    [
        (
            "progress",
            {"episode": 17},
            "**Run On** has 16 episodes: your progress can be 0 (not started) to 16, not 17.",
        ),
        (
            "watch",
            {"status": "watching", "episode": 17},
            "your progress can be 0 (not started) to 16, not 17",
        ),
        ("progress", {"episode": 3, "show": "Goblin"}, "I don't know a show called “Goblin”"),
    ],
)
async def test_bad_progress_is_refused_privately_and_changes_nothing(
    drama: DramaBot,
    emulator: DiscordEmulator,
    server: Server,
    database: Path,
    command: str,
    options: dict[str, Any],
    reply: str,
) -> None:
    await emulator.invoke(server.alice, "progress", episode=5)
    before = snapshot(database)
    assert reply in private_reply(await emulator.invoke(server.alice, command, **options))
    assert snapshot(database) == before


@pytest.mark.parametrize(
    ("command", "options", "reply"),
    [
        (
            "progress",
            {"episode": -1},
            "`episode` must be from 0 to 500; -1 is outside that. Nothing was changed.",
        ),
        (
            "watch",
            {"status": "binging"},
            "binging is not one of the choices for `status`. Nothing was changed.",
        ),
    ],
)
async def test_what_only_a_modified_client_sends_is_refused_at_the_boundary(
    drama: DramaBot,
    emulator: DiscordEmulator,
    server: Server,
    database: Path,
    command: str,
    options: dict[str, Any],
    reply: str,
) -> None:
    before = snapshot(database)
    assert (
        private_reply(await emulator.invoke(server.alice, command, validate=False, options=options)) == reply
    )
    assert snapshot(database) == before


async def test_a_page_turn_after_moving_progress_back_shows_nothing_new(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    for n in range(6):
        member = emulator.add_member(server.guild, emulator.add_user(f"member{n}"))
        await rate(emulator, member, 8, 4, comment=f"comment number {n}")
    await emulator.invoke(server.alice, "progress", episode=9)
    listed = await comments(emulator, server.alice, 8)
    assert only_embed(listed)["footer"]["text"].endswith("page 1/2")

    await emulator.invoke(server.alice, "progress", episode=3)
    turned = await emulator.click(server.alice, listed.message, button_ids(listed.message)["Next"])
    assert private_reply(turned).startswith("You've moved your progress back before episode 8 since")
    assert listed.message.embeds[0]["footer"]["text"].endswith("page 1/2")
