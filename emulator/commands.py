"""Application command storage and Discord's server-side validation of command definitions.

The rules follow Discord's documentation (names, lengths, counts, nesting, choices/autocomplete,
ranges, 8000-character size limit). Error trees use Discord's ``{"field": {"_errors": [...]}}``
layout so discord.py renders them exactly like real 50035 errors.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from emulator.errors import DiscordHTTPError, field_error, invalid_form_body
from emulator.protocol import (
    STRUCTURAL_OPTIONS,
    ApplicationCommandType,
    ApplicationIntegrationType,
    ChannelType,
    InteractionContextType,
    OptionType,
)

MAX_SAFE_INTEGER = 2**53
MAX_COMMAND_SIZE = 8000
MAX_COMMANDS = {
    ApplicationCommandType.CHAT_INPUT: 100,
    ApplicationCommandType.USER: 15,
    ApplicationCommandType.MESSAGE: 15,
}

# Discord: ^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$ ; Python's \w covers letters, digits and "_",
# the explicit ranges add the Devanagari and Thai combining marks.
_NAME_RE = re.compile(r"^[-_'\w\u0900-\u097F\u0E00-\u0E7F]{1,32}$")

LOCALES = frozenset(
    "id da de en-GB en-US es-ES es-419 fr hr it lt hu nl no pl pt-BR ro fi sv-SE vi tr cs el bg ru uk hi th "
    "zh-CN ja zh-TW ko".split()
)
CHANNEL_TYPES = frozenset(ChannelType)

Errors = dict[str, Any]


def _add(errors: Errors, path: list[str], code: str, message: str) -> None:
    node = errors
    for key in path:
        node = node.setdefault(key, {})
    node.setdefault("_errors", []).append({"code": code, "message": message})


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_length(errors: Errors, path: list[str], value: Any, low: int, high: int) -> None:
    if not isinstance(value, str):
        _add(errors, path, "BASE_TYPE_STRING", "Must be a string.")
    elif not low <= len(value) <= high:
        _add(errors, path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")


def _check_name(errors: Errors, path: list[str], name: Any, *, chat_input: bool) -> None:
    if name is None:
        _add(errors, path, "BASE_TYPE_REQUIRED", "This field is required")
        return
    _check_length(errors, path, name, 1, 32)
    if chat_input and isinstance(name, str) and 1 <= len(name) <= 32:
        if not _NAME_RE.match(name) or name != name.lower():
            _add(errors, path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")


def _check_localizations(
    errors: Errors, path: list[str], value: Any, check: Callable[[list[str], Any], None]
) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        _add(errors, path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return
    for locale, text in value.items():
        if locale not in LOCALES:
            _add(errors, [*path, locale], "LOCALE_INVALID", f"Invalid locale: {locale}")
        else:
            check([*path, locale], text)


def _check_description(errors: Errors, path: list[str], value: Any) -> None:
    if value is None:
        _add(errors, path, "BASE_TYPE_REQUIRED", "This field is required")
    else:
        _check_length(errors, path, value, 1, 100)


def _check_choice_value(errors: Errors, path: list[str], option_type: int, value: Any) -> None:
    if option_type == OptionType.STRING:
        _check_length(errors, path, value, 1, 100)
    elif option_type == OptionType.INTEGER:
        if not _is_int(value):
            _add(errors, path, "NUMBER_TYPE_COERCE", f'Value "{value}" is not int.')
        elif abs(value) > MAX_SAFE_INTEGER:
            _add(
                errors,
                path,
                "NUMBER_TYPE_MAX",
                f"int value should be less than or equal to {MAX_SAFE_INTEGER}.",
            )
    elif not _is_number(value):
        _add(errors, path, "NUMBER_TYPE_COERCE", f'Value "{value}" is not a valid number.')


def _check_option(errors: Errors, path: list[str], option: Any, depth: int) -> None:
    if not isinstance(option, dict):
        _add(errors, path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return
    option_type = option.get("type")
    if not _is_int(option_type) or option_type not in list(OptionType):
        _add(errors, [*path, "type"], "BASE_TYPE_CHOICES", "Value must be one of (1, 2, ..., 11).")
        return
    _check_name(errors, [*path, "name"], option.get("name"), chat_input=True)
    _check_localizations(
        errors,
        [*path, "name_localizations"],
        option.get("name_localizations"),
        lambda p, v: _check_name(errors, p, v, chat_input=True),
    )
    _check_description(errors, [*path, "description"], option.get("description"))
    _check_localizations(
        errors,
        [*path, "description_localizations"],
        option.get("description_localizations"),
        lambda p, v: _check_length(errors, p, v, 1, 100),
    )
    for key in ("required", "autocomplete"):
        if option.get(key) is not None and not isinstance(option[key], bool):
            _add(errors, [*path, key], "BASE_TYPE_BOOLEAN", "Must be either true or false.")

    choices = option.get("choices")
    if choices:
        if option_type not in (OptionType.STRING, OptionType.INTEGER, OptionType.NUMBER):
            _add(
                errors,
                [*path, "choices"],
                "APPLICATION_COMMAND_OPTION_CHOICES_INVALID",
                "Choices not allowed",
            )
        elif not isinstance(choices, list):
            _add(errors, [*path, "choices"], "BASE_TYPE_ARRAY", "Must be an array.")
        elif len(choices) > 25:
            _add(errors, [*path, "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        else:
            for index, choice in enumerate(choices):
                choice_path = [*path, "choices", str(index)]
                if not isinstance(choice, dict):
                    _add(
                        errors,
                        choice_path,
                        "DICT_TYPE_CONVERT",
                        "Only dictionaries may be used in a DictType",
                    )
                    continue
                _check_length(errors, [*choice_path, "name"], choice.get("name"), 1, 100)
                _check_localizations(
                    errors,
                    [*choice_path, "name_localizations"],
                    choice.get("name_localizations"),
                    lambda p, v: _check_length(errors, p, v, 1, 100),
                )
                _check_choice_value(errors, [*choice_path, "value"], option_type, choice.get("value"))
    if option.get("autocomplete"):
        if option_type not in (OptionType.STRING, OptionType.INTEGER, OptionType.NUMBER):
            _add(
                errors,
                [*path, "autocomplete"],
                "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_INVALID",
                "Autocomplete is only supported for STRING, INTEGER and NUMBER options",
            )
        if choices:
            _add(
                errors,
                [*path, "autocomplete"],
                "APPLICATION_COMMAND_OPTION_CHOICES_AUTOCOMPLETE",
                "Autocomplete cannot be set if there are choices.",
            )

    _check_range(errors, path, option, option_type)

    channel_types = option.get("channel_types")
    if channel_types is not None:
        if option_type != OptionType.CHANNEL:
            _add(errors, [*path, "channel_types"], "APPLICATION_COMMAND_OPTION_INVALID", "Not allowed")
        elif not isinstance(channel_types, list) or any(t not in CHANNEL_TYPES for t in channel_types):
            _add(errors, [*path, "channel_types"], "BASE_TYPE_CHOICES", "Invalid channel type.")

    children = option.get("options")
    if option_type in STRUCTURAL_OPTIONS:
        if option_type == OptionType.SUB_COMMAND_GROUP and depth > 0:
            _add(errors, [*path, "type"], "APPLICATION_COMMAND_OPTION_TYPE_INVALID", "Invalid option type")
        if children is not None:
            _check_options(errors, [*path, "options"], children, depth + 1, parent_type=option_type)
    elif children:
        _add(
            errors,
            [*path, "options"],
            "APPLICATION_COMMAND_OPTION_INVALID",
            "Only subcommands may have options",
        )


def _check_range(errors: Errors, path: list[str], option: dict[str, Any], option_type: int) -> None:
    min_value, max_value = option.get("min_value"), option.get("max_value")
    for key, value in (("min_value", min_value), ("max_value", max_value)):
        if value is None:
            continue
        if option_type not in (OptionType.INTEGER, OptionType.NUMBER):
            _add(
                errors, [*path, key], "APPLICATION_COMMAND_OPTION_INVALID", f"{key} is only valid for numbers"
            )
        elif (option_type == OptionType.INTEGER and not _is_int(value)) or not _is_number(value):
            _add(errors, [*path, key], "NUMBER_TYPE_COERCE", f'Value "{value}" is not a valid number.')
        elif abs(value) > MAX_SAFE_INTEGER:
            _add(
                errors,
                [*path, key],
                "NUMBER_TYPE_MAX",
                f"Must be between -{MAX_SAFE_INTEGER} and {MAX_SAFE_INTEGER}.",
            )
    if _is_number(min_value) and _is_number(max_value) and float(min_value) > float(max_value):  # type: ignore[arg-type]
        _add(
            errors,
            [*path, "min_value"],
            "NUMBER_TYPE_MAX",
            "min_value must be less than or equal to max_value",
        )

    min_length, max_length = option.get("min_length"), option.get("max_length")
    for key, value, low in (("min_length", min_length, 0), ("max_length", max_length, 1)):
        if value is None:
            continue
        if option_type != OptionType.STRING:
            _add(
                errors, [*path, key], "APPLICATION_COMMAND_OPTION_INVALID", f"{key} is only valid for strings"
            )
        elif not _is_int(value) or not low <= value <= 6000:
            _add(errors, [*path, key], "NUMBER_TYPE_MAX", f"Must be between {low} and 6000.")
    if _is_int(min_length) and _is_int(max_length) and int(min_length) > int(max_length):  # type: ignore[arg-type]
        _add(
            errors,
            [*path, "min_length"],
            "NUMBER_TYPE_MAX",
            "min_length must be less than or equal to max_length",
        )


def _check_options(
    errors: Errors, path: list[str], options: Any, depth: int, parent_type: int | None
) -> None:
    if not isinstance(options, list):
        _add(errors, path, "BASE_TYPE_ARRAY", "Must be an array.")
        return
    if len(options) > 25:
        _add(errors, path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        return
    seen: set[str] = set()
    seen_optional = False
    structural = [o for o in options if isinstance(o, dict) and o.get("type") in STRUCTURAL_OPTIONS]
    if structural and len(structural) != len(options):
        _add(
            errors,
            path,
            "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            "Sub-command and sub-command group option types are mutually exclusive to all other types",
        )
    for index, option in enumerate(options):
        option_path = [*path, str(index)]
        _check_option(errors, option_path, option, depth)
        if not isinstance(option, dict):
            continue
        option_type = option.get("type")
        if parent_type == OptionType.SUB_COMMAND_GROUP and option_type != OptionType.SUB_COMMAND:
            _add(
                errors,
                [*option_path, "type"],
                "APPLICATION_COMMAND_OPTION_TYPE_INVALID",
                "Sub-command groups may only contain sub-commands",
            )
        if parent_type == OptionType.SUB_COMMAND and option_type in STRUCTURAL_OPTIONS:
            _add(
                errors,
                [*option_path, "type"],
                "APPLICATION_COMMAND_OPTION_TYPE_INVALID",
                "Sub-commands may not contain sub-commands or groups",
            )
        name = option.get("name")
        if isinstance(name, str):
            if name in seen:
                _add(
                    errors,
                    [*option_path, "name"],
                    "APPLICATION_COMMAND_OPTIONS_DUPLICATE_NAME",
                    "Option names must be unique",
                )
            seen.add(name)
        if option_type not in STRUCTURAL_OPTIONS:
            if option.get("required"):
                if seen_optional:
                    _add(
                        errors,
                        [*option_path, "required"],
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                        "Required options must be placed before non-required options",
                    )
            else:
                seen_optional = True


def command_size(command: dict[str, Any]) -> int:
    """Characters Discord counts against the 8000 limit (longest localization of each string)."""

    def longest(text: Any, localizations: Any) -> int:
        size = len(text) if isinstance(text, str) else 0
        if isinstance(localizations, dict):
            size = max([size, *(len(v) for v in localizations.values() if isinstance(v, str))])
        return size

    def option_size(option: Any) -> int:
        if not isinstance(option, dict):
            return 0
        size = longest(option.get("name"), option.get("name_localizations"))
        size += longest(option.get("description"), option.get("description_localizations"))
        for choice in option.get("choices") or []:
            if isinstance(choice, dict):
                size += longest(choice.get("name"), choice.get("name_localizations"))
                size += len(str(choice.get("value", "")))
        return size + sum(option_size(child) for child in option.get("options") or [])

    return option_size(command)


def validate_command(command: Any) -> Errors:
    """Return Discord's error tree for one command definition (empty when valid)."""
    errors: Errors = {}
    if not isinstance(command, dict):
        _add(errors, [], "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return errors
    command_type = command.get("type") or ApplicationCommandType.CHAT_INPUT
    if not _is_int(command_type) or command_type not in list(ApplicationCommandType):
        _add(errors, ["type"], "BASE_TYPE_CHOICES", "Value must be one of (1, 2, 3).")
        return errors
    chat_input = command_type == ApplicationCommandType.CHAT_INPUT
    _check_name(errors, ["name"], command.get("name"), chat_input=chat_input)
    _check_localizations(
        errors,
        ["name_localizations"],
        command.get("name_localizations"),
        lambda p, v: _check_name(errors, p, v, chat_input=chat_input),
    )
    description = command.get("description")
    if chat_input:
        _check_description(errors, ["description"], description)
        _check_localizations(
            errors,
            ["description_localizations"],
            command.get("description_localizations"),
            lambda p, v: _check_length(errors, p, v, 1, 100),
        )
        if command.get("options") is not None:
            _check_options(errors, ["options"], command["options"], 0, parent_type=None)
    else:
        if description:
            _add(errors, ["description"], "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION", "Must be empty")
        if command.get("options"):
            _add(
                errors,
                ["options"],
                "APPLICATION_COMMAND_OPTION_INVALID",
                "Context menu commands have no options",
            )

    permissions = command.get("default_member_permissions")
    if permissions is not None and not (
        (_is_int(permissions) and permissions >= 0)
        or (isinstance(permissions, str) and permissions.isdigit())
    ):
        _add(
            errors,
            ["default_member_permissions"],
            "BASE_TYPE_COERCE",
            "Could not interpret value as permissions",
        )
    for key in ("dm_permission", "nsfw"):
        if command.get(key) is not None and not isinstance(command[key], bool):
            _add(errors, [key], "BASE_TYPE_BOOLEAN", "Must be either true or false.")
    for key, allowed in (
        ("contexts", {int(c) for c in InteractionContextType}),
        ("integration_types", {int(t) for t in ApplicationIntegrationType}),
    ):
        value = command.get(key)
        if value is None:
            continue
        if not isinstance(value, list) or not value:
            _add(errors, [key], "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.")
        elif any(item not in allowed for item in value) or len(set(value)) != len(value):
            _add(errors, [key], "BASE_TYPE_CHOICES", f"Value must be one of {sorted(allowed)}.")

    if not errors and command_size(command) > MAX_COMMAND_SIZE:
        _add(
            errors, [], "APPLICATION_COMMAND_TOO_LARGE", f"Command exceeds maximum size ({MAX_COMMAND_SIZE})"
        )
    return errors


def _strip_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_strip_nulls(v) for v in value]
    return value


class CommandStore:
    """Global and per-guild commands, kept in the exact shape Discord's API returns them."""

    def __init__(self, application_id: int, snowflake: Callable[[], int]) -> None:
        self.application_id = application_id
        self._snowflake = snowflake
        self._commands: dict[int | None, dict[int, dict[str, Any]]] = {None: {}}

    def _scope(self, guild_id: int | None) -> dict[int, dict[str, Any]]:
        return self._commands.setdefault(guild_id, {})

    def copies(self, guild_id: int | None) -> list[dict[str, Any]]:
        return [copy.deepcopy(c) for c in self._scope(guild_id).values()]

    def stored(self, guild_id: int | None) -> list[dict[str, Any]]:
        """The stored commands themselves, for read-only lookups on the hot path (no copies)."""
        return list(self._scope(guild_id).values())

    def get(self, guild_id: int | None, command_id: int) -> dict[str, Any]:
        try:
            return copy.deepcopy(self._scope(guild_id)[command_id])
        except KeyError:
            raise DiscordHTTPError(404, 10063, "Unknown application command") from None

    def _render(
        self, guild_id: int | None, payload: dict[str, Any], previous: dict[str, Any] | None
    ) -> dict[str, Any]:
        """Turn a validated request body into the stored form, keeping id and version if unchanged."""
        command_type = payload.get("type") or ApplicationCommandType.CHAT_INPUT
        permissions = payload.get("default_member_permissions")
        stored: dict[str, Any] = {
            "id": previous["id"] if previous else str(self._snowflake()),
            "application_id": str(self.application_id),
            "version": "",
            "default_member_permissions": None if permissions is None else str(int(permissions)),
            "type": command_type,
            "name": payload["name"],
            "name_localizations": payload.get("name_localizations"),
            "description": payload.get("description") or "",
            "description_localizations": payload.get("description_localizations"),
            "contexts": payload.get("contexts"),
            "integration_types": payload.get("integration_types") or [0],
            "nsfw": bool(payload.get("nsfw")),
        }
        if guild_id is None:
            stored["dm_permission"] = payload.get("dm_permission") is not False
        else:
            stored["guild_id"] = str(guild_id)
        if payload.get("options"):
            stored["options"] = _strip_nulls(copy.deepcopy(payload["options"]))
        if previous is not None and {k: v for k, v in previous.items() if k != "version"} == {
            k: v for k, v in stored.items() if k != "version"
        }:
            stored["version"] = previous["version"]
        else:
            stored["version"] = str(self._snowflake())
        return stored

    def _find(self, guild_id: int | None, payload: dict[str, Any]) -> dict[str, Any] | None:
        scope = self._scope(guild_id)
        if payload.get("id") is not None and int(payload["id"]) in scope:
            return scope[int(payload["id"])]
        command_type = payload.get("type") or ApplicationCommandType.CHAT_INPUT
        for command in scope.values():
            if command["name"] == payload.get("name") and command["type"] == command_type:
                return command
        return None

    def bulk_overwrite(self, guild_id: int | None, payload: Any) -> list[dict[str, Any]]:
        if not isinstance(payload, list):
            raise invalid_form_body(field_error("BASE_TYPE_ARRAY", "Must be an array."))
        errors: Errors = {}
        for index, command in enumerate(payload):
            command_errors = validate_command(command)
            if command_errors:
                errors[str(index)] = command_errors
        if errors:
            raise invalid_form_body(errors)
        seen: set[tuple[str, int]] = set()
        counts = dict.fromkeys(MAX_COMMANDS, 0)
        for index, command in enumerate(payload):
            key = (command["name"], command.get("type") or ApplicationCommandType.CHAT_INPUT)
            if key in seen:
                _add(
                    errors,
                    [str(index), "name"],
                    "APPLICATION_COMMANDS_DUPLICATE_NAME",
                    "Command names must be unique",
                )
            seen.add(key)
            counts[key[1]] += 1
        if errors:
            raise invalid_form_body(errors)
        for command_type, count in counts.items():
            if count > MAX_COMMANDS[command_type]:
                limit = MAX_COMMANDS[command_type]
                raise invalid_form_body(
                    field_error(
                        "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length (type {command_type})."
                    )
                )
        rendered = [self._render(guild_id, command, self._find(guild_id, command)) for command in payload]
        self._commands[guild_id] = {int(c["id"]): c for c in rendered}
        return [copy.deepcopy(c) for c in rendered]

    def create(self, guild_id: int | None, payload: Any) -> tuple[dict[str, Any], bool]:
        """POST upserts by name; returns (command, created)."""
        errors = validate_command(payload)
        if errors:
            raise invalid_form_body(errors)
        previous = self._find(guild_id, {**payload, "id": None})
        command_type = payload.get("type") or ApplicationCommandType.CHAT_INPUT
        if previous is None:
            count = sum(1 for c in self._scope(guild_id).values() if c["type"] == command_type)
            if count >= MAX_COMMANDS[command_type]:
                limit = MAX_COMMANDS[command_type]
                raise DiscordHTTPError(
                    400, 30032, f"Maximum number of application commands reached ({limit})"
                )
        stored = self._render(guild_id, payload, previous)
        self._scope(guild_id)[int(stored["id"])] = stored
        return copy.deepcopy(stored), previous is None

    def edit(self, guild_id: int | None, command_id: int, payload: Any) -> dict[str, Any]:
        current = self.get(guild_id, command_id)
        if not isinstance(payload, dict):
            raise invalid_form_body(
                field_error("DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
            )
        merged = {
            k: v for k, v in current.items() if k not in ("id", "application_id", "version", "guild_id")
        }
        merged.update(payload)
        errors = validate_command(merged)
        if errors:
            raise invalid_form_body(errors)
        clash = self._find(guild_id, {**merged, "id": None})
        if clash is not None and int(clash["id"]) != command_id:
            raise invalid_form_body(
                {"name": field_error("APPLICATION_COMMANDS_DUPLICATE_NAME", "Command names must be unique")}
            )
        stored = self._render(guild_id, merged, self._scope(guild_id)[command_id])
        self._scope(guild_id)[command_id] = stored
        return copy.deepcopy(stored)

    def delete(self, guild_id: int | None, command_id: int) -> None:
        self.get(guild_id, command_id)
        del self._scope(guild_id)[command_id]
