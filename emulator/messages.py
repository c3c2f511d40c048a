"""Server-side rules for message bodies, modals and autocomplete results, plus mention resolution.

Everything here is pure: functions take request data and either return quietly or raise the
``DiscordHTTPError`` Discord would answer with. Limits come from Discord's documentation.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from emulator.errors import DiscordHTTPError, empty_message, invalid_form_body
from emulator.models import EmuGuild, EmuRole, EmuUser
from emulator.protocol import (
    SELECT_TYPES,
    ButtonStyle,
    ComponentType,
    MessageFlag,
    OptionType,
    TextInputStyle,
)

MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
MAX_FILES = 10
MAX_FILE_SIZE = 10 * 1024 * 1024  # attachment_size_limit of a guild without boosts
CREATE_FLAGS = (
    MessageFlag.SUPPRESS_EMBEDS
    | MessageFlag.EPHEMERAL
    | MessageFlag.SUPPRESS_NOTIFICATIONS
    | MessageFlag.IS_VOICE_MESSAGE
    | MessageFlag.IS_COMPONENTS_V2
)
EDIT_FLAGS = MessageFlag.SUPPRESS_EMBEDS | MessageFlag.EPHEMERAL | MessageFlag.IS_COMPONENTS_V2
V2_TOP_LEVEL = frozenset(
    {
        ComponentType.ACTION_ROW,
        ComponentType.SECTION,
        ComponentType.TEXT_DISPLAY,
        ComponentType.MEDIA_GALLERY,
        ComponentType.FILE,
        ComponentType.SEPARATOR,
        ComponentType.CONTAINER,
    }
)
MODAL_LABEL_CHILDREN = SELECT_TYPES | {
    ComponentType.TEXT_INPUT,
    ComponentType.FILE_UPLOAD,
    ComponentType.RADIO_GROUP,
    ComponentType.CHECKBOX_GROUP,
    ComponentType.CHECKBOX,
}

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")
_EVERYONE_MENTION = re.compile(r"@(?:everyone|here)")

Errors = dict[str, Any]


@dataclass
class UploadedFile:
    """One ``files[n]`` part of a multipart request."""

    index: int
    filename: str
    data: bytes
    content_type: str | None = None


class _Collector:
    """Accumulates errors under a path prefix, in Discord's nested error layout."""

    def __init__(self, prefix: Iterable[str] = ()) -> None:
        self.prefix = list(prefix)
        self.errors: Errors = {}

    def add(self, path: Iterable[str], code: str, message: str) -> None:
        node = self.errors
        for key in [*self.prefix, *path]:
            node = node.setdefault(key, {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def max_length(self, path: list[str], value: Any, limit: int, *, required: bool = False) -> None:
        if value is None:
            if required:
                self.add(path, "BASE_TYPE_REQUIRED", "This field is required")
            return
        if not isinstance(value, str):
            self.add(path, "BASE_TYPE_STRING", "Must be a string.")
        elif required and not value:
            self.add(path, "BASE_TYPE_REQUIRED", "This field is required")
        elif len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def raise_if_any(self) -> None:
        if self.errors:
            raise invalid_form_body(self.errors)


def _embed_text_size(embed: dict[str, Any]) -> int:
    size = 0
    for value in (embed.get("title"), embed.get("description")):
        size += len(value) if isinstance(value, str) else 0
    for item in embed.get("fields") or []:
        if isinstance(item, dict):
            size += sum(len(item[key]) for key in ("name", "value") if isinstance(item.get(key), str))
    for key, sub in (("footer", "text"), ("author", "name")):
        part = embed.get(key)
        if isinstance(part, dict) and isinstance(part.get(sub), str):
            size += len(part[sub])
    return size


def _check_embeds(errors: _Collector, embeds: Any) -> None:
    if embeds is None:
        return
    if not isinstance(embeds, list):
        errors.add(["embeds"], "BASE_TYPE_ARRAY", "Must be an array.")
        return
    if len(embeds) > MAX_EMBEDS:
        errors.add(["embeds"], "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_EMBEDS} or fewer in length.")
        return
    for index, embed in enumerate(embeds):
        path = ["embeds", str(index)]
        if not isinstance(embed, dict):
            errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
            continue
        errors.max_length([*path, "title"], embed.get("title"), 256)
        errors.max_length([*path, "description"], embed.get("description"), 4096)
        errors.max_length([*path, "url"], embed.get("url"), 2048)
        color = embed.get("color")
        if color is not None and (not isinstance(color, int) or not 0 <= color <= 0xFFFFFF):
            errors.add(
                [*path, "color"], "NUMBER_TYPE_MAX", "Int value should be less than or equal to 16777215."
            )
        fields = embed.get("fields")
        if fields is not None:
            if not isinstance(fields, list):
                errors.add([*path, "fields"], "BASE_TYPE_ARRAY", "Must be an array.")
            elif len(fields) > 25:
                errors.add([*path, "fields"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
            else:
                for field_index, item in enumerate(fields):
                    field_path = [*path, "fields", str(field_index)]
                    if not isinstance(item, dict):
                        errors.add(
                            field_path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"
                        )
                        continue
                    errors.max_length([*field_path, "name"], item.get("name"), 256, required=True)
                    errors.max_length([*field_path, "value"], item.get("value"), 1024, required=True)
        for key, sub, limit in (("footer", "text", 2048), ("author", "name", 256)):
            part = embed.get(key)
            if part is not None:
                if not isinstance(part, dict):
                    errors.add(
                        [*path, key], "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"
                    )
                else:  # optional per Discord's OpenAPI spec (an empty footer is simply not shown)
                    errors.max_length([*path, key, sub], part.get(sub), limit)
    total = sum(_embed_text_size(e) for e in embeds if isinstance(e, dict))
    if total > MAX_EMBED_TOTAL:
        errors.add(
            ["embeds"], "MAX_EMBED_SIZE_EXCEEDED", f"Embed size exceeds maximum size of {MAX_EMBED_TOTAL}"
        )


def _check_allowed_mentions(errors: _Collector, allowed: Any) -> None:
    if allowed is None:
        return
    if not isinstance(allowed, dict):
        errors.add(["allowed_mentions"], "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return
    parse = allowed.get("parse") or []
    for index, item in enumerate(parse):
        if item not in ("users", "roles", "everyone"):
            errors.add(
                ["allowed_mentions", "parse", str(index)],
                "BASE_TYPE_CHOICES",
                "Value must be one of users, roles, everyone.",
            )
    for kind in ("users", "roles"):
        ids = allowed.get(kind) or []
        if len(ids) > 100:
            errors.add(["allowed_mentions", kind], "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
        if ids and kind in parse:
            errors.add(
                ["allowed_mentions"],
                "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.',
            )


def _check_button(errors: _Collector, path: list[str], button: dict[str, Any]) -> None:
    style = button.get("style")
    if style not in list(ButtonStyle):
        errors.add([*path, "style"], "BASE_TYPE_CHOICES", "Value must be one of (1, 2, 3, 4, 5, 6).")
        return
    errors.max_length([*path, "label"], button.get("label"), 80)
    if style == ButtonStyle.LINK:
        if not button.get("url"):
            errors.add([*path, "url"], "BUTTON_COMPONENT_URL_REQUIRED", "A url is required")
        if button.get("custom_id") is not None:
            errors.add(
                [*path, "custom_id"],
                "BUTTON_COMPONENT_CUSTOM_ID_CANNOT_HAVE_URL",
                "Link buttons cannot have a custom_id",
            )
    elif style == ButtonStyle.PREMIUM:
        if not button.get("sku_id"):
            errors.add([*path, "sku_id"], "BASE_TYPE_REQUIRED", "This field is required")
    else:
        errors.max_length([*path, "custom_id"], button.get("custom_id"), 100, required=True)
        if button.get("url") is not None:
            errors.add([*path, "url"], "BUTTON_COMPONENT_URL_NOT_ALLOWED", "Only link buttons may have a url")
        if not button.get("label") and not button.get("emoji"):
            errors.add([*path], "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED", "A label or emoji is required")


def _check_select(errors: _Collector, path: list[str], select: dict[str, Any]) -> None:
    errors.max_length([*path, "custom_id"], select.get("custom_id"), 100, required=True)
    errors.max_length([*path, "placeholder"], select.get("placeholder"), 150)
    min_values, max_values = select.get("min_values", 1), select.get("max_values", 1)
    if not isinstance(min_values, int) or not 0 <= min_values <= 25:
        errors.add([*path, "min_values"], "NUMBER_TYPE_MAX", "Must be between 0 and 25.")
    if not isinstance(max_values, int) or not 1 <= max_values <= 25:
        errors.add([*path, "max_values"], "NUMBER_TYPE_MAX", "Must be between 1 and 25.")
    elif isinstance(min_values, int) and min_values > max_values:
        errors.add(
            [*path, "min_values"],
            "SELECT_COMPONENT_MIN_GREATER_THAN_MAX",
            "min_values must not exceed max_values",
        )
    if select.get("type") == ComponentType.STRING_SELECT:
        options = select.get("options")
        if not isinstance(options, list) or not 1 <= len(options) <= 25:
            errors.add([*path, "options"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 25 in length.")
            return
        for index, option in enumerate(options):
            option_path = [*path, "options", str(index)]
            errors.max_length([*option_path, "label"], option.get("label"), 100, required=True)
            errors.max_length([*option_path, "value"], option.get("value"), 100, required=True)
            errors.max_length([*option_path, "description"], option.get("description"), 100)
        if isinstance(max_values, int) and max_values > len(options):
            errors.add(
                [*path, "max_values"],
                "SELECT_COMPONENT_TOO_MANY_VALUES",
                "max_values exceeds the number of options",
            )


def _check_action_row(errors: _Collector, path: list[str], row: dict[str, Any]) -> None:
    children = row.get("components")
    if not isinstance(children, list) or not 1 <= len(children) <= 5:
        errors.add([*path, "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
        return
    types = [c.get("type") if isinstance(c, dict) else None for c in children]
    if any(t in SELECT_TYPES for t in types) and len(children) > 1:
        errors.add(
            [*path, "components"], "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "A select menu must be alone in its row"
        )
    for index, child in enumerate(children):
        child_path = [*path, "components", str(index)]
        if not isinstance(child, dict) or child.get("type") not in ({ComponentType.BUTTON} | SELECT_TYPES):
            errors.add(
                [*child_path, "type"], "COMPONENT_TYPE_INVALID", "Invalid component type in an action row"
            )
        elif child["type"] == ComponentType.BUTTON:
            _check_button(errors, child_path, child)
        else:
            _check_select(errors, child_path, child)


def _walk(components: Iterable[Any]) -> Iterable[dict[str, Any]]:
    for component in components:
        if not isinstance(component, dict):
            continue
        yield component
        yield from _walk(component.get("components") or [])
        for key in ("accessory", "component"):
            if isinstance(component.get(key), dict):
                yield from _walk([component[key]])


def _check_components(errors: _Collector, components: Any, flags: int) -> None:
    if components is None:
        return
    if not isinstance(components, list):
        errors.add(["components"], "BASE_TYPE_ARRAY", "Must be an array.")
        return
    if flags & MessageFlag.IS_COMPONENTS_V2:
        if sum(1 for _ in _walk(components)) > 40:
            errors.add(["components"], "BASE_TYPE_MAX_LENGTH", "Must be 40 or fewer in total components.")
        for index, component in enumerate(components):
            path = ["components", str(index)]
            if not isinstance(component, dict) or component.get("type") not in V2_TOP_LEVEL:
                errors.add([*path, "type"], "COMPONENT_TYPE_INVALID", "Invalid top-level component type")
            elif component["type"] == ComponentType.ACTION_ROW:
                _check_action_row(errors, path, component)
    else:
        if len(components) > 5:
            errors.add(["components"], "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
        for index, component in enumerate(components):
            path = ["components", str(index)]
            if not isinstance(component, dict) or component.get("type") != ComponentType.ACTION_ROW:
                errors.add(
                    [*path, "type"],
                    "COMPONENT_TYPE_INVALID",
                    "Only action rows are allowed at the top level without the IS_COMPONENTS_V2 flag",
                )
            else:
                _check_action_row(errors, path, component)
    seen: set[str] = set()
    for component in _walk(components):
        custom_id = component.get("custom_id")
        if isinstance(custom_id, str):
            if custom_id in seen:
                errors.add(
                    ["components"], "COMPONENT_CUSTOM_ID_DUPLICATED", f"Duplicate custom_id: {custom_id}"
                )
            seen.add(custom_id)


def validate_message_body(
    body: Any,
    *,
    files: list[UploadedFile],
    edit: bool,
    prefix: Iterable[str] = (),
    current: dict[str, Any] | None = None,
) -> None:
    """Check a create/edit message body. ``current`` describes the message being edited (for emptiness).

    ``current`` keys: content, embeds, components, attachments (ids as strings).
    """
    errors = _Collector(prefix)
    if not isinstance(body, dict):
        errors.add([], "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        errors.raise_if_any()
        return
    errors.max_length(["content"], body.get("content"), MAX_CONTENT)
    _check_embeds(errors, body.get("embeds"))
    _check_allowed_mentions(errors, body.get("allowed_mentions"))
    flags = body.get("flags")
    if flags is not None and not isinstance(flags, int):
        errors.add(["flags"], "NUMBER_TYPE_COERCE", "Value is not int.")
        flags = 0
    flags = flags or 0
    allowed_flags = EDIT_FLAGS if edit else CREATE_FLAGS
    if flags & ~allowed_flags:
        errors.add(["flags"], "MESSAGE_FLAGS_INVALID", "Invalid message flags")
    effective_flags = flags | ((current or {}).get("flags", 0) & MessageFlag.IS_COMPONENTS_V2)
    _check_components(errors, body.get("components"), effective_flags)
    if effective_flags & MessageFlag.IS_COMPONENTS_V2 and (body.get("content") or body.get("embeds")):
        errors.add(
            ["content"],
            "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
            "The 'content' and 'embeds' fields cannot be used when using MessageFlags.IS_COMPONENTS_V2",
        )
    if body.get("tts") is not None and not isinstance(body.get("tts"), bool):
        errors.add(["tts"], "BASE_TYPE_BOOLEAN", "Must be either true or false.")
    attachments = body.get("attachments")
    if attachments is not None:
        if not isinstance(attachments, list) or len(attachments) > MAX_FILES:
            errors.add(["attachments"], "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_FILES} or fewer in length.")
        else:
            known = {str(f.index) for f in files} | set((current or {}).get("attachments", []))
            for index, attachment in enumerate(attachments):
                if not isinstance(attachment, dict) or str(attachment.get("id")) not in known:
                    errors.add(
                        ["attachments", str(index), "id"], "ATTACHMENT_NOT_FOUND", "Unknown attachment"
                    )
                else:
                    errors.max_length(
                        ["attachments", str(index), "description"], attachment.get("description"), 1024
                    )
    if len(files) > MAX_FILES:
        errors.add(["files"], "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_FILES} or fewer in length.")
    errors.raise_if_any()
    for uploaded in files:
        if len(uploaded.data) > MAX_FILE_SIZE:
            raise DiscordHTTPError(413, 40005, "Request entity too large")

    merged = dict(current or {})
    for key in ("content", "embeds", "components", "poll", "sticker_ids"):
        if key in body:
            merged[key] = body[key]
    if attachments is not None:
        merged["attachments"] = attachments
    has_files = bool(files) or bool(merged.get("attachments"))
    content = merged.get("content")
    if not (
        (isinstance(content, str) and content.strip())
        or merged.get("embeds")
        or merged.get("components")
        or merged.get("poll")
        or merged.get("sticker_ids")
        or has_files
    ):
        raise empty_message()


def validate_modal(data: Any, prefix: Iterable[str] = ("data",)) -> None:
    errors = _Collector(prefix)
    if not isinstance(data, dict):
        errors.add([], "BASE_TYPE_REQUIRED", "This field is required")
        errors.raise_if_any()
        return
    errors.max_length(["custom_id"], data.get("custom_id"), 100, required=True)
    errors.max_length(["title"], data.get("title"), 45, required=True)
    components = data.get("components")
    if not isinstance(components, list) or not 1 <= len(components) <= 5:
        errors.add(["components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
        errors.raise_if_any()
        return
    for index, component in enumerate(components):
        path = ["components", str(index)]
        kind = component.get("type") if isinstance(component, dict) else None
        if kind == ComponentType.ACTION_ROW:
            children = component.get("components")
            text_input = ComponentType.TEXT_INPUT
            if not isinstance(children, list) or len(children) != 1 or children[0].get("type") != text_input:
                errors.add(
                    [*path, "components"],
                    "MODAL_ACTION_ROW_INVALID",
                    "A modal row holds exactly one text input",
                )
            else:
                _check_text_input(errors, [*path, "components", "0"], children[0], in_label=False)
        elif kind == ComponentType.LABEL:
            errors.max_length([*path, "label"], component.get("label"), 45, required=True)
            errors.max_length([*path, "description"], component.get("description"), 100)
            child = component.get("component")
            if not isinstance(child, dict) or child.get("type") not in MODAL_LABEL_CHILDREN:
                errors.add([*path, "component"], "COMPONENT_TYPE_INVALID", "Invalid component inside a label")
            elif child["type"] == ComponentType.TEXT_INPUT:
                _check_text_input(errors, [*path, "component"], child, in_label=True)
            elif child["type"] in SELECT_TYPES:
                _check_select(errors, [*path, "component"], child)
        elif kind == ComponentType.TEXT_DISPLAY:
            errors.max_length([*path, "content"], component.get("content"), 4000, required=True)
        else:
            errors.add([*path, "type"], "COMPONENT_TYPE_INVALID", "Invalid component type for a modal")
    seen: set[str] = set()
    for component in _walk(components):
        custom_id = component.get("custom_id")
        if isinstance(custom_id, str):
            if custom_id in seen:
                errors.add(
                    ["components"], "COMPONENT_CUSTOM_ID_DUPLICATED", f"Duplicate custom_id: {custom_id}"
                )
            seen.add(custom_id)
    errors.raise_if_any()


def _check_text_input(
    errors: _Collector, path: list[str], text_input: dict[str, Any], *, in_label: bool
) -> None:
    errors.max_length([*path, "custom_id"], text_input.get("custom_id"), 100, required=True)
    if text_input.get("style") not in list(TextInputStyle):
        errors.add([*path, "style"], "BASE_TYPE_CHOICES", "Value must be one of (1, 2).")
    if in_label:
        if text_input.get("label") is not None:
            errors.add(
                [*path, "label"], "TEXT_INPUT_LABEL_NOT_ALLOWED", "Use the label component's label instead"
            )
    else:
        errors.max_length([*path, "label"], text_input.get("label"), 45, required=True)
    errors.max_length([*path, "value"], text_input.get("value"), 4000)
    errors.max_length([*path, "placeholder"], text_input.get("placeholder"), 100)
    min_length, max_length = text_input.get("min_length"), text_input.get("max_length")
    if min_length is not None and (not isinstance(min_length, int) or not 0 <= min_length <= 4000):
        errors.add([*path, "min_length"], "NUMBER_TYPE_MAX", "Must be between 0 and 4000.")
    if max_length is not None and (not isinstance(max_length, int) or not 1 <= max_length <= 4000):
        errors.add([*path, "max_length"], "NUMBER_TYPE_MAX", "Must be between 1 and 4000.")
    if isinstance(min_length, int) and isinstance(max_length, int) and min_length > max_length:
        errors.add([*path, "min_length"], "NUMBER_TYPE_MAX", "min_length must not exceed max_length")


def validate_autocomplete(
    data: Any, option_type: int | None, prefix: Iterable[str] = ("data",)
) -> list[dict[str, Any]]:
    """Check an autocomplete result against the focused option's type; returns the choices."""
    errors = _Collector(prefix)
    if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
        errors.add(["choices"], "BASE_TYPE_REQUIRED", "This field is required")
        errors.raise_if_any()
        return []
    choices = data["choices"]
    if len(choices) > 25:
        errors.add(["choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        errors.raise_if_any()
    for index, choice in enumerate(choices):
        path = ["choices", str(index)]
        if not isinstance(choice, dict):
            errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
            continue
        name = choice.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= 100:
            errors.add([*path, "name"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        value = choice.get("value")
        if option_type == OptionType.STRING:
            if not isinstance(value, str) or len(value) > 100:
                errors.add(
                    [*path, "value"], "BASE_TYPE_MAX_LENGTH", "Must be a string of 100 or fewer in length."
                )
        elif option_type == OptionType.INTEGER:
            if not isinstance(value, int) or isinstance(value, bool):
                errors.add([*path, "value"], "NUMBER_TYPE_COERCE", f'Value "{value}" is not int.')
        elif not isinstance(value, int | float) or isinstance(value, bool):
            errors.add([*path, "value"], "NUMBER_TYPE_COERCE", f'Value "{value}" is not a valid number.')
    errors.raise_if_any()
    return copy.deepcopy(choices)


def prepare_components(components: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Copy components and number them, as Discord fills in ``id`` for every component it stores."""
    copied = copy.deepcopy(components or [])
    used = {c["id"] for c in _walk(copied) if isinstance(c.get("id"), int)}
    next_id = 1
    for component in _walk(copied):
        if not isinstance(component.get("id"), int):
            while next_id in used:
                next_id += 1
            component["id"] = next_id
            used.add(next_id)
    return copied


@dataclass
class Mentions:
    users: list[EmuUser]
    roles: list[int]
    everyone: bool


def resolve_mentions(
    content: str,
    allowed: dict[str, Any] | None,
    *,
    guild: EmuGuild | None,
    lookup_user: Callable[[int], EmuUser | None],
    can_mention_everyone: bool,
) -> Mentions:
    """Which mentions in ``content`` count, given allowed_mentions and the author's permissions.

    No allowed_mentions means Discord's default: parse users, roles and everyone.
    Roles only ping when mentionable or when the author may "Mention @everyone, @here and All Roles".
    """
    if allowed is None:
        allowed = {"parse": ["users", "roles", "everyone"]}
    parse = set(allowed.get("parse") or [])
    allowed_users = {int(u) for u in allowed.get("users") or []}
    allowed_roles = {int(r) for r in allowed.get("roles") or []}

    users: list[EmuUser] = []
    for match in _USER_MENTION.finditer(content):
        user_id = int(match.group(1))
        user = lookup_user(user_id)
        if user is not None and ("users" in parse or user_id in allowed_users) and user not in users:
            users.append(user)

    roles: list[int] = []
    if guild is not None:
        for match in _ROLE_MENTION.finditer(content):
            role: EmuRole | None = guild.roles.get(int(match.group(1)))
            if role is None or role.is_everyone or role.id in roles:
                continue
            if ("roles" in parse or role.id in allowed_roles) and (role.mentionable or can_mention_everyone):
                roles.append(role.id)

    everyone = bool(_EVERYONE_MENTION.search(content)) and "everyone" in parse and can_mention_everyone
    return Mentions(users, roles, everyone)
