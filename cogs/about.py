"""What the running bot is, for everyone: /about."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from importlib import metadata
from typing import TYPE_CHECKING

import discord
from babel.dates import format_timedelta
from discord import app_commands
from discord.ext import commands

from bot.context import DramaInteraction, guild_id
from bot.present import COLOUR_COMMUNITY
from bot.replies import send_private
from bot.text import DEFAULT_LOCALE, t

if TYPE_CHECKING:
    from bot.bot import DramaBot


@dataclass(frozen=True, slots=True)
class Uptime:
    """A duration put into words in the reader's locale by Babel (CLDR): "3 hours", "1 day"."""

    elapsed: timedelta

    def render(self, locale: str = DEFAULT_LOCALE) -> str:
        # Babel has no word for less than a second; a bot that answers has been up at least that long.
        return format_timedelta(max(self.elapsed, timedelta(seconds=1)), locale=locale)


def installed_version() -> str:
    try:
        return metadata.version("dramabot")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return t("about.version_unknown")


class About(commands.Cog):
    """The version, this server's shard, the process's servers, the storage and the uptime."""

    def __init__(self, bot: DramaBot, version: str) -> None:
        self.bot = bot
        self.version = version

    @app_commands.command(name="about", description="Version, shard, storage and uptime of this bot")
    @app_commands.guild_only()
    async def about(self, interaction: DramaInteraction) -> None:
        bot = self.bot
        embed = discord.Embed(title=t("about.title", version=self.version), colour=COLOUR_COMMUNITY)
        shard = t("about.shard_value", shard=bot.shard_of(guild_id(interaction)), total=bot.shard_count or 1)
        embed.add_field(name=t("about.shard"), value=shard)
        embed.add_field(name=t("about.servers"), value=t("about.servers_value", count=len(bot.guilds)))
        embed.add_field(name=t("about.storage"), value=bot.store.backend)
        embed.add_field(name=t("about.uptime"), value=t("about.uptime_value", uptime=Uptime(bot.uptime)))
        await send_private(interaction, embed=embed)


async def setup(bot: DramaBot) -> None:
    # Read once here: the installed metadata is a file, and a command must not read files on the loop.
    await bot.add_cog(About(bot, installed_version()))
