"""``dramabot`` / ``python -m bot``: read settings, set up logging, run the bot until stopped."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys

import discord
from dotenv import find_dotenv, load_dotenv

from bot.bot import DramaBot
from bot.console import cli as console_cli
from bot.settings import Settings, SettingsError
from bot.showfile import ShowFileError
from bot.store import StoreError
from discord_endpoints import point_discord_at

log = logging.getLogger("bot")


def point_at(settings: Settings) -> None:
    """Send REST and gateway traffic where the settings say (Discord, a proxy, or the emulator).

    discord.py reads both class attributes at request/connect time, so they must be set before login.
    """
    point_discord_at(settings.api_base, settings.gateway_url)


async def run(settings: Settings) -> None:
    """Run until Discord closes the connection for good or SIGINT/SIGTERM asks us to stop."""
    point_at(settings)
    bot = DramaBot(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, _asked_to_stop, stop, signum)
    async with bot:
        runner = asyncio.create_task(bot.start(settings.discord_token))
        stopper = asyncio.create_task(stop.wait())
        await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()
        if stop.is_set():
            # Awaited here, not fired and forgotten: the store must be closed before the loop ends.
            await bot.close()
        await runner  # re-raises why start-up failed, e.g. a refused token


def _asked_to_stop(stop: asyncio.Event, signum: int) -> None:
    log.info("Received %s; shutting down", signal.Signals(signum).name)
    stop.set()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dramabot", description="Run the dramabot Discord bot.")
    subcommands = parser.add_subparsers(dest="subcommand", metavar="{console}")
    console_cli.add_arguments(
        subcommands.add_parser(
            "console",
            help="try the bot locally: the real bot on a Discord emulator, with a prompt",
            description=console_cli.DESCRIPTION,
        )
    )
    args = parser.parse_args(argv)
    # .env beside where the bot is started, like the relative DATABASE_URL; not beside the code.
    load_dotenv(find_dotenv(usecwd=True))
    if args.subcommand == "console":
        return console_cli.main(args, os.environ)
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
