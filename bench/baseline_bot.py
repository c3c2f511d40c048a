"""The benchmark's baseline: a bare discord.py 2.x bot with one slash command that answers ``pong``.

No database, no cogs, default client options. It reads the same variables as ``dramabot``
(DISCORD_TOKEN, DISCORD_API_BASE, DISCORD_GATEWAY_URL) so the benchmark points both at the same
emulator the same way, and syncs its one command at start-up as dramabot does.

It runs in the same environment as dramabot, so discord.py uses orjson and the bot runs on uvloop
when they are installed. ``BENCH_BARE=1`` runs it as a typical discord.py bot instead: orjson
cannot be imported (discord.py then uses the standard json) and asyncio's own event loop runs it.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable

BARE = os.environ.get("BENCH_BARE") == "1"
if BARE:
    sys.modules["orjson"] = None  # type: ignore[assignment]  # `import orjson` raises ImportError

import discord  # noqa: E402  # after the block above
from discord import app_commands  # noqa: E402

from discord_endpoints import point_discord_at  # noqa: E402


class Baseline(discord.Client):
    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.default())
        self.tree = app_commands.CommandTree(self)

        @self.tree.command(name="ping", description="Answers pong")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pong")

    async def setup_hook(self) -> None:
        await self.tree.sync()


async def main() -> None:
    point_discord_at(os.environ["DISCORD_API_BASE"], os.environ["DISCORD_GATEWAY_URL"])
    async with Baseline() as client:
        await client.start(os.environ["DISCORD_TOKEN"])


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    if BARE:
        return None
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


if __name__ == "__main__":
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        runner.run(main())
