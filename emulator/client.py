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

from emulator import permissions as perms
from emulator.commands import MAX_SAFE_INTEGER
from emulator.errors import ClientRejected, CommandNotFound
from emulator.models import (
    EmuAttachment,
    EmuChannel,
    EmuFile,
    EmuGuild,
    EmuMember,
    EmuMessage,
    EmuRole,
    EmuUser,
    Unresolved,
)
from emulator.protocol import (
    SELECT_TYPES,
    STRUCTURAL_OPTIONS,
    ApplicationCommandPermissionType,
    ApplicationCommandType,
    ApplicationIntegrationType,
    ChannelType,
    ComponentType,
    InteractionContextType,
    OptionType,
)

if TYPE_CHECKING:
    from emulator.server import DiscordEmulator

OPTION_TYPE_NAMES = {
    OptionType.STRING: "text",
    OptionType.INTEGER: "an integer",
    OptionType.BOOLEAN: "True or False",
    OptionType.USER: "a user",
    OptionType.CHANNEL: "a channel",
    OptionType.ROLE: "a role",
    OptionType.MENTIONABLE: "a user or role",
    OptionType.NUMBER: "a number",
    OptionType.ATTACHMENT: "a file",
}

Who = EmuMember | EmuUser | tuple[EmuGuild, EmuUser]


@dataclass
class Invoker:
    """Who triggers an interaction and where: a guild member in a channel, or a user in a DM.

    ``home`` is the guild of the member a test passed in, kept when that member acts from their DM
    so that a modified client can still name that guild's commands there.
    """

    user: EmuUser
    channel: EmuChannel
    guild: EmuGuild | None = None
    member: EmuMember | None = None
    home: EmuGuild | None = None

    @property
    def context(self) -> InteractionContextType:
        return InteractionContextType.GUILD if self.guild is not None else InteractionContextType.BOT_DM

    @property
    def permissions(self) -> int:
        return self.member.permissions if self.member is not None else perms.ALL_PERMISSIONS


def resolve_invoker(emu: DiscordEmulator, who: Who, channel: EmuChannel | None) -> Invoker:
    """Who acts where. A member given a DM channel (``emu.dm_channel(user)``) acts as that user in
    their DM with the bot, as anybody can open one from a server's member list."""
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
        if dm.type != ChannelType.DM:
            raise ClientRejected("a plain user can only interact in a DM; pass a member for guild channels")
        return Invoker(user=who, channel=dm)
    else:
        raise TypeError(f"expected EmuMember, EmuUser or (guild, user), got {who!r}")
    if channel is not None and channel.type == ChannelType.DM:
        if all(r.id != member.user.id for r in channel.recipients):
            raise ClientRejected(f"{member.user.name} is not in that DM")
        return Invoker(user=member.user, channel=channel, home=guild)
    target = channel if channel is not None else guild.default_channel
    if target.guild_id != guild.id:
        raise ClientRejected(f"#{target.name} is not a channel of {guild.name}")
    return Invoker(user=member.user, channel=target, guild=guild, member=member, home=guild)


@dataclass
class ResolvedCommand:
    command: dict[str, Any]  # the stored top-level command
    chain: list[dict[str, Any]]  # subcommand group / subcommand option definitions, outermost first
    option_defs: list[dict[str, Any]]  # the leaf's options

    @property
    def qualified_name(self) -> str:
        return " ".join([self.command["name"], *(part["name"] for part in self.chain)])


def find_command(
    emu: DiscordEmulator, invoker: Invoker, path: str, *, hidden: bool = False
) -> ResolvedCommand:
    """Resolve "name [group] [sub]" among the chat-input commands visible where the member is.

    ``hidden`` also finds what the client would not list there: a guild's commands in a DM of one of
    its members (a modified client can send any command id it saw elsewhere).
    """
    words = path.strip().lstrip("/").split()
    if not words:
        raise CommandNotFound("empty command")
    chat_input = ApplicationCommandType.CHAT_INPUT
    # The stored definitions are only read here; copying every command on every invoke
    # made the emulator, not the bot, the bottleneck of the benchmarks.
    candidates = [c for c in emu.commands.stored(None) if c["type"] == chat_input]
    scope = invoker.guild or (invoker.home if hidden else None)
    if scope is not None:
        candidates = [c for c in emu.commands.stored(scope.id) if c["type"] == chat_input] + candidates
    command = next((c for c in candidates if c["name"] == words[0]), None)
    if command is None:
        known = ", ".join(sorted({"/" + c["name"] for c in candidates})) or "none"
        raise CommandNotFound(f"/{words[0]} is not a registered command here (registered: {known})")
    chain: list[dict[str, Any]] = []
    options: list[dict[str, Any]] = command.get("options", [])
    for word in words[1:]:
        sub = next(
            (o for o in options if o["type"] in STRUCTURAL_OPTIONS and o["name"] == word),
            None,
        )
        if sub is None:
            raise CommandNotFound(f"/{' '.join(words)}: {word!r} is not a subcommand")
        chain.append(sub)
        options = sub.get("options", [])
    structural = [o["name"] for o in options if o["type"] in STRUCTURAL_OPTIONS]
    if structural:
        raise CommandNotFound(f"/{' '.join(words)} needs a subcommand: {', '.join(structural)}")
    return ResolvedCommand(command, chain, options)


def check_access(
    invoker: Invoker, command: dict[str, Any], overwrites: Mapping[int, dict[str, Any]] | None = None
) -> None:
    """The client hides commands the member may not use; refusing mirrors that.

    ``overwrites`` are the guild's command permission overwrites that apply to ``command`` (the
    command's own merged over the app-wide ones, by target id), as a server admin sets them under
    Server Settings › Integrations. They decide before ``default_member_permissions`` does: a
    matching user overwrite first, then the member's roles (one allowed role is enough), then
    @everyone; a channel overwrite (or "all channels") can shut the command out of a channel. The
    owner and administrators pass every check, as they cannot lock themselves out in Discord.
    """
    name = command["name"]
    contexts = command.get("contexts")
    if contexts is not None and invoker.context not in contexts:
        where = "servers" if invoker.guild is not None else "DMs"
        raise ClientRejected(f"/{name} is not available in {where}")
    if invoker.guild is None:
        if command.get("guild_id") is not None or (
            contexts is None and command.get("dm_permission") is False
        ):
            raise ClientRejected(f"/{name} is not available in DMs")
    if ApplicationIntegrationType.GUILD_INSTALL not in (command.get("integration_types") or [0]):
        raise ClientRejected(f"/{name} is only available as a user-installed app")
    if command.get("nsfw") and invoker.guild is not None and not invoker.channel.nsfw:
        raise ClientRejected(f"/{name} is age-restricted and can only be used in NSFW channels")
    if invoker.member is None or invoker.guild is None or invoker.permissions & perms.ADMINISTRATOR:
        return
    overwrites = overwrites or {}
    if _channel_verdict(overwrites, invoker) is False:
        raise ClientRejected(f"/{name} is not available in #{invoker.channel.name}")
    verdict = _member_verdict(overwrites, invoker)
    if verdict is False:
        raise ClientRejected(f"You do not have permission to use /{name}")
    required = command.get("default_member_permissions")
    if verdict is None and required is not None and invoker.permissions & int(required) != int(required):
        raise ClientRejected(f"You do not have permission to use /{name}")


def _channel_verdict(overwrites: Mapping[int, dict[str, Any]], invoker: Invoker) -> bool | None:
    assert invoker.guild is not None
    for target in (invoker.channel.id, all_channels_id(invoker.guild)):
        found = overwrites.get(target)
        if found is not None and found["type"] == ApplicationCommandPermissionType.CHANNEL:
            return bool(found["permission"])
    return None


def _member_verdict(overwrites: Mapping[int, dict[str, Any]], invoker: Invoker) -> bool | None:
    assert invoker.guild is not None and invoker.member is not None
    user = overwrites.get(invoker.user.id)
    if user is not None and user["type"] == ApplicationCommandPermissionType.USER:
        return bool(user["permission"])
    roles = [
        overwrites[r.id]["permission"]
        for r in invoker.member.roles
        if r.id in overwrites and overwrites[r.id]["type"] == ApplicationCommandPermissionType.ROLE
    ]
    if roles:
        return any(roles)
    everyone = overwrites.get(invoker.guild.id)
    if everyone is not None and everyone["type"] == ApplicationCommandPermissionType.ROLE:
        return bool(everyone["permission"])
    return None


def all_channels_id(guild: EmuGuild) -> int:
    """The id Discord's command permissions use for "every channel" of a guild."""
    return guild.id - 1


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
                option_type = definition["type"] if definition else OptionType.STRING
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
        if option_type in (OptionType.STRING, OptionType.INTEGER, OptionType.NUMBER, OptionType.BOOLEAN):
            if validate:
                self._check_scalar(definition, value)
            return value
        if option_type == OptionType.ATTACHMENT:
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
            OptionType.STRING: isinstance(value, str),
            OptionType.INTEGER: isinstance(value, int) and not isinstance(value, bool),
            OptionType.NUMBER: isinstance(value, int | float) and not isinstance(value, bool),
            OptionType.BOOLEAN: isinstance(value, bool),
        }[option_type]
        if not ok:
            raise self._reject(f"option {name!r} must be {kind}, got {value!r}")
        if option_type == OptionType.STRING:
            low, high = definition.get("min_length", 0), definition.get("max_length", 6000)
            if len(value) < low:
                raise self._reject(f"option {name!r} must be at least {low} characters long")
            if len(value) > high:
                raise self._reject(f"option {name!r} must be at most {high} characters long")
        if option_type in (OptionType.INTEGER, OptionType.NUMBER):
            if isinstance(value, float) and not math.isfinite(value):
                raise self._reject(f"option {name!r} must be a finite number")
            low = definition.get("min_value", -MAX_SAFE_INTEGER)
            high = definition.get("max_value", MAX_SAFE_INTEGER)
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

    def _convert_entity(self, definition: dict[str, Any], value: Any, validate: bool) -> Any:
        """A user, role, channel or mentionable option: its id, explained in ``resolved``.

        With ``validate=False`` a modified client's values go through untouched: a ``str`` is sent
        verbatim (``"abc"``, ``"-5"``, ``"99999999999999999999999"``), ``Unresolved(id)`` sends the
        id with nothing in ``resolved``, and a value of the wrong kind (a role for a user option, an
        id nobody has) is sent as its id, unresolved.
        """
        option_type, name = definition["type"], definition["name"]
        guild = self.invoker.guild
        if isinstance(value, Unresolved | str):
            if validate:
                raise self._reject(f"option {name!r} must be {OPTION_TYPE_NAMES[option_type]}, got {value!r}")
            return str(value.id) if isinstance(value, Unresolved) else value
        target: Any = value
        if isinstance(value, int) and not isinstance(value, bool):
            target = self.emu.lookup_entity(value, guild)
        if isinstance(target, EmuMember):
            target = target.user
        wants = {
            OptionType.USER: (EmuUser,),
            OptionType.ROLE: (EmuRole,),
            OptionType.CHANNEL: (EmuChannel,),
            OptionType.MENTIONABLE: (EmuUser, EmuRole),
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
            assert isinstance(target, EmuChannel)
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
        return OptionType.BOOLEAN
    if isinstance(value, int):
        return OptionType.INTEGER
    if isinstance(value, float):
        return OptionType.NUMBER
    if isinstance(value, EmuUser | EmuMember | Unresolved):
        return OptionType.USER
    if isinstance(value, EmuRole):
        return OptionType.ROLE
    if isinstance(value, EmuChannel):
        return OptionType.CHANNEL
    if isinstance(value, EmuFile):
        return OptionType.ATTACHMENT
    return OptionType.STRING


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
        custom_id = str(component.get("custom_id", ""))
        if kind == ComponentType.TEXT_INPUT:
            fields[custom_id] = component
            value = values.get(custom_id, component.get("value") or "")
            if validate:
                _check_text_answer(component, value)
            return {
                "type": ComponentType.TEXT_INPUT,
                "id": component.get("id"),
                "custom_id": custom_id,
                "value": value,
            }
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
        if kind == ComponentType.ACTION_ROW:
            children = [a for a in (answer(c) for c in component.get("components", [])) if a is not None]
            submitted.append({"type": kind, "id": component.get("id"), "components": children})
        elif kind == ComponentType.LABEL:
            inner = answer(component.get("component") or {})
            if inner is not None:
                submitted.append({"type": kind, "id": component.get("id"), "component": inner})
        elif kind == ComponentType.TEXT_DISPLAY:
            submitted.append({"type": kind, "id": component.get("id")})
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
    if component.get("type") == ComponentType.STRING_SELECT:
        allowed = [o["value"] for o in component.get("options", [])]
        bad = [v for v in chosen if v not in allowed]
        if bad:
            raise ClientRejected(f"select {label!r} has no option {bad[0]!r}")
