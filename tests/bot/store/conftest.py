"""Fixtures for the store tests: a fresh database file with Run On loaded from the real catalog."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import Store
from tests.helpers import run_on


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "nested" / "folder" / "bot.db")
    yield opened
    await opened.close()


@pytest.fixture
async def run_on_id(store: Store) -> int:
    return await store.save_catalog_show(run_on())
