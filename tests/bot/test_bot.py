"""The Bot as a whole: start-up, command sync, the command schema and the error handler."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.bot import DramaBot
from bot.text import t
from emulator import DiscordEmulator, eventually
from tests.helpers import Server, run_bot, settings_for

COMMAND_NAMES = [
    "about", "comments", "episode", "moderate", "mydata", "myratings", "mywatchlist", "progress", "rate",
    "review", "score", "settings", "show", "shows", "summary", "uncomment", "unrate", "verdict", "watch",
]  # fmt: skip
ADMIN_ONLY = {"episode", "moderate", "settings", "show"}


def walk(options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for option in options:
        found.append(option)
        found.extend(walk(option.get("options", [])))
    return found


async def test_start_up_creates_the_database_and_registers_guild_only_commands(
    drama: DramaBot, emulator: DiscordEmulator, database: Path
) -> None:
    assert database.exists()
    commands = emulator.registered_commands()
    assert sorted(command["name"] for command in commands) == COMMAND_NAMES
    for command in commands:
        assert command["contexts"] == [0], command["name"]
        assert command["integration_types"] == [0], command["name"]
        everyone = command["name"] not in ADMIN_ONLY
        assert (command["default_member_permissions"] is None) == everyone, command["name"]
        for item in [command, *walk(command.get("options", []))]:
            assert 1 <= len(item["description"]) <= 100, item["name"]


async def test_a_restart_with_unchanged_commands_makes_no_command_write(
    emulator: DiscordEmulator, server: Server, database: Path
) -> None:
    settings = settings_for(emulator, database)
    async with run_bot(emulator, settings):
        pass
    writes = len(emulator.command_writes)
    assert writes == 1  # the first start registers the commands once
    async with run_bot(emulator, settings):
        result = await emulator.invoke(server.alice, "score episode", number=16)
        assert "5/5" in result.message.embeds[0]["description"]
    assert len(emulator.command_writes) == writes


async def test_a_dev_guild_gets_its_own_copy_synced_once(
    emulator: DiscordEmulator, server: Server, database: Path
) -> None:
    settings = settings_for(emulator, database, DEV_GUILD_ID=str(server.guild.id))
    async with run_bot(emulator, settings):
        pass
    guild_commands = emulator.registered_commands(guild_id=server.guild.id)
    assert sorted(command["name"] for command in guild_commands) == COMMAND_NAMES
    writes = len(emulator.command_writes)
    async with run_bot(emulator, settings):
        pass
    assert len(emulator.command_writes) == writes


async def test_the_catalog_is_loaded_once_however_often_the_bot_starts(
    emulator: DiscordEmulator, server: Server, database: Path
) -> None:
    settings = settings_for(emulator, database)
    for _ in range(2):
        async with run_bot(emulator, settings):
            pass
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT count(*) FROM show").fetchone() == (1,)
        assert connection.execute("SELECT count(*) FROM episode").fetchone() == (16,)


async def test_an_unexpected_failure_is_logged_in_full_and_the_member_told_politely(
    drama: DramaBot,
    emulator: DiscordEmulator,
    server: Server,
    database: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Break the database under the running bot: the query for the episode fails.
    with sqlite3.connect(database) as connection:
        connection.execute("ALTER TABLE episode RENAME TO episode_gone")
    with caplog.at_level(logging.ERROR, logger="bot.tree"):
        result = await emulator.invoke(server.alice, "score episode", number=16)
    assert result.message.ephemeral
    assert result.message.content == t("error.unexpected")
    (record,) = [r for r in caplog.records if r.name == "bot.tree"]
    logged = record.getMessage()
    assert "/score episode" in logged
    assert str(server.alice.id) in logged and str(server.guild.id) in logged
    assert "'number': 16" in logged
    assert record.exc_info is not None


async def test_every_request_the_bot_sends_matches_discords_openapi_spec(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    from tests.emulator.openapi_check import check_request

    await emulator.invoke(server.alice, "score episode", number=16)
    await emulator.invoke(server.alice, "score episode", number=99)
    await emulator.autocomplete(server.alice, "score episode", focused="show", value="run", number=1)
    await emulator.invoke(server.alice, "summary")
    checked = 0
    for request in emulator.requests:
        if request.json is not None:
            check_request(request.method, request.path, request.json)
            checked += 1
    assert checked >= 4


async def test_the_bot_asks_discord_for_servers_only_and_hears_no_chatter(
    emulator: DiscordEmulator, server: Server, drama: DramaBot
) -> None:
    """A slash-command bot needs no message, typing or reaction events; Discord sends none."""
    (session,) = emulator.gateway.sessions_for(server.guild.id)
    assert session.intents == discord.Intents(guilds=True).value
    assert emulator.chatter(server.guild, messages=5, typing=5, reactions=5).queued == 0
    assert list(drama.cached_messages) == []
    # What GUILDS brings still arrives: a channel made now is in the bot's cache.
    channel = emulator.add_channel(server.guild, "episode-night")
    await eventually(lambda: drama.get_channel(channel.id) is not None)
    assert (await emulator.invoke(server.alice, "score episode", number=16)).message.embeds
