"""Shared fixtures: a loopback Discord, a server with members, and the real bot connected to it."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.bot import DEFAULT_CATALOG, DramaBot
from bot.settings import Settings
from emulator import DiscordEmulator, EmuGuild, EmuMember, connect_bot

# Shaped like a real token (three dot-separated parts) so the settings check accepts it.
TOKEN = "ZHJhbWFib3Q.ZW11bGF0b3I.dGVzdHMtb25seQ"


@pytest.fixture
async def emulator() -> AsyncIterator[DiscordEmulator]:
    emu = DiscordEmulator(token=TOKEN)
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()


@dataclass
class Server:
    """One Discord server as the tests see it: its guild and a few members."""

    guild: EmuGuild
    alice: EmuMember
    bob: EmuMember


@pytest.fixture
def server(emulator: DiscordEmulator) -> Server:
    guild = emulator.add_guild("Drama Club")
    return Server(
        guild=guild,
        alice=emulator.add_member(guild, emulator.add_user("alice")),
        bob=emulator.add_member(guild, emulator.add_user("bob")),
    )


def settings_for(emulator: DiscordEmulator, database: Path, **extra: str) -> Settings:
    return Settings.from_env(
        {
            "DISCORD_TOKEN": TOKEN,
            "DATABASE_URL": f"sqlite:///{database}",
            "DISCORD_API_BASE": emulator.api_base,
            "DISCORD_GATEWAY_URL": emulator.gateway_url,
            **extra,
        }
    )


@contextlib.asynccontextmanager
async def run_bot(
    emulator: DiscordEmulator, settings: Settings, *, catalog: Path = DEFAULT_CATALOG
) -> AsyncIterator[DramaBot]:
    """Start the real bot against the emulator, wait until its session is ready, stop it afterwards.

    (How ``dramabot`` itself points discord.py at these URLs is tested on a real process in test_main.)
    """
    async with connect_bot(
        DramaBot(settings, catalog=catalog), emulator, token=settings.discord_token
    ) as bot:
        assert bot.commands_synced
        yield bot
    assert not emulator.internal_errors


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "data" / "dramabot.db"


@pytest.fixture
async def drama(emulator: DiscordEmulator, server: Server, database: Path) -> AsyncIterator[DramaBot]:
    """The real bot with the bundled catalog, connected and synced."""
    async with run_bot(emulator, settings_for(emulator, database)) as bot:
        yield bot


def snapshot(database: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to show that a refused command wrote nothing."""
    with contextlib.closing(sqlite3.connect(database)) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {table: connection.execute(f"SELECT * FROM {table}").fetchall() for table in tables}  # noqa: S608


@pytest.fixture
def write_catalog(tmp_path: Path) -> Callable[..., Path]:
    """Write a catalog of extra test shows (plus Run On) and return its path."""

    def write(*shows: dict[str, Any], with_run_on: bool = True) -> Path:
        run_on = json.loads(DEFAULT_CATALOG.read_text(encoding="utf-8"))["shows"]
        document = {"format": 1, "shows": [*(run_on if with_run_on else []), *shows]}
        path = tmp_path / "catalog.json"
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        return path

    return write
