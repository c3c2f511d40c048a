"""Sync application commands only when Discord's copy differs from the local tree.

Discord allows 200 command creates a day per application, and a bulk PUT counts against it,
so a restart with unchanged commands must not PUT. Discord answers with the commands as it
stored them, filling in defaults (ids, versions, ``required: false`` left out, empty
localizations as null); both sides are reduced to the same canonical form before comparing.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

log = logging.getLogger(__name__)

# Keys whose value is the same as leaving the key out.
_DEFAULTS: dict[str, Any] = {
    "required": False,
    "autocomplete": False,
    "nsfw": False,
    "default_member_permissions": None,
    "name_localizations": None,
    "description_localizations": None,
    "options": None,
    "choices": None,
    "channel_types": None,
}
# Keys Discord adds that say nothing about the command's shape.
_SERVER_ONLY = {"id", "application_id", "version", "guild_id", "dm_permission", "handler"}


def canonical(commands: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Commands reduced to what defines them, sorted, so local and remote compare equal."""
    reduced = [_canonical_value({"type": 1, **command}) for command in commands]
    return sorted(reduced, key=lambda command: (command["type"], command["name"]))


def _canonical_value(value: Any) -> Any:
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if key in _SERVER_ONLY:
                continue
            item = _canonical_value(item)
            if key == "default_member_permissions" and item is not None:
                item = str(item)
            # Empty lists and maps come back absent: a command without options has no "options" key.
            if item in ({}, []) and (key in _DEFAULTS or key.endswith("localizations")):
                item = None
            if item is None or (key in _DEFAULTS and item == _DEFAULTS[key]):
                continue
            result[key] = item
        return result
    if isinstance(value, list):
        items = [_canonical_value(item) for item in value]
        return sorted(items) if all(isinstance(item, int) for item in items) else items
    return value


async def sync_if_changed(
    tree: app_commands.CommandTree, application_id: int, guild: discord.abc.Snowflake | None = None
) -> bool:
    """Fetch what Discord has, compare with the tree, PUT only on a difference.

    Returns True when a sync was sent.
    """
    http = tree.client.http
    local = [command.to_dict(tree) for command in tree.get_commands(guild=guild)]
    if guild is None:
        remote = await http.get_global_commands(application_id)
    else:
        remote = await http.get_guild_commands(application_id, guild.id)
    scope = "globally" if guild is None else f"in guild {guild.id}"
    if canonical(local) == canonical([dict(command) for command in remote]):
        log.info("Application commands unchanged %s (%d); not syncing", scope, len(local))
        return False
    synced = await tree.sync(guild=guild)
    log.info("Synced %d application commands %s", len(synced), scope)
    return True
