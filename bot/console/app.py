"""``dramabot console``: the real bot, connected to a local Discord emulator, with a prompt in front.

The bot is :class:`bot.bot.DramaBot`, started with ``bot.start`` like ``dramabot`` does, only with
its REST base and gateway URL pointed at the emulator. Lines come from a prompt (prompt_toolkit:
history, editing, Tab completion), from ``-c`` arguments, or from standard input.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import discord
from prompt_toolkit import PromptSession
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.completion import WordCompleter
from prompt_toolkit.history import FileHistory
from rich.console import Console
from rich.text import Text

from bot.bot import DramaBot
from bot.console.complete import ConsoleCompleter
from bot.console.markdown import Names
from bot.console.render import Renderer
from bot.console.session import ConsoleSession, ErrorWatch
from bot.console.world import World, stable_id
from bot.settings import Settings
from emulator import DiscordEmulator, EmuGuild, EmulatorError, connect_bot

log = logging.getLogger(__name__)

DEFAULT_DATABASE_URL = "sqlite:///data/console.db"
# Shaped like a bot token so the settings check accepts it; only the local emulator ever sees it.
CONSOLE_TOKEN = "Y29uc29sZQ.ZHJhbWFib3Q.bG9jYWwtb25seQ"
STARTUP_TIMEOUT = 120.0  # seconds: a first run creates the database and migrates it


def console_settings(env: Mapping[str, str]) -> Settings:
    """The bot's settings for the console: its own database unless DATABASE_URL names one.

    The token, URLs and DEV_GUILD_ID of a real deployment are ignored: the console never talks to
    Discord. Raises :class:`bot.settings.SettingsError` for a malformed DATABASE_URL.
    """
    return Settings.from_env(
        {
            "DISCORD_TOKEN": CONSOLE_TOKEN,
            "DATABASE_URL": env.get("DATABASE_URL", "") or DEFAULT_DATABASE_URL,
            # Replaced by the emulator's addresses once it listens.
            "DISCORD_API_BASE": "http://127.0.0.1",
            "DISCORD_GATEWAY_URL": "ws://127.0.0.1",
        }
    )


class ScriptSource:
    """Lines from ``-c`` arguments or a pipe; each is echoed, since nobody saw it being typed."""

    echo = True

    def __init__(self, lines: list[str] | None, out: Console) -> None:
        self._lines = list(lines) if lines is not None else None
        self.out = out

    async def _next(self) -> str | None:
        if self._lines is not None:
            return self._lines.pop(0) if self._lines else None
        line = await asyncio.to_thread(sys.stdin.readline)
        return line.rstrip("\r\n") if line else None

    async def read_line(self, prompt: str) -> str | None:
        return await self._next()

    async def ask(self, question: str, default: str, choices: list[str] | None = None) -> str | None:
        answer = await self._next()
        if answer is None:
            return None
        answer = answer.strip()
        chosen = answer or default
        shown = f" [{default}]" if default else ""
        self.out.print(Text(f"  {question}{shown}: {chosen}", style="grey70"))
        return chosen


class PromptSource:
    """A terminal prompt with history, editing and completion."""

    echo = False

    def __init__(self, session: ConsoleSession, history: Path) -> None:
        history.parent.mkdir(parents=True, exist_ok=True)
        self._commands: PromptSession[str] = PromptSession(
            history=FileHistory(str(history)),
            completer=ConsoleCompleter(session),
            # Tab asks; completing on every key raced with Tab for answers from the bot.
            complete_while_typing=False,
            auto_suggest=AutoSuggestFromHistory(),
        )
        self._answers: PromptSession[str] = PromptSession()

    async def read_line(self, prompt: str) -> str | None:
        while True:
            try:
                return await self._commands.prompt_async(prompt)
            except KeyboardInterrupt:
                continue  # Ctrl-C clears the line, as in a shell
            except EOFError:
                return None

    async def ask(self, question: str, default: str, choices: list[str] | None = None) -> str | None:
        completer = WordCompleter(choices, ignore_case=True, sentence=True) if choices else None
        try:
            return await self._answers.prompt_async(f"  {question}: ", default=default, completer=completer)
        except (KeyboardInterrupt, EOFError):
            return None


def names_for(emu: DiscordEmulator, world: World) -> Names:
    """How mentions in replies are shown: by the names of the console's world."""

    def user(user_id: int) -> str | None:
        member = world.server.get_member(user_id)
        if member is not None:
            return member.nick or member.user.global_name or member.user.name
        found = emu.users.get(user_id)
        return found.name if found else None

    def role(role_id: int) -> str | None:
        guild: EmuGuild = world.server
        found = guild.roles.get(role_id)
        return found.name if found else None

    def channel(channel_id: int) -> str | None:
        found = emu.find_channel(channel_id)
        return found[0].name if found else None

    return Names(user=user, role=role, channel=channel)


async def run_console(
    settings: Settings,
    *,
    commands: list[str] | None,
    interactive: bool,
    out: Console,
    files_dir: Path | None = None,
    reveal: bool = False,
    error_watch: ErrorWatch | None = None,
) -> int:
    """Start the emulator and the bot, run the lines, stop both. Returns the number of failed lines.

    Everything started is stopped before this returns, in an order that leaves nothing to fail
    later: the bot's handlers finish, its views stop (no timeout fires into a closed session), the
    bot closes, the emulator closes its sockets, and whatever task is left is cancelled and awaited.
    """
    # The bot never joins voice; discord.py's "voice will NOT be supported" warnings are noise here.
    discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
    emu = DiscordEmulator(token=CONSOLE_TOKEN, application_id=stable_id("application", "dramabot"))
    await emu.start()
    try:
        # Every server must exist before the bot connects, so that it arrives in GUILD_CREATE.
        world = World.build(emu)
        settings = dataclasses.replace(settings, api_base=emu.api_base, gateway_url=emu.gateway_url)
        bot = DramaBot(settings)
        async with connect_bot(bot, emu, token=settings.discord_token, timeout=STARTUP_TIMEOUT):
            if not bot.commands_synced:
                raise EmulatorError("the bot became ready without syncing its commands")
            renderer = Renderer(
                names_for(emu, world),
                files_dir or settings.database_path.parent / "console-files",
                reveal=reveal,
            )
            session = ConsoleSession(emu, world, out, renderer, error_watch=error_watch)
            try:
                return await session.run(_line_source(session, settings, world, commands, interactive, out))
            finally:
                await session.settle()
                stop_views(bot)
    finally:
        await emu.stop()
        await _cancel_leftovers()


def _line_source(
    session: ConsoleSession,
    settings: Settings,
    world: World,
    commands: list[str] | None,
    interactive: bool,
    out: Console,
) -> ScriptSource | PromptSource:
    if not interactive:
        return ScriptSource(commands, out)
    source = PromptSource(session, settings.database_path.parent / ".console_history")
    out.print(
        Text.assemble(
            ("dramabot console", "bold"),
            f" · the real bot on a local Discord emulator · database {settings.database_path}\n",
            f"You are {world.member.user.name} in {world.server.name}. ",
            "Type /score episode 16, or :help for everything else; Tab completes.",
        )
    )
    return source


def stop_views(bot: discord.Client) -> None:
    """Stop every view and modal the bot is waiting on, so none times out after the bot has closed.

    discord.py keeps them in its connection state's view store, which has no public listing; if
    that ever changes shape this stops nothing, and ``_cancel_leftovers`` still cancels their timers.
    """
    store = getattr(getattr(bot, "_connection", None), "_view_store", None)
    views: dict[int, Any] = {}
    for items in getattr(store, "_views", {}).values():
        for item in items.values():
            if getattr(item, "view", None) is not None:
                views[id(item.view)] = item.view
    for view in [
        *getattr(store, "_synced_message_views", {}).values(),
        *getattr(store, "_modals", {}).values(),
    ]:
        views[id(view)] = view
    for view in views.values():
        view.stop()


async def _cancel_leftovers() -> None:
    """Cancel and await the tasks still pending (timers of views, a prompt's completion), so that
    ``asyncio.run`` does not find them and none is destroyed while pending."""
    current = asyncio.current_task()
    leftovers = [task for task in asyncio.all_tasks() if task is not current and not task.done()]
    for task in leftovers:
        task.cancel()
    results = await asyncio.gather(*leftovers, return_exceptions=True)
    for task, result in zip(leftovers, results, strict=True):
        if isinstance(result, Exception):
            log.error("%s failed while the console stopped", task.get_name(), exc_info=result)


def make_console(interactive: bool) -> Console:
    """Colours on a terminal; plain text (but the same frames) when piped or captured."""
    return Console(
        highlight=False, emoji=False, markup=False, soft_wrap=False, force_terminal=interactive or None
    )


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty() and os.environ.get("TERM") != "dumb"
