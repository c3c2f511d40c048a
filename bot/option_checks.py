"""Every option value checked against the command's own schema, before discord.py or a cog sees it.

Discord's client enforces the schema the bot synced (types, ranges, lengths, choices), but a
modified client can send anything: text with NUL or lone surrogates, an "integer" of a thousand
digits, a user id that is not an id. discord.py trusts the values (it calls ``int()`` on ids while
building the namespace, before any bot code runs), so the tree calls :func:`check_options` from
its ``interaction_check`` and refuses a bad value with a :class:`BadValue` naming the option.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from typing import Any

import discord
from discord import app_commands
from discord.enums import AppCommandOptionType

from bot.errors import BadValue
from bot.text import Message

# Discord's integer options are limited to what a JavaScript number holds exactly.
MAX_SAFE_INTEGER = 2**53 - 1
# A snowflake is an unsigned 64-bit number; the store keeps ids in SQLite's signed 64 bits.
_SNOWFLAKE = re.compile(r"[1-9][0-9]{0,18}", re.ASCII)
MAX_SNOWFLAKE = 2**63 - 1
# How much of a refused value a reply quotes.
_QUOTE = 40

_ENTITY_TYPES = {
    AppCommandOptionType.user,
    AppCommandOptionType.channel,
    AppCommandOptionType.role,
    AppCommandOptionType.mentionable,
    AppCommandOptionType.attachment,
}


def text_problem(text: str, *, multiline: bool = False) -> str | None:
    """Why ``text`` cannot be stored or shown, as a reason code, or None when it is fine.

    Lone surrogates cannot be stored as UTF-8; NUL and other control characters corrupt what
    members see (and SQLite's length checks count differently from Python's). Forms may hold
    line breaks and tabs; one-line options may not.
    """
    for char in text:
        code = ord(char)
        if 0xD800 <= code <= 0xDFFF:
            return "surrogate"
        if code < 0x20 or 0x7F <= code < 0xA0:
            if multiline and char in "\n\t":
                continue
            if multiline and char == "\r":
                continue
            return "nul" if code == 0 else "control"
    return None


def quote(value: object) -> str | Message:
    """A refused value as a reply may show it: short, one line, nothing that can break a reply."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if value.bit_length() > 128:
            # str() of a huge int is slow (and refused past 4,300 digits): estimate its length.
            return Message("quote.long_number", {"digits_count": int(value.bit_length() * math.log10(2)) + 1})
        return str(value)
    text = value if isinstance(value, str) else repr(value)
    if len(text) > _QUOTE:
        text = text[: _QUOTE - 1] + "…"
    return "".join("\N{REPLACEMENT CHARACTER}" if text_problem(char) else char for char in text)


def _leaves(options: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The options that carry values, through subcommand groups and subcommands."""
    for option in options:
        if not isinstance(option, dict):
            raise BadValue("option.malformed")
        if option.get("type") in (1, 2):  # subcommand, subcommand group
            nested = option.get("options", [])
            if not isinstance(nested, list):
                raise BadValue("option.malformed")
            yield from _leaves(nested)
        else:
            yield option


def check_options(interaction: discord.Interaction) -> None:
    """Refuse (with :class:`BadValue`) any option value the command's schema would not allow."""
    data: Any = interaction.data or {}
    options = data.get("options", [])
    if not isinstance(options, list):
        raise BadValue("option.malformed")
    command = interaction.command
    parameters: Mapping[str, app_commands.Parameter] = (
        {p.display_name: p for p in command.parameters} if isinstance(command, app_commands.Command) else {}
    )
    resolved = data.get("resolved") or {}
    focused = interaction.type is discord.InteractionType.autocomplete
    for option in _leaves(options):
        name = option.get("name")
        parameter = parameters.get(name) if isinstance(name, str) else None
        if parameter is None:
            # An option the command does not have: discord.py would raise inside its namespace.
            raise BadValue("option.unknown", name=quote(name))
        if "value" not in option:
            raise BadValue("option.malformed")
        if option.get("focused"):
            if not isinstance(option["value"], str) or text_problem(option["value"]):
                raise BadValue("option.text.control", name=parameter.display_name)
            continue
        _check_value(parameter, option["value"], resolved, interaction, autocomplete=focused)


def _check_value(
    parameter: app_commands.Parameter,
    value: Any,
    resolved: Mapping[str, Any],
    interaction: discord.Interaction,
    *,
    autocomplete: bool,
) -> None:
    name = parameter.display_name
    kind = parameter.type
    if kind is AppCommandOptionType.string:
        if not isinstance(value, str):
            raise BadValue("option.not_text", name=name)
        problem = text_problem(value)
        if problem:
            raise BadValue(f"option.text.{problem}", name=name)
        low, high = parameter.min_value, parameter.max_value
        if high is not None and len(value) > high:
            raise BadValue("option.too_long", name=name, length_count=len(value), limit_count=int(high))
        if low is not None and len(value) < low and not autocomplete:
            raise BadValue("option.too_short", name=name, limit_count=int(low))
        _check_choice(parameter, value)
    elif kind is AppCommandOptionType.integer:
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadValue("option.not_whole_number", name=name, value=quote(value))
        _check_range(parameter, value)
        _check_choice(parameter, value)
    elif kind is AppCommandOptionType.number:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BadValue("option.not_number", name=name, value=quote(value))
        if (isinstance(value, float) and not math.isfinite(value)) or abs(value) > MAX_SAFE_INTEGER:
            raise BadValue("option.not_number", name=name, value=quote(value))
        # Every NUMBER option of this bot is a half-step score: its transformer checks the range
        # and the step together, in the one wording members know (bot.options.parse_score).
        _check_choice(parameter, value)
    elif kind is AppCommandOptionType.boolean:
        if not isinstance(value, bool):
            raise BadValue("option.not_boolean", name=name)
    elif kind in _ENTITY_TYPES:
        _check_entity(parameter, value, resolved, interaction)


def _check_range(parameter: app_commands.Parameter, value: float) -> None:
    low = parameter.min_value if parameter.min_value is not None else -MAX_SAFE_INTEGER
    high = parameter.max_value if parameter.max_value is not None else MAX_SAFE_INTEGER
    if (low is not None and value < low) or (high is not None and value > high):
        raise BadValue(
            "option.out_of_range",
            name=parameter.display_name,
            value=quote(value if isinstance(value, int) else f"{value:g}"),
            low=_number(low),
            high=_number(high),
        )


def _number(value: float | None) -> str:
    if value is None:
        return "…"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _check_choice(parameter: app_commands.Parameter, value: object) -> None:
    choices = parameter.choices
    if choices and value not in {choice.value for choice in choices}:
        raise BadValue("option.not_a_choice", name=parameter.display_name, value=quote(value))


def _check_entity(
    parameter: app_commands.Parameter,
    value: Any,
    resolved: Mapping[str, Any],
    interaction: discord.Interaction,
) -> None:
    name = parameter.display_name
    if not isinstance(value, str) or not _SNOWFLAKE.fullmatch(value) or int(value) > MAX_SNOWFLAKE:
        raise BadValue("option.not_an_id", name=name, value=quote(value))
    kind = parameter.type
    tables = {
        AppCommandOptionType.user: ("users",),
        AppCommandOptionType.role: ("roles",),
        AppCommandOptionType.channel: ("channels",),
        AppCommandOptionType.mentionable: ("users", "roles"),
        AppCommandOptionType.attachment: ("attachments",),
    }[kind]
    if not any(isinstance(resolved.get(table), dict) and value in resolved[table] for table in tables):
        raise BadValue("option.unresolved", name=name)
    # A role must be one of this server's: a modified client could name another server's role.
    roles = resolved.get("roles")
    if isinstance(roles, dict) and value in roles and interaction.guild is not None:
        if interaction.guild.get_role(int(value)) is None:
            raise BadValue("option.unresolved", name=name)
