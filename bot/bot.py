"""The Bot: owns the store and the extensions, and syncs commands at start-up."""

from __future__ import annotations

import logging
from importlib import resources
from importlib.resources.abc import Traversable

import discord
from discord import app_commands
from discord.ext import commands

from bot.command_sync import sync_if_changed
from bot.settings import Settings
from bot.showfile import load_catalog
from bot.store import Store
from bot.tree import DramaTree

log = logging.getLogger(__name__)

# Loaded in this order at start-up; each module has an ``async def setup(bot)``.
EXTENSIONS: tuple[str, ...] = (
    "cogs.scores",
    "cogs.community",
    "cogs.moderation",
    "cogs.browse",
    "cogs.shows",
    "cogs.episodes",
    "cogs.settings",
)

# The bundled catalog ships inside the package (data/ in a checkout), so a wheel has it too.
DEFAULT_CATALOG: Traversable = resources.files("bot.data") / "catalog.json"


class DramaBot(commands.Bot):
    """dramabot. Cogs reach the database through ``bot.store``; nothing else opens it."""

    def __init__(self, settings: Settings, *, catalog: Traversable = DEFAULT_CATALOG) -> None:
        super().__init__(
            # Slash commands only: no prefix commands, no message content.
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=discord.Intents.default(),
            member_cache_flags=discord.MemberCacheFlags.none(),
            chunk_guilds_at_startup=False,
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=DramaTree,
            # Every command is for servers: installed to a server and run inside one.
            allowed_contexts=app_commands.AppCommandContext(guild=True),
            allowed_installs=app_commands.AppInstallationType(guild=True),
        )
        self.settings = settings
        self.catalog = catalog
        self._store: Store | None = None
        self.commands_synced = False

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
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        await self.sync_commands()

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

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            if self._store is not None:
                await self._store.close()
                self._store = None
