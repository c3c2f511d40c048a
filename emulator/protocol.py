"""Discord's protocol numbers, named once for the whole emulator and for clients built on it.

The values come from Discord's API documentation (v10). ``IntEnum`` members compare and serialize
as the plain integers Discord sends, so a payload built with them is byte-for-byte what Discord
would send, and ``payload["type"] == InteractionType.APPLICATION_COMMAND`` reads the same whether
the payload came from here or from the wire. Bit fields (message flags, intents) are ``IntEnum``
too, not ``IntFlag``: ``~`` on an ``IntFlag`` only inverts the bits it names, so
``flags & ~MessageFlag.EPHEMERAL`` would silently miss every bit Discord added later.
Permission bits live in ``permissions.py``.
"""

from __future__ import annotations

from enum import IntEnum


class InteractionType(IntEnum):
    PING = 1
    APPLICATION_COMMAND = 2
    MESSAGE_COMPONENT = 3
    APPLICATION_COMMAND_AUTOCOMPLETE = 4
    MODAL_SUBMIT = 5


class InteractionCallbackType(IntEnum):
    PONG = 1
    CHANNEL_MESSAGE_WITH_SOURCE = 4
    DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE = 5
    DEFERRED_UPDATE_MESSAGE = 6
    UPDATE_MESSAGE = 7
    APPLICATION_COMMAND_AUTOCOMPLETE_RESULT = 8
    MODAL = 9
    LAUNCH_ACTIVITY = 12


class InteractionContextType(IntEnum):
    GUILD = 0
    BOT_DM = 1
    PRIVATE_CHANNEL = 2


class ApplicationIntegrationType(IntEnum):
    GUILD_INSTALL = 0
    USER_INSTALL = 1


class ApplicationCommandType(IntEnum):
    CHAT_INPUT = 1
    USER = 2
    MESSAGE = 3


class OptionType(IntEnum):
    """Application command option types."""

    SUB_COMMAND = 1
    SUB_COMMAND_GROUP = 2
    STRING = 3
    INTEGER = 4
    BOOLEAN = 5
    USER = 6
    CHANNEL = 7
    ROLE = 8
    MENTIONABLE = 9
    NUMBER = 10
    ATTACHMENT = 11


#: Options that only give a command its shape (``/score episode``), never a value.
STRUCTURAL_OPTIONS = frozenset({OptionType.SUB_COMMAND, OptionType.SUB_COMMAND_GROUP})
#: Options whose value is a snowflake that Discord explains in ``data.resolved``.
ENTITY_OPTIONS = frozenset({OptionType.USER, OptionType.CHANNEL, OptionType.ROLE, OptionType.MENTIONABLE})


class ApplicationCommandPermissionType(IntEnum):
    """What a command permission overwrite targets (Server Settings › Integrations)."""

    ROLE = 1
    USER = 2
    CHANNEL = 3


class ComponentType(IntEnum):
    ACTION_ROW = 1
    BUTTON = 2
    STRING_SELECT = 3
    TEXT_INPUT = 4
    USER_SELECT = 5
    ROLE_SELECT = 6
    MENTIONABLE_SELECT = 7
    CHANNEL_SELECT = 8
    SECTION = 9
    TEXT_DISPLAY = 10
    THUMBNAIL = 11
    MEDIA_GALLERY = 12
    FILE = 13
    SEPARATOR = 14
    CONTAINER = 17
    LABEL = 18
    FILE_UPLOAD = 19
    RADIO_GROUP = 21
    CHECKBOX_GROUP = 22
    CHECKBOX = 23


SELECT_TYPES = frozenset(
    {
        ComponentType.STRING_SELECT,
        ComponentType.USER_SELECT,
        ComponentType.ROLE_SELECT,
        ComponentType.MENTIONABLE_SELECT,
        ComponentType.CHANNEL_SELECT,
    }
)


class ButtonStyle(IntEnum):
    PRIMARY = 1
    SECONDARY = 2
    SUCCESS = 3
    DANGER = 4
    LINK = 5
    PREMIUM = 6


class TextInputStyle(IntEnum):
    SHORT = 1
    PARAGRAPH = 2


class ChannelType(IntEnum):
    GUILD_TEXT = 0
    DM = 1
    GUILD_VOICE = 2
    GROUP_DM = 3
    GUILD_CATEGORY = 4
    GUILD_ANNOUNCEMENT = 5
    ANNOUNCEMENT_THREAD = 10
    PUBLIC_THREAD = 11
    PRIVATE_THREAD = 12
    GUILD_STAGE_VOICE = 13
    GUILD_DIRECTORY = 14
    GUILD_FORUM = 15
    GUILD_MEDIA = 16


class MessageType(IntEnum):
    DEFAULT = 0
    CHAT_INPUT_COMMAND = 20
    CONTEXT_MENU_COMMAND = 23


class MessageFlag(IntEnum):
    """The message flags the emulator reads or sets."""

    SUPPRESS_EMBEDS = 1 << 2
    EPHEMERAL = 1 << 6
    LOADING = 1 << 7
    SUPPRESS_NOTIFICATIONS = 1 << 12
    IS_VOICE_MESSAGE = 1 << 13
    IS_COMPONENTS_V2 = 1 << 15


class GatewayOpcode(IntEnum):
    DISPATCH = 0
    HEARTBEAT = 1
    IDENTIFY = 2
    PRESENCE_UPDATE = 3
    VOICE_STATE_UPDATE = 4
    RESUME = 6
    RECONNECT = 7
    REQUEST_GUILD_MEMBERS = 8
    INVALID_SESSION = 9
    HELLO = 10
    HEARTBEAT_ACK = 11


class GatewayCloseCode(IntEnum):
    UNKNOWN_ERROR = 4000
    UNKNOWN_OPCODE = 4001
    DECODE_ERROR = 4002
    NOT_AUTHENTICATED = 4003
    AUTHENTICATION_FAILED = 4004
    ALREADY_AUTHENTICATED = 4005
    INVALID_SEQ = 4007
    RATE_LIMITED = 4008
    SESSION_TIMED_OUT = 4009
    INVALID_SHARD = 4010
    SHARDING_REQUIRED = 4011
    INVALID_API_VERSION = 4012
    INVALID_INTENTS = 4013
    DISALLOWED_INTENTS = 4014


class Intent(IntEnum):
    """Gateway intents: which events a session asked for in IDENTIFY."""

    GUILDS = 1 << 0
    GUILD_MEMBERS = 1 << 1
    GUILD_MODERATION = 1 << 2
    GUILD_EXPRESSIONS = 1 << 3
    GUILD_INTEGRATIONS = 1 << 4
    GUILD_WEBHOOKS = 1 << 5
    GUILD_INVITES = 1 << 6
    GUILD_VOICE_STATES = 1 << 7
    GUILD_PRESENCES = 1 << 8
    GUILD_MESSAGES = 1 << 9
    GUILD_MESSAGE_REACTIONS = 1 << 10
    GUILD_MESSAGE_TYPING = 1 << 11
    DIRECT_MESSAGES = 1 << 12
    DIRECT_MESSAGE_REACTIONS = 1 << 13
    DIRECT_MESSAGE_TYPING = 1 << 14
    MESSAGE_CONTENT = 1 << 15
    GUILD_SCHEDULED_EVENTS = 1 << 16
    AUTO_MODERATION_CONFIGURATION = 1 << 20
    AUTO_MODERATION_EXECUTION = 1 << 21
    GUILD_MESSAGE_POLLS = 1 << 24
    DIRECT_MESSAGE_POLLS = 1 << 25


#: Every intent bit Discord defines; anything outside is an invalid IDENTIFY (close 4013).
ALL_INTENTS = sum(Intent)
#: Intents an application must be granted in the developer portal before it may IDENTIFY with them.
PRIVILEGED_INTENTS = Intent.GUILD_MEMBERS | Intent.GUILD_PRESENCES | Intent.MESSAGE_CONTENT

# Which intent an event needs, in a guild and in a DM (None: not sent there at all).
_GUILD_EVENTS: tuple[str, ...] = ("GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE")
_GUILD_EVENTS += ("GUILD_ROLE_CREATE", "GUILD_ROLE_UPDATE", "GUILD_ROLE_DELETE")
_GUILD_EVENTS += ("CHANNEL_CREATE", "CHANNEL_UPDATE", "CHANNEL_DELETE", "CHANNEL_PINS_UPDATE")
_GUILD_EVENTS += ("THREAD_CREATE", "THREAD_UPDATE", "THREAD_DELETE", "THREAD_LIST_SYNC")
_MESSAGE_EVENTS = ("MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE", "MESSAGE_DELETE_BULK")
_REACTION_EVENTS = (
    "MESSAGE_REACTION_ADD",
    "MESSAGE_REACTION_REMOVE",
    "MESSAGE_REACTION_REMOVE_ALL",
    "MESSAGE_REACTION_REMOVE_EMOJI",
)
EVENT_INTENTS: dict[str, tuple[Intent | None, Intent | None]] = {
    **dict.fromkeys(_GUILD_EVENTS, (Intent.GUILDS, None)),
    **dict.fromkeys(
        ("GUILD_MEMBER_ADD", "GUILD_MEMBER_UPDATE", "GUILD_MEMBER_REMOVE"), (Intent.GUILD_MEMBERS, None)
    ),
    "PRESENCE_UPDATE": (Intent.GUILD_PRESENCES, None),
    **dict.fromkeys(_MESSAGE_EVENTS, (Intent.GUILD_MESSAGES, Intent.DIRECT_MESSAGES)),
    **dict.fromkeys(_REACTION_EVENTS, (Intent.GUILD_MESSAGE_REACTIONS, Intent.DIRECT_MESSAGE_REACTIONS)),
    "TYPING_START": (Intent.GUILD_MESSAGE_TYPING, Intent.DIRECT_MESSAGE_TYPING),
}
#: Events every session gets whatever its intents (answers to the session itself, interactions...).
UNGATED_EVENTS = frozenset(
    {
        "READY",
        "RESUMED",
        "INTERACTION_CREATE",
        "GUILD_MEMBERS_CHUNK",
        "APPLICATION_COMMAND_PERMISSIONS_UPDATE",
        "USER_UPDATE",
    }
)


def receives(intents: int, event: str, *, in_guild: bool) -> bool:
    """Whether a session IDENTIFYed with ``intents`` is sent ``event`` (from a guild, or from a DM).

    Raises ``KeyError`` for an event the emulator has no rule for, so that a new event cannot slip
    past the intent check unnoticed.
    """
    if event in UNGATED_EVENTS:
        return True
    guild_intent, dm_intent = EVENT_INTENTS[event]
    needed = guild_intent if in_guild else dm_intent
    return needed is not None and bool(intents & needed)
