"""The benchmark's baseline: a bare discord.py 2.x bot with one slash command that answers ``pong``.

No database, no cogs, default client options. It reads the same variables as ``dramabot``
(DISCORD_TOKEN, DISCORD_API_BASE, DISCORD_GATEWAY_URL) so the benchmark points both at the same
emulator the same way, and syncs its one command at start-up as dramabot does.
"""

from __future__ import annotations

import asyncio
import os

import discord
from discord import app_commands

from discord_endpoints import point_discord_at


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


if __name__ == "__main__":
    asyncio.run(main())
