"""Settings, read once from the environment (and ``.env``) into a frozen object.

Every problem stops start-up with one line that names the key and says how to fix it (the
wording is in :mod:`bot.text.en.host`).
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from bot.text import t

DEFAULT_DATABASE_URL = "sqlite:///data/dramabot.db"
DEFAULT_API_BASE = "https://discord.com/api/v10"
DEFAULT_GATEWAY_URL = "wss://gateway.discord.gg/"
# How long start-up keeps retrying while Discord cannot be reached, in seconds.
DEFAULT_CONNECT_TIMEOUT = 120.0
# Connections the PostgreSQL pool keeps open (DATABASE_POOL_SIZE); SQLite has one writer.
DEFAULT_POOL_SIZE = 10
MAX_POOL_SIZE = 100
# Days a server's data is kept after it removed the bot (RETENTION_DAYS); 0: deleted at the next purge.
DEFAULT_RETENTION_DAYS = 30
MAX_RETENTION_DAYS = 3650
# What a PostgreSQL DATABASE_URL may carry after "?": TLS (handed to asyncpg as its ssl mode) and a
# unix socket folder for the host. Anything else is refused rather than silently ignored.
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
_PG_OPTIONS = ("sslmode", "host")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# Three base64url parts separated by dots: the shape of every Discord bot token.
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
# Discord's own bound is far higher, but a bot with more than 10,000 shards is not this bot.
MAX_SHARD_COUNT = 10_000
# One SHARD_IDS item: an id or an inclusive range of ids. ASCII digits only: int() also reads "٣".
_SHARD_ITEM = re.compile(r"^([0-9]{1,18})(?:\s*-\s*([0-9]{1,18}))?$")


class SettingsError(ValueError):
    """A configuration value that is missing or malformed. ``str()`` is the whole message.

    ``key`` is the setting, ``reason`` names the problem (``host.settings.<reason>`` words it) and
    ``facts`` are the values the wording needs.
    """

    def __init__(self, key: str, reason: str, **facts: object) -> None:
        self.key = key
        self.reason = reason
        self.facts = facts
        problem = t(f"host.settings.{reason}", key=key, **facts)
        super().__init__(problem if problem.startswith(key) else f"{key}: {problem}")


@dataclass(frozen=True, slots=True)
class DatabaseUrl:
    """``DATABASE_URL``, checked: which database and where.

    For SQLite ``path`` is the file. For PostgreSQL (``postgresql://``, or its alias
    ``postgres://``, both kept as ``postgresql``) ``path`` is the database name and the network
    fields say where; ``redacted()`` is the form that may be logged, never with the password.
    """

    scheme: str  # lower-case, as URL schemes compare case-insensitively (RFC 3986)
    path: Path
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    host: str | None = None
    port: int | None = None
    sslmode: str | None = None

    @property
    def is_postgresql(self) -> bool:
        return self.scheme == "postgresql"

    @property
    def database(self) -> str:
        """The PostgreSQL database name (for SQLite, the file path)."""
        return self.path.as_posix()

    @classmethod
    def parse(cls, url: str) -> DatabaseUrl:
        """Raises :class:`SettingsError` naming the supported forms."""
        url = url.strip()
        scheme, separator, rest = url.partition("://")
        parse = _DATABASE_SCHEMES.get(scheme.lower()) if separator else None
        if parse is None:
            raise SettingsError("DATABASE_URL", "database_scheme", scheme=scheme if separator else url)
        return parse(scheme.lower(), rest)

    def redacted(self) -> str:
        if self.host is None:
            return f"{self.scheme}:///{self.path.as_posix()}"
        user = self.username or ""
        if self.password is not None:
            user += ":***"
        port = f":{self.port}" if self.port is not None else ""
        host = self.host
        query = ""
        if host.startswith("/"):  # a unix socket folder goes in the query, as libpq writes it
            host, query = "", f"?host={host}"
        if self.sslmode is not None:
            query += f"{'&' if query else '?'}sslmode={self.sslmode}"
        return f"{self.scheme}://{user}{'@' if user else ''}{host}{port}/{self.path.as_posix()}{query}"

    def __str__(self) -> str:
        return self.redacted()


def _sqlite_url(scheme: str, rest: str) -> DatabaseUrl:
    """``sqlite:///relative/path`` (from the working directory) or ``sqlite:////absolute/path``."""
    # The file is opened read-write with the bot's own pragmas, so no option (?mode=ro, ?cache=…)
    # could be honoured; refusing it beats silently ignoring it. The path is taken literally.
    options = min((i for i in (rest.find("?"), rest.find("#")) if i >= 0), default=-1)
    if options >= 0:
        raise SettingsError("DATABASE_URL", "database_options", extra=rest[options:])
    if not rest.startswith("/") or len(rest) < 2:
        raise SettingsError("DATABASE_URL", "database_form")
    path = rest[1:]
    if path.endswith("/") or path == ":memory:":
        raise SettingsError("DATABASE_URL", "database_not_a_file", path=path)
    return DatabaseUrl(scheme, Path(path))


def _postgresql_url(scheme: str, rest: str) -> DatabaseUrl:
    """``postgresql://user:password@host:port/dbname[?sslmode=…][&host=/socket/folder]``.

    User, password and database name are percent-decoded (a password with ``@`` or ``/`` is written
    ``%40``, ``%2F``). No message names the password, nor the URL it came in.
    """
    parts = urlsplit("postgresql://" + rest)
    if parts.fragment:
        raise SettingsError("DATABASE_URL", "postgresql_fragment")
    database = unquote(parts.path[1:]) if parts.path.startswith("/") else ""
    if not database or "/" in database:
        raise SettingsError("DATABASE_URL", "postgresql_form")
    host = unquote(parts.hostname or "") or None
    try:
        port = parts.port
    except ValueError:
        port_text = parts.netloc.rpartition("@")[2].rpartition(":")[2]
        raise SettingsError("DATABASE_URL", "postgresql_port", port=port_text) from None
    if port == 0:
        raise SettingsError("DATABASE_URL", "postgresql_port", port="0")
    sslmode: str | None = None
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name == "sslmode":
            if value not in SSL_MODES:
                raise SettingsError(
                    "DATABASE_URL", "postgresql_sslmode", value=value, modes=", ".join(SSL_MODES)
                )
            sslmode = value
        elif name == "host" and value.startswith("/"):
            host = value
        else:
            raise SettingsError(
                "DATABASE_URL", "postgresql_option", option=name, options=", ".join(_PG_OPTIONS)
            )
    if host is None:
        raise SettingsError("DATABASE_URL", "postgresql_form")
    return DatabaseUrl(
        "postgresql",
        Path(database),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        host=host,
        port=port or 5432,
        sslmode=sslmode,
    )


# One parser per scheme; postgres:// is libpq's alias of postgresql://.
_DATABASE_SCHEMES: dict[str, Callable[[str, str], DatabaseUrl]] = {
    "sqlite": _sqlite_url,
    "postgresql": _postgresql_url,
    "postgres": _postgresql_url,
}


@dataclass(frozen=True, slots=True)
class Shards:
    """``SHARD_COUNT`` and ``SHARD_IDS``: how many shards the bot has, and which this process runs.

    ``count`` None is ``auto``: Discord's recommendation, fetched at connect time. ``ids`` None is
    every shard of the count; otherwise the sorted, distinct ids this process runs.
    """

    count: int | None
    ids: tuple[int, ...] | None = None

    @property
    def runs_shard_zero(self) -> bool:
        """Whether this process runs shard 0, the one that syncs the application commands."""
        return self.ids is None or 0 in self.ids

    @property
    def partial(self) -> bool:
        """Whether other processes run the rest of the shards."""
        return self.ids is not None and len(self.ids) != self.count


@dataclass(frozen=True, slots=True)
class Settings:
    discord_token: str = field(repr=False)
    database_url: DatabaseUrl
    dev_guild_id: int | None
    log_level: int
    api_base: str
    gateway_url: str
    # Seconds start-up keeps retrying while Discord cannot be reached (DISCORD_CONNECT_TIMEOUT).
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    # None: one unsharded connection (SHARD_COUNT empty).
    shards: Shards | None = None
    # Connections in the PostgreSQL pool (DATABASE_POOL_SIZE); ignored for SQLite.
    database_pool_size: int = DEFAULT_POOL_SIZE
    # How long a server's data is kept after it removed the bot (RETENTION_DAYS).
    retention: timedelta = timedelta(days=DEFAULT_RETENTION_DAYS)

    @property
    def database_path(self) -> Path:
        """The SQLite file the store opens (for PostgreSQL, the database name)."""
        return self.database_url.path

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Read and check every key; raises :class:`SettingsError` for the first bad one."""
        settings = cls(
            discord_token=_token(env.get("DISCORD_TOKEN", "")),
            database_url=DatabaseUrl.parse(env.get("DATABASE_URL", "") or DEFAULT_DATABASE_URL),
            dev_guild_id=_guild_id(env.get("DEV_GUILD_ID", "")),
            log_level=_log_level(env.get("LOG_LEVEL", "") or "INFO"),
            api_base=_url("DISCORD_API_BASE", env.get("DISCORD_API_BASE", "") or DEFAULT_API_BASE, "http"),
            gateway_url=_url(
                "DISCORD_GATEWAY_URL", env.get("DISCORD_GATEWAY_URL", "") or DEFAULT_GATEWAY_URL, "ws"
            ),
            connect_timeout=_seconds(
                "DISCORD_CONNECT_TIMEOUT", env.get("DISCORD_CONNECT_TIMEOUT", ""), DEFAULT_CONNECT_TIMEOUT
            ),
            shards=_shards(env.get("SHARD_COUNT", ""), env.get("SHARD_IDS", "")),
            database_pool_size=_pool_size(env.get("DATABASE_POOL_SIZE", "")),
            retention=_retention(env.get("RETENTION_DAYS", "")),
        )
        _check_shards_share_the_database(settings)
        return settings


def _token(value: str) -> str:
    value = value.strip()
    if not value:
        raise SettingsError("DISCORD_TOKEN", "token_missing")
    if value.lower().startswith("bot "):
        raise SettingsError("DISCORD_TOKEN", "token_prefix")
    if not _TOKEN_SHAPE.match(value):
        raise SettingsError("DISCORD_TOKEN", "token_shape")
    return value


def _guild_id(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or int(value) <= 0:
        raise SettingsError("DEV_GUILD_ID", "guild_id", value=value)
    return int(value)


def _log_level(value: str) -> int:
    name = value.strip().upper()
    if name not in _LOG_LEVELS:
        raise SettingsError("LOG_LEVEL", "log_level", value=value, levels=", ".join(_LOG_LEVELS))
    return logging.getLevelNamesMapping()[name]


def _url(key: str, value: str, family: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    allowed = (family, family + "s")
    if parts.scheme not in allowed or not parts.netloc:
        raise SettingsError(key, "url", value=value, schemes=" or ".join(s + "://" for s in allowed))
    return value.rstrip("/") if family == "http" else value


def _seconds(key: str, value: str, default: float) -> float:
    value = value.strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not 1 <= seconds <= 86_400:
        raise SettingsError(key, "seconds", value=value, default=f"{default:g}")
    return seconds


def _shards(count_value: str, ids_value: str) -> Shards | None:
    count_value, ids_value = count_value.strip(), ids_value.strip()
    if not count_value:
        if ids_value:
            raise SettingsError("SHARD_IDS", "shard_ids_without_count", value=ids_value)
        return None
    if count_value.lower() == "auto":
        if ids_value:
            # Each process would fetch its own recommendation, which changes as the bot grows: two
            # processes told different counts would run slices that overlap or leave servers out.
            raise SettingsError("SHARD_IDS", "shard_ids_with_auto", value=ids_value)
        return Shards(None)
    if not count_value.isascii() or not count_value.isdigit() or not 1 <= int(count_value) <= MAX_SHARD_COUNT:
        raise SettingsError("SHARD_COUNT", "shard_count", value=count_value, maximum=MAX_SHARD_COUNT)
    count = int(count_value)
    if not ids_value:
        return Shards(count)
    return Shards(count, _shard_ids(ids_value, count))


def _shard_ids(value: str, count: int) -> tuple[int, ...]:
    """``0-3``, ``4,5,6,7``, ``0-1,4``: each id of ``range(count)`` at most once."""
    seen: set[int] = set()
    for item in value.split(","):
        match = _SHARD_ITEM.match(item.strip())
        if match is None:
            raise SettingsError("SHARD_IDS", "shard_ids_form", item=item.strip(), value=value)
        first = int(match[1])
        last = int(match[2]) if match[2] is not None else first
        if last < first:
            raise SettingsError("SHARD_IDS", "shard_ids_backwards", item=item.strip(), first=first, last=last)
        # Checked before the range is walked, so 0-999999999 is refused without counting to it.
        if last >= count:
            raise SettingsError("SHARD_IDS", "shard_id_outside", id=last, count=count, highest=count - 1)
        for shard_id in range(first, last + 1):
            if shard_id in seen:
                raise SettingsError("SHARD_IDS", "shard_ids_twice", id=shard_id, value=value)
            seen.add(shard_id)
    return tuple(sorted(seen))


def shard_ranges(ids: Iterable[int]) -> str:
    """``0-3,6``: ids written back in SHARD_IDS's own form, runs of ids as ranges."""
    runs: list[list[int]] = []
    for shard_id in sorted(ids):
        if runs and shard_id == runs[-1][1] + 1:
            runs[-1][1] = shard_id
        else:
            runs.append([shard_id, shard_id])
    return ",".join(str(first) if first == last else f"{first}-{last}" for first, last in runs)


def _check_shards_share_the_database(settings: Settings) -> None:
    """Refuse to run part of the shards on SQLite: the other parts would be other processes on one file.

    The store is built for one process: its write lock and group commit are in memory, so another
    process's writes would meet them only as SQLite's file lock, turning busy moments into "database
    is locked" refusals. Only what a host configures is refused: a test that builds a
    :class:`Settings` itself may run one shard on its own file.
    """
    shards = settings.shards
    if shards is not None and shards.partial and settings.database_url.scheme == "sqlite":
        assert shards.ids is not None and shards.count is not None  # partial implies both
        raise SettingsError(
            "SHARD_IDS",
            "shard_ids_sqlite",
            value=shard_ranges(shards.ids),
            count=shards.count,
        )


def _pool_size(value: str) -> int:
    value = value.strip()
    if not value:
        return DEFAULT_POOL_SIZE
    if not value.isdigit() or not 1 <= int(value) <= MAX_POOL_SIZE:
        raise SettingsError(
            "DATABASE_POOL_SIZE", "pool_size", value=value, most=MAX_POOL_SIZE, default=DEFAULT_POOL_SIZE
        )
    return int(value)


def _retention(value: str) -> timedelta:
    value = value.strip()
    if not value:
        return timedelta(days=DEFAULT_RETENTION_DAYS)
    if not value.isascii() or not value.isdigit() or int(value) > MAX_RETENTION_DAYS:
        raise SettingsError(
            "RETENTION_DAYS",
            "retention_days",
            value=value,
            most=MAX_RETENTION_DAYS,
            default=DEFAULT_RETENTION_DAYS,
        )
    return timedelta(days=int(value))
