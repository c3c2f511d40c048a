"""Reading a typed slash command against the schema the bot synced.

``/score episode 16``, ``/rate episode:16 score:4.5 comment:loved it``, ``comment:"loved it"``:

* the first words name the command, then its subcommand group and subcommand, as far as the schema
  has them;
* values without a name come first and fill the required options in order, as Discord's client
  moves from one required option to the next (a text option last in line takes the rest of them);
* ``name:value`` sets an option; an unquoted value runs to the next `` name:`` of one of the
  command's options (for a text option; other values also stop at any ``word:``), so
  ``comment:loved it`` is "loved it" and ``comment:note: see ep 3`` keeps its colon;
* quoted values (``"…"`` or ``'…'``, with ``\\"`` inside) are taken as they are.

Unknown option names are kept, so that the emulator's client refuses them exactly as Discord would.
Turning the text into typed values (numbers, members, files) is :func:`convert_options`.
"""

from __future__ import annotations

import math
import mimetypes
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from emulator import EmuChannel, EmuFile, EmuRole, EmuUser
from emulator.protocol import STRUCTURAL_OPTIONS, OptionType

# What looks like an option name typed before a colon: Discord's names are lowercase letters,
# digits, "-" and "_"; "16:30" is a value, not an option called "16".
_NAME = re.compile(r"([^\W\d][-\w']{0,31}):(?!//)")
_WORD = re.compile(r"\s*(\S+)")
_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}
_QUOTES = "\"'"


class ParseError(ValueError):
    """A line the console cannot turn into a command; ``str()`` is the message for the user."""


@dataclass
class CommandLine:
    """A typed line split against the schema: the command path and its options' raw text."""

    words: list[str]  # ["score", "episode"]: command, then group/subcommand as far as the schema goes
    rest: str  # the text after the path
    rest_offset: int  # where ``rest`` starts in the line
    command: dict[str, Any] | None  # the top-level command definition, if the name is known
    option_defs: list[dict[str, Any]] = field(default_factory=list)  # the leaf's options
    needs_subcommand: bool = False  # the path stops at a command or group that has subcommands

    @property
    def path(self) -> str:
        return " ".join(self.words)


def split_command(line: str, commands: list[dict[str, Any]]) -> CommandLine:
    """Split ``/score episode 16`` into the path (as far as the schema knows it) and the rest."""
    text = line.lstrip()
    if not text.startswith("/"):
        raise ParseError("slash commands start with /")
    offset = len(line) - len(text) + 1
    pos = offset
    words: list[str] = []
    command: dict[str, Any] | None = None
    options: list[dict[str, Any]] = []
    while True:
        match = _WORD.match(line, pos)
        if match is None:
            break
        word = match.group(1)
        if command is None:
            command = next((c for c in commands if c.get("name") == word), None)
            words.append(word)
            pos = match.end()
            if command is None:
                break
            options = command.get("options") or []
            continue
        sub = next((o for o in options if o["type"] in STRUCTURAL_OPTIONS and o["name"] == word), None)
        if sub is None:
            break
        words.append(word)
        pos = match.end()
        options = sub.get("options") or []
    needs_sub = any(o["type"] in STRUCTURAL_OPTIONS for o in options)
    leaf = [] if needs_sub else options
    return CommandLine(words, line[pos:], pos, command, leaf, needs_sub)


@dataclass
class _Token:
    text: str
    start: int
    end: int
    quoted: bool


def parse_options(text: str, option_defs: list[dict[str, Any]]) -> dict[str, str]:
    """The options typed in ``text`` as raw strings, by name, in schema order then unknown ones."""
    by_name = {o["name"]: o for o in option_defs}
    named: dict[str, str] = {}
    positional: list[_Token] = []
    pos, end = 0, len(text)
    while True:
        pos = _skip_space(text, pos)
        if pos >= end:
            break
        match = _NAME.match(text, pos)
        if match is not None:
            name = match.group(1)
            if name in named:
                raise ParseError(f"option {name!r} is given twice")
            pos = match.end()
            if pos < end and text[pos] in _QUOTES:
                value, pos = _read_quoted(text, pos)
            else:
                stop = _value_end(text, pos, by_name, by_name.get(name))
                value, pos = text[pos:stop].strip(), stop
            named[name] = value
            continue
        token = _read_token(text, pos)
        if named:
            raise ParseError(
                f"{token.text!r} has no option name: name it (like show:{token.text}), or put values "
                "without names first"
            )
        positional.append(token)
        pos = token.end
    filled = _fill_required(text, positional, option_defs, named)
    result = {o["name"]: filled[o["name"]] for o in option_defs if o["name"] in filled}
    result.update({name: value for name, value in filled.items() if name not in result})
    return result


def _fill_required(
    text: str, tokens: list[_Token], option_defs: list[dict[str, Any]], named: dict[str, str]
) -> dict[str, str]:
    """Give values typed without names to the required options not named, in order."""
    filled = dict(named)
    if not tokens:
        return filled
    targets = [o for o in option_defs if o.get("required") and o["name"] not in named]
    if not targets:
        names = ", ".join(f"{o['name']}:" for o in option_defs) or "none"
        raise ParseError(f"{tokens[0].text!r} has no option name (options: {names})")
    for index, token in enumerate(tokens):
        if index < len(targets):
            filled[targets[index]["name"]] = token.text
            continue
        last = targets[-1]
        if last["type"] == OptionType.STRING:
            # Like Discord's text box: the last required text option takes the rest of the line.
            filled[last["name"]] = text[tokens[len(targets) - 1].start : tokens[-1].end]
            break
        extra = " ".join(t.text for t in tokens[index:])
        raise ParseError(
            f"too many values: {extra!r} (the required options are "
            f"{', '.join(o['name'] for o in targets)}; give the others as name:value)"
        )
    return filled


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _read_quoted(text: str, pos: int) -> tuple[str, int]:
    quote = text[pos]
    out: list[str] = []
    index = pos + 1
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] in (quote, "\\"):
            out.append(text[index + 1])
            index += 2
            continue
        if char == quote:
            index += 1
            if index < len(text) and not text[index].isspace():
                raise ParseError(f"leave a space after the closing {quote} of {''.join(out)!r}")
            return "".join(out), index
        out.append(char)
        index += 1
    raise ParseError(f"the quote {quote} opened before {text[pos + 1 : pos + 21]!r} is never closed")


def _read_token(text: str, pos: int) -> _Token:
    if text[pos] in _QUOTES:
        value, end = _read_quoted(text, pos)
        return _Token(value, pos, end, True)
    end = pos
    while end < len(text) and not text[end].isspace():
        end += 1
    return _Token(text[pos:end], pos, end, False)


def _value_end(
    text: str, pos: int, by_name: Mapping[str, dict[str, Any]], definition: dict[str, Any] | None
) -> int:
    """Where an unquoted value that starts at ``pos`` ends: before the next option name, or the end."""
    free_text = definition is not None and definition["type"] == OptionType.STRING
    for match in re.finditer(r"\s+", text[pos:]):
        start = pos + match.end()
        name = _NAME.match(text, start)
        if name is None:
            continue
        if name.group(1) in by_name or not free_text:
            return pos + match.start()
    return len(text)


@dataclass
class Typing:
    """What the end of a half-typed line is: a value for ``option`` (after ``option:`` when ``named``,
    else a value without a name for the next required option), typed so far from ``start``."""

    option: str | None
    value: str
    start: int
    named: bool
    given: set[str]


def typing_at_end(text: str, option_defs: list[dict[str, Any]]) -> Typing:
    """Where completion stands at the end of ``text`` (the part of the line after the command path)."""
    by_name = {o["name"]: o for o in option_defs}
    given: set[str] = set()
    filled: set[str] = set()  # required options given values without names
    pos, end, positional = 0, len(text), 0
    while True:
        pos = _skip_space(text, pos)
        target = None if given else _positional_target(option_defs, given, positional)
        if pos >= end:
            return Typing(target, "", end, False, given | filled)
        match = _NAME.match(text, pos)
        if match is not None:
            name = match.group(1)
            given.add(name)
            start = match.end()
            if start < end and text[start] in _QUOTES:
                try:
                    _, pos = _read_quoted(text, start)
                except ParseError:
                    return Typing(name, text[start + 1 :], start, True, given | filled)
                continue
            definition = by_name.get(name)
            stop = _value_end(text, start, by_name, definition)
            value = text[start:stop]
            free_text = definition is not None and definition["type"] == OptionType.STRING
            if stop >= end and (free_text or value == value.rstrip()):
                return Typing(name, value, start, True, given | filled)
            pos = stop if stop < end else start + len(value.rstrip())
            continue
        if text[pos] in _QUOTES:
            try:
                token = _read_token(text, pos)
            except ParseError:
                return Typing(target, text[pos + 1 :], pos, False, given | filled)
        else:
            token = _read_token(text, pos)
        if token.end >= end:
            return Typing(target, token.text, token.start, False, given | filled)
        if target is not None:
            filled.add(target)
        positional += 1
        pos = token.end


def _positional_target(option_defs: list[dict[str, Any]], given: set[str], index: int) -> str | None:
    targets = [o["name"] for o in option_defs if o.get("required") and o["name"] not in given]
    return targets[index] if index < len(targets) else None


class Resolver(Protocol):
    """Finds the world's members, roles and channels by what the console user typed."""

    def find_user(self, name: str) -> EmuUser | None: ...
    def find_role(self, name: str) -> EmuRole | None: ...
    def find_channel(self, name: str) -> EmuChannel | None: ...


def convert_options(
    raw: Mapping[str, str],
    option_defs: list[dict[str, Any]],
    resolver: Resolver,
    *,
    read_file: Callable[[str], EmuFile] | None = None,
) -> dict[str, Any]:
    """Typed values for the emulator's client. Text that does not fit an option's type is passed on
    unchanged, so that the client refuses it with Discord's own message."""
    by_name = {o["name"]: o for o in option_defs}
    values: dict[str, Any] = {}
    for name, text in raw.items():
        definition = by_name.get(name)
        if definition is None or text == "":
            values[name] = text
            continue
        values[name] = convert_value(definition, text, resolver, read_file or load_file)
    return values


def convert_value(
    definition: dict[str, Any], text: str, resolver: Resolver, read_file: Callable[[str], EmuFile]
) -> Any:
    kind = definition["type"]
    value: Any = text
    if kind == OptionType.INTEGER and _INTEGER.fullmatch(text.strip()):
        value = int(text)
    elif kind == OptionType.NUMBER and _NUMBER.fullmatch(text.strip()):
        number = float(text)
        if math.isfinite(number):
            value = (
                int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number
            )
    elif kind == OptionType.BOOLEAN and text.strip().lower() in _TRUE | _FALSE:
        value = text.strip().lower() in _TRUE
    elif kind == OptionType.USER:
        value = resolver.find_user(_mention_name(text)) or text
    elif kind == OptionType.ROLE:
        value = resolver.find_role(_mention_name(text)) or text
    elif kind == OptionType.CHANNEL:
        value = resolver.find_channel(_mention_name(text)) or text
    elif kind == OptionType.MENTIONABLE:
        value = resolver.find_user(_mention_name(text)) or resolver.find_role(_mention_name(text)) or text
    elif kind == OptionType.ATTACHMENT:
        return read_file(text)
    choices = definition.get("choices")
    if choices and value not in [c["value"] for c in choices]:
        # The client shows choices by name; picking one sends its value.
        picked = next((c["value"] for c in choices if str(c["name"]).casefold() == text.casefold()), None)
        if picked is not None:
            value = picked
    return value


def _mention_name(text: str) -> str:
    """``@alice``, ``<@123>``, ``#general``, ``<#123>`` → the name or id inside."""
    text = text.strip()
    match = re.fullmatch(r"<(?:@[!&]?|#)(\d+)>", text)
    if match:
        return match.group(1)
    return text.lstrip("@#")


def load_file(path_text: str) -> EmuFile:
    """A local file as an upload, like dragging it into Discord's attachment option."""
    path = Path(path_text).expanduser()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(f"cannot read {path_text}: {exc.strerror or exc}") from None
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"
    return EmuFile(path.name, data, content_type)
