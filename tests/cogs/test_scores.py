"""/score, /verdict and /summary, used as a member would through the emulator."""

from __future__ import annotations

import re
from collections.abc import Callable
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
    run_bot,
    settings_for,
    snapshot,
)

# -- what a member asks for ------------------------------------------------------------


async def test_score_episode_16_shows_run_ons_five_out_of_five(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    result = await emulator.invoke(server.alice, "score episode", number=16)
    embed = only_embed(result)
    assert not result.message.ephemeral
    assert embed["title"] == "Run On · Episode 16"
    assert embed["description"] == "Critic: **5/5**  ★★★★★\nMembers: no member ratings yet"
    assert embed["footer"]["text"] == "Korean drama · JTBC · 2020"


@pytest.mark.parametrize(
    ("number", "score", "stars"), [(8, "3/5", "★★★☆☆"), (1, "3.5/5", "★★★⯪☆"), (15, "4.5/5", "★★★★⯪")]
)
async def test_score_episode_shows_exact_half_points_and_a_half_star(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, number: int, score: str, stars: str
) -> None:
    embed = only_embed(await emulator.invoke(server.alice, "score episode", number=number))
    assert embed["description"].splitlines()[0] == f"Critic: **{score}**  {stars}"


async def test_score_episode_with_the_show_picked_from_autocomplete(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    choices = await emulator.autocomplete(
        server.alice, "score episode", focused="show", value="run", number=3
    )
    assert [choice["name"] for choice in choices] == ["Run On · 런 온 · 2020"]
    result = await emulator.invoke(server.alice, "score episode", number=3, show=choices[0]["value"])
    assert only_embed(result)["title"] == "Run On · Episode 3"


async def test_a_typed_show_name_works_without_picking(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    for typed in ("Run On", "run on", "런 온", "Reon On", "run"):
        result = await emulator.invoke(server.alice, "score episode", number=2, show=typed)
        assert only_embed(result)["description"].startswith("Critic: **4/5**"), typed


async def test_show_autocomplete_matches_title_original_title_and_alias(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    for typed in ("run", "RUN", "런", "reon", ""):
        choices = await emulator.autocomplete(server.alice, "verdict", focused="show", value=typed)
        assert [choice["name"] for choice in choices] == ["Run On · 런 온 · 2020"], typed
    assert await emulator.autocomplete(server.alice, "verdict", focused="show", value="goblin") == []


async def test_score_show_lists_all_sixteen_with_average_best_and_worst(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    result = await emulator.invoke(server.alice, "score show")
    embed = only_embed(result)
    lines = embed["description"].splitlines()
    assert len(lines) == 16
    assert lines[0] == "`Ep  1` **3.5/5**  ★★★⯪☆"
    assert lines[15] == "`Ep 16` **5/5**  ★★★★★"
    assert fields(embed) == {
        "Average": "**3.81/5** over 16 scored episodes",
        "Best": "Episode 16 · 5/5",
        "Worst": "Episode 8 · 3/5",
    }
    assert not result.message.components  # one page: no buttons


async def test_verdict_shows_eight_and_a_half_with_its_text_and_the_episode_average(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    embed = only_embed(await emulator.invoke(server.alice, "verdict"))
    assert embed["title"] == "Run On · Verdict"
    assert embed["description"].startswith("**8.5/10**\n\n")
    assert "finale" in embed["description"]
    assert fields(embed) == {
        "Episode average": "3.81/5 over 16 scored episodes",
        "Members' average": "Members: no member ratings yet",
    }


async def test_summary_arrives_hidden_behind_a_spoiler(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    result = await emulator.invoke(server.alice, "summary")
    embed = only_embed(result)
    assert embed["title"] == "Run On · Summary"
    description = embed["description"]
    assert description.startswith("||") and description.endswith("||")
    assert "Ki Seon\\-gyeom" in description or "Ki Seon-gyeom" in description
    assert description.count("||") == 2


# -- what a member might get wrong -------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "options", "reply"),
    [
        ("score episode", {"number": 17}, "**Run On** has episodes 1–16; there is no episode 17."),
        ("score episode", {"number": 500}, "**Run On** has episodes 1–16; there is no episode 500."),
        ("summary", {"episode": 17}, "**Run On** has episodes 1–16; there is no episode 17."),
        ("summary", {"episode": 3}, "Episode 3 of **Run On** has no summary yet."),
        ("score episode", {"number": 1, "show": "Goblin"}, "I don't know a show called “Goblin”"),
        ("verdict", {"show": "x" * 100}, "I don't know a show called"),
        ("score show", {"show": "   "}, "Type a show name, or pick one from the list."),
        ("summary", {"show": "id:999999"}, "I don't know a show called “id:999999”"),
    ],
)
async def test_bad_input_gets_a_private_reply_and_changes_nothing(
    drama: DramaBot,
    emulator: DiscordEmulator,
    server: Server,
    database: Path,
    command: str,
    options: dict[str, Any],
    reply: str,
) -> None:
    before = snapshot(database)
    result = await emulator.invoke(server.alice, command, **options)
    assert reply in private_reply(result)
    assert snapshot(database) == before


async def test_an_episode_without_a_score_or_summary_says_so(
    emulator: DiscordEmulator, server: Server, database: Path, write_catalog: Callable[..., Path]
) -> None:
    catalog = write_catalog(
        {
            "key": "pilot",
            "title": "Pilot Season",
            "episode_count": 3,
            "episodes": [{"number": 1, "score": 4}],
        },
        with_run_on=False,
    )
    async with run_bot(emulator, settings_for(emulator, database), catalog=catalog):
        reply = private_reply(await emulator.invoke(server.alice, "score episode", number=2))
        assert reply == "Episode 2 of **Pilot Season** has no critic score yet."
        reply = private_reply(await emulator.invoke(server.alice, "verdict"))
        assert reply == "**Pilot Season** has no verdict yet."
        reply = private_reply(await emulator.invoke(server.alice, "summary"))
        assert reply == "**Pilot Season** has no summary yet."
        embed = only_embed(await emulator.invoke(server.alice, "score show"))
        assert embed["description"].splitlines()[1:] == ["`Ep 2` *not scored yet*", "`Ep 3` *not scored yet*"]
        assert fields(embed)["Average"] == "**4/5** over 1 scored episode"


async def test_with_several_shows_the_show_must_be_named(
    emulator: DiscordEmulator, server: Server, database: Path, write_catalog: Callable[..., Path]
) -> None:
    catalog = write_catalog({"key": "running-man", "title": "Running Mate", "episode_count": 10})
    async with run_bot(emulator, settings_for(emulator, database), catalog=catalog):
        reply = private_reply(await emulator.invoke(server.alice, "score episode", number=1))
        assert reply.startswith("This server follows several shows: say which one with the `show` option")
        reply = private_reply(await emulator.invoke(server.alice, "verdict", show="run"))
        assert reply.startswith("Several shows match “run”: **Run On**, **Running Mate**")
        choices = await emulator.autocomplete(server.alice, "verdict", focused="show", value="run")
        assert [choice["name"] for choice in choices] == ["Run On · 런 온 · 2020", "Running Mate"]


async def test_autocomplete_offers_at_most_25_shows(
    emulator: DiscordEmulator, server: Server, database: Path, write_catalog: Callable[..., Path]
) -> None:
    many = [{"key": f"show-{n}", "title": f"Show {n:02}", "episode_count": 1} for n in range(40)]
    async with run_bot(emulator, settings_for(emulator, database), catalog=write_catalog(*many)):
        choices = await emulator.autocomplete(server.alice, "summary", focused="show", value="show")
        assert [choice["name"] for choice in choices] == [f"Show {n:02}" for n in range(25)]


async def test_markdown_in_a_summary_cannot_break_out_of_the_spoiler(
    emulator: DiscordEmulator, server: Server, database: Path, write_catalog: Callable[..., Path]
) -> None:
    sneaky = "The twist: || she lives || **bold** `code` https://example.com/||x|| @everyone \\"
    catalog = write_catalog({"key": "sneaky", "title": "Sneaky", "episode_count": 1, "summary": sneaky})
    async with run_bot(emulator, settings_for(emulator, database), catalog=catalog):
        result = await emulator.invoke(server.alice, "summary", show="Sneaky")
        description = only_embed(result)["description"]
        inner = description.removeprefix("||").removesuffix("||")
        assert description == f"||{inner}||"
        # Every markdown character inside is escaped: no "|", "*", "`" or "\" acts on its own.
        assert not re.search(r"(?<!\\)(\\\\)*[|*`_~]", inner)
        assert not result.message.pinged


async def test_a_long_show_pages_with_buttons_only_the_asker_can_press(
    emulator: DiscordEmulator, server: Server, database: Path, write_catalog: Callable[..., Path]
) -> None:
    episodes = [{"number": n, "score": (n % 11) / 2} for n in range(1, 301)]
    catalog = write_catalog(
        {"key": "long", "title": "Long Saga", "episode_count": 300, "episodes": episodes}, with_run_on=False
    )
    async with run_bot(emulator, settings_for(emulator, database), catalog=catalog):
        result = await emulator.invoke(server.alice, "score show")
        first = only_embed(result)
        assert first["description"].splitlines()[0] == "`Ep   1` **0.5/5**  ⯪☆☆☆☆"
        assert first["footer"]["text"].endswith("page 1/2")
        message = result.message
        buttons = {c["label"]: c for row in message.components for c in row["components"]}
        assert buttons["Prev"]["disabled"] and not buttons["Next"]["disabled"]

        refused = await emulator.click(server.bob, message, buttons["Next"]["custom_id"])
        assert "Only the member who asked" in private_reply(refused)
        assert message.embeds[0]["footer"]["text"].endswith("page 1/2")

        await emulator.click(server.alice, message, buttons["Next"]["custom_id"])
        second = message.embeds[0]
        assert second["footer"]["text"].endswith("page 2/2")
        shown = first["description"].count("\n") + second["description"].count("\n") + 2
        assert shown == 300


async def test_a_long_shows_pages_turn_after_the_bot_restarts(
    emulator: DiscordEmulator, server: Server, database: Path, write_catalog: Callable[..., Path]
) -> None:
    episodes = [{"number": n, "score": (n % 11) / 2} for n in range(1, 301)]
    catalog = write_catalog(
        {"key": "long", "title": "Long Saga", "episode_count": 300, "episodes": episodes}, with_run_on=False
    )
    settings = settings_for(emulator, database)
    async with run_bot(emulator, settings, catalog=catalog):
        result = await emulator.invoke(server.alice, "score show")
        first = only_embed(result)
        assert first["footer"]["text"].endswith("page 1/2")
    async with run_bot(emulator, settings, catalog=catalog):
        message = result.message
        refused = await emulator.click(server.bob, message, button_ids(message)["Next"])
        assert "Only the member who asked" in private_reply(refused)
        await emulator.click(server.alice, message, button_ids(message)["Next"])
        second = message.embeds[0]
        assert second["footer"]["text"].endswith("page 2/2")
        assert second["description"].splitlines()[-1].startswith("`Ep 300`")
        assert fields(second) == fields(first)
