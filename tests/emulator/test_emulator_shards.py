"""Sharding end-to-end: bare discord.py sharded clients against one emulator, as a bot split over
several processes runs against Discord. Each process owns the servers of its shards and hears of
nothing else; members notice nothing but their answers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import discord
import pytest
from discord import app_commands

from emulator import DiscordEmulator, EmuGuild, EmuMember, InteractionResult, connect_bot, shard_of
from emulator.protocol import Intent

SERVERS = 40


class Where(discord.Client):
    """One process of a sharded bot: ``/where`` says which process and shard answered."""

    def __init__(self, name: str, *, sync: bool = True, **options: object) -> None:
        super().__init__(intents=discord.Intents.default(), guild_ready_timeout=0.05, **options)
        self.name = name
        self.sync_on_start = sync
        self.tree = app_commands.CommandTree(self)
        self.interactions: list[int | None] = []  # guild ids of the interactions this process got
        self.messages: list[int] = []  # guild ids of the members' messages it heard
        self.left: list[int] = []  # guilds it was removed from
        self.outcomes: asyncio.Queue[str] = asyncio.Queue()  # "answered", or the error code Discord gave

        @self.tree.command(description="Which process and shard answers")
        async def where(interaction: discord.Interaction) -> None:
            if interaction.guild is None:
                reply = f"{self.name} in a DM"
            else:
                reply = f"{self.name}, shard {interaction.guild.shard_id}"
            try:
                await interaction.response.send_message(reply)
            except discord.HTTPException as exc:
                await self.outcomes.put(f"refused {exc.code}")
            else:
                await self.outcomes.put("answered")

    async def setup_hook(self) -> None:
        if self.sync_on_start:
            await self.tree.sync()

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        self.interactions.append(interaction.guild_id)

    async def on_message(self, message: discord.Message) -> None:
        if message.guild is not None and not message.author.bot:
            self.messages.append(message.guild.id)

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        self.left.append(guild.id)


class OneShardBot(Where):
    """A plain ``discord.Client`` given ``shard_id`` and ``shard_count``: one session."""


class ShardedBot(Where, discord.AutoShardedClient):
    """An ``AutoShardedClient``: one session per shard in ``shard_ids`` (default: all of them)."""

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """No pause between shards: discord.py waits 5 s for Discord's identify rate limit, which the
        emulator does not enforce."""


@pytest.fixture
def clubs(emulator: DiscordEmulator) -> list[EmuGuild]:
    return [emulator.add_guild(f"Drama Club {n}") for n in range(SERVERS)]


@pytest.fixture
def members(emulator: DiscordEmulator, clubs: list[EmuGuild]) -> dict[int, EmuMember]:
    """One member per club, by guild id."""
    return {g.id: emulator.add_member(g, emulator.add_user(f"fan-{n}")) for n, g in enumerate(clubs)}


@pytest.fixture
async def east_and_west(
    emulator: DiscordEmulator, members: dict[int, EmuMember]
) -> AsyncIterator[tuple[ShardedBot, ShardedBot]]:
    """Two processes of one bot: "east" runs shards 0 and 1 of 4, "west" shards 2 and 3."""
    async with (
        connect_bot(ShardedBot("east", shard_ids=[0, 1], shard_count=4), emulator) as east,
        connect_bot(ShardedBot("west", shard_ids=[2, 3], shard_count=4, sync=False), emulator) as west,
    ):
        yield east, west


def owner(guild_id: int, east: ShardedBot, west: ShardedBot) -> ShardedBot:
    return east if shard_of(guild_id, 4) in (0, 1) else west


def shards_reached(emulator: DiscordEmulator, result: InteractionResult) -> list[tuple[int, int] | None]:
    return [emulator.gateway.sessions[session_id].shard for session_id in result.sessions]


async def ask_every_shard(emulator: DiscordEmulator, members: dict[int, EmuMember], shards: int) -> None:
    """A member on each shard runs /where: once it is answered, each process has handled everything
    its shards were sent before (a session's events arrive in order)."""
    asked: set[int] = set()
    for guild_id, member in members.items():
        if shard_of(guild_id, shards) not in asked:
            asked.add(shard_of(guild_id, shards))
            assert (await emulator.invoke(member, "where")).message is not None


def test_fresh_servers_spread_evenly_over_the_shards(clubs: list[EmuGuild]) -> None:
    for shards in (2, 3, 4):
        per_shard = [sum(shard_of(g.id, shards) == s for g in clubs) for s in range(shards)]
        assert max(per_shard) - min(per_shard) <= 1


async def test_two_processes_each_serve_exactly_the_servers_of_their_shards(
    emulator: DiscordEmulator, members: dict[int, EmuMember], east_and_west: tuple[ShardedBot, ShardedBot]
) -> None:
    east, west = east_and_west
    for guild_id, member in members.items():
        result = await emulator.invoke(member, "where")
        shard = shard_of(guild_id, 4)
        assert result.message is not None
        assert result.message.content == f"{owner(guild_id, east, west).name}, shard {shard}"
        assert shards_reached(emulator, result) == [(shard, 4)]

    assert sorted(east.shards) == [0, 1] and sorted(west.shards) == [2, 3]
    theirs = {bot.name: sorted(g for g in members if owner(g, east, west) is bot) for bot in (east, west)}
    assert sorted(g.id for g in east.guilds) == theirs["east"]
    assert sorted(g.id for g in west.guilds) == theirs["west"]
    assert sorted(east.interactions) == theirs["east"]  # type: ignore[type-var]
    assert sorted(west.interactions) == theirs["west"]  # type: ignore[type-var]
    assert sorted(emulator.gateway.shards()) == [(0, 4), (1, 4), (2, 4), (3, 4)]  # type: ignore[type-var]


async def test_new_servers_removals_chatter_and_dms_reach_only_the_owning_process(
    emulator: DiscordEmulator,
    clubs: list[EmuGuild],
    members: dict[int, EmuMember],
    east_and_west: tuple[ShardedBot, ShardedBot],
) -> None:
    east, west = east_and_west
    emulator.privileged_intents = Intent.MESSAGE_CONTENT
    late = emulator.add_guild("Late Night Club")
    newcomer = emulator.add_member(late, emulator.add_user("newcomer"))
    result = await emulator.invoke(newcomer, "where")
    assert result.message is not None
    host = owner(late.id, east, west)
    assert result.message.content == f"{host.name}, shard {shard_of(late.id, 4)}"
    assert host.get_guild(late.id) is not None
    assert (west if host is east else east).get_guild(late.id) is None

    emulator.chatter(clubs, messages=SERVERS)
    gone = clubs[5]
    emulator.remove_guild(gone)
    await ask_every_shard(emulator, {g: m for g, m in members.items() if g != gone.id}, 4)
    assert sorted(east.messages) == sorted(g.id for g in clubs if owner(g.id, east, west) is east)
    assert sorted(west.messages) == sorted(g.id for g in clubs if owner(g.id, east, west) is west)
    assert owner(gone.id, east, west).left == [gone.id]
    assert (west if owner(gone.id, east, west) is east else east).left == []
    assert east.get_guild(gone.id) is None and west.get_guild(gone.id) is None

    fan = members[clubs[0].id]
    in_dm = await emulator.invoke(fan, "where", in_channel=emulator.dm_channel(fan))
    assert in_dm.message is not None and in_dm.message.content == "east in a DM"
    assert shards_reached(emulator, in_dm) == [(0, 4)]


async def test_an_auto_sharded_bot_runs_as_many_shards_as_discord_recommends(
    emulator: DiscordEmulator, members: dict[int, EmuMember]
) -> None:
    emulator.recommended_shards = 3
    async with connect_bot(ShardedBot("solo"), emulator) as solo:
        assert solo.shard_count == 3 and sorted(solo.shards) == [0, 1, 2]
        for guild_id, member in members.items():
            result = await emulator.invoke(member, "where")
            assert result.message is not None
            assert result.message.content == f"solo, shard {shard_of(guild_id, 3)}"
        assert len(solo.guilds) == SERVERS
    assert [r.route for r in emulator.requests if r.route == "/gateway/bot"] == ["/gateway/bot"]


async def test_a_small_bot_is_recommended_one_shard(
    emulator: DiscordEmulator, members: dict[int, EmuMember]
) -> None:
    async with connect_bot(ShardedBot("small"), emulator) as small:
        assert small.shard_count == 1
        result = await emulator.invoke(next(iter(members.values())), "where")
        assert result.message is not None and result.message.content == "small, shard 0"
        assert emulator.gateway.shards() == [(0, 1)]


@pytest.mark.parametrize("shard", [(4, 4), (7, 2)])
async def test_a_shard_outside_the_count_is_refused(
    emulator: DiscordEmulator, clubs: list[EmuGuild], shard: tuple[int, int]
) -> None:
    shard_id, shard_count = shard
    with pytest.raises(discord.ConnectionClosed) as refused:
        async with connect_bot(OneShardBot("stray", shard_id=shard_id, shard_count=shard_count), emulator):
            pass
    assert refused.value.code == 4010
    assert emulator.gateway.shards() == []


async def test_two_deployments_on_the_same_shard_both_hear_it_and_the_first_answer_wins(
    emulator: DiscordEmulator, members: dict[int, EmuMember]
) -> None:
    """Discord accepts a second session for a shard that already has one (a hand-over to a new
    deployment), and both get that shard's traffic."""
    guild_id, member = next((g, m) for g, m in members.items() if shard_of(g, 2) == 0)
    async with AsyncExitStack() as stack:
        old = await stack.enter_async_context(
            connect_bot(OneShardBot("old", shard_id=0, shard_count=2), emulator)
        )
        new = await stack.enter_async_context(
            connect_bot(OneShardBot("new", shard_id=0, shard_count=2, sync=False), emulator)
        )
        assert emulator.gateway.shards() == [(0, 2), (0, 2)]
        assert sorted(g.id for g in old.guilds) == sorted(g.id for g in new.guilds)
        assert sorted(g.id for g in old.guilds) == sorted(g for g in members if shard_of(g, 2) == 0)

        result = await emulator.invoke(member, "where")
        assert shards_reached(emulator, result) == [(0, 2), (0, 2)]
        assert result.message is not None and result.message.content in ("old, shard 0", "new, shard 0")
        outcomes = {await asyncio.wait_for(bot.outcomes.get(), 5) for bot in (old, new)}
        assert outcomes == {"answered", "refused 40060"}  # Interaction has already been acknowledged
        assert old.interactions == new.interactions == [guild_id]
        assert len(result.messages) == 1


async def test_a_dropped_shard_resumes_and_gets_what_it_missed_while_the_others_carry_on(
    emulator: DiscordEmulator, members: dict[int, EmuMember]
) -> None:
    async with connect_bot(ShardedBot("duo", shard_count=2), emulator) as duo:
        sessions = {s.shard: s for s in emulator.gateway.live_sessions()}
        steady_socket = sessions[(0, 2)].ws
        on_shard = {s: next(m for g, m in members.items() if shard_of(g, 2) == s) for s in (0, 1)}

        await emulator.drop_connection(shard=(1, 2))
        missed = await emulator.invoke(on_shard[1], "where")  # queued while shard 1 is away
        assert missed.message is not None and missed.message.content == "duo, shard 1"
        assert missed.sessions == [sessions[(1, 2)].session_id]
        carried_on = await emulator.invoke(on_shard[0], "where")
        assert carried_on.message is not None and carried_on.message.content == "duo, shard 0"
        assert sessions[(0, 2)].ws is steady_socket

        await emulator.drop_connection()
        for shard, member in on_shard.items():
            result = await emulator.invoke(member, "where")
            assert result.message is not None and result.message.content == f"duo, shard {shard}"
        assert emulator.gateway.identify_count == 2 and emulator.gateway.resume_count == 3
        assert {s.shard: s.session_id for s in emulator.gateway.live_sessions()} == {
            shard: session.session_id for shard, session in sessions.items()
        }
        assert len(duo.interactions) == 4
