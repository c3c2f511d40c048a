"""``dramabot`` / ``python -m bot``: read settings, set up logging, run the bot until stopped.

Exit status: 0 when stopped by SIGINT/SIGTERM (at any moment, even mid-start-up), 2 for a bad
setting, 1 when start-up fails; each failure is one line on stderr that says what to do.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from functools import partial
from types import FrameType

# Not __name__: run as ``python -m bot`` this module is "__main__", outside the "bot" logger tree.
log = logging.getLogger("bot")

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _StopRequested(BaseException):
    """SIGINT/SIGTERM outside the event loop: nothing is open then, so the process just ends."""


def _stop_now(signum: int, frame: FrameType | None) -> None:
    raise _StopRequested(signum)


class _QuietStop:
    """While active, SIGINT/SIGTERM end the process with status 0 instead of a traceback or a kill."""

    def __enter__(self) -> _QuietStop:
        self._previous = {signum: signal.signal(signum, _stop_now) for signum in _STOP_SIGNALS}
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()

    def release(self) -> None:
        """Put back the handlers there were before (the console wants its KeyboardInterrupt)."""
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous = {}

    def resume(self) -> None:
        """Quiet again, once the event loop runner has put back the default handlers as it closed its loop."""
        for signum in _STOP_SIGNALS:
            signal.signal(signum, _stop_now)


def main(argv: list[str] | None = None) -> int:
    try:
        with _QuietStop() as quiet:
            return _main(argv, quiet)
    except _StopRequested:
        return 0


def _main(argv: list[str] | None, quiet: _QuietStop) -> int:
    # Imported once the stop handlers are in: importing discord.py takes a noticeable moment, and
    # a Ctrl-C during it must end the process quietly, not with a traceback.
    import discord
    from dotenv import find_dotenv, load_dotenv

    from bot import startup
    from bot.settings import Settings, SettingsError

    args = _parse(sys.argv[1:] if argv is None else argv)
    # .env beside where the bot is started, like the relative DATABASE_URL; not beside the code.
    load_dotenv(find_dotenv(usecwd=True))
    startup.quiet_voice_warnings()
    if args.subcommand == "copy-db":
        from bot import copy_db

        quiet.release()
        return copy_db.main(args)
    if args.subcommand == "console":
        from bot.console import cli as console_cli

        quiet.release()
        return console_cli.main(args, os.environ)
    try:
        settings = Settings.from_env(os.environ)
    except SettingsError as exc:
        print(f"dramabot: {exc}", file=sys.stderr)
        return 2
    discord.utils.setup_logging(level=settings.log_level, root=True)
    policy = startup.RetryPolicy.within(settings.connect_timeout)
    try:
        with asyncio.Runner(loop_factory=_loop_factory()) as runner:
            runner.run(_until_stopped(partial(startup.serve, settings, policy)))
    except Exception as exc:
        line = startup.explain(exc, settings)
        if line is None:
            raise
        print(f"dramabot: {line}", file=sys.stderr)
        return 1
    finally:
        quiet.resume()
    return 0


def _parse(argv: list[str]) -> argparse.Namespace:
    """The command line. A subcommand's module is imported only when it is the one asked for: the
    console pulls in its renderers and the emulator, which running the bot never needs."""
    parser = argparse.ArgumentParser(prog="dramabot", description="Run the dramabot Discord bot.")
    subcommands = parser.add_subparsers(dest="subcommand", metavar="{console,copy-db}")
    asked = next((arg for arg in argv if not arg.startswith("-")), None)
    console = subcommands.add_parser(
        "console", help="try the bot locally: the real bot on a Discord emulator, with a prompt"
    )
    if asked == "console":
        from bot.console import cli as console_cli

        console.description = console_cli.DESCRIPTION
        console_cli.add_arguments(console)
    copying = subcommands.add_parser(
        "copy-db", help="copy the whole database to another (SQLite or PostgreSQL), verified"
    )
    if asked == "copy-db":
        from bot import copy_db

        copying.description = copy_db.DESCRIPTION
        copy_db.add_arguments(copying)
    return parser.parse_args(argv)


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop where it is installed (a dependency on Linux and macOS): discord.py's
    socket and timer work costs less CPU on it (README Benchmarks); asyncio's own loop elsewhere."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


async def _until_stopped(serve: Callable[[asyncio.Event], Awaitable[None]]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    # Before anything slow: from here on a signal asks ``serve`` to stop whatever is under way.
    for signum in _STOP_SIGNALS:
        loop.add_signal_handler(signum, _asked_to_stop, stop, signum)
    await serve(stop)


def _asked_to_stop(stop: asyncio.Event, signum: int) -> None:
    log.info("Received %s; shutting down", signal.Signals(signum).name)
    stop.set()


if __name__ == "__main__":
    sys.exit(main())
