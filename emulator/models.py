"""The emulator's world: users, guilds, roles, channels, members, messages and interaction results.

Each object knows how to render itself as the JSON payload Discord would send, so the REST and gateway
layers only have to decide *when* to send something, never *what it looks like*.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from emulator import permissions as perms
from emulator.protocol import ChannelType, InteractionCallbackType, InteractionType, MessageFlag

if TYPE_CHECKING:
    from emulator.errors import DiscordHTTPError
    from emulator.messages import UploadedFile

DISCORD_EPOCH_MS = 1420070400000


class SnowflakeFactory:
    """Hands out increasing snowflakes whose timestamp part is "now", like Discord's own ids."""

    def __init__(self) -> None:
        self._last = 0

    def __call__(self) -> int:
        candidate = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        if candidate <= self._last:
            candidate = self._last + 1
        self._last = candidate
        return candidate

    def new_millisecond(self) -> int:
        """A snowflake whose timestamp part is later than every earlier one's.

        Guild ids made this way land on consecutive shards (``(id >> 22) % num_shards``), as guilds
        created over time do on Discord; ids made in the same millisecond would all share one shard.
        """
        now = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(now, ((self._last >> 22) + 1) << 22)
        return self._last


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="microseconds")


@dataclass(eq=False)
class EmuUser:
    id: int
    name: str
    bot: bool = False
    global_name: str | None = None

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "username": self.name,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "avatar_decoration_data": None,
            "banner": None,
            "accent_color": None,
            "public_flags": 0,
            "flags": 0,
            "collectibles": None,
            "primary_guild": None,
        }
        if self.bot:
            data["bot"] = True
        return data


@dataclass(eq=False)
class EmuRole:
    id: int
    guild_id: int
    name: str
    permissions: int
    position: int = 0
    mentionable: bool = False
    hoist: bool = False
    color: int = 0
    bot_id: int | None = None  # set for the bot's managed integration role

    @property
    def is_everyone(self) -> bool:
        return self.id == self.guild_id

    @property
    def mention(self) -> str:
        return "@everyone" if self.is_everyone else f"<@&{self.id}>"

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "description": None,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": self.color,
            "colors": {"primary_color": self.color, "secondary_color": None, "tertiary_color": None},
            "hoist": self.hoist,
            "icon": None,
            "unicode_emoji": None,
            "managed": self.bot_id is not None,
            "mentionable": self.mentionable,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass(eq=False)
class EmuChannel:
    id: int
    name: str
    guild_id: int | None
    type: int = ChannelType.GUILD_TEXT
    position: int = 0
    nsfw: bool = False
    topic: str | None = None
    recipients: list[EmuUser] = field(default_factory=list)  # DM channels only

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    def payload(self) -> dict[str, Any]:
        if self.type == ChannelType.DM:
            return {
                "id": str(self.id),
                "type": ChannelType.DM,
                "last_message_id": None,
                "flags": 0,
                "recipients": [user.payload() for user in self.recipients],
            }
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [],
            "parent_id": None,
            "topic": self.topic,
            "nsfw": self.nsfw,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }


@dataclass(eq=False)
class EmuMember:
    guild: EmuGuild
    user: EmuUser
    roles: list[EmuRole] = field(default_factory=list)  # without @everyone
    joined_at: datetime = field(default_factory=utcnow)
    nick: str | None = None

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def mention(self) -> str:
        return self.user.mention

    @property
    def permissions(self) -> int:
        """Guild-level permissions as Discord computes them (no channel overwrites exist here)."""
        if self.user.id == self.guild.owner_id:
            return perms.ALL_PERMISSIONS
        value = self.guild.everyone_role.permissions
        for role in self.roles:
            value |= role.permissions
        if value & perms.ADMINISTRATOR:
            return perms.ALL_PERMISSIONS
        return value

    def has_role(self, role: EmuRole) -> bool:
        return any(r is role for r in self.roles)

    def payload(self, *, with_user: bool = True, with_permissions: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "avatar": None,
            "banner": None,
            "communication_disabled_until": None,
            "flags": 0,
            "joined_at": iso(self.joined_at),
            "nick": self.nick,
            "pending": False,
            "premium_since": None,
            "roles": [str(role.id) for role in self.roles],
            "unusual_dm_activity_until": None,
            "avatar_decoration_data": None,
            "collectibles": None,
            "deaf": False,
            "mute": False,
        }
        if with_user:
            data["user"] = self.user.payload()
        if with_permissions:
            data["permissions"] = str(self.permissions)
        return data


@dataclass(eq=False)
class EmuGuild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, EmuRole] = field(default_factory=dict)
    channels: list[EmuChannel] = field(default_factory=list)
    members: dict[int, EmuMember] = field(default_factory=dict)
    locale: str = "en-US"
    joined_at: datetime = field(default_factory=utcnow)

    @property
    def everyone_role(self) -> EmuRole:
        return self.roles[self.id]

    @property
    def default_channel(self) -> EmuChannel:
        return self.channels[0]

    def get_member(self, user_id: int) -> EmuMember | None:
        return self.members.get(user_id)

    def payload(self) -> dict[str, Any]:
        """The full GUILD_CREATE body (every member is sent, so discord.py considers the guild chunked)."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": self.locale,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "application_id": None,
            "features": [],
            "emojis": [],
            "stickers": [],
            "roles": [role.payload() for role in self.roles.values()],
            "joined_at": iso(self.joined_at),
            "large": False,
            "unavailable": False,
            "lazy": True,
            "member_count": len(self.members),
            "max_members": 500000,
            "max_video_channel_users": 25,
            "max_stage_video_channel_users": 50,
            "members": [member.payload() for member in self.members.values()],
            "channels": [channel.payload() for channel in self.channels],
            "threads": [],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }


@dataclass(eq=False)
class EmuFile:
    """A file a member uploads, e.g. as the value of an ATTACHMENT option."""

    filename: str
    data: bytes
    content_type: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Unresolved:
    """A user, role, channel or mentionable option value sent as a bare id, with nothing about it in
    the interaction's ``data.resolved``: what a modified client can send (only with
    ``invoke(..., validate=False)``). discord.py then hands the bot a ``discord.Object`` instead
    of a ``Member``, ``Role`` or channel, whether or not the id belongs to anybody.

    ``Unresolved(alice.id)`` or ``Unresolved(1234)``; to send text that is not a snowflake at all,
    pass the ``str`` itself (``"abc"``, ``"-5"``, ``"¹²³"``).
    """

    id: int | str


@dataclass(eq=False)
class EmuAttachment:
    id: int
    filename: str
    data: bytes
    url: str
    content_type: str | None = None
    description: str | None = None
    ephemeral: bool = False

    @property
    def size(self) -> int:
        return len(self.data)

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "filename": self.filename,
            "size": self.size,
            "url": self.url,
            "proxy_url": self.url,
        }
        if self.content_type is not None:
            data["content_type"] = self.content_type
        if self.description is not None:
            data["description"] = self.description
        if self.ephemeral:
            data["ephemeral"] = True
        return data


@dataclass(frozen=True)
class Pinged:
    """Who a message actually notified once allowed_mentions and permissions were applied."""

    users: frozenset[int] = frozenset()
    roles: frozenset[int] = frozenset()
    everyone: bool = False

    def __bool__(self) -> bool:
        return bool(self.users or self.roles or self.everyone)


@dataclass(eq=False)
class EmuMessage:
    id: int
    channel_id: int
    guild_id: int | None
    author: EmuUser
    type: int = 0
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[EmuAttachment] = field(default_factory=list)
    flags: int = 0
    tts: bool = False
    allowed_mentions: dict[str, Any] | None = None
    timestamp: datetime = field(default_factory=utcnow)
    edited_timestamp: datetime | None = None
    webhook_id: int | None = None
    application_id: int | None = None
    interaction: InteractionResult | None = None  # the interaction whose response created this message
    is_original: bool = True  # False for follow-ups
    mentions: list[EmuUser] = field(default_factory=list)
    mention_roles: list[int] = field(default_factory=list)
    mention_everyone: bool = False
    pinged: Pinged = field(default_factory=Pinged)
    deleted: bool = False

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & MessageFlag.EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & MessageFlag.LOADING)

    def find_component(self, custom_id: str) -> dict[str, Any] | None:
        return find_component(self.components, custom_id)

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "type": self.type,
            "content": self.content,
            "author": self.author.payload(),
            "embeds": self.embeds,
            "attachments": [attachment.payload() for attachment in self.attachments],
            "components": self.components,
            "mentions": [user.payload() for user in self.mentions],
            "mention_roles": [str(role_id) for role_id in self.mention_roles],
            "mention_everyone": self.mention_everyone,
            "pinned": False,
            "tts": self.tts,
            "timestamp": iso(self.timestamp),
            "edited_timestamp": iso(self.edited_timestamp),
            "flags": self.flags,
        }
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
        if self.application_id is not None:
            data["application_id"] = str(self.application_id)
        if self.interaction is not None:
            data["interaction_metadata"] = self.interaction.metadata(self)
            if self.interaction.type == InteractionType.APPLICATION_COMMAND:
                data["interaction"] = {
                    "id": str(self.interaction.id),
                    "type": self.interaction.type,
                    "name": self.interaction.command_name,
                    "user": self.interaction.user.payload(),
                }
        return data


def find_component(components: list[dict[str, Any]], custom_id: str) -> dict[str, Any] | None:
    """Depth-first search through rows, containers, sections and labels for a custom_id."""
    for component in components:
        if component.get("custom_id") == custom_id:
            return component
        children = list(component.get("components") or [])
        for key in ("accessory", "component"):
            if isinstance(component.get(key), dict):
                children.append(component[key])
        found = find_component(children, custom_id)
        if found is not None:
            return found
    return None


@dataclass(eq=False)
class InteractionResult:
    """Everything Discord's client would show after a member triggered an interaction.

    The emulator keeps updating this object as the bot edits or follows up, so a test can hold on to it
    and use ``wait_for_messages``/``wait_for_update`` for late arrivals.
    """

    id: int
    token: str
    type: int
    user: EmuUser
    guild: EmuGuild | None
    channel: EmuChannel
    payload: dict[str, Any]
    created_at: float  # event-loop time the interaction was created
    command_name: str | None = None
    command_type: int | None = None
    source_message: EmuMessage | None = None  # the message a component/modal-from-component sat on
    parent: InteractionResult | None = None  # for MODAL_SUBMIT: the interaction that opened the modal
    response_type: int | None = None
    original: EmuMessage | None = None
    messages: list[EmuMessage] = field(default_factory=list)
    modal: dict[str, Any] | None = None
    modal_submitted: bool = False
    choices: list[dict[str, Any]] | None = None
    focused_type: int | None = None  # autocomplete: type of the focused option
    errors: list[DiscordHTTPError] = field(default_factory=list)
    # Ids of the gateway sessions INTERACTION_CREATE was queued for: those of the guild's shard.
    sessions: list[str] = field(default_factory=list)
    _version: int = 0
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def deferred(self) -> bool:
        return self.response_type in (
            InteractionCallbackType.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE,
            InteractionCallbackType.DEFERRED_UPDATE_MESSAGE,
        )

    @property
    def message(self) -> EmuMessage | None:
        """The original response (or the updated component message); else the first follow-up."""
        return self.messages[0] if self.messages else None

    @property
    def ephemeral(self) -> bool:
        message = self.message
        return message.ephemeral if message is not None else False

    @property
    def error(self) -> DiscordHTTPError | None:
        return self.errors[-1] if self.errors else None

    def metadata(self, message: EmuMessage) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "user": self.user.payload(),
            "authorizing_integration_owners": self.payload.get("authorizing_integration_owners", {}),
        }
        if self.type == InteractionType.APPLICATION_COMMAND:
            data["name"] = self.command_name
            data["command_type"] = self.command_type
        if not message.is_original and self.original is not None:
            data["original_response_message_id"] = str(self.original.id)
        if self.type == InteractionType.MESSAGE_COMPONENT and self.source_message is not None:
            data["interacted_message_id"] = str(self.source_message.id)
        if self.type == InteractionType.MODAL_SUBMIT and self.parent is not None:
            data["triggering_interaction_metadata"] = self.parent.metadata(message)
        return data

    def touch(self) -> None:
        """Record a change and wake anybody waiting on this result."""
        self._version += 1
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:  # noqa: ASYNC109
        """Wait until ``predicate()`` holds; returns False on timeout instead of raising."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                return predicate()
        return True

    async def wait_for_messages(self, count: int = 1, timeout: float = 5.0) -> list[EmuMessage]:  # noqa: ASYNC109
        """Wait until at least ``count`` messages (not loading) exist, e.g. late follow-ups."""

        def enough() -> bool:
            return len([m for m in self.messages if not m.loading]) >= count

        if not await self.wait_until(enough, timeout):
            raise TimeoutError(f"expected {count} message(s), have {len(self.messages)}")
        return self.messages

    async def wait_for_update(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait for the next change (edit, follow-up, deletion) of this interaction's messages."""
        version = self._version
        if not await self.wait_until(lambda: self._version > version, timeout):
            raise TimeoutError("the bot did not change this interaction's messages")


@dataclass
class RecordedRequest:
    """One REST call the bot made, for assertions and OpenAPI checks."""

    method: str
    path: str  # below /api/v10, e.g. "/applications/1/commands"
    route: str | None  # matched template, e.g. "/applications/{application_id}/commands"
    query: dict[str, str]
    json: Any = None  # the JSON body (``payload_json`` for multipart requests)
    files: list[UploadedFile] = field(default_factory=list)
    status: int = 0
    response: Any = None  # the JSON the emulator answered with (None for 204s)
