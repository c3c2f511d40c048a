"""The console's world in the emulator: servers, members and roles whose ids stay the same between runs.

The database keeps ratings by server and member id, and server settings by role id, so a console
that is restarted must meet the same ids again for ``data/console.db`` to mean anything. The
emulator hands out time-based snowflakes, so every object the console creates is given an id
derived from its name instead (see :func:`stable_id`).

The world itself is not saved: members, roles, permissions, servers and Integrations settings made
during a run are gone at the next start, and come back with the same ids when made again.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

import discord

from emulator import DiscordEmulator, EmuChannel, EmuGuild, EmuMember, EmuRole, EmuUser

log = logging.getLogger(__name__)

DISCORD_EPOCH_MS = 1420070400000
# 2020-01-01T00:00:00Z, so stable ids look like ids of a server made then; the hash spreads them
# over the next ~12 days of timestamps and the 22 low bits.
_STABLE_EPOCH_MS = 1577836800000 - DISCORD_EPOCH_MS

DEFAULT_SERVER = "Drama Club"
DEFAULT_MEMBERS = ("alice", "bob", "carol")
OWNER_NAME = "owner"

# Friendly names for the permissions the console's paths need; any discord.py permission name
# (manage_guild, kick_members, …) is accepted too.
PERMISSION_ALIASES = {
    "manage-server": "manage_guild",
    "manage_server": "manage_guild",
    "admin": "administrator",
}


class WorldError(ValueError):
    """Something the console user asked for that the world cannot do; ``str()`` says why."""


def stable_id(*parts: object) -> int:
    """A snowflake that depends only on ``parts``: the same name gives the same id in every run."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    number = int.from_bytes(digest[:8], "big")
    millis = _STABLE_EPOCH_MS + (number >> 34) % (1 << 30)
    return (millis << 22) | (number & 0x3FFFFF)


def permission_bit(name: str) -> tuple[str, int]:
    """``manage-server`` → ("manage_guild", 0x20). Raises :class:`WorldError` for an unknown name."""
    key = name.strip().lower()
    key = PERMISSION_ALIASES.get(key, key).replace("-", "_").replace(" ", "_")
    key = PERMISSION_ALIASES.get(key, key)
    value = discord.Permissions.VALID_FLAGS.get(key)
    if value is None:
        known = ", ".join(["manage-server", "manage-messages", "administrator", "manage-roles"])
        raise WorldError(f"unknown permission {name!r} (for example {known})")
    return key, value


def permission_label(key: str) -> str:
    return "Manage Server" if key == "manage_guild" else key.replace("_", " ").title()


def permission_names(bits: int) -> list[str]:
    return [permission_label(name) for name, value in discord.Permissions.VALID_FLAGS.items() if bits & value]


@dataclass
class World:
    """Who the console acts as, and where. Servers, users and roles are looked up by name."""

    emu: DiscordEmulator
    owner: EmuUser
    server: EmuGuild
    member: EmuMember

    @classmethod
    def build(
        cls,
        emu: DiscordEmulator,
        *,
        server: str = DEFAULT_SERVER,
        members: tuple[str, ...] = DEFAULT_MEMBERS,
        acting: str | None = None,
    ) -> World:
        """The starting world; call before the bot connects so it arrives in GUILD_CREATE."""
        owner = emu.add_user(OWNER_NAME, id=stable_id("user", OWNER_NAME, 0))
        guild = _add_guild(emu, server, owner)
        for name in members:
            _join(emu, guild, _user(emu, name))
        first = acting or (members[0] if members else OWNER_NAME)
        member = guild.get_member(_user(emu, first).id)
        assert member is not None
        return cls(emu, owner, guild, member)

    # -- looking things up ---------------------------------------------------------------------

    @property
    def servers(self) -> list[EmuGuild]:
        return list(self.emu.guilds.values())

    def members(self, guild: EmuGuild | None = None) -> list[EmuMember]:
        """Human members of a server (the bot is left out), by name."""
        guild = guild or self.server
        found = [m for m in guild.members.values() if not m.user.bot]
        return sorted(found, key=lambda m: m.user.name)

    def find_member(self, name: str) -> EmuMember | None:
        key = _name_key(name)
        for member in self.members():
            names = {member.user.name, member.user.global_name, member.nick, str(member.id)}
            if key in {_name_key(n) for n in names if n}:
                return member
        return None

    def find_user(self, name: str) -> EmuUser | None:
        """A member of the current server first, then anybody the emulator knows."""
        member = self.find_member(name)
        if member is not None:
            return member.user
        key = _name_key(name)
        return next((u for u in self.emu.users.values() if key in {_name_key(u.name), str(u.id)}), None)

    def roles(self) -> list[EmuRole]:
        """Roles one can give in the current server: not @everyone, not the bot's, not personal ones."""
        personal = {_personal_role_name(m.user) for m in self.server.members.values()}
        return [
            r
            for r in self.server.roles.values()
            if not r.is_everyone and r.bot_id is None and r.name not in personal
        ]

    def find_role(self, name: str) -> EmuRole | None:
        key = _name_key(name)
        return next(
            (r for r in self.server.roles.values() if key in {_name_key(r.name), str(r.id)}),
            None,
        )

    def find_channel(self, name: str) -> EmuChannel | None:
        key = _name_key(name)
        return next((c for c in self.server.channels if key in {_name_key(c.name), str(c.id)}), None)

    def find_server(self, name: str) -> EmuGuild | None:
        key = _name_key(name)
        return next((g for g in self.servers if key in {_name_key(g.name), str(g.id)}), None)

    def extra_permissions(self, member: EmuMember | None = None) -> int:
        """The permissions given with ``:grant`` (on top of @everyone)."""
        member = member or self.member
        role = self._personal_role(member)
        return role.permissions if role is not None else 0

    # -- changing it ---------------------------------------------------------------------------

    def act_as(self, name: str) -> bool:
        """Act as ``name`` in the current server; a new name joins it. Returns True if it joined."""
        name = _clean_name(name, "member")
        found = self.find_member(name)
        if found is not None:
            self.member = found
            return False
        self.member = _join(self.emu, self.server, _user(self.emu, name))
        return True

    def switch_server(self, name: str) -> bool:
        """Go to server ``name`` (made if new) as the same user. Returns True if it was made."""
        name = _clean_name(name, "server")
        guild = self.find_server(name)
        created = guild is None
        if guild is None:
            guild = _add_guild(self.emu, name, self.owner)
        member = guild.get_member(self.member.user.id) or _join(self.emu, guild, self.member.user)
        self.server, self.member = guild, member
        return created

    def grant(self, permission: str) -> str:
        key, bit = permission_bit(permission)
        self._set_extra(self.extra_permissions() | bit)
        return permission_label(key)

    def revoke(self, permission: str) -> str:
        key, bit = permission_bit(permission)
        self._set_extra(self.extra_permissions() & ~bit)
        return permission_label(key)

    def give_role(self, name: str) -> tuple[EmuRole, bool]:
        """Give the current member the role ``name`` (made if new). Returns (role, made)."""
        name = _clean_name(name.lstrip("@"), "role")
        role = self.find_role(name)
        created = role is None
        if role is None:
            role = self.emu.add_role(self.server, name, id=stable_id("role", self.server.id, name, 0))
        if role.is_everyone or role.bot_id is not None:
            raise WorldError(f"@{role.name} cannot be given")
        self.emu.assign_role(self.member, role)
        return role, created

    def take_role(self, name: str) -> EmuRole:
        role = self.find_role(name.lstrip("@"))
        if role is None or not self.member.has_role(role):
            raise WorldError(f"{self.member.user.name} has no role called {name!r}")
        self.emu.remove_role(self.member, role)
        return role

    def set_command_access(self, argument: str, allowed: bool | None) -> str:
        """``"Curators /show"``: what a server admin sets under Server Settings › Integrations ›
        the app › a command (or, without ``/command``, for every command of the app) for a role,
        member or ``#channel``: allowed (True), refused (False) or back to the default (None).
        Returns what changed, for the console to say."""
        who, command = _split_command_access(argument)
        target = self._access_target(who)
        self.emu.set_command_permission(self.server, command, target, allowed)
        return f"{_access_label(allowed)}: {_target_label(target)} for {_command_label(command)}"

    def command_access(self) -> list[str]:
        """The current server's Integrations settings, one line per command."""
        names = {
            int(c["id"]): str(c["name"])
            for c in self.emu.registered_commands(self.server.id) + self.emu.registered_commands()
        }
        lines = []
        for stored in self.emu.command_permissions(self.server):
            command = names.get(int(stored["id"]))  # None: the app's own id, for every command
            entries = []
            for entry in stored["permissions"]:
                target = self._target_by_id(int(entry["id"]))
                label = _target_label(target) if target is not None else entry["id"]
                entries.append(f"{label} {'✓' if entry['permission'] else '✗'}")
            lines.append(f"{_command_label(command)}: {', '.join(entries)}")
        return lines

    def _access_target(self, name: str) -> EmuRole | EmuMember | EmuChannel:
        key = name.strip()
        if _name_key(key.lstrip("@")) == "everyone":
            return self.server.everyone_role
        if key.startswith("#"):
            channel = self.find_channel(key[1:])
            if channel is None:
                raise WorldError(f"{self.server.name} has no channel #{key[1:]}")
            return channel
        found = self.find_role(key.lstrip("@")) or self.find_member(key.lstrip("@"))
        if found is None:
            raise WorldError(f"{self.server.name} has no role or member {key!r} (:role NAME makes a role)")
        return found

    def _target_by_id(self, target_id: int) -> EmuRole | EmuMember | EmuChannel | None:
        return (
            self.server.roles.get(target_id)
            or self.server.get_member(target_id)
            or next((c for c in self.server.channels if c.id == target_id), None)
        )

    def _personal_role(self, member: EmuMember) -> EmuRole | None:
        wanted = _personal_role_name(member.user)
        return next((r for r in member.roles if r.name == wanted), None)

    def _set_extra(self, bits: int) -> None:
        role_id = stable_id("role", self.server.id, "permissions", self.member.user.name, 0)
        self.emu.set_permissions(self.member, bits, role_id=role_id)


def _add_guild(emu: DiscordEmulator, name: str, owner: EmuUser) -> EmuGuild:
    # The numbers continue the ids of earlier consoles, so their databases still match:
    # 1 went to the bot's role, which nothing keeps.
    guild_id, channel_id = stable_id("guild", name, 0), stable_id("guild", name, 2)
    return emu.add_guild(name, owner=owner, id=guild_id, channel_id=channel_id)


def _user(emu: DiscordEmulator, name: str) -> EmuUser:
    key = _name_key(name)
    found = next((u for u in emu.users.values() if _name_key(u.name) == key and not u.bot), None)
    if found is not None:
        return found
    return emu.add_user(name, id=stable_id("user", key, 0))


def _join(emu: DiscordEmulator, guild: EmuGuild, user: EmuUser) -> EmuMember:
    return guild.get_member(user.id) or emu.add_member(guild, user)


def _split_command_access(argument: str) -> tuple[str, str | None]:
    """``"Drama Mods /show"`` → ("Drama Mods", "show"); no ``/command`` means every command."""
    who, _, command = argument.strip().rpartition(" /")
    if not who:
        who, command = argument.strip(), ""
    who = who.strip().strip("\"'")
    if not who:
        raise WorldError("name a role, member or #channel, e.g. :allow Curators /show")
    name = command.strip().lstrip("/").split(" ")[0]
    return who, name or None


def _access_label(allowed: bool | None) -> str:
    return {True: "allowed", False: "refused", None: "back to the default"}[allowed]


def _target_label(target: EmuRole | EmuMember | EmuChannel) -> str:
    if isinstance(target, EmuRole):
        return target.mention if target.is_everyone else f"@{target.name}"
    if isinstance(target, EmuChannel):
        return f"#{target.name}"
    return target.user.name


def _command_label(command: str | None) -> str:
    return f"/{command}" if command else "every command"


def _personal_role_name(user: EmuUser) -> str:
    # The emulator's set_permissions names the personal role like this.
    return f"{user.name} permissions"


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _clean_name(name: str, what: str) -> str:
    name = " ".join(name.split()).strip("\"'")
    if not name:
        raise WorldError(f"give a {what} name")
    if len(name) > 32 and what != "server":
        raise WorldError(f"a {what} name is at most 32 characters")
    return name
