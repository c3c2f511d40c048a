"""Fixtures for the store tests: each runs on SQLite and on PostgreSQL, with Run On from the real catalog.

``store`` is parametrised with the ids ``sqlite`` and ``postgresql``. A test about SQLite itself
(its file, WAL, PRAGMAs, upgrades of old files, another process holding its lock) is marked
``sqlite_only`` and is not collected for PostgreSQL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.settings import DatabaseUrl
from bot.store import Store
from tests.helpers import run_on
from tests.postgresql import fresh_database

BACKENDS = ("sqlite", "postgresql")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    kept, dropped = [], []
    for item in items:
        backend = getattr(item, "callspec", None) and item.callspec.params.get("store")
        if backend == "postgresql" and item.get_closest_marker("sqlite_only"):
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(params=BACKENDS)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    if request.param == "sqlite":
        opened = await Store.open(tmp_path / "nested" / "folder" / "bot.db")
        yield opened
        await opened.close()
        return
    async with fresh_database(request.getfixturevalue("postgresql_server")) as url:
        opened = await Store.open_url(DatabaseUrl.parse(url), pool_size=10)
        yield opened
        await opened.close()


@pytest.fixture
def integrity_error(store: Store) -> type[Exception]:
    """What the engine raises for a row its schema refuses (the store passes it through)."""
    if store.backend == "PostgreSQL":
        import asyncpg

        return asyncpg.IntegrityConstraintViolationError
    return sqlite3.IntegrityError


@pytest.fixture
async def run_on_id(store: Store) -> int:
    return await store.save_catalog_show(run_on())
