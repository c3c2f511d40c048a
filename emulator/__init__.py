"""A loopback Discord (REST v10 + gateway) for driving the real bot in tests, a console and benchmarks.

Typical use::

    async with DiscordEmulator() as emu:
        guild = emu.add_guild("Drama Club")
        alice = emu.add_member(guild, emu.add_user("alice"))
        async with connect_bot(make_bot(), emu):
            result = await emu.invoke(alice, "ping")
            assert result.message.content == "pong"

``shard_of(guild.id, num_shards)`` says which shard a guild's events go to (``connect_bot`` also takes
an ``AutoShardedClient`` or a ``Client(shard_id=..., shard_count=...)``, several bots at once).

Discord's protocol numbers (interaction, option and component types, opcodes, intents...) are named
in ``emulator.protocol``; permission bits in ``emulator.permissions``.
"""

from emulator.errors import (
    ClientRejected,
    CommandNotFound,
    DiscordHTTPError,
    EmulatorError,
    InteractionTimeout,
    NotConnected,
)
from emulator.gateway import shard_of
from emulator.harness import connect_bot, eventually, patched_discord
from emulator.messages import UploadedFile
from emulator.models import (
    EmuAttachment,
    EmuChannel,
    EmuFile,
    EmuGuild,
    EmuMember,
    EmuMessage,
    EmuRole,
    EmuUser,
    InteractionResult,
    Pinged,
    RecordedRequest,
    Unresolved,
)
from emulator.server import ChatterStats, DiscordEmulator

__all__ = [
    "ChatterStats",
    "ClientRejected",
    "CommandNotFound",
    "DiscordEmulator",
    "DiscordHTTPError",
    "EmuAttachment",
    "EmuChannel",
    "EmuFile",
    "EmuGuild",
    "EmuMember",
    "EmuMessage",
    "EmuRole",
    "EmuUser",
    "EmulatorError",
    "InteractionResult",
    "InteractionTimeout",
    "NotConnected",
    "Pinged",
    "RecordedRequest",
    "Unresolved",
    "UploadedFile",
    "connect_bot",
    "eventually",
    "patched_discord",
    "shard_of",
]
