"""Settings, read once from the environment (and ``.env``) into a frozen object.

Every problem stops start-up with one line that names the key and says how to fix it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_DATABASE_URL = "sqlite:///data/dramabot.db"
DEFAULT_API_BASE = "https://discord.com/api/v10"
DEFAULT_GATEWAY_URL = "wss://gateway.discord.gg/"
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# Three base64url parts separated by dots: the shape of every Discord bot token.
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")

MISSING_TOKEN_HELP = (
    "DISCORD_TOKEN is not set. Create an application at https://discord.com/developers/applications, "
    "open Bot > Reset Token, copy the token, then run `cp .env.example .env` and put it after "
    "DISCORD_TOKEN= in .env (or export DISCORD_TOKEN in the environment)."
)


class SettingsError(ValueError):
    """A configuration value that is missing or malformed. ``str()`` is the whole message."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}" if not problem.startswith(key) else problem)
        self.key = key


@dataclass(frozen=True, slots=True)
class Settings:
    discord_token: str
    database_path: Path
    dev_guild_id: int | None
    log_level: int
    api_base: str
    gateway_url: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Read and check every key; raises :class:`SettingsError` for the first bad one."""
        return cls(
            discord_token=_token(env.get("DISCORD_TOKEN", "")),
            database_path=database_path(env.get("DATABASE_URL", "") or DEFAULT_DATABASE_URL),
            dev_guild_id=_guild_id(env.get("DEV_GUILD_ID", "")),
            log_level=_log_level(env.get("LOG_LEVEL", "") or "INFO"),
            api_base=_url("DISCORD_API_BASE", env.get("DISCORD_API_BASE", "") or DEFAULT_API_BASE, "http"),
            gateway_url=_url(
                "DISCORD_GATEWAY_URL", env.get("DISCORD_GATEWAY_URL", "") or DEFAULT_GATEWAY_URL, "ws"
            ),
        )


def _token(value: str) -> str:
    value = value.strip()
    if not value:
        raise SettingsError("DISCORD_TOKEN", MISSING_TOKEN_HELP)
    if value.lower().startswith("bot "):
        raise SettingsError("DISCORD_TOKEN", "remove the 'Bot ' prefix; put only the token itself")
    if not _TOKEN_SHAPE.match(value):
        raise SettingsError(
            "DISCORD_TOKEN",
            "does not look like a bot token (three parts separated by dots). Copy it again from "
            "https://discord.com/developers/applications > your app > Bot > Reset Token",
        )
    return value


def database_path(url: str) -> Path:
    """``sqlite:///relative/path`` or ``sqlite:////absolute/path`` to a filesystem path."""
    url = url.strip()
    scheme, _, rest = url.partition("://")
    if scheme != "sqlite":
        raise SettingsError(
            "DATABASE_URL",
            f"only SQLite is supported for now; use sqlite:///data/dramabot.db "
            f"(relative) or sqlite:////absolute/path.db, not {scheme or url!r}",
        )
    if not rest.startswith("/") or len(rest) < 2:
        raise SettingsError(
            "DATABASE_URL", "expected sqlite:///relative/path.db or sqlite:////absolute/path.db"
        )
    path = rest[1:]
    if path.endswith("/") or path == ":memory:":
        raise SettingsError("DATABASE_URL", f"{path!r} is not a database file path")
    return Path(path)


def _guild_id(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or int(value) <= 0:
        raise SettingsError(
            "DEV_GUILD_ID",
            f"{value!r} is not a server id. Turn on Developer Mode in Discord, right-click the "
            "server and Copy Server ID, or leave DEV_GUILD_ID empty",
        )
    return int(value)


def _log_level(value: str) -> int:
    name = value.strip().upper()
    if name not in _LOG_LEVELS:
        raise SettingsError("LOG_LEVEL", f"{value!r} is not one of {', '.join(_LOG_LEVELS)}")
    return logging.getLevelNamesMapping()[name]


def _url(key: str, value: str, family: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    allowed = (family, family + "s")
    if parts.scheme not in allowed or not parts.netloc:
        raise SettingsError(key, f"{value!r} is not a {' or '.join(s + '://' for s in allowed)} URL")
    return value.rstrip("/") if family == "http" else value
