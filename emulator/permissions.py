"""Permission bits and application flags, kept here so the emulator does not need discord.py at runtime.

Intents and the other protocol numbers are in ``protocol.py``.
"""

from __future__ import annotations

from emulator.protocol import Intent

CREATE_INSTANT_INVITE = 1 << 0
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
STREAM = 1 << 9
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
CONNECT = 1 << 20
SPEAK = 1 << 21
USE_VAD = 1 << 25
CHANGE_NICKNAME = 1 << 26
USE_APPLICATION_COMMANDS = 1 << 31
REQUEST_TO_SPEAK = 1 << 32
CREATE_PUBLIC_THREADS = 1 << 35
CREATE_PRIVATE_THREADS = 1 << 36
USE_EXTERNAL_STICKERS = 1 << 37
SEND_MESSAGES_IN_THREADS = 1 << 38
USE_EMBEDDED_ACTIVITIES = 1 << 39

#: Every permission bit Discord currently defines (what an owner or administrator effectively has).
ALL_PERMISSIONS = 8866461766385663

#: What @everyone gets in a freshly created guild (Discord's defaults, including Mention @everyone).
DEFAULT_EVERYONE_PERMISSIONS = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | STREAM
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | MENTION_EVERYONE
    | USE_EXTERNAL_EMOJIS
    | CONNECT
    | SPEAK
    | USE_VAD
    | CHANGE_NICKNAME
    | USE_APPLICATION_COMMANDS
    | REQUEST_TO_SPEAK
    | CREATE_PUBLIC_THREADS
    | CREATE_PRIVATE_THREADS
    | USE_EXTERNAL_STICKERS
    | SEND_MESSAGES_IN_THREADS
    | USE_EMBEDDED_ACTIVITIES
)

#: Permissions of the bot's managed role: what a typical invite link asks for.
DEFAULT_BOT_PERMISSIONS = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | SEND_MESSAGES_IN_THREADS
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | ADD_REACTIONS
    | USE_EXTERNAL_EMOJIS
    | USE_APPLICATION_COMMANDS
)

# Application flags announcing which privileged intents the app may use ("limited": < 100 guilds).
APP_FLAG_GATEWAY_PRESENCE_LIMITED = 1 << 13
APP_FLAG_GATEWAY_GUILD_MEMBERS_LIMITED = 1 << 15
APP_FLAG_GATEWAY_MESSAGE_CONTENT_LIMITED = 1 << 19
APP_FLAG_APPLICATION_COMMAND_BADGE = 1 << 23


def application_flags(privileged_intents: int) -> int:
    """Application flags matching the privileged intents the app has been granted."""
    flags = APP_FLAG_APPLICATION_COMMAND_BADGE
    if privileged_intents & Intent.GUILD_PRESENCES:
        flags |= APP_FLAG_GATEWAY_PRESENCE_LIMITED
    if privileged_intents & Intent.GUILD_MEMBERS:
        flags |= APP_FLAG_GATEWAY_GUILD_MEMBERS_LIMITED
    if privileged_intents & Intent.MESSAGE_CONTENT:
        flags |= APP_FLAG_GATEWAY_MESSAGE_CONTENT_LIMITED
    return flags
