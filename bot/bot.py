"""The Bot: owns the store and the extensions, and syncs commands at start-up."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import payloads
from bot.command_sync import sync_if_changed
from bot.pages import PageButton
from bot.settings import Settings, shard_ranges
from bot.showfile import load_catalog
from bot.spoilers import RevealButton
from bot.store import PurgeReport, Store
from bot.tree import DramaTree
from bot.ui import Buttons, Question, StaleButton

log = logging.getLogger(__name__)

# Loaded in this order at start-up; each module has an ``async def setup(bot)``.
EXTENSIONS: tuple[str, ...] = (
    "cogs.scores",
    "cogs.community",
    "cogs.watch",
    "cogs.moderation",
    "cogs.browse",
    "cogs.shows",
    "cogs.episodes",
    "cogs.settings",
    "cogs.about",
    "cogs.mydata",
)

# The bundled catalog ships inside the package (data/ in a checkout), so a wheel has it too.
DEFAULT_CATALOG: Traversable = resources.files("bot.data") / "catalog.json"

# Slash commands, buttons and forms arrive as interactions, which need no intent at all. The one
# intent asked for is GUILDS: the server, role and channel cache (interactions name roles by id;
# the cache turns them into roles for the curator check) and GUILD_CREATE/GUILD_DELETE. Every
# other intent would make Discord send each message, typing notice and reaction of every server
# only to be parsed and thrown away (about 90 µs of CPU each; bench/run.py's chatter scenario).
INTENTS = discord.Intents.none()
INTENTS.guilds = True

# How often the bot looks for servers whose retention period (RETENTION_DAYS) has run out.
PURGE_INTERVAL = 3600.0


def utc_now() -> datetime:
    return datetime.now(UTC)


class DramaBot(commands.Bot):
    """dramabot. Cogs reach the database through ``bot.store``; nothing else opens it.

    ``DramaBot(settings)`` is a :class:`ShardedDramaBot` when the settings name shards, so every
    caller builds the bot the same way; without shards it stays a plain one-connection Bot.
    """

    def __new__(cls, settings: Settings, **_: object) -> DramaBot:
        if settings.shards is not None and not issubclass(cls, commands.AutoShardedBot):
            cls = ShardedDramaBot
        return super().__new__(cls)

    def __init__(
        self,
        settings: Settings,
        *,
        catalog: Traversable = DEFAULT_CATALOG,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        # Before any payload is decoded: orjson alone would drop the connection on a lone surrogate.
        payloads.install()
        sharding: dict[str, Any] = {}
        if settings.shards is not None:
            # shard_count None is SHARD_COUNT=auto: ShardedDramaBot asks Discord when it connects.
            ids = settings.shards.ids
            sharding = {"shard_count": settings.shards.count, "shard_ids": list(ids) if ids else None}
        super().__init__(
            # Slash commands only: no prefix commands, no message content.
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=INTENTS,
            # Nothing reads messages, so none are cached (discord.py keeps 1,000 by default).
            max_messages=None,
            member_cache_flags=discord.MemberCacheFlags.none(),
            chunk_guilds_at_startup=False,
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=DramaTree,
            # Every command is for servers: installed to a server and run inside one.
            allowed_contexts=app_commands.AppCommandContext(guild=True),
            allowed_installs=app_commands.AppInstallationType(guild=True),
            **sharding,
        )
        self.settings = settings
        self.catalog = catalog
        self._store: Store | None = None
        self.commands_synced = False
        # time.monotonic() at the first READY from the gateway (any shard's); None before.
        self._ready_at: float | None = None
        # What each persistent button does; the cogs register their kinds in their setup.
        self.buttons = Buttons()
        # The time, in UTC: when a server removed the bot and when its retention period ends.
        # Injectable, so tests can let RETENTION_DAYS pass without waiting.
        self.clock = clock
        self._purging: asyncio.Task[None] | None = None

    @property
    def syncs_commands(self) -> bool:
        """Whether this process registers the commands: only the one running shard 0 does.

        Commands belong to the application, not to a shard; several processes syncing at once would
        race each other's bulk overwrites and spend Discord's daily command-create budget.
        """
        shards = self.settings.shards
        return shards is None or shards.runs_shard_zero

    @property
    def uptime(self) -> timedelta:
        """How long since the bot became ready (zero before)."""
        if self._ready_at is None:
            return timedelta(0)
        return timedelta(seconds=time.monotonic() - self._ready_at)

    def shard_of(self, guild_id: int) -> int:
        """The shard a server's events come through (Discord's rule: ``(guild_id >> 22) % count``)."""
        return (guild_id >> 22) % (self.shard_count or 1)

    @property
    def store(self) -> Store:
        if self._store is None:
            raise RuntimeError("the store is opened in setup_hook; it is not open yet")
        return self._store

    async def setup_hook(self) -> None:
        url = self.settings.database_url
        self._store = await Store.open_url(url, pool_size=self.settings.database_pool_size)
        # redacted(): the URL as it may be logged, without the password.
        log.info("Opened the %s database at %s", self._store.backend, url.redacted())
        for spec in load_catalog(self.catalog):
            await self.store.save_catalog_show(spec)
        # Presses on any message this bot ever sent, before a restart or from another process.
        self.add_dynamic_items(PageButton, Question, RevealButton, StaleButton)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        if self.syncs_commands:
            await self.sync_commands()
        else:
            from bot.text import t

            log.info("%s", t("host.shards.not_syncing"))
        self._purging = asyncio.create_task(
            self._purge_now_and_then(), name="dramabot purge of departed servers"
        )

    async def sync_commands(self) -> None:
        assert self.application_id is not None  # set by login before setup_hook
        await sync_if_changed(self.tree, self.application_id)
        if self.settings.dev_guild_id is not None:
            dev_guild = discord.Object(self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=dev_guild)
            try:
                await sync_if_changed(self.tree, self.application_id, dev_guild)
            except (discord.Forbidden, discord.NotFound) as exc:
                # 403 Missing Access: the bot is not in that server (404 Unknown Guild: no server has
                # that id). A development convenience must not stop the bot; the global commands work.
                from bot.text import t

                self.tree.clear_commands(guild=dev_guild)
                missing = t("host.dev_guild_missing", guild=dev_guild.id, status=exc.status, reason=exc.text)
                log.warning("%s", missing)
        self.commands_synced = True

    async def on_ready(self) -> None:
        from bot.text import t

        log.info("%s", t("host.connected", user=self.user, servers=t("n.servers", count=len(self.guilds))))

    async def on_connect(self) -> None:
        # At READY, not at on_ready: discord.py holds on_ready back until no GUILD_CREATE came for 2 s,
        # and a server can use commands before that. Only the first READY: a reconnect or a
        # re-identified shard does not restart the uptime.
        if self._ready_at is None:
            self._ready_at = time.monotonic()

    # -- servers that remove the bot ---------------------------------------------------------

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """The bot was removed (discord.py tells an outage apart: that is on_guild_unavailable).

        The server's data is kept for RETENTION_DAYS, then :meth:`purge_departed_guilds` deletes it.
        """
        try:
            await self.store.guild_departed(guild.id, self.clock())
        except Exception:
            log.exception("Could not record that server %s removed the bot", guild.id)
            return
        log.info(
            "Server %s removed the bot; its data is kept for %s days", guild.id, self.settings.retention.days
        )

    async def on_guild_join(self, guild: discord.Guild) -> None:
        if await self.store.guild_returned(guild.id):
            log.info("Server %s added the bot back; its data is kept", guild.id)

    def _runs_shard_of(self, guild_id: int) -> bool:
        shards = self.settings.shards
        if shards is None or shards.ids is None:
            return True
        return self.shard_of(guild_id) in shards.ids

    async def purge_departed_guilds(self) -> list[PurgeReport]:
        """Delete the data of every server of this process's shards whose retention period has run
        out since it removed the bot. A server this process can see again keeps everything (it
        added the bot back while the bot was offline)."""
        cutoff = self.clock() - self.settings.retention
        purged = []
        for guild_id, _ in await self.store.departed_guilds(cutoff):
            if not self._runs_shard_of(guild_id):
                continue  # the process running its shard decides
            if self.get_guild(guild_id) is not None:
                await self.store.guild_returned(guild_id)
                continue
            report = await self.store.purge_guild(guild_id, cutoff)
            if report is None:
                continue
            counts = ", ".join(f"{table} {count}" for table, count in report.rows.items() if count)
            log.info(
                "Deleted the data of server %s, which removed the bot at %s: %s",
                guild_id,
                report.departed_at,
                counts or "no rows",
            )
            purged.append(report)
        return purged

    async def _purge_now_and_then(self) -> None:
        # Only once every server has arrived: one still on its way must not look departed.
        await self.wait_until_ready()
        while not self.is_closed():
            try:
                await self.purge_departed_guilds()
            except Exception:
                log.exception("Purging departed servers failed; trying again in %d s", PURGE_INTERVAL)
            await asyncio.sleep(PURGE_INTERVAL)

    async def close(self) -> None:
        try:
            self.buttons.close()
            if self._purging is not None:
                self._purging.cancel()
                await asyncio.gather(self._purging, return_exceptions=True)
            await super().close()
        finally:
            if self._store is not None:
                await self._store.close()
                self._store = None


class ShardedDramaBot(DramaBot, commands.AutoShardedBot):
    """dramabot running several shards (``SHARD_COUNT``), or the slice ``SHARD_IDS`` of them."""

    async def launch_shards(self) -> None:
        if self.shard_count is None:
            # discord.py would connect to the gateway URL that comes with the recommendation, passing
            # over DISCORD_GATEWAY_URL (a proxy's, the emulator's): take only the count from Discord.
            self.shard_count, _, _ = await self.http.get_bot_gateway()
            from bot.text import t

            log.info("%s", t("host.shards.recommended", shards=t("host.n.shards", count=self.shard_count)))
        await super().launch_shards()

    async def on_ready(self) -> None:
        await super().on_ready()
        from bot.text import t

        holdings = {shard_id: 0 for shard_id in self.shards}
        for guild in self.guilds:
            holdings[guild.shard_id] = holdings.get(guild.shard_id, 0) + 1
        holds = "; ".join(
            t("host.shards.holds", id=shard_id, servers=t("n.servers", count=servers))
            for shard_id, servers in sorted(holdings.items())
        )
        ids = shard_ranges(holdings)
        running = t("host.n.shards", count=len(holdings))
        log.info("%s", t("host.shards.ready", running=running, ids=ids, total=self.shard_count, holds=holds))
