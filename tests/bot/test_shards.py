"""Shards: one process running them all, or one slice of them; only shard 0's process syncs."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import pytest
from discord.ext import commands

from bot.settings import Settings, Shards
from emulator import DiscordEmulator
from tests.helpers import fields, only_embed, run_bot, server_on_shard, settings_for


def one_slice(settings: Settings, count: int, *ids: int) -> Settings:
    """Settings for a process that runs only ``ids`` of ``count`` shards.

    A host is refused this on SQLite (other processes would share the file: tests/bot/test_settings.py);
    here one process at a time uses the file, so the slice is built past that check.
    """
    return dataclasses.replace(settings, shards=Shards(count, ids))


async def test_one_process_runs_both_shards_and_answers_servers_on_each(
    emulator: DiscordEmulator, database: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first = server_on_shard(emulator, "Drama Club", shard=0, count=2)
    second = server_on_shard(emulator, "K-Drama Nights", shard=1, count=2)
    third = server_on_shard(emulator, "Run On Fans", shard=1, count=2)
    settings = settings_for(emulator, database, SHARD_COUNT="2", SHARD_IDS="0,1")
    with caplog.at_level(logging.INFO, logger="bot.bot"):
        async with run_bot(emulator, settings) as bot:
            assert isinstance(bot, commands.AutoShardedBot)
            assert sorted(bot.shards) == [0, 1]
            for server in (first, second, third):
                result = await emulator.invoke(server.alice, "score episode", number=16)
                assert only_embed(result)["title"] == "Run On · Episode 16"
            # /about names the shard the member's server is on, and every server this process holds.
            on_zero = fields(only_embed(await emulator.invoke(first.alice, "about")))
            on_one = fields(only_embed(await emulator.invoke(second.bob, "about")))
    assert (on_zero["Shard"], on_one["Shard"]) == ("0 of 2", "1 of 2")
    assert on_zero["Servers"] == on_one["Servers"] == "3 servers on this process"
    assert len(emulator.command_writes) == 1  # this process runs shard 0, so it synced
    assert (
        "This process runs 2 shards (0-1) of 2: shard 0 holds 1 server; shard 1 holds 2 servers"
        in caplog.messages
    )


async def test_only_the_process_running_shard_zero_writes_the_commands(
    emulator: DiscordEmulator, database: Path, caplog: pytest.LogCaptureFixture
) -> None:
    on_zero = server_on_shard(emulator, "Drama Club", shard=0, count=2)
    on_one = server_on_shard(emulator, "K-Drama Nights", shard=1, count=2)
    settings = settings_for(emulator, database)
    # The process for shard 1 starts first, on an application with no commands yet: it leaves them.
    with caplog.at_level(logging.INFO, logger="bot.bot"):
        async with run_bot(emulator, one_slice(settings, 2, 1)) as bot:
            assert not bot.commands_synced
    assert emulator.command_writes == []
    assert emulator.registered_commands() == []
    assert any("the process that runs shard 0 does that" in message for message in caplog.messages)
    assert "This process runs 1 shard (1) of 2: shard 1 holds 1 server" in caplog.messages

    async with run_bot(emulator, one_slice(settings, 2, 0)) as bot:
        assert bot.commands_synced
        result = await emulator.invoke(on_zero.alice, "score episode", number=16)
        assert only_embed(result)["title"] == "Run On · Episode 16"
    assert len(emulator.command_writes) == 1

    # Shard 1's process again: the commands are there now, it answers and still writes none.
    async with run_bot(emulator, one_slice(settings, 2, 1)):
        result = await emulator.invoke(on_one.alice, "score episode", number=16)
        assert only_embed(result)["title"] == "Run On · Episode 16"
    assert len(emulator.command_writes) == 1


async def test_shard_count_auto_takes_discords_recommendation_and_syncs(
    emulator: DiscordEmulator, database: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = server_on_shard(emulator, "Drama Club", shard=0, count=1)
    settings = settings_for(emulator, database, SHARD_COUNT="auto")
    with caplog.at_level(logging.INFO, logger="bot.bot"):
        async with run_bot(emulator, settings) as bot:
            assert bot.shard_count == 1  # what the emulator's GET /gateway/bot recommends
            result = await emulator.invoke(server.alice, "score episode", number=16)
            assert only_embed(result)["title"] == "Run On · Episode 16"
    assert len(emulator.command_writes) == 1
    assert "Discord recommends 1 shard (SHARD_COUNT=auto); running them all" in caplog.messages
    assert "This process runs 1 shard (0) of 1: shard 0 holds 1 server" in caplog.messages


async def test_without_shard_count_the_bot_is_a_plain_bot(emulator: DiscordEmulator, database: Path) -> None:
    server = server_on_shard(emulator, "Drama Club", shard=0, count=1)
    async with run_bot(emulator, settings_for(emulator, database)) as bot:
        assert not isinstance(bot, commands.AutoShardedBot)
        assert bot.shard_count is None
        result = await emulator.invoke(server.alice, "score episode", number=16)
        assert only_embed(result)["title"] == "Run On · Episode 16"
