"""Prev/Next through long replies, as Discord delivers the page turns."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.bot import DramaBot
from emulator import DiscordEmulator
from tests.helpers import TOKEN, Server, only_embed, private_reply, run_bot, settings_for

EPISODES = [{"number": n, "score": (n % 11) / 2} for n in range(1, 301)]


@pytest.mark.parametrize("deprecated_field", [True, False], ids=["with-interaction-field", "without"])
async def test_page_turns_survive_message_updates_without_the_deprecated_interaction_field(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, deprecated_field: bool, write_catalog: object
) -> None:
    """Every page turn edits a public message, and Discord tells the bot with MESSAGE_UPDATE.

    discord.py hands the new components of a tracked view to ``View._refresh(components)``; a
    pager that overrode that private method with another signature broke every page turn once
    Discord stopped sending the deprecated ``interaction`` field (the view is then found by id).
    """
    catalog = write_catalog(  # type: ignore[operator]
        {"key": "long", "title": "Long Saga", "episode_count": 300, "episodes": EPISODES}, with_run_on=False
    )
    async with DiscordEmulator(token=TOKEN, deprecated_interaction_field=deprecated_field) as emulator:
        guild = emulator.add_guild("Drama Club")
        alice = emulator.add_member(guild, emulator.add_user("alice"))
        async with run_bot(emulator, settings_for(emulator, tmp_path / "bot.db"), catalog=catalog):
            caplog.set_level(logging.WARNING)
            result = await emulator.invoke(alice, "score show")
            message = result.message
            buttons = {c["label"]: c for row in message.components for c in row["components"]}
            for expected in ("page 2/2", "page 1/2", "page 2/2"):
                label = "Next" if expected == "page 2/2" else "Prev"
                await emulator.click(alice, message, buttons[label]["custom_id"])
                assert message.embeds[0]["footer"]["text"].endswith(expected)
            await emulator.gateway.wait_flushed()
            assert only_embed(result)["footer"]["text"].endswith("page 2/2")
        assert emulator.internal_errors == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


def test_lines_become_pages_that_never_split_an_entry_and_respect_both_limits() -> None:
    from bot.pages import chunk

    entries = [f"entry {n}\nsecond line {n}" for n in range(12)]
    pages = chunk(entries, per_page=5, gap="\n\n")
    assert [page.count("entry ") for page in pages] == [5, 5, 2]
    assert pages[0].startswith("entry 0\nsecond line 0\n\nentry 1")
    long = ["x" * 900 for _ in range(10)]
    sized = chunk(long, max_chars=2000)
    assert all(len(page) <= 2000 for page in sized) and sum(page.count("x" * 900) for page in sized) == 10
    assert chunk([]) == [""]
    assert chunk(["y" * 5000], max_chars=100) == ["y" * 99 + "…"]


async def test_a_button_an_older_version_sent_gets_an_answer_not_a_failure(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    # Before buttons were persistent, discord.py gave each one a random custom_id held in memory.
    row = {
        "type": 1,
        "components": [{"type": 2, "style": 2, "label": "Next", "custom_id": "9f86d081884c7d65"}],
    }
    old = emulator.create_message(
        channel_id=server.guild.default_channel.id,
        guild=server.guild,
        body={"embeds": [{"title": "Run On · Episode 16 · Comments"}], "components": [row]},
        files=[],
    )
    press = await emulator.click(server.alice, old, "9f86d081884c7d65")
    assert private_reply(press) == (
        "That button is not one I can answer any more; run the command again. Nothing was changed."
    )
