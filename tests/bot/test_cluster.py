"""dramabot past one machine: two processes with two shards each, sharing one PostgreSQL.

Real processes (``python -m bot``) against one emulator, which routes each server's events to the
process running its shard as Discord does, and a real PostgreSQL server. These tests are skipped
when no PostgreSQL can be started, unless ``DRAMABOT_REQUIRE_POSTGRES=1`` (as in CI).
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import asyncpg

from emulator import DiscordEmulator, EmulatorError, EmuMember, InteractionResult, shard_of
from tests.helpers import TOKEN, BotProcess, clean_env

SERVERS = 40
COUNT = 4
SLICES = ("0-1", "2-3")


def env_for(emulator: DiscordEmulator, database: str, shards: str) -> dict[str, str]:
    return clean_env(
        DISCORD_TOKEN=TOKEN,
        DISCORD_API_BASE=emulator.api_base,
        DISCORD_GATEWAY_URL=emulator.gateway_url,
        DATABASE_URL=database,
        SHARD_COUNT=str(COUNT),
        SHARD_IDS=shards,
        LOG_LEVEL="INFO",
    )


def slice_of(guild_id: int) -> str:
    return SLICES[0] if shard_of(guild_id, COUNT) in (0, 1) else SLICES[1]


def members_line(result: InteractionResult) -> str:
    assert result.message is not None and result.message.embeds, result
    description = result.message.embeds[0].get("description", "")
    (line,) = [part for part in description.splitlines() if part.startswith("Members:")]
    return re.sub(r"\*", "", line)


async def test_two_processes_serve_forty_servers_and_a_killed_one_loses_no_confirmed_rating(
    emulator: DiscordEmulator, postgresql_url: str, tmp_path: Path
) -> None:
    members: dict[int, list[EmuMember]] = {}
    for n in range(SERVERS):
        guild = emulator.add_guild(f"Drama Club {n}")
        members[guild.id] = [emulator.add_member(guild, emulator.add_user(f"fan-{n}-{k}")) for k in range(3)]
    assert {slice_of(g) for g in members} == set(SLICES)
    east = await BotProcess(tmp_path, env_for(emulator, postgresql_url, SLICES[0])).start()
    west = await BotProcess(tmp_path, env_for(emulator, postgresql_url, SLICES[1])).start()
    processes = {SLICES[0]: east, SLICES[1]: west}
    try:
        # Every server is answered, by the process that runs its shard.
        for guild_id, (fan, *_) in members.items():
            result = await emulator.invoke(fan, "score episode", number=16)
            assert members_line(result) == "Members: no member ratings yet", guild_id
        about = await emulator.invoke(members[next(iter(members))][0], "about")
        assert about.message is not None and "PostgreSQL" in str(
            about.message.embeds or about.message.content
        )

        # A burst of ratings in every server; the west process is killed in the middle of it.
        async def rate(fan: EmuMember, n: int) -> tuple[EmuMember, int, bool]:
            try:
                result = await emulator.invoke(fan, "rate", episode=n % 16 + 1, score=(n % 10 + 1) / 2)
            except EmulatorError:  # no answer in time: its process was killed
                return fan, n, False
            confirmed = result.message is not None and result.message.content.startswith("Saved your rating")
            return fan, n, confirmed

        everyone = [fan for fans in members.values() for fan in fans]
        burst = [asyncio.create_task(rate(fan, n)) for n, fan in enumerate(everyone)]
        await asyncio.sleep(0.3)
        await west.kill()
        outcomes = await asyncio.gather(*burst)

        confirmed = {(fan.guild.id, fan.id, n % 16 + 1): (n % 10 + 1) for fan, n, ok in outcomes if ok}
        east_guilds = {g for g in members if slice_of(g) == SLICES[0]}
        # The east process kept answering throughout: every rating in its servers was confirmed.
        assert all(ok for fan, _, ok in outcomes if fan.guild.id in east_guilds)
        assert any(not ok for fan, _, ok in outcomes if fan.guild.id not in east_guilds), "killed too late"
        connection = await asyncpg.connect(postgresql_url)
        try:
            stored = {
                (r["guild_id"], r["user_id"], r["episode"]): r["halves"]
                for r in await connection.fetch("SELECT guild_id, user_id, episode, halves FROM rating")
            }
        finally:
            await connection.close()
        assert confirmed.items() <= stored.items()

        # The killed process comes back, resumes its shards and answers again; ratings written
        # through either process are what /score shows in every server.
        west = BotProcess(tmp_path, env_for(emulator, postgresql_url, SLICES[1]))
        processes[SLICES[1]] = await west.start()
        for guild_id, fans in members.items():
            rated = sorted({e for (g, _, e) in stored if g == guild_id})
            for episode in rated[:2]:
                count = sum(1 for (g, _, e) in stored if g == guild_id and e == episode)
                result = await emulator.invoke(fans[0], "score episode", number=episode)
                line = members_line(result)
                assert line.endswith(f"from {count} rating" + ("s" if count > 1 else "")), (guild_id, line)
    finally:
        for process in processes.values():
            await process.stop()
