"""One console session: runs typed lines as the current member and prints what Discord would show.

It does not know where lines come from (a prompt, ``-c`` arguments or a pipe): a :class:`LineSource`
hands them over, and also answers the questions a modal asks, field by field.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from bot.console.parse import ParseError, convert_options, parse_options, split_command
from bot.console.render import Pressable, RenderedReply, Renderer
from bot.console.world import World, WorldError, permission_names
from emulator import (
    ClientRejected,
    CommandNotFound,
    DiscordEmulator,
    EmulatorError,
    InteractionResult,
    InteractionTimeout,
)
from emulator import client as member_client
from emulator.protocol import ApplicationCommandType, ComponentType, InteractionCallbackType

log = logging.getLogger(__name__)

# Tasks discord.py starts to run the bot's code for an interaction or an event; a line is done
# when they are, not merely when the first answer arrived (a handler often goes on after it).
BOT_WORK_TASKS = (
    "CommandTree-invoker",
    "discord-ui-view-dispatch-",
    "discord-ui-dynamic-item-",
    "discord-ui-view-timeout-",
    "discord-ui-modal-dispatch-",
    "discord.py: ",
)
SETTLE_TIMEOUT = 15.0  # seconds; as long as the emulator waits for an answer after a defer

HELP = """\
/command [subcommand] values…   run a slash command as the current member, for example
                                 /score episode 16 · /rate episode:16 score:4.5 comment:loved it
                                 values without a name fill the required options in order;
                                 name:value sets any option; quote values with "…" if you like;
                                 attachment options take a local file path, user options a member name
:as NAME                         act as member NAME of this server (a new name joins it)
:server NAME                     switch to server NAME (made if new); you stay the same user
:grant PERMISSION                give the current member a permission: manage-server (admin paths),
                                 manage-messages (moderators), administrator, or any Discord permission
:revoke PERMISSION               take it away again
:role NAME   :unrole NAME        give or take a role (made if new), e.g. :role Curators for curators
:allow WHO [/command]            what a server admin sets under Server Settings › Integrations: let a
                                 role, member or #channel use /command even without its default
                                 permission (every command if left out), e.g. :allow Curators /show
:disallow WHO [/command]         refuse /command to them there;  :default WHO [/command] undoes either
:allow                           list this server's Integrations settings
:press N [VALUE…]                press button N of the last reply, or pick VALUEs in select menu N
:reveal                          show the last reply again with its spoilers revealed
:whoami                          who and where you are, with permissions and roles
:members   :servers   :roles     list this server's members, every server, this server's roles
:help                            this list
:quit                            leave (Ctrl-D does too)
Tab completes commands, options and values (values from the bot's own autocomplete: it
inserts what Discord's client shows, and sends what the bot asked to be sent for it).
A form (modal) asks its fields one by one: Enter keeps the value shown in [brackets].
Members, roles, permissions, servers and Integrations settings made here reset at each start
(the database keeps what the bot stored); made again with the same name they get the same ids."""


class LineSource(Protocol):
    """Where typed lines and modal answers come from."""

    echo: bool  # print each line before its reply (scripted input nobody sees being typed)

    async def read_line(self, prompt: str) -> str | None:
        """The next command line, or None at the end of input."""
        ...

    async def ask(self, question: str, default: str, choices: list[str] | None = None) -> str | None:
        """An answer for a modal field; ``default`` is what Enter keeps. None: no answer (dismiss)."""
        ...


class CommandFailed(Exception):
    """A line that did not run as a member meant it; ``str()`` is the message."""


class ErrorWatch(logging.Handler):
    """Counts ERROR records (from any logger of the process: the bot's, discord.py's, asyncio's), so
    that a line during which one was logged fails and so does the run."""

    def __init__(self) -> None:
        logging.Handler.__init__(self, level=logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class ConsoleSession:
    def __init__(
        self,
        emu: DiscordEmulator,
        world: World,
        out: Console,
        renderer: Renderer,
        *,
        error_watch: ErrorWatch | None = None,
    ) -> None:
        self.emu = emu
        self.world = world
        self.out = out
        self.renderer = renderer
        self.error_watch = error_watch or ErrorWatch()
        self.failures = 0
        self.pressables: list[Pressable] = []
        self._last_messages: list[Any] = []
        self._quit = False
        self._errors_seen = self.error_watch.count
        # What autocomplete offered this session: (server id, command path, option) → name → value.
        self._offered: dict[tuple[int, str, str], dict[str, Any]] = {}
        self._console_commands: dict[str, Callable[[str], Any]] = {
            "help": self._help,
            "as": self._as,
            "server": self._server,
            "grant": self._grant,
            "revoke": self._revoke,
            "role": self._role,
            "unrole": self._unrole,
            "whoami": self._whoami,
            "members": self._members,
            "servers": self._servers,
            "roles": self._roles,
            "allow": self._allow,
            "disallow": self._disallow,
            "default": self._default,
            "reveal": self._reveal,
            "quit": self._stop,
            "exit": self._stop,
        }

    # -- the loop -------------------------------------------------------------------------------

    @property
    def console_commands(self) -> list[str]:
        return [*self._console_commands, "press", "pick"]

    def prompt(self) -> str:
        return f"{self.world.member.user.name}@{self.world.server.name} › "

    async def run(self, source: LineSource) -> int:
        """Run every line ``source`` gives; returns how many failed (an error the bot logged after the
        last line counts as one more)."""
        while not self._quit:
            line = await source.read_line(self.prompt())
            if line is None:
                break
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if source.echo:
                self.out.print(Text(f"› {line}", style="bold grey70"))
            await self.execute(line, source)
            if source.echo:
                self.out.print()
        await self.settle()
        if self.error_watch.count > self._errors_seen:
            self._errors_seen = self.error_watch.count
            self._fail("the bot logged an error after the last line (see the log above)")
        return self.failures

    async def settle(self, timeout: float = SETTLE_TIMEOUT) -> bool:  # noqa: ASYNC109
        """Wait until the bot has finished what it started (handlers run on after their first
        answer, e.g. to fetch the message they sent). False if it is still busy after ``timeout``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            busy = [
                task
                for task in asyncio.all_tasks()
                if not task.done() and task.get_name().startswith(BOT_WORK_TASKS)
            ]
            remaining = deadline - loop.time()
            if not busy:
                return True
            if remaining <= 0:
                return False
            await asyncio.wait(busy, timeout=remaining)

    async def execute(self, line: str, source: LineSource) -> bool:
        """Run one line; prints the outcome. Returns False (and counts a failure) if it failed."""
        before = (self.error_watch.count, len(self.emu.internal_errors))
        try:
            if line.startswith(":"):
                await self._console_command(line[1:], source)
            elif line.startswith("/"):
                await self._slash(line, source)
            else:
                raise CommandFailed("type a slash command like /score episode 16, or :help")
            if not await self.settle():
                self._note(f"(the bot was still working on it after {SETTLE_TIMEOUT:g} s)")
            self._errors_seen = self.error_watch.count
            if self.error_watch.count > before[0]:
                raise CommandFailed("the bot logged an error while handling this (see the log above)")
            if len(self.emu.internal_errors) > before[1]:
                raise CommandFailed(f"the emulator failed: {self.emu.internal_errors[-1]!r}")
        except (CommandFailed, ParseError, WorldError, ClientRejected, CommandNotFound) as exc:
            problem = str(exc)
        except InteractionTimeout:
            problem = "The application did not respond"  # what Discord's client shows then
        except EmulatorError as exc:
            problem = f"emulator: {exc}"
        else:
            return True
        self._fail(problem)
        # What the bot still does about a failed line belongs to it, not to the next line.
        await self.settle()
        self._errors_seen = self.error_watch.count
        return False

    def _fail(self, message: str) -> None:
        self.failures += 1
        self.out.print(Text(f"✗ {message}", style="bold red"))

    def _note(self, message: str) -> None:
        self.out.print(Text(message, style="grey62"))

    # -- slash commands ---------------------------------------------------------------------------

    def schema(self) -> list[dict[str, Any]]:
        """The chat-input commands the bot synced that the current server sees (its own first)."""
        found = self.emu.registered_commands(self.world.server.id) + self.emu.registered_commands(None)
        chat_input = ApplicationCommandType.CHAT_INPUT
        return [c for c in found if c.get("type", chat_input) == chat_input]

    async def _slash(self, line: str, source: LineSource) -> None:
        typed = split_command(line, self.schema())
        invoker = member_client.resolve_invoker(self.emu, self.world.member, None)
        resolved = member_client.find_command(self.emu, invoker, typed.path)
        raw = parse_options(typed.rest, resolved.option_defs)
        values = self.option_values(resolved.qualified_name, resolved.option_defs, raw)
        result = await self.emu.invoke(self.world.member, resolved.qualified_name, options=values)
        await self._show(result, source)

    def remember_choices(self, path: str, option: str, choices: list[dict[str, Any]]) -> None:
        """Keep what autocomplete offered for ``option`` of ``/path``, to send a picked name's value."""
        offered = self._offered.setdefault((self.world.server.id, path, option), {})
        offered.update((str(choice["name"]), choice["value"]) for choice in choices)

    def option_values(
        self, path: str, option_defs: list[dict[str, Any]], raw: Mapping[str, str]
    ) -> dict[str, Any]:
        """Typed values for ``/path``'s options. Like Discord's client, an option whose text is a
        name autocomplete offered for it sends that choice's value (``id:4`` for "Run On"); any
        other text is sent as typed."""
        values = convert_options(raw, option_defs, self.world)
        for name, text in raw.items():
            offered = self._offered.get((self.world.server.id, path, name), {})
            if text in offered:
                values[name] = offered[text]
        return values

    async def _show(self, result: InteractionResult, source: LineSource) -> None:
        if result.errors:
            raise CommandFailed(f"Discord refused the bot's answer: {result.errors[-1]}")
        if result.response_type == InteractionCallbackType.MODAL and result.modal is not None:
            await self._fill_modal(result, source)
            return
        if result.response_type == InteractionCallbackType.DEFERRED_UPDATE_MESSAGE:
            self._note("(the bot acknowledged it; nothing changed)")
            return
        self._print_messages(list(result.messages))

    def _print_messages(self, messages: list[Any], *, reveal: bool | None = None, save: bool = True) -> None:
        rendered = self.renderer.reply(messages, reveal=reveal, save=save)
        self._last_messages = messages
        if rendered.pressables:
            self.pressables = rendered.pressables
        self.out.print(Group(*rendered.parts))
        if any(not p.disabled for p in rendered.pressables):
            self._note(":press N presses a button")

    # -- modals -----------------------------------------------------------------------------------

    async def _fill_modal(self, opened: InteractionResult, source: LineSource) -> None:
        modal = opened.modal or {}
        self.out.print(
            Panel(Text(str(modal.get("title", ""))), title="form", title_align="left", expand=False)
        )
        answers: dict[str, Any] = {}
        for label, component in _modal_fields(modal):
            if component.get("type") == ComponentType.TEXT_DISPLAY:
                self.out.print(
                    self.renderer.markdown(str(component.get("content", "")), True, RenderedReply())
                )
                continue
            answer: str | list[str] | None
            if component.get("type") == ComponentType.TEXT_INPUT:
                answer = await self._ask_text(label, component, source)
            else:
                answer = await self._ask_select(label, component, source)
            if answer is None:
                self._note("(form closed without sending it)")
                if source.echo:
                    raise CommandFailed("the form needs an answer for each field, one per line")
                return
            answers[str(component.get("custom_id"))] = answer
        result = await self.emu.submit_modal(self.world.member, opened, answers)
        await self._show(result, source)

    async def _ask_text(self, label: str, component: dict[str, Any], source: LineSource) -> str | None:
        required = component.get("required", True)
        default = str(component.get("value") or "")
        low, high = component.get("min_length") or 0, component.get("max_length") or 4000
        question = label + ("" if required or "optional" in label.lower() else " (optional)")
        if component.get("placeholder") and not default:
            question += f" e.g. {component['placeholder']}"
        while True:
            answer = await source.ask(question, default)
            if answer is None:
                return None
            problem = None
            if required and not answer:
                problem = f"{label} is required"
            elif answer and not low <= len(answer) <= high:
                problem = f"{label} must be between {low} and {high} characters long"
            if problem is None:
                return answer
            if source.echo:
                raise CommandFailed(problem)
            self._note(problem)

    async def _ask_select(
        self, label: str, component: dict[str, Any], source: LineSource
    ) -> list[str] | None:
        options = component.get("options") or []
        low, high = component.get("min_values", 1), component.get("max_values", 1)
        listing = "   ".join(
            f"{n}) {o.get('label')}" + (" ✓" if o.get("default") else "")
            for n, o in enumerate(options, start=1)
        )
        self.out.print(Text(f"  {listing}", style="grey70"))
        default = " ".join(str(n) for n, o in enumerate(options, start=1) if o.get("default"))
        labels = [str(o.get("label")) for o in options]
        while True:
            answer = await source.ask(label, default, labels)
            if answer is None:
                return None
            picked = _pick_options(answer, options)
            problem = None
            if picked is None:
                problem = f"pick by number (1–{len(options)}), value or label"
            elif component.get("required", True) and not low <= len(picked) <= high:
                problem = f"pick between {low} and {high}"
            if problem is None and picked is not None:
                return picked
            if source.echo:
                raise CommandFailed(f"{label}: {problem}")
            self._note(problem or "")

    # -- console commands -------------------------------------------------------------------------

    async def _console_command(self, text: str, source: LineSource) -> None:
        name, _, argument = text.strip().partition(" ")
        name, argument = name.lower(), argument.strip()
        if name in ("press", "pick"):
            await self._press(argument, source)
            return
        handler = self._console_commands.get(name)
        if handler is None:
            raise CommandFailed(f"unknown console command :{name} (:help lists them)")
        handler(argument)

    def _help(self, _: str) -> None:
        self.out.print(Text(HELP))

    def _as(self, name: str) -> None:
        if self.world.act_as(name):
            self._note(f"{self.world.member.user.name} joined {self.world.server.name}")
        self._whoami("")

    def _server(self, name: str) -> None:
        made = self.world.switch_server(name)
        if made:
            self._note(f"made the server {self.world.server.name}")
        self._whoami("")

    def _grant(self, permission: str) -> None:
        label = self.world.grant(permission)
        self._note(f"gave {self.world.member.user.name} {label}")

    def _revoke(self, permission: str) -> None:
        label = self.world.revoke(permission)
        self._note(f"took {label} from {self.world.member.user.name}")

    def _role(self, name: str) -> None:
        role, made = self.world.give_role(name)
        made_note = f"made the role @{role.name} and " if made else ""
        self._note(f"{made_note}gave {self.world.member.user.name} @{role.name}")

    def _unrole(self, name: str) -> None:
        role = self.world.take_role(name)
        self._note(f"took @{role.name} from {self.world.member.user.name}")

    def _whoami(self, _: str) -> None:
        member = self.world.member
        perms = permission_names(self.world.extra_permissions())
        if member.user.id == self.world.server.owner_id:
            perms = ["every permission (server owner)"]
        roles = [r.name for r in self.world.roles() if member.has_role(r)]
        line = Text(f"You are {member.user.name} in {self.world.server.name}", style="bold")
        line.append(f" · permissions: {', '.join(perms) or 'a plain member'}")
        line.append(f" · roles: {', '.join('@' + r for r in roles) or 'none'}")
        self.out.print(line)

    def _members(self, _: str) -> None:
        for member in self.world.members():
            extra = permission_names(self.world.extra_permissions(member))
            roles = [r.name for r in self.world.roles() if member.has_role(r)]
            owner = " (owner)" if member.user.id == self.world.server.owner_id else ""
            details = ", ".join([*extra, *("@" + r for r in roles)])
            mark = "›" if member is self.world.member else " "
            self.out.print(Text(f"{mark} {member.user.name}{owner}" + (f" · {details}" if details else "")))

    def _servers(self, _: str) -> None:
        for guild in self.world.servers:
            mark = "›" if guild is self.world.server else " "
            self.out.print(Text(f"{mark} {guild.name} ({len(guild.members) - 1} members)"))

    def _roles(self, _: str) -> None:
        roles = self.world.roles()
        self.out.print(
            Text(", ".join("@" + r.name for r in roles) if roles else "no roles yet (:role NAME makes one)")
        )

    def _allow(self, argument: str) -> None:
        if not argument:
            settings = self.world.command_access()
            if not settings:
                self._note(
                    f"{self.world.server.name} has no Integrations settings (:allow WHO /command adds one)"
                )
            for line in settings:
                self._note(f"{self.world.server.name} › Integrations › {line}")
            return
        self._note(self.world.set_command_access(argument, True))

    def _disallow(self, argument: str) -> None:
        self._note(self.world.set_command_access(argument, False))

    def _default(self, argument: str) -> None:
        self._note(self.world.set_command_access(argument, None))

    def _reveal(self, _: str) -> None:
        if not self._last_messages:
            raise CommandFailed("nothing to reveal yet")
        self._print_messages(self._last_messages, reveal=True, save=False)

    def _stop(self, _: str) -> None:
        self._quit = True

    async def _press(self, argument: str, source: LineSource) -> None:
        if not self.pressables:
            raise CommandFailed("the last reply has no buttons")
        which, _, rest = argument.partition(" ")
        pressable = _find_pressable(self.pressables, which)
        if pressable is None:
            listed = ", ".join(f"{p.number} ({p.label})" for p in self.pressables)
            raise CommandFailed(f"no button {which!r}; the last reply has {listed}")
        if pressable.disabled:
            # Discord's client draws it greyed out and cannot press it.
            raise CommandFailed(f'{pressable.kind} [{pressable.number}] "{pressable.label}" is disabled')
        values = None
        if pressable.is_select:
            picked = _pick_options(rest, pressable.component.get("options") or [])
            values = picked if picked is not None else rest.split()
        result = await self.emu.click(
            self.world.member, pressable.message, pressable.custom_id, values=values
        )
        await self._show(result, source)


def _modal_fields(modal: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(label, component) for each question of a modal, in order: text inputs, selects, texts."""
    fields: list[tuple[str, dict[str, Any]]] = []
    for component in modal.get("components") or []:
        kind = component.get("type")
        if kind == ComponentType.ACTION_ROW:
            for child in component.get("components") or []:
                fields.append((str(child.get("label") or child.get("custom_id")), child))
        elif kind == ComponentType.LABEL:
            inner = component.get("component") or {}
            label = str(component.get("label") or inner.get("label") or inner.get("custom_id"))
            fields.append((label, inner))
        elif kind == ComponentType.TEXT_DISPLAY:
            fields.append(("", component))
    return fields


def _pick_options(answer: str, options: list[dict[str, Any]]) -> list[str] | None:
    """Numbers, values or labels (separated by spaces or commas) → option values; None if unknown."""
    answer = answer.strip()
    if not answer:
        return []
    by_label = {str(o.get("label")).casefold(): str(o.get("value")) for o in options}
    values = [str(o.get("value")) for o in options]
    if answer.casefold() in by_label:
        return [by_label[answer.casefold()]]
    picked = []
    for part in answer.replace(",", " ").split():
        if part.isdigit() and 1 <= int(part) <= len(options):
            picked.append(values[int(part) - 1])
        elif part in values:
            picked.append(part)
        elif part.casefold() in by_label:
            picked.append(by_label[part.casefold()])
        else:
            return None
    return picked


def _find_pressable(pressables: list[Pressable], which: str) -> Pressable | None:
    which = which.strip()
    if which.isdigit():
        return next((p for p in pressables if p.number == int(which)), None)
    key = which.casefold()
    return next((p for p in pressables if p.label.casefold() == key), None) or next(
        (p for p in pressables if p.label.casefold().startswith(key) and key), None
    )
