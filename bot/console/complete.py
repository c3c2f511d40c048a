"""Tab completion for the prompt (prompt_toolkit): commands, subcommands and option names from the
schema the bot synced, option values from the bot's own autocomplete, choices, members and files."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Iterable
from typing import TYPE_CHECKING, Any

import discord
from prompt_toolkit.completion import CompleteEvent, Completer, Completion, PathCompleter
from prompt_toolkit.document import Document

from bot.console.parse import (
    ParseError,
    parse_options,
    split_command,
    typing_at_end,
)
from emulator import EmulatorError
from emulator.protocol import STRUCTURAL_OPTIONS, OptionType

if TYPE_CHECKING:
    from bot.console.session import ConsoleSession

log = logging.getLogger(__name__)

AUTOCOMPLETE_WAIT = 2.5  # seconds; Discord's client gives up on a slow autocomplete too
_PERMISSIONS = ["manage-server", "manage-messages", "administrator", "manage-roles", "manage-channels"]


def quote(value: str) -> str:
    """A value as it can be typed back: quoted when the line would read it otherwise (spaces, a
    leading quote, or a colon that could pass for ``name:``)."""
    if value and not any(c.isspace() for c in value) and value[0] not in "\"'" and ":" not in value:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ConsoleCompleter(Completer):
    def __init__(self, session: ConsoleSession) -> None:
        self.session = session
        self._paths = PathCompleter(expanduser=True)

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterable[Completion]:
        # Everything goes through get_completions_async: values come from the bot, on the event loop.
        return iter(())

    async def get_completions_async(
        self, document: Document, complete_event: CompleteEvent
    ) -> AsyncGenerator[Completion, None]:
        text = document.text_before_cursor
        try:
            if text.startswith(":"):
                for completion in self._console(text[1:]):
                    yield completion
            elif text.lstrip().startswith("/"):
                async for completion in self._slash(text):
                    yield completion
        except (ParseError, EmulatorError) as exc:
            log.debug("no completions for %r: %s", text, exc)

    # -- console commands ---------------------------------------------------------------------------

    def _console(self, text: str) -> Iterable[Completion]:
        name, space, argument = text.partition(" ")
        if not space:
            for command in self.session.console_commands:
                if command.startswith(name.lower()):
                    yield Completion(command + " ", -len(name), display=":" + command)
            return
        world = self.session.world
        candidates: list[tuple[str, str]] = []
        if name == "as":
            candidates = [(m.user.name, "") for m in world.members()]
        elif name == "server":
            candidates = [(g.name, "") for g in world.servers]
        elif name in ("grant", "revoke"):
            names = _PERMISSIONS + [n.replace("_", "-") for n in discord.Permissions.VALID_FLAGS]
            candidates = [(n, "") for n in dict.fromkeys(names)]
        elif name == "role":
            candidates = [(r.name, "") for r in world.roles()]
        elif name == "unrole":
            candidates = [(r.name, "") for r in world.roles() if world.member.has_role(r)]
        elif name in ("press", "pick"):
            candidates = [(str(p.number), p.label) for p in self.session.pressables if not p.disabled]
        elif name in ("allow", "disallow", "default"):
            _, slash, command = argument.rpartition(" /")
            if slash:  # then the command, as Integrations lists the app's commands
                names = sorted({c["name"] for c in self.session.schema()})
                for value in names:
                    if value.startswith(command):
                        yield Completion(value, -len(command))
                return
            candidates = [("@everyone", "")] + [(r.name, "role") for r in world.roles()]
            candidates += [(m.user.name, "member") for m in world.members()]
        key = argument.casefold()
        for value, meta in candidates:
            if value.casefold().startswith(key):
                yield Completion(value, -len(argument), display_meta=meta)

    # -- slash commands -----------------------------------------------------------------------------

    async def _slash(self, text: str) -> AsyncGenerator[Completion, None]:
        commands = self.session.schema()
        typed = split_command(text, commands)
        if typed.command is None and typed.rest.strip():
            return
        if typed.command is None or not typed.rest:
            # Still typing the command's name (or the subcommand's, right after it).
            word = typed.words[-1] if typed.words and not text.endswith(" ") else ""
            level = self._level(commands, typed.words[:-1]) if typed.words else commands
            for completion in _names(level, word):
                yield completion
            return
        if typed.needs_subcommand:
            word = typed.rest.lstrip()
            if " " in word:
                return
            for completion in _names(self._level(commands, typed.words), word):
                yield completion
            return
        defs = typed.option_defs
        where = typing_at_end(typed.rest, defs)
        back = where.start - len(typed.rest)
        if where.named:
            async for completion in self._values(
                typed.path, defs, where.option, where.value, typed.rest, back
            ):
                yield completion
            return
        word = where.value
        for option in defs:
            if option["name"] in where.given or not option["name"].startswith(word):
                continue
            meta = ("required · " if option.get("required") else "") + str(option.get("description", ""))
            yield Completion(option["name"] + ":", -len(word), display_meta=meta)
        if where.option is not None:
            async for completion in self._values(typed.path, defs, where.option, word, typed.rest, back):
                yield completion

    def _level(self, commands: list[dict[str, Any]], words: list[str]) -> list[dict[str, Any]]:
        """The commands or subcommands one can type after ``words``."""
        level = commands
        for word in words:
            found = next((c for c in level if c.get("name") == word), None)
            if found is None:
                return []
            level = [o for o in found.get("options") or [] if o["type"] in STRUCTURAL_OPTIONS]
        return level

    async def _values(
        self,
        path: str,
        defs: list[dict[str, Any]],
        name: str | None,
        typed: str,
        rest: str,
        back: int,
    ) -> AsyncGenerator[Completion, None]:
        definition = next((o for o in defs if o["name"] == name), None)
        if definition is None:
            return
        typed_plain = typed  # an opening quote is already left out; ``back`` replaces it too
        key = typed_plain.casefold()
        world = self.session.world
        kind = definition["type"]
        if definition.get("choices"):
            for choice in definition["choices"]:
                label = str(choice["name"])
                if key in label.casefold() or key in str(choice["value"]).casefold():
                    # Typed back, a choice's name is sent as its value (parse.convert_value).
                    yield Completion(quote(label) + " ", back, display=label)
        elif definition.get("autocomplete"):
            # Discord's client shows and inserts a choice's name; sending the line sends its value.
            choices = await self._bot_choices(path, defs, definition["name"], typed_plain, rest, back)
            self.session.remember_choices(path, definition["name"], choices)
            for choice in choices:
                yield Completion(quote(str(choice["name"])) + " ", back, display=str(choice["name"]))
        elif kind == OptionType.BOOLEAN:
            for value in ("True", "False"):
                if value.casefold().startswith(key):
                    yield Completion(value + " ", back)
        elif kind in (OptionType.USER, OptionType.ROLE, OptionType.CHANNEL, OptionType.MENTIONABLE):
            names: list[str] = []
            if kind in (OptionType.USER, OptionType.MENTIONABLE):
                names += [m.user.name for m in world.members()]
            if kind in (OptionType.ROLE, OptionType.MENTIONABLE):
                names += [r.name for r in world.roles()]
            if kind == OptionType.CHANNEL:
                names += [c.name for c in world.server.channels]
            for value in names:
                if value.casefold().startswith(key):
                    yield Completion(quote(value) + " ", back)
        elif kind == OptionType.ATTACHMENT:
            for completion in self._paths.get_completions(Document(typed_plain), CompleteEvent()):
                yield Completion(completion.text, completion.start_position, display=completion.display)

    async def _bot_choices(
        self, path: str, defs: list[dict[str, Any]], focused: str, value: str, rest: str, back: int
    ) -> list[dict[str, Any]]:
        """Ask the bot, as Discord's client does while a member types into an autocomplete option."""
        others: dict[str, Any] = {}
        try:
            raw = parse_options(rest[: len(rest) + back], defs)
            raw.pop(focused, None)
            known = {o["name"] for o in defs}
            others = self.session.option_values(path, defs, {k: v for k, v in raw.items() if k in known})
        except ParseError:
            others = {}
        try:
            async with asyncio.timeout(AUTOCOMPLETE_WAIT):
                return await self.session.emu.autocomplete(
                    self.session.world.member, path, focused=focused, value=value, options=others
                )
        except (EmulatorError, TimeoutError) as exc:
            log.debug("autocomplete of %s failed: %s", focused, exc)
            return []


def _names(level: list[dict[str, Any]], word: str) -> Iterable[Completion]:
    for entry in sorted(level, key=lambda c: c["name"]):
        if entry["name"].startswith(word):
            yield Completion(entry["name"] + " ", -len(word), display_meta=str(entry.get("description", "")))
