"""/about: what the running bot is, asked by any member."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from bot.bot import DramaBot
from emulator import DiscordEmulator
from tests.helpers import (
    Server,
    fields,
    is_postgresql,
    only_embed,
    private_reply,
    snapshot,
)

# What Babel writes for a short uptime; which unit depends on how long the test took to get here.
UPTIME = re.compile(r"^\d+ (second|minute|hour)s?$")


async def test_about_tells_a_member_the_version_shard_servers_storage_and_uptime(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, database: Path | str
) -> None:
    before = snapshot(database)
    result = await emulator.invoke(server.bob, "about")
    assert result.message.ephemeral
    embed = only_embed(result)
    assert embed["title"] == f"dramabot {metadata.version('dramabot')}"
    shown = fields(embed)
    assert shown["Shard"] == "0 of 1"
    assert shown["Servers"] == "1 server on this process"
    # The suite runs on SQLite, and on PostgreSQL with DRAMABOT_TEST_BACKEND=postgresql.
    assert shown["Storage"] == ("PostgreSQL" if is_postgresql(database) else "SQLite")
    assert UPTIME.match(shown["Uptime"]), shown["Uptime"]
    assert snapshot(database) == before


async def test_about_from_a_dm_is_refused_politely(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    dm = emulator.dm_channel(server.alice)
    result = await emulator.invoke(server.alice, "about", validate=False, in_channel=dm)
    assert private_reply(result) == "This command only works inside a server."
