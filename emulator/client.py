"""What Discord's *client app* does before an interaction reaches the bot.

Resolving "/score episode" against the synced commands, refusing what the client would refuse
(unknown options, wrong types, ranges, permissions, contexts), and building the INTERACTION_CREATE
payload with nested options and ``resolved`` data exactly as the gateway delivers it.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from emulator import commands as cmd
from emulator import permissions as perms
from emulator.errors import ClientRejected, CommandNotFound
from emulator.models import (
    DM,
    EmuAttachment,
    EmuChannel,
    EmuFile,
    EmuGuild,
    EmuMember,
    EmuMessage,
    EmuRole,
    EmuUser,
)

if TYPE_CHECKING:
    from emulator.server import DiscordEmulator

OPTION_TYPE_NAMES = {
    cmd.STRING: "text",
    cmd.INTEGER: "an integer",
    cmd.BOOLEAN: "True or False",
    cmd.USER_OPTION: "a user",
    cmd.CHANNEL: "a channel",
    cmd.ROLE: "a role",
    cmd.MENTIONABLE: "a user or role",
    cmd.NUMBER: "a number",
    cmd.ATTACHMENT: "a file",
}

Who = EmuMember | EmuUser | tuple[EmuGuild, EmuUser]
SELECT_TYPES = frozenset({3, 5, 6, 7, 8})


@dataclass
class Invoker:
    """Who triggers an interaction and where: a guild member in a channel, or a user in a DM."""

    user: EmuUser
    channel: EmuChannel
    guild: EmuGuild | None = None
    member: EmuMember | None = None

    @property
    def context(self) -> int:
        return 0 if self.guild is not None else 1  # GUILD / BOT_DM

    @property
    def permissions(self) -> int:
        return self.member.permissions if self.member is not None else perms.ALL_PERMISSIONS


def resolve_invoker(emu: DiscordEmulator, who: Who, channel: EmuChannel | None) -> Invoker:
    if isinstance(who, EmuMember):
        guild, member = who.guild, who
    elif isinstance(who, tuple):
        guild, user = who
        found = guild.get_member(user.id)
        if found is None:
            raise ClientRejected(f"{user.name} is not a member of {guild.name}")
        member = found
    elif isinstance(who, EmuUser):
        dm = channel if channel is not None else emu.dm_channel(who)
        if dm.type != DM:
            raise ClientRejected("a plain user can only interact in a DM; pass a member for guild channels")
        return Invoker(user=who, channel=dm)
    else:
        raise TypeError(f"expected EmuMember, EmuUser or (guild, user), got {who!r}")
    target = channel if channel is not None else guild.default_channel
    if target.guild_id != guild.id:
        raise ClientRejected(f"#{target.name} is not a channel of {guild.name}")
    return Invoker(user=member.user, channel=target, guild=guild, member=member)


@dataclass
class ResolvedCommand:
    command: dict[str, Any]  # the stored top-level command
    chain: list[dict[str, Any]]  # subcommand group / subcommand option definitions, outermost first
    option_defs: list[dict[str, Any]]  # the leaf's options

    @property
    def qualified_name(self) -> str:
        return " ".join([self.command["name"], *(part["name"] for part in self.chain)])


def find_command(emu: DiscordEmulator, invoker: Invoker, path: str) -> ResolvedCommand:
    """Resolve "name [group] [sub]" among the chat-input commands visible where the member is."""
    words = path.strip().lstrip("/").split()
    if not words:
        raise CommandNotFound("empty command")
    # The stored definitions are only read here; copying every command on every invoke
    # made the emulator, not the bot, the bottleneck of the benchmarks.
    candidates = [c for c in emu.commands.stored(None) if c["type"] == cmd.CHAT_INPUT]
    if invoker.guild is not None:
        candidates = [
            c for c in emu.commands.stored(invoker.guild.id) if c["type"] == cmd.CHAT_INPUT
        ] + candidates
    command = next((c for c in candidates if c["name"] == words[0]), None)
    if command is None:
        known = ", ".join(sorted({"/" + c["name"] for c in candidates})) or "none"
        raise CommandNotFound(f"/{words[0]} is not a registered command here (registered: {known})")
    chain: list[dict[str, Any]] = []
    options: list[dict[str, Any]] = command.get("options", [])
    for word in words[1:]:
        sub = next(
            (
                o
                for o in options
                if o["type"] in (cmd.SUB_COMMAND, cmd.SUB_COMMAND_GROUP) and o["name"] == word
            ),
            None,
        )
        if sub is None:
            raise CommandNotFound(f"/{' '.join(words)}: {word!r} is not a subcommand")
        chain.append(sub)
        options = sub.get("options", [])
    structural = [o["name"] for o in options if o["type"] in (cmd.SUB_COMMAND, cmd.SUB_COMMAND_GROUP)]
    if structural:
        raise CommandNotFound(f"/{' '.join(words)} needs a subcommand: {', '.join(structural)}")
    return ResolvedCommand(command, chain, options)


def check_access(invoker: Invoker, command: dict[str, Any]) -> None:
    """The client hides commands the member may not use; refusing mirrors that."""
    contexts = command.get("contexts")
    if contexts is not None and invoker.context not in contexts:
        where = "servers" if invoker.guild is not None else "DMs"
        raise ClientRejected(f"/{command['name']} is not available in {where}")
    if invoker.guild is None:
        if command.get("guild_id") is not None or (
            contexts is None and command.get("dm_permission") is False
        ):
            raise ClientRejected(f"/{command['name']} is not available in DMs")
    if 0 not in (command.get("integration_types") or [0]):
        raise ClientRejected(f"/{command['name']} is only available as a user-installed app")
    if command.get("nsfw") and invoker.guild is not None and not invoker.channel.nsfw:
        raise ClientRejected(f"/{command['name']} is age-restricted and can only be used in NSFW channels")
    required = command.get("default_member_permissions")
    if invoker.member is not None and required is not None:
        have = invoker.permissions
        if not have & perms.ADMINISTRATOR and have & int(required) != int(required):
            raise ClientRejected(f"You do not have permission to use /{command['name']}")


class OptionBuilder:
    """Turns Python keyword values into interaction options plus ``resolved`` data."""

    def __init__(self, emu: DiscordEmulator, invoker: Invoker, command_name: str) -> None:
        self.emu = emu
        self.invoker = invoker
        self.command_name = command_name
        self.resolved: dict[str, dict[str, Any]] = {}

    def _reject(self, message: str) -> ClientRejected:
        return ClientRejected(f"/{self.command_name}: {message}")

    def build(
        self,
        option_defs: list[dict[str, Any]],
        values: Mapping[str, Any],
        *,
        validate: bool,
        focused: str | None = None,
    ) -> list[dict[str, Any]]:
        by_name = {o["name"]: o for o in option_defs}
        # None or "" means the member left the option empty: the client does not send it at all.
        values = {
            name: value
            for name, value in values.items()
            if name == focused or (value is not None and value != "")
        }
        if validate:
            unknown = [name for name in values if name not in by_name]
            if unknown:
                known = ", ".join(by_name) or "none"
                raise self._reject(f"unknown option {unknown[0]!r} (options: {known})")
            if focused is None:
                missing = [o["name"] for o in option_defs if o.get("required") and o["name"] not in values]
                if missing:
                    raise self._reject(f"missing required option {missing[0]!r}")
        ordered = [o["name"] for o in option_defs if o["name"] in values]
        ordered += [name for name in values if name not in by_name]
        built = []
        for name in ordered:
            definition = by_name.get(name)
            value = values[name]
            if name == focused:
                option_type = definition["type"] if definition else cmd.STRING
                built.append({"name": name, "type": option_type, "value": str(value), "focused": True})
                continue
            if definition is None:
                definition = {"name": name, "type": _guess_type(value)}
            built.append(
                {
                    "name": name,
                    "type": definition["type"],
                    "value": self._convert(definition, value, validate),
                }
            )
        return built

    def _convert(self, definition: dict[str, Any], value: Any, validate: bool) -> Any:
        option_type = definition["type"]
        name = definition["name"]
        if option_type in (cmd.STRING, cmd.INTEGER, cmd.NUMBER, cmd.BOOLEAN):
            if validate:
                self._check_scalar(definition, value)
            return value
        if option_type == cmd.ATTACHMENT:
            if isinstance(value, EmuFile):
                return str(self._attach(value).id)
            if validate:
                raise self._reject(f"option {name!r} must be a file (EmuFile), got {value!r}")
            return str(value)
        return self._convert_entity(definition, value, validate)

    def _check_scalar(self, definition: dict[str, Any], value: Any) -> None:
        option_type, name = definition["type"], definition["name"]
        kind = OPTION_TYPE_NAMES[option_type]
        ok = {
            cmd.STRING: isinstance(value, str),
            cmd.INTEGER: isinstance(value, int) and not isinstance(value, bool),
            cmd.NUMBER: isinstance(value, int | float) and not isinstance(value, bool),
            cmd.BOOLEAN: isinstance(value, bool),
        }[option_type]
        if not ok:
            raise self._reject(f"option {name!r} must be {kind}, got {value!r}")
        if option_type == cmd.STRING:
            low, high = definition.get("min_length", 0), definition.get("max_length", 6000)
            if len(value) < low:
                raise self._reject(f"option {name!r} must be at least {low} characters long")
            if len(value) > high:
                raise self._reject(f"option {name!r} must be at most {high} characters long")
        if option_type in (cmd.INTEGER, cmd.NUMBER):
            if isinstance(value, float) and not math.isfinite(value):
                raise self._reject(f"option {name!r} must be a finite number")
            low = definition.get("min_value", -cmd.MAX_SAFE_INTEGER)
            high = definition.get("max_value", cmd.MAX_SAFE_INTEGER)
            if value < low:
                raise self._reject(f"option {name!r} must be at least {low}")
            if value > high:
                raise self._reject(f"option {name!r} must be at most {high}")
        choices = definition.get("choices")
        if choices and value not in [c["value"] for c in choices]:
            listed = ", ".join(repr(c["value"]) for c in choices)
            raise self._reject(f"option {name!r}: {value!r} is not one of the choices ({listed})")

    def _attach(self, file: EmuFile) -> EmuAttachment:
        attachment = self.emu.store_attachment(
            self.invoker.channel.id,
            file.filename,
            file.data,
            file.content_type,
            file.description,
            ephemeral=True,
        )
        self.resolved.setdefault("attachments", {})[str(attachment.id)] = attachment.payload()
        return attachment

    def _convert_entity(self, definition: dict[str, Any], value: Any, validate: bool) -> str:
        option_type, name = definition["type"], definition["name"]
        guild = self.invoker.guild
        target: Any = value
        if isinstance(value, int) and not isinstance(value, bool):
            target = self.emu.lookup_entity(value, guild)
        if isinstance(target, EmuMember):
            target = target.user
        wants = {
            cmd.USER_OPTION: (EmuUser,),
            cmd.ROLE: (EmuRole,),
            cmd.CHANNEL: (EmuChannel,),
            cmd.MENTIONABLE: (EmuUser, EmuRole),
        }[option_type]
        if not isinstance(target, wants):
            if validate:
                raise self._reject(f"option {name!r} must be {OPTION_TYPE_NAMES[option_type]}, got {value!r}")
            return str(getattr(value, "id", value))
        if isinstance(target, EmuUser):
            self.resolved.setdefault("users", {})[str(target.id)] = target.payload()
            member = guild.get_member(target.id) if guild is not None else None
            if member is not None:
                self.resolved.setdefault("members", {})[str(target.id)] = member.payload(
                    with_user=False, with_permissions=True
                )
        elif isinstance(target, EmuRole):
            if validate and (guild is None or target.guild_id != guild.id):
                raise self._reject(f"option {name!r}: role {target.name!r} is not in this server")
            self.resolved.setdefault("roles", {})[str(target.id)] = target.payload()
        else:
            if validate and (guild is None or target.guild_id != guild.id):
                raise self._reject(f"option {name!r}: #{target.name} is not in this server")
            allowed = definition.get("channel_types")
            if validate and allowed and target.type not in allowed:
                raise self._reject(f"option {name!r}: #{target.name} is not an allowed channel type")
            channel_payload = target.payload()
            channel_payload["permissions"] = str(self.invoker.permissions)
            self.resolved.setdefault("channels", {})[str(target.id)] = channel_payload
        return str(target.id)


def _guess_type(value: Any) -> int:
    """Option type for a value sent with ``validate=False`` under a name the command does not define."""
    if isinstance(value, bool):
        return cmd.BOOLEAN
    if isinstance(value, int):
        return cmd.INTEGER
    if isinstance(value, float):
        return cmd.NUMBER
    if isinstance(value, EmuUser | EmuMember):
        return cmd.USER_OPTION
    if isinstance(value, EmuRole):
        return cmd.ROLE
    if isinstance(value, EmuChannel):
        return cmd.CHANNEL
    if isinstance(value, EmuFile):
        return cmd.ATTACHMENT
    return cmd.STRING


def nest_options(chain: list[dict[str, Any]], leaf_options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Wrap leaf options in their subcommand (and group) the way Discord nests them."""
    options = leaf_options
    for part in reversed(chain):
        options = [{"name": part["name"], "type": part["type"], "options": options}]
    return options


def interaction_payload(
    emu: DiscordEmulator,
    invoker: Invoker,
    *,
    interaction_id: int,
    interaction_type: int,
    data: dict[str, Any],
    locale: str,
    message: EmuMessage | None = None,
) -> dict[str, Any]:
    """The INTERACTION_CREATE body (what discord.py's ``Interaction`` parses)."""
    payload: dict[str, Any] = {
        "id": str(interaction_id),
        "application_id": str(emu.application_id),
        "type": interaction_type,
        "data": data,
        "token": "emu_" + secrets.token_urlsafe(48),
        "version": 1,
        "locale": locale,
        "entitlements": [],
        "entitlement_sku_ids": [],
        "attachment_size_limit": 10 * 1024 * 1024,
        "context": invoker.context,
        "channel_id": str(invoker.channel.id),
    }
    channel_payload = invoker.channel.payload()
    if invoker.guild is not None and invoker.member is not None:
        guild = invoker.guild
        channel_payload["permissions"] = str(invoker.permissions)
        payload.update(
            guild_id=str(guild.id),
            guild={"id": str(guild.id), "locale": guild.locale, "features": []},
            guild_locale=guild.locale,
            member=invoker.member.payload(with_permissions=True),
            app_permissions=str(emu.bot_member(guild).permissions),
            authorizing_integration_owners={"0": str(guild.id)},
        )
    else:
        payload.update(
            user=invoker.user.payload(),
            app_permissions=str(perms.DEFAULT_BOT_PERMISSIONS),
            authorizing_integration_owners={"0": "0"},
        )
    payload["channel"] = channel_payload
    if message is not None:
        payload["message"] = message.payload()
    return payload


def modal_submission(
    modal: dict[str, Any], values: Mapping[str, Any], *, validate: bool
) -> list[dict[str, Any]]:
    """Mirror a modal's layout with the member's answers, as Discord sends it in MODAL_SUBMIT."""
    fields: dict[str, dict[str, Any]] = {}

    def answer(component: dict[str, Any]) -> dict[str, Any] | None:
        kind = component.get("type")
        custom_id = component.get("custom_id")
        if kind == 4:
            fields[custom_id] = component
            value = values.get(custom_id, component.get("value") or "")
            if validate:
                _check_text_answer(component, value)
            return {"type": 4, "id": component.get("id"), "custom_id": custom_id, "value": value}
        if kind in SELECT_TYPES:
            fields[custom_id] = component
            chosen = values.get(custom_id, [])
            chosen = [chosen] if isinstance(chosen, str) else list(chosen)
            if validate:
                check_select_values(component, chosen)
            return {"type": kind, "id": component.get("id"), "custom_id": custom_id, "values": chosen}
        return None

    submitted: list[dict[str, Any]] = []
    for component in modal.get("components", []):
        kind = component.get("type")
        if kind == 1:
            children = [a for a in (answer(c) for c in component.get("components", [])) if a is not None]
            submitted.append({"type": 1, "id": component.get("id"), "components": children})
        elif kind == 18:
            inner = answer(component.get("component") or {})
            if inner is not None:
                submitted.append({"type": 18, "id": component.get("id"), "component": inner})
        elif kind == 10:
            submitted.append({"type": 10, "id": component.get("id")})
    if validate:
        unknown = [key for key in values if key not in fields]
        if unknown:
            raise ClientRejected(f"the modal has no field {unknown[0]!r} (fields: {', '.join(fields)})")
    return submitted


def _check_text_answer(component: dict[str, Any], value: Any) -> None:
    label = component.get("label") or component.get("custom_id")
    if not isinstance(value, str):
        raise ClientRejected(f"modal field {label!r} takes text, got {value!r}")
    if component.get("required", True) and not value:
        raise ClientRejected(f"modal field {label!r} is required")
    if value:
        low, high = component.get("min_length") or 0, component.get("max_length") or 4000
        if not low <= len(value) <= high:
            raise ClientRejected(f"modal field {label!r} must be between {low} and {high} characters long")


def check_select_values(component: dict[str, Any], chosen: list[str]) -> None:
    """Reject picks a select menu would not allow (count outside min/max, unknown option values)."""
    label = component.get("placeholder") or component.get("custom_id")
    low, high = component.get("min_values", 1), component.get("max_values", 1)
    if component.get("required", True) and not low <= len(chosen) <= high:
        raise ClientRejected(f"select {label!r} needs between {low} and {high} values")
    if component.get("type") == 3:
        allowed = [o["value"] for o in component.get("options", [])]
        bad = [v for v in chosen if v not in allowed]
        if bad:
            raise ClientRejected(f"select {label!r} has no option {bad[0]!r}")
