"""``DiscordEmulator``: the world state, the aiohttp server, and the member-side test API.

The emulator plays both sides a bot cannot see: Discord's servers (REST + gateway, in ``rest.py`` and
``gateway.py``) and Discord's client app used by members (``invoke``, ``autocomplete``, ``click``,
``submit_modal``). Tests build a small world (guilds, users, members, roles), point a real discord.py
bot at ``api_base``/``gateway_url`` and drive it like a member would.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from emulator import client as member_client
from emulator import permissions as perms
from emulator.commands import CommandStore
from emulator.errors import (
    ClientRejected,
    DiscordHTTPError,
    EmulatorError,
    InteractionTimeout,
    NotConnected,
)
from emulator.gateway import Gateway
from emulator.messages import UploadedFile, prepare_components, resolve_mentions
from emulator.models import (
    EmuAttachment,
    EmuChannel,
    EmuGuild,
    EmuMember,
    EmuMessage,
    EmuRole,
    EmuUser,
    InteractionResult,
    Pinged,
    RecordedRequest,
    SnowflakeFactory,
    utcnow,
)
from emulator.protocol import (
    SELECT_TYPES,
    ApplicationCommandPermissionType,
    ApplicationCommandType,
    ChannelType,
    ComponentType,
    InteractionCallbackType,
    InteractionType,
    MessageFlag,
    MessageType,
    OptionType,
)
from emulator.rest import RestAPI

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChatterStats:
    """What one ``DiscordEmulator.chatter`` call generated, and how many dispatches it queued in all
    (an event goes to every session whose intents ask for it, so 0 when none does)."""

    messages: int
    typing: int
    reactions: int
    queued: int


class DiscordEmulator:
    """A loopback Discord (REST v10 + gateway) for one bot application.

    Timings are attributes so tests can shrink them: ``response_deadline`` (Discord's 3 s to answer an
    interaction), ``deferred_timeout`` (how long ``invoke`` waits after a defer), ``token_lifetime``
    (15 min interaction webhook tokens), ``heartbeat_interval`` (seconds, sent in HELLO) and
    ``heartbeat_ack_delay`` (how long a HEARTBEAT_ACK takes, at most a quarter of the interval).

    Sharding: ``GET /gateway/bot`` recommends ``recommended_shards`` shards (None: one per 1,000
    guilds, at least one, as Discord roughly does) and reports a session start limit of
    ``identify_limit`` IDENTIFYs a day, counted down by each one, started ``max_concurrency`` at a
    time. Fresh guild ids fall on consecutive shards, so a world spreads evenly over any shard count.
    """

    def __init__(
        self,
        token: str = "emulator-token",
        application_id: int | None = None,
        bot_name: str = "dramabot",
        *,
        privileged_intents: int = 0,
        response_deadline: float = 3.0,
        deferred_timeout: float = 15.0,
        token_lifetime: float = 900.0,
        heartbeat_interval: float = 41.25,
        heartbeat_ack_delay: float = 0.02,
        deprecated_interaction_field: bool = True,
        recommended_shards: int | None = None,
        identify_limit: int = 1000,
        max_concurrency: int = 1,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.snowflake = SnowflakeFactory()
        self.token = token
        self.application_id = application_id if application_id is not None else self.snowflake()
        self.privileged_intents = privileged_intents
        self.response_deadline = response_deadline
        self.deferred_timeout = deferred_timeout
        self.token_lifetime = token_lifetime
        self.heartbeat_interval = heartbeat_interval
        self.heartbeat_ack_delay = heartbeat_ack_delay
        # Discord still sends a message's deprecated ``interaction`` field in gateway events; a
        # client must also work once it stops (False leaves it out of MESSAGE_CREATE/UPDATE).
        self.deprecated_interaction_field = deprecated_interaction_field
        for name, value, least in (
            ("recommended_shards", recommended_shards, 1),
            ("identify_limit", identify_limit, 0),
            ("max_concurrency", max_concurrency, 1),
        ):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < least):
                raise EmulatorError(f"{name} is a whole number of at least {least}, not {value!r}")
        self.recommended_shards = recommended_shards
        self.identify_limit = identify_limit
        self.max_concurrency = max_concurrency
        self.host = host
        self.port = port

        # The bot user shares the application's id, as it does for every modern Discord app.
        self.bot_user = EmuUser(self.application_id, bot_name, bot=True)
        self.app_owner = EmuUser(self.snowflake(), f"{bot_name}-owner")
        self.users: dict[int, EmuUser] = {u.id: u for u in (self.bot_user, self.app_owner)}
        self.guilds: dict[int, EmuGuild] = {}
        self.commands = CommandStore(self.application_id, self.snowflake)
        self.requests: list[RecordedRequest] = []
        self.internal_errors: list[Exception] = []  # emulator bugs hit while serving requests
        self.interactions: dict[int, InteractionResult] = {}
        self._tokens: dict[str, InteractionResult] = {}
        self.messages: dict[int, EmuMessage] = {}
        self.attachments: dict[int, EmuAttachment] = {}
        self._dm_channels: dict[int, EmuChannel] = {}
        self._bot_roles: dict[int, EmuRole] = {}
        self._personal_roles: dict[tuple[int, int], EmuRole] = {}
        # (guild id, command id or the application's id for every command) → overwrites by target id
        self._command_permissions: dict[tuple[int, int], dict[int, dict[str, Any]]] = {}
        self._last_chatter: dict[int, EmuMessage] = {}  # by channel id: what chatter reacts to

        self.gateway = Gateway(self)
        self.rest = RestAPI(self)
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None

    # -- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_route("*", "/{tail:.*}", self.rest.handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        self._base_url = f"http://{self.host}:{self.port}"
        await web.SockSite(self._runner, sock).start()
        log.info("Discord emulator listening on %s", self._base_url)

    async def stop(self) -> None:
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> DiscordEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise EmulatorError("the emulator is not started")
        return self._base_url

    @property
    def api_base(self) -> str:
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/gateway"

    @property
    def application_flags(self) -> int:
        return perms.application_flags(self.privileged_intents)

    @property
    def recommended_shard_count(self) -> int:
        """The shard count ``GET /gateway/bot`` recommends."""
        if self.recommended_shards is not None:
            return self.recommended_shards
        return max(1, -(-len(self.guilds) // 1000))

    def gateway_bot_payload(self) -> dict[str, Any]:
        """``GET /gateway/bot``: the URL, the recommended shards and the session start limit."""
        remaining = max(self.identify_limit - self.gateway.identify_count, 0)
        limit = {
            "total": self.identify_limit,
            "remaining": remaining,
            "reset_after": 86_400_000,  # ms; the emulator's day never ends
            "max_concurrency": self.max_concurrency,
        }
        return {"url": self.gateway_url, "shards": self.recommended_shard_count, "session_start_limit": limit}

    def bot_user_payload(self) -> dict[str, Any]:
        return {
            **self.bot_user.payload(),
            "verified": True,
            "mfa_enabled": False,
            "locale": "en-US",
            "email": None,
            "premium_type": 0,
        }

    # -- building the world ----------------------------------------------------------------------

    def _new_id(self, wanted: int | None, taken: Callable[[int], bool], what: str) -> int:
        """``wanted`` if given (refused when already in use), else a fresh snowflake."""
        if wanted is None:
            return self.snowflake()
        if isinstance(wanted, bool) or not isinstance(wanted, int) or not 0 < wanted < 1 << 64:
            raise EmulatorError(f"a {what} id is a snowflake (a positive 64-bit integer), not {wanted!r}")
        if taken(wanted):
            raise EmulatorError(f"the id {wanted} is already used by another {what}")
        return wanted

    def _check_id(self, wanted: int | None, taken: Callable[[int], bool], what: str) -> None:
        """Refuse a bad ``wanted`` id before anything is made, leaving the snowflakes untouched."""
        if wanted is not None:
            self._new_id(wanted, taken, what)

    def _role_ids(self) -> set[int]:
        return {role_id for g in self.guilds.values() for role_id in g.roles}

    def _channel_ids(self) -> set[int]:
        ids = {c.id for g in self.guilds.values() for c in g.channels}
        return ids | {c.id for c in self._dm_channels.values()}

    def add_user(
        self, name: str, *, id: int | None = None, global_name: str | None = None, bot: bool = False
    ) -> EmuUser:
        """A Discord account. ``id`` pins its snowflake (say, to meet a database's ids again)."""
        user_id = self._new_id(id, self.users.__contains__, "user")
        user = EmuUser(user_id, name, bot=bot, global_name=global_name)
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str,
        *,
        id: int | None = None,
        channel_id: int | None = None,
        owner: EmuUser | None = None,
        locale: str = "en-US",
        everyone_permissions: int = perms.DEFAULT_EVERYONE_PERMISSIONS,
        bot_permissions: int = perms.DEFAULT_BOT_PERMISSIONS,
        channel_name: str = "general",
    ) -> EmuGuild:
        """Create a guild with @everyone, the bot (plus its managed role), an owner and one text channel.

        The owner is a separate user so that test members are never accidentally all-powerful.
        ``id`` and ``channel_id`` pin the guild's and its first channel's snowflakes (@everyone's id
        is the guild's, as in Discord).
        """
        self._check_id(id, self.guilds.__contains__, "guild")
        self._check_id(channel_id, lambda wanted: wanted in self._channel_ids(), "channel")
        # Snowflakes in this order (owner, guild, bot role, channel): what bench/run.py counts on.
        owner = owner or self.add_user(f"{name} owner".lower().replace(" ", "-"))
        guild_id = id if id is not None else self.snowflake.new_millisecond()
        guild = EmuGuild(id=guild_id, name=name, owner_id=owner.id, locale=locale)
        guild.roles[guild.id] = EmuRole(guild.id, guild.id, "@everyone", everyone_permissions)
        bot_role = EmuRole(self.snowflake(), guild.id, self.bot_user.name, bot_permissions, position=1)
        bot_role.bot_id = self.bot_user.id
        guild.roles[bot_role.id] = bot_role
        self._bot_roles[guild.id] = bot_role
        first_channel = channel_id if channel_id is not None else self.snowflake()
        guild.channels.append(EmuChannel(first_channel, channel_name, guild.id))
        guild.members[owner.id] = EmuMember(guild, owner)
        guild.members[self.bot_user.id] = EmuMember(guild, self.bot_user, roles=[bot_role])
        self.guilds[guild.id] = guild
        self.gateway.broadcast("GUILD_CREATE", guild.payload(), guild_id=guild.id)
        return guild

    def remove_guild(self, guild: EmuGuild) -> None:
        """The bot leaves ``guild`` (kicked, or the guild deleted): GUILD_DELETE without
        ``unavailable`` goes to the sessions of its shard, and the guild is gone from the world."""
        if self.guilds.get(guild.id) is not guild:
            raise EmulatorError(f"the bot is not in {guild.name}")
        self.gateway.broadcast("GUILD_DELETE", {"id": str(guild.id)}, guild_id=guild.id)
        del self.guilds[guild.id]
        del self._bot_roles[guild.id]
        for key in [key for key in self._personal_roles if key[0] == guild.id]:
            del self._personal_roles[key]
        for key in [key for key in self._command_permissions if key[0] == guild.id]:
            del self._command_permissions[key]

    def start_outage(self, guild: EmuGuild) -> None:
        """``guild`` becomes unavailable (a Discord outage): GUILD_DELETE with ``unavailable: true``
        goes to the sessions of its shard. The bot is still in the guild; :meth:`end_outage` ends it."""
        if self.guilds.get(guild.id) is not guild:
            raise EmulatorError(f"the bot is not in {guild.name}")
        self.gateway.broadcast("GUILD_DELETE", {"id": str(guild.id), "unavailable": True}, guild_id=guild.id)

    def end_outage(self, guild: EmuGuild) -> None:
        """``guild`` is available again: GUILD_CREATE with the whole guild, as Discord sends it."""
        if self.guilds.get(guild.id) is not guild:
            raise EmulatorError(f"the bot is not in {guild.name}")
        self.gateway.broadcast("GUILD_CREATE", guild.payload(), guild_id=guild.id)

    def add_channel(
        self,
        guild: EmuGuild,
        name: str,
        *,
        id: int | None = None,
        nsfw: bool = False,
        topic: str | None = None,
    ) -> EmuChannel:
        channel_id = self._new_id(id, lambda wanted: wanted in self._channel_ids(), "channel")
        channel = EmuChannel(channel_id, name, guild.id, position=len(guild.channels), nsfw=nsfw, topic=topic)
        guild.channels.append(channel)
        self.gateway.broadcast("CHANNEL_CREATE", channel.payload(), guild_id=guild.id)
        return channel

    def add_role(
        self,
        guild: EmuGuild,
        name: str,
        permissions: int = 0,
        *,
        id: int | None = None,
        mentionable: bool = False,
        hoist: bool = False,
        color: int = 0,
    ) -> EmuRole:
        """A role of ``guild``; ``id`` pins its snowflake (bots keep settings by role id)."""
        role_id = self._new_id(id, lambda wanted: wanted in self._role_ids(), "role")
        position = max(r.position for r in guild.roles.values()) + 1
        role = EmuRole(role_id, guild.id, name, permissions, position, mentionable, hoist, color)
        guild.roles[role.id] = role
        self.gateway.broadcast(
            "GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role.payload()}, guild_id=guild.id
        )
        return role

    def update_role(
        self, role: EmuRole, *, permissions: int | None = None, mentionable: bool | None = None
    ) -> None:
        if permissions is not None:
            role.permissions = permissions
        if mentionable is not None:
            role.mentionable = mentionable
        self.gateway.broadcast(
            "GUILD_ROLE_UPDATE",
            {"guild_id": str(role.guild_id), "role": role.payload()},
            guild_id=role.guild_id,
        )

    def add_member(
        self,
        guild: EmuGuild,
        user: EmuUser,
        *,
        permissions: int | None = None,
        roles: list[EmuRole] | tuple[EmuRole, ...] = (),
        nick: str | None = None,
    ) -> EmuMember:
        """Add ``user`` to ``guild``. ``permissions`` (a Discord bit field) is granted through a personal role
        named after the member, so role-based checks in the bot and ``interaction.permissions`` agree.
        """
        if user.id in guild.members:
            raise EmulatorError(f"{user.name} is already a member of {guild.name}")
        member = EmuMember(guild, user, roles=list(roles), nick=nick)
        guild.members[user.id] = member
        self.gateway.broadcast(
            "GUILD_MEMBER_ADD", {**member.payload(), "guild_id": str(guild.id)}, guild_id=guild.id
        )
        if permissions is not None:
            self.set_permissions(member, permissions)
        return member

    def member(self, guild: EmuGuild, user: EmuUser) -> EmuMember:
        found = guild.get_member(user.id)
        if found is None:
            raise EmulatorError(f"{user.name} is not a member of {guild.name}")
        return found

    def bot_member(self, guild: EmuGuild) -> EmuMember:
        return self.member(guild, self.bot_user)

    def bot_role(self, guild: EmuGuild) -> EmuRole:
        """The bot's managed role: ``emu.update_role(emu.bot_role(g), permissions=...)`` limits the bot."""
        return self._bot_roles[guild.id]

    def set_permissions(self, member: EmuMember, permissions: int, *, role_id: int | None = None) -> EmuRole:
        """Give ``member`` exactly these extra permissions (on top of @everyone) via their personal role.

        ``role_id`` pins the personal role's snowflake when this makes it.
        """
        key = (member.guild.id, member.id)
        role = self._personal_roles.get(key)
        if role is None:
            role = self.add_role(member.guild, f"{member.user.name} permissions", permissions, id=role_id)
            self._personal_roles[key] = role
            self.assign_role(member, role)
        else:
            self.update_role(role, permissions=permissions)
        return role

    def assign_role(self, member: EmuMember, role: EmuRole) -> None:
        if not member.has_role(role):
            member.roles.append(role)
            self._member_updated(member)

    def remove_role(self, member: EmuMember, role: EmuRole) -> None:
        if member.has_role(role):
            member.roles = [r for r in member.roles if r is not role]
            self._member_updated(member)

    def _member_updated(self, member: EmuMember) -> None:
        self.gateway.broadcast(
            "GUILD_MEMBER_UPDATE",
            {**member.payload(), "guild_id": str(member.guild.id)},
            guild_id=member.guild.id,
        )

    def dm_channel(self, user: EmuUser | EmuMember) -> EmuChannel:
        """The DM between ``user`` and the bot (made on first use). Pass it as ``in_channel`` to act there."""
        if isinstance(user, EmuMember):
            user = user.user
        channel = self._dm_channels.get(user.id)
        if channel is None:
            channel = EmuChannel(self.snowflake(), "", None, type=ChannelType.DM, recipients=[user])
            self._dm_channels[user.id] = channel
        return channel

    # -- command permissions (Server Settings › Integrations) ------------------------------------

    def _permissions_key(self, guild: EmuGuild, command: str | int | None) -> int:
        """The id permissions are kept under: a top-level command's, or the app's for "every command"."""
        if command is None or command == self.application_id:
            return self.application_id
        stored = self.commands.stored(guild.id) + self.commands.stored(None)
        if isinstance(command, int) and not isinstance(command, bool):
            found = next((c for c in stored if int(c["id"]) == command), None)
        else:
            name = str(command).strip().lstrip("/").split(" ")[0]
            matching = [c for c in stored if c["name"] == name]
            # A slash command before a context-menu command of the same name.
            matching.sort(key=lambda c: c["type"] != ApplicationCommandType.CHAT_INPUT)
            found = matching[0] if matching else None
        if found is None:
            raise EmulatorError(f"{guild.name} sees no command {command!r}")
        return int(found["id"])

    def set_command_permissions(
        self, guild: EmuGuild, command: str | int | None, permissions: Iterable[Mapping[str, Any]]
    ) -> dict[str, Any]:
        """Replace ``guild``'s permission overwrites for ``command``, as Discord's
        ``PUT /applications/{app}/guilds/{guild}/commands/{cmd}/permissions`` does for a server admin.

        ``command`` is a top-level command's name (``"show"``) or id, or None for the app-wide
        settings that apply to every command. ``permissions`` are Discord's
        ``{"id", "type": 1 role | 2 user | 3 channel, "permission": bool}``; the guild's id stands
        for @everyone, ``guild.id - 1`` for every channel. Returns the stored permissions object; the
        bot hears of it in APPLICATION_COMMAND_PERMISSIONS_UPDATE. Members' access is checked against
        them by ``invoke``/``autocomplete`` (see ``client.check_access``).
        """
        key = self._permissions_key(guild, command)
        entries: dict[int, dict[str, Any]] = {}
        for entry in permissions:
            target = int(entry["id"])
            kind = ApplicationCommandPermissionType(int(entry["type"]))
            if not isinstance(entry["permission"], bool):
                raise EmulatorError(f"a command permission is true or false, not {entry['permission']!r}")
            entries[target] = {"id": str(target), "type": kind, "permission": entry["permission"]}
        if len(entries) > 100:
            raise EmulatorError("Discord keeps at most 100 permission overwrites per command")
        if entries:
            self._command_permissions[(guild.id, key)] = entries
        else:
            self._command_permissions.pop((guild.id, key), None)
        stored = self._permissions_payload(guild, key)
        self.gateway.broadcast("APPLICATION_COMMAND_PERMISSIONS_UPDATE", stored, guild_id=guild.id)
        return stored

    def set_command_permission(
        self,
        guild: EmuGuild,
        command: str | int | None,
        target: EmuRole | EmuUser | EmuMember | EmuChannel,
        allowed: bool | None,
    ) -> dict[str, Any]:
        """Allow (True) or deny (False) ``command`` to one role, member or channel of ``guild``, or
        drop that overwrite again (None), leaving the others as they are. See
        ``set_command_permissions``; ``guild.everyone_role`` stands for @everyone."""
        key = self._permissions_key(guild, command)
        entries = dict(self._command_permissions.get((guild.id, key), {}))
        if isinstance(target, EmuRole):
            kind = ApplicationCommandPermissionType.ROLE
        elif isinstance(target, EmuChannel):
            kind = ApplicationCommandPermissionType.CHANNEL
        else:
            kind = ApplicationCommandPermissionType.USER
        if allowed is None:
            entries.pop(target.id, None)
        else:
            entries[target.id] = {"id": str(target.id), "type": kind, "permission": allowed}
        return self.set_command_permissions(guild, key, entries.values())

    def command_permissions(self, guild: EmuGuild) -> list[dict[str, Any]]:
        """Every permissions object ``guild`` has (GET .../guilds/{guild}/commands/permissions)."""
        keys = [key for (guild_id, key) in self._command_permissions if guild_id == guild.id]
        return [self._permissions_payload(guild, key) for key in keys]

    def command_overwrites(self, guild: EmuGuild, command_id: int) -> dict[int, dict[str, Any]]:
        """The overwrites that decide who may use a command here: its own over the app-wide ones."""
        return {
            **self._command_permissions.get((guild.id, self.application_id), {}),
            **self._command_permissions.get((guild.id, command_id), {}),
        }

    def _permissions_payload(self, guild: EmuGuild, key: int) -> dict[str, Any]:
        return {
            "id": str(key),
            "application_id": str(self.application_id),
            "guild_id": str(guild.id),
            "permissions": [dict(e) for e in self._command_permissions.get((guild.id, key), {}).values()],
        }

    def lookup_entity(self, entity_id: int, guild: EmuGuild | None) -> EmuUser | EmuRole | EmuChannel | None:
        """Find a user, role (of ``guild``) or channel by id, for options given as plain ids."""
        if entity_id in self.users:
            return self.users[entity_id]
        for candidate in [guild] if guild is not None else list(self.guilds.values()):
            if entity_id in candidate.roles:
                return candidate.roles[entity_id]
            for channel in candidate.channels:
                if channel.id == entity_id:
                    return channel
        return None

    def find_channel(self, channel_id: int) -> tuple[EmuChannel, EmuGuild | None] | None:
        for guild in self.guilds.values():
            for channel in guild.channels:
                if channel.id == channel_id:
                    return channel, guild
        for channel in self._dm_channels.values():
            if channel.id == channel_id:
                return channel, None
        return None

    def store_attachment(
        self,
        channel_id: int,
        filename: str,
        data: bytes,
        content_type: str | None = None,
        description: str | None = None,
        *,
        ephemeral: bool = False,
    ) -> EmuAttachment:
        attachment_id = self.snowflake()
        url = f"{self.base_url}/attachments/{channel_id}/{attachment_id}/{filename}"
        attachment = EmuAttachment(attachment_id, filename, data, url, content_type, description, ephemeral)
        self.attachments[attachment_id] = attachment
        return attachment

    # -- background traffic ----------------------------------------------------------------------

    def chatter(
        self,
        guilds: EmuGuild | Iterable[EmuGuild],
        *,
        messages: int = 0,
        typing: int = 0,
        reactions: int = 0,
        members: Iterable[EmuMember] | None = None,
        content: str = "chatter {n}",
        emoji: str = "👍",
    ) -> ChatterStats:
        """Members talking among themselves in ``guilds``: ``messages`` MESSAGE_CREATE, ``typing``
        TYPING_START and ``reactions`` MESSAGE_REACTION_ADD events in all, dealt out in turn over the
        guilds, their text channels and their members, like the traffic a bot in busy servers sees.

        ``members`` chooses who speaks (each in their own guild; default: every human member).
        ``content`` is formatted with ``n``, the message's number in this call. Messages are stored
        like any other (``emu.messages``); a reaction goes on the channel's latest message, which
        this call posts first when the channel has none. Only sessions whose intents ask for an
        event get it (see ``protocol.receives``); the returned counts say what was queued.
        Dispatch is synchronous: ``await emu.gateway.wait_flushed()`` waits until it is written out.
        """
        targets = [guilds] if isinstance(guilds, EmuGuild) else list(guilds)
        chosen = list(members) if members is not None else None
        speakers: list[tuple[EmuGuild, list[EmuMember], list[EmuChannel]]] = []
        for guild in targets:
            who = [m for m in (chosen if chosen is not None else guild.members.values()) if m.guild is guild]
            who = [m for m in who if not m.user.bot]
            where = [c for c in guild.channels if c.type == ChannelType.GUILD_TEXT]
            if who and where:
                speakers.append((guild, who, where))
        wanted = messages + typing + reactions
        if wanted and not speakers:
            raise EmulatorError("chatter needs a guild with a text channel and a member who is not a bot")
        queued = 0
        for kind, count in (("message", messages), ("typing", typing), ("reaction", reactions)):
            for n in range(count):
                guild, who, where = speakers[n % len(speakers)]
                turn = n // len(speakers)
                member, channel = who[turn % len(who)], where[turn % len(where)]
                if kind == "message":
                    queued += self._chat_message(member, channel, content.format(n=n))[1]
                elif kind == "typing":
                    queued += self._chat_typing(member, channel)
                else:
                    queued += self._chat_reaction(member, channel, emoji)
        return ChatterStats(messages, typing, reactions, queued)

    def _chat_message(self, member: EmuMember, channel: EmuChannel, content: str) -> tuple[EmuMessage, int]:
        message = EmuMessage(
            id=self.snowflake(),
            channel_id=channel.id,
            guild_id=member.guild.id,
            author=member.user,
            content=content,
        )
        self.messages[message.id] = message
        self._last_chatter[channel.id] = message
        data = message.payload()
        data.update(guild_id=str(member.guild.id), member=member.payload(with_user=False))
        return message, self.gateway.broadcast("MESSAGE_CREATE", data, guild_id=member.guild.id)

    def _chat_typing(self, member: EmuMember, channel: EmuChannel) -> int:
        data = {
            "channel_id": str(channel.id),
            "guild_id": str(member.guild.id),
            "user_id": str(member.id),
            "timestamp": int(utcnow().timestamp()),
            "member": member.payload(),
        }
        return self.gateway.broadcast("TYPING_START", data, guild_id=member.guild.id)

    def _chat_reaction(self, member: EmuMember, channel: EmuChannel, emoji: str) -> int:
        queued = 0
        target = self._last_chatter.get(channel.id)
        if target is None or target.deleted:
            target, queued = self._chat_message(member, channel, "first!")
        data = {
            "user_id": str(member.id),
            "channel_id": str(channel.id),
            "message_id": str(target.id),
            "guild_id": str(member.guild.id),
            "member": member.payload(),
            "emoji": {"id": None, "name": emoji},
            "message_author_id": str(target.author.id),
            "burst": False,
            "burst_colors": [],
            "type": 0,
        }
        return queued + self.gateway.broadcast("MESSAGE_REACTION_ADD", data, guild_id=member.guild.id)

    # -- queries ---------------------------------------------------------------------------------

    def registered_commands(self, guild_id: int | None = None) -> list[dict[str, Any]]:
        """Commands as Discord returns them: global when ``guild_id`` is None, else that guild's."""
        return self.commands.copies(guild_id)

    @property
    def command_writes(self) -> list[RecordedRequest]:
        """Every PUT/POST/PATCH/DELETE the bot sent to a command endpoint (accepted or not)."""
        return [
            r
            for r in self.requests
            if r.method != "GET"
            and r.route is not None
            and r.route.startswith("/applications/")
            and "/commands" in r.route
        ]

    def channel_messages(self, channel: EmuChannel | int) -> list[EmuMessage]:
        """Non-ephemeral, non-deleted messages in a channel, oldest first (what every member sees)."""
        channel_id = channel if isinstance(channel, int) else channel.id
        return [
            m
            for m in self.messages.values()
            if m.channel_id == channel_id and not m.deleted and not m.ephemeral
        ]

    async def wait_until_ready(
        self,
        timeout: float = 10.0,  # noqa: ASYNC109 - the public API takes a plain timeout
        *,
        identified_after: int | None = None,
        sessions: int = 1,
    ) -> None:
        """Wait until a bot session received READY and every GUILD_CREATE (or RESUMED).

        ``identified_after`` (a previous ``gateway.identify_count``) insists on a *new* IDENTIFY, so a
        restarted bot is not mistaken for the one that is still disconnecting; ``sessions`` on that
        many new ones (a bot running several shards).
        """
        gateway = self.gateway

        def ready() -> bool:
            fresh = identified_after is None or gateway.identify_count >= identified_after + sessions
            return fresh and gateway.ready.is_set()

        try:
            await asyncio.wait_for(gateway.wait_for(ready), timeout)
        except TimeoutError:
            raise EmulatorError(f"no bot session became ready within {timeout} s") from None

    async def wait_until_disconnected(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        try:
            await asyncio.wait_for(self.gateway.idle.wait(), timeout)
        except TimeoutError:
            raise EmulatorError(f"the bot did not disconnect within {timeout} s") from None

    async def drop_connection(self, code: int = 4000, *, shard: tuple[int, int] | None = None) -> None:
        """Close the bot's socket(s) as a network failure would; sessions stay resumable. With
        ``shard`` (``(shard_id, num_shards)``) only that shard's sessions lose their socket."""
        await self.gateway.drop(code, shard=shard)

    async def request_reconnect(self) -> None:
        """Ask connected clients to reconnect (op 7), which discord.py answers with RESUME."""
        await self.gateway.request_reconnect()

    # -- messages (used by the REST layer) -------------------------------------------------------

    def can_mention_everyone(self, guild: EmuGuild | None) -> bool:
        return guild is not None and bool(self.bot_member(guild).permissions & perms.MENTION_EVERYONE)

    def create_message(
        self,
        *,
        channel_id: int,
        guild: EmuGuild | None,
        body: dict[str, Any],
        files: list[UploadedFile],
        message_type: int = MessageType.DEFAULT,
        flags: int | None = None,
        interaction: InteractionResult | None = None,
        is_original: bool = True,
        may_ping: bool = True,
    ) -> EmuMessage:
        """Build and store a message from a validated create body."""
        message = EmuMessage(
            id=self.snowflake(),
            channel_id=channel_id,
            guild_id=guild.id if guild is not None else None,
            author=self.bot_user,
            type=message_type,
            flags=(body.get("flags") or 0) if flags is None else flags,
            tts=bool(body.get("tts")),
            webhook_id=self.application_id if interaction is not None else None,
            application_id=self.application_id if interaction is not None else None,
            interaction=interaction,
            is_original=is_original,
        )
        self._apply_body(message, body, files, guild, may_ping=may_ping)
        self.messages[message.id] = message
        if not message.ephemeral and not message.loading:
            self._broadcast_message("MESSAGE_CREATE", message, guild)
        return message

    def edit_message(
        self, message: EmuMessage, body: dict[str, Any], files: list[UploadedFile], guild: EmuGuild | None
    ) -> None:
        """Apply a validated edit. Resolving a deferred "thinking" message keeps its flags and never pings."""
        was_loading = message.loading
        if "flags" in body and body["flags"] is not None:
            keep = message.flags & (MessageFlag.EPHEMERAL | MessageFlag.SUPPRESS_NOTIFICATIONS)
            message.flags = (body["flags"] & ~MessageFlag.EPHEMERAL) | keep
        message.flags &= ~MessageFlag.LOADING
        if not was_loading:
            message.edited_timestamp = utcnow()
        self._apply_body(message, body, files, guild, may_ping=False)
        if not message.ephemeral:
            event = "MESSAGE_CREATE" if was_loading else "MESSAGE_UPDATE"
            self._broadcast_message(event, message, guild)

    def delete_message(self, message: EmuMessage, guild: EmuGuild | None) -> None:
        message.deleted = True
        for result in self.interactions.values():
            if message in result.messages:
                result.messages.remove(message)
        if not message.ephemeral:
            data = {"id": str(message.id), "channel_id": str(message.channel_id)}
            if guild is not None:
                data["guild_id"] = str(guild.id)
            self._broadcast_message("MESSAGE_DELETE", message, guild, data=data)

    def _apply_body(
        self,
        message: EmuMessage,
        body: dict[str, Any],
        files: list[UploadedFile],
        guild: EmuGuild | None,
        *,
        may_ping: bool,
    ) -> None:
        if "content" in body:
            message.content = body["content"] or ""
        if "embeds" in body:
            message.embeds = list(body["embeds"] or [])
        if "components" in body:
            message.components = prepare_components(body["components"])
        if "allowed_mentions" in body:
            message.allowed_mentions = body["allowed_mentions"]
        message.attachments = self._attachments_for(message, body.get("attachments"), files)
        mentions = resolve_mentions(
            message.content,
            message.allowed_mentions,
            guild=guild,
            lookup_user=self.users.get,
            can_mention_everyone=self.can_mention_everyone(guild),
        )
        message.mentions, message.mention_roles, message.mention_everyone = (
            mentions.users,
            mentions.roles,
            mentions.everyone,
        )
        silent = message.ephemeral or message.flags & MessageFlag.SUPPRESS_NOTIFICATIONS
        if may_ping and not silent and not message.loading:
            message.pinged = Pinged(
                frozenset(u.id for u in mentions.users), frozenset(mentions.roles), mentions.everyone
            )

    def _attachments_for(
        self, message: EmuMessage, requested: list[dict[str, Any]] | None, files: list[UploadedFile]
    ) -> list[EmuAttachment]:
        """Keep the attachments ``requested`` lists (by id) plus uploads; no list keeps all, adds all."""
        by_index = {str(f.index): f for f in files}
        existing = {str(a.id): a for a in message.attachments}
        uploads: list[tuple[UploadedFile, dict[str, Any] | None]]
        if requested is None:
            kept = list(message.attachments)
            uploads = [(f, None) for f in files]
        else:
            kept = [existing[str(a["id"])] for a in requested if str(a["id"]) in existing]
            uploads = [(by_index[str(a["id"])], a) for a in requested if str(a["id"]) in by_index]
            listed = {str(a["id"]) for a in requested}
            uploads += [(f, None) for f in files if str(f.index) not in listed]
        for uploaded, given in uploads:
            meta = given or {}
            kept.append(
                self.store_attachment(
                    message.channel_id,
                    meta.get("filename") or uploaded.filename,
                    uploaded.data,
                    uploaded.content_type,
                    meta.get("description"),
                    ephemeral=message.ephemeral,
                )
            )
        return kept

    def _broadcast_message(
        self, event: str, message: EmuMessage, guild: EmuGuild | None, data: dict[str, Any] | None = None
    ) -> None:
        if data is None:
            data = message.payload()
            if guild is not None:
                data["guild_id"] = str(guild.id)
        if not self.deprecated_interaction_field:
            data = {key: value for key, value in data.items() if key != "interaction"}
        self.gateway.broadcast(event, data, guild_id=guild.id if guild is not None else None)

    def message_type_for(self, interaction: InteractionResult) -> int:
        if interaction.type != InteractionType.APPLICATION_COMMAND:
            return MessageType.DEFAULT
        if interaction.command_type == ApplicationCommandType.CHAT_INPUT:
            return MessageType.CHAT_INPUT_COMMAND
        return MessageType.CONTEXT_MENU_COMMAND

    # -- member actions --------------------------------------------------------------------------

    async def invoke(
        self,
        who: member_client.Who,
        command: str,
        /,
        *,
        validate: bool = True,
        options: Mapping[str, Any] | None = None,
        in_channel: EmuChannel | None = None,
        user_locale: str = "en-US",
        **values: Any,
    ) -> InteractionResult:
        """Run a slash command as a member would: "/name", "/name sub" or "/name group sub".

        Option values come as keywords (or ``options=`` for names that are not Python identifiers):
        ``EmuMember``/``EmuUser``/``EmuRole``/``EmuChannel`` (or their ids) for entity options,
        ``EmuFile`` for attachments, plain values otherwise. ``in_channel`` picks the channel, and
        ``in_channel=emu.dm_channel(user)`` runs it in the bot's DM with that user.

        ``validate=False`` skips the client-side checks, like a modified client would: commands the
        member may not see or use there (a guild-only command in a DM, a guild's own commands from a
        DM of one of its members, a command hidden by permissions), unknown or missing options,
        values of the wrong type or out of range, and for entity options a raw ``str`` sent verbatim
        (``"abc"``, ``"-5"``) or ``Unresolved(id)``, an id with nothing about it in ``resolved``.
        """
        invoker = member_client.resolve_invoker(self, who, in_channel)
        resolved = member_client.find_command(self, invoker, command, hidden=not validate)
        if validate:
            self._check_access(invoker, resolved)
        builder = member_client.OptionBuilder(self, invoker, resolved.qualified_name)
        leaf = builder.build(resolved.option_defs, {**(options or {}), **values}, validate=validate)
        data = self._command_data(resolved, leaf, builder.resolved)
        result = self._dispatch_interaction(
            invoker, InteractionType.APPLICATION_COMMAND, data, user_locale, resolved=resolved
        )
        await self._await_response(result)
        return result

    async def autocomplete(
        self,
        who: member_client.Who,
        command: str,
        /,
        *,
        focused: str,
        value: str = "",
        validate: bool = True,
        options: Mapping[str, Any] | None = None,
        in_channel: EmuChannel | None = None,
        user_locale: str = "en-US",
        **values: Any,
    ) -> list[dict[str, Any]]:
        """Type ``value`` into option ``focused`` and return the bot's suggestions ({"name", "value"})."""
        invoker = member_client.resolve_invoker(self, who, in_channel)
        resolved = member_client.find_command(self, invoker, command, hidden=not validate)
        definition = next((o for o in resolved.option_defs if o["name"] == focused), None)
        if validate:
            self._check_access(invoker, resolved)
            if definition is None or not definition.get("autocomplete"):
                raise ClientRejected(f"/{resolved.qualified_name}: option {focused!r} has no autocomplete")
        builder = member_client.OptionBuilder(self, invoker, resolved.qualified_name)
        filled = {**(options or {}), **values, focused: value}
        leaf = builder.build(resolved.option_defs, filled, validate=validate, focused=focused)
        data = self._command_data(resolved, leaf, builder.resolved)
        result = self._dispatch_interaction(
            invoker,
            InteractionType.APPLICATION_COMMAND_AUTOCOMPLETE,
            data,
            user_locale,
            resolved=resolved,
            focused_type=definition["type"] if definition else OptionType.STRING,
        )
        await self._await_response(result)
        return list(result.choices or [])

    async def click(
        self,
        who: member_client.Who,
        message: EmuMessage,
        custom_id: str,
        /,
        *,
        values: list[str] | None = None,
        validate: bool = True,
        user_locale: str = "en-US",
    ) -> InteractionResult:
        """Press a button (or pick ``values`` in a select menu) on a message the bot sent."""
        stored = self.messages.get(message.id)
        if stored is None or stored.deleted:
            raise ClientRejected("that message does not exist (any more)")
        channel_found = self.find_channel(stored.channel_id)
        channel = channel_found[0] if channel_found else None
        invoker = member_client.resolve_invoker(self, who, channel)
        component = stored.find_component(custom_id)
        if validate:
            if component is None:
                raise ClientRejected(f"the message has no component with custom_id {custom_id!r}")
            if component.get("disabled"):
                raise ClientRejected(f"component {custom_id!r} is disabled")
            if (
                stored.ephemeral
                and stored.interaction is not None
                and stored.interaction.user.id != invoker.user.id
            ):
                raise ClientRejected("only the member who triggered it can see that ephemeral message")
            if component.get("type") in SELECT_TYPES:
                member_client.check_select_values(component, list(values or []))
        component_type = component.get("type", ComponentType.BUTTON) if component else ComponentType.BUTTON
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
        if component_type != ComponentType.BUTTON:
            data["values"] = list(values or [])
        if component and isinstance(component.get("id"), int):
            data["id"] = component["id"]
        result = self._dispatch_interaction(
            invoker, InteractionType.MESSAGE_COMPONENT, data, user_locale, message=stored
        )
        await self._await_response(result)
        return result

    async def submit_modal(
        self,
        who: member_client.Who,
        opened_by: InteractionResult,
        values: Mapping[str, Any],
        /,
        *,
        validate: bool = True,
        user_locale: str = "en-US",
    ) -> InteractionResult:
        """Fill in and submit the modal the bot opened in answer to ``opened_by``."""
        modal = opened_by.modal
        if modal is None:
            raise ClientRejected("the bot did not answer that interaction with a modal")
        invoker = member_client.resolve_invoker(self, who, opened_by.channel)
        if validate:
            if invoker.user.id != opened_by.user.id:
                raise ClientRejected("only the member the modal was shown to can submit it")
            if opened_by.modal_submitted:
                raise ClientRejected("that modal was already submitted and is closed")
        components = member_client.modal_submission(modal, values, validate=validate)
        opened_by.modal_submitted = True
        data = {"custom_id": modal["custom_id"], "components": components}
        result = self._dispatch_interaction(
            invoker,
            InteractionType.MODAL_SUBMIT,
            data,
            user_locale,
            message=opened_by.source_message,
            parent=opened_by,
        )
        await self._await_response(result)
        return result

    # -- interaction plumbing --------------------------------------------------------------------

    def _check_access(self, invoker: member_client.Invoker, resolved: member_client.ResolvedCommand) -> None:
        guild = invoker.guild
        overwrites = self.command_overwrites(guild, int(resolved.command["id"])) if guild else None
        member_client.check_access(invoker, resolved.command, overwrites)

    def _command_data(
        self,
        resolved: member_client.ResolvedCommand,
        leaf: list[dict[str, Any]],
        resolved_data: dict[str, Any],
    ) -> dict[str, Any]:
        command = resolved.command
        data: dict[str, Any] = {
            "id": command["id"],
            "name": command["name"],
            "type": command["type"],
        }
        options = member_client.nest_options(resolved.chain, leaf)
        if options:
            data["options"] = options
        if resolved_data:
            data["resolved"] = resolved_data
        if command.get("guild_id") is not None:
            data["guild_id"] = command["guild_id"]
        return data

    def _dispatch_interaction(
        self,
        invoker: member_client.Invoker,
        interaction_type: int,
        data: dict[str, Any],
        locale: str,
        *,
        resolved: member_client.ResolvedCommand | None = None,
        message: EmuMessage | None = None,
        parent: InteractionResult | None = None,
        focused_type: int | None = None,
    ) -> InteractionResult:
        # Every session of the guild's shard gets it (DMs: shard 0); see ``Gateway._identify``.
        sessions = self.gateway.sessions_for(invoker.guild.id if invoker.guild is not None else None)
        if not sessions:
            raise NotConnected("no bot session of that server's shard is connected to the emulator")
        interaction_id = self.snowflake()
        payload = member_client.interaction_payload(
            self,
            invoker,
            interaction_id=interaction_id,
            interaction_type=interaction_type,
            data=data,
            locale=locale,
            message=message,
        )
        result = InteractionResult(
            id=interaction_id,
            token=payload["token"],
            type=interaction_type,
            user=invoker.user,
            guild=invoker.guild,
            channel=invoker.channel,
            payload=payload,
            created_at=asyncio.get_running_loop().time(),
            command_name=resolved.qualified_name if resolved else None,
            command_type=resolved.command["type"] if resolved else None,
            source_message=message,
            parent=parent,
            focused_type=focused_type,
        )
        self.interactions[interaction_id] = result
        self._tokens[result.token] = result
        for session in sessions:
            session.dispatch("INTERACTION_CREATE", payload)
            result.sessions.append(session.session_id)
        log.debug(
            "dispatched interaction %s (type %s) %s", interaction_id, interaction_type, data.get("name", "")
        )
        return result

    async def _await_response(self, result: InteractionResult) -> None:
        """Wait for the first callback; after a thinking defer, also for the real answer."""
        remaining = self.response_deadline - (asyncio.get_running_loop().time() - result.created_at)
        answered = await result.wait_until(lambda: result.response_type is not None, max(remaining, 0) + 0.05)
        if not answered:
            raise InteractionTimeout(
                f"the bot did not respond to interaction {result.id} within {self.response_deadline} s",
                result.errors,
            )
        if result.response_type == InteractionCallbackType.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE:

            def settled() -> bool:
                original = result.original
                return (
                    original is None or not original.loading or original.deleted or len(result.messages) > 1
                )

            if not await result.wait_until(settled, self.deferred_timeout):
                raise InteractionTimeout(
                    f"the bot deferred interaction {result.id} but did not follow up within "
                    f"{self.deferred_timeout} s",
                    result.errors,
                )

    def interaction_by_token(self, application_id: int, token: str) -> InteractionResult:
        result = self._tokens.get(token)
        if result is None or application_id != self.application_id:
            raise DiscordHTTPError(404, 10015, "Unknown Webhook")
        return result
