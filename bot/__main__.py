"""``dramabot`` / ``python -m bot``: read settings, set up logging, run the bot until stopped."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys

import discord
import yarl
from dotenv import load_dotenv

from bot.bot import DramaBot
from bot.settings import Settings, SettingsError
from bot.showfile import ShowFileError
from bot.store import StoreError

log = logging.getLogger("bot")


def point_at(settings: Settings) -> None:
    """Send REST and gateway traffic where the settings say (Discord, a proxy, or the emulator).

    discord.py reads both class attributes at request/connect time, so they must be set before login.
    """
    discord.http.Route.BASE = settings.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


async def run(settings: Settings) -> None:
    point_at(settings)
    bot = DramaBot(settings)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, lambda s=signum: _stop(bot, s))
    async with bot:
        await bot.start(settings.discord_token)


def _stop(bot: DramaBot, signum: int) -> None:
    log.info("Received %s; shutting down", signal.Signals(signum).name)
    asyncio.get_running_loop().create_task(bot.close())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dramabot", description="Run the dramabot Discord bot.")
    parser.parse_args(argv)
    load_dotenv()
    try:
        settings = Settings.from_env(os.environ)
    except SettingsError as exc:
        print(f"dramabot: {exc}", file=sys.stderr)
        return 2
    discord.utils.setup_logging(level=settings.log_level, root=True)
    try:
        asyncio.run(run(settings))
    except discord.LoginFailure:
        print(
            "dramabot: DISCORD_TOKEN was refused by Discord. Reset the token at "
            "https://discord.com/developers/applications > your app > Bot, and update .env",
            file=sys.stderr,
        )
        return 1
    except (StoreError, ShowFileError) as exc:
        print(f"dramabot: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
