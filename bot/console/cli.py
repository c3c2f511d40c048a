"""The ``dramabot console`` subcommand: arguments, settings, logging, exit status."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Mapping
from pathlib import Path

import discord

from bot.settings import SettingsError
from bot.showfile import ShowFileError
from bot.store import StoreError

log = logging.getLogger(__name__)

DESCRIPTION = (
    "Start the real bot on a local Discord emulator and use it as a member would: slash commands with "
    "Tab completion, replies drawn in the terminal. Without -c and with a pipe on standard input, "
    "each input line is run. The exit status is 1 if any line failed or the bot logged an error."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-c",
        "--command",
        action="append",
        dest="commands",
        metavar="LINE",
        help='run LINE (a /command or a :console command) without a prompt; repeatable, e.g. -c ":as bob"',
    )
    parser.add_argument(
        "--files",
        type=Path,
        metavar="DIR",
        help="where attachments the bot sends are saved (default: console-files/ beside the database)",
    )
    parser.add_argument("--reveal", action="store_true", help="show spoilers instead of blacking them out")
    parser.add_argument(
        "--log-level",
        default="WARNING",
        choices=["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"],
        help="the bot's log on standard error (default: WARNING)",
    )


def main(args: argparse.Namespace, env: Mapping[str, str] = os.environ) -> int:
    # Imported here: running the bot itself needs none of the console's terminal libraries.
    from bot.console.app import console_settings, make_console, run_console, stdin_is_terminal
    from bot.console.session import ErrorWatch
    from emulator import EmulatorError

    try:
        settings = console_settings(env)
    except SettingsError as exc:
        print(f"dramabot: {exc}", file=sys.stderr)
        return 2
    discord.utils.setup_logging(level=logging.getLevelNamesMapping()[args.log_level], root=True)
    error_watch = ErrorWatch()
    logging.getLogger().addHandler(error_watch)
    interactive = args.commands is None and stdin_is_terminal()
    out = make_console(interactive)
    try:
        failures = asyncio.run(
            run_console(
                settings,
                commands=args.commands,
                interactive=interactive,
                out=out,
                files_dir=args.files,
                reveal=args.reveal,
                error_watch=error_watch,
            )
        )
    except (StoreError, ShowFileError, EmulatorError) as exc:
        print(f"dramabot: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    # Counted to the very end: an error logged while the bot started or shut down fails the run too.
    if error_watch.count and not failures:
        print("dramabot: the bot logged an error during the run (see above)", file=sys.stderr)
    return 1 if failures or error_watch.count else 0
