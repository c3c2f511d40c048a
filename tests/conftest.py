"""Shared fixtures: a loopback Discord, a server with members, and the real bot connected to it.

Helpers the tests import live in ``tests/helpers.py``.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.bot import DramaBot
from emulator import DiscordEmulator
from tests.helpers import TOKEN, Server, catalog_document, run_bot, settings_for
from tests.postgresql import fresh_database, postgresql_server, postgresql_url

__all__ = ["postgresql_server", "postgresql_url"]  # fixtures of the PostgreSQL plugin, for every test


@pytest.fixture
async def emulator() -> AsyncIterator[DiscordEmulator]:
    """The one emulator fixture: a loopback Discord that must end the test without internal errors."""
    async with DiscordEmulator(token=TOKEN) as emu:
        yield emu
    assert emu.internal_errors == []


@pytest.fixture
def server(emulator: DiscordEmulator) -> Server:
    guild = emulator.add_guild("Drama Club")
    return Server(
        guild=guild,
        alice=emulator.add_member(guild, emulator.add_user("alice")),
        bob=emulator.add_member(guild, emulator.add_user("bob")),
    )


# DRAMABOT_TEST_BACKEND=postgresql runs the bot's end-to-end tests (tests/cogs) on PostgreSQL: the
# ``database`` fixture is then a fresh PostgreSQL database's URL instead of a SQLite file's path.
# Tests about the SQLite file itself (tests/bot/test_crash.py, …) need the default.
BACKEND = os.environ.get("DRAMABOT_TEST_BACKEND", "sqlite").strip().lower() or "sqlite"
if BACKEND not in {"sqlite", "postgresql"}:
    raise pytest.UsageError(f"DRAMABOT_TEST_BACKEND={BACKEND!r}: use sqlite or postgresql")


@pytest.fixture
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Path | str]:
    """Where the bot keeps its data: a SQLite file's path, or a PostgreSQL database's URL."""
    if BACKEND == "sqlite":
        yield tmp_path / "data" / "dramabot.db"
        return
    async with fresh_database(request.getfixturevalue("postgresql_server")) as url:
        yield url


@pytest.fixture
async def drama(emulator: DiscordEmulator, server: Server, database: Path | str) -> AsyncIterator[DramaBot]:
    """The real bot with the bundled catalog, connected and synced."""
    async with run_bot(emulator, settings_for(emulator, database)) as bot:
        yield bot


@pytest.fixture
def write_catalog(tmp_path: Path) -> Callable[..., Path]:
    """Write a catalog of extra test shows (plus Run On) and return its path."""

    def write(*shows: dict[str, Any], with_run_on: bool = True) -> Path:
        path = tmp_path / "catalog.json"
        path.write_text(
            json.dumps(catalog_document(*shows, with_run_on=with_run_on), ensure_ascii=False),
            encoding="utf-8",
        )
        return path

    return write
