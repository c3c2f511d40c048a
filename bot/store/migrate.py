"""Numbered schema migrations (``migrations/0001_shows.sql``, …), tracked with ``PRAGMA user_version``."""

from __future__ import annotations

import logging
import re
import sqlite3
from importlib import resources

from bot.store.errors import SchemaError
from bot.store.writer import Writer

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migrations() -> list[tuple[int, str, str]]:
    """The bundled migrations as (version, file name, SQL), in order, numbered 1, 2, 3…"""
    folder = resources.files("bot.store") / "migrations"
    found: list[tuple[int, str, str]] = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    for expected, (version, name, _) in enumerate(found, start=1):
        if version != expected:
            raise SchemaError("bad_migration_name", path=name, version=version, known=expected)
    return found


async def schema_version(writer: Writer) -> int:
    row = await writer.read("PRAGMA user_version")
    return int(row[0]) if row else 0


async def migrate(writer: Writer) -> None:
    """Bring the database up to the latest schema; each migration commits whole or not at all."""
    available = migrations()
    latest = len(available)
    current = await schema_version(writer)
    if current > latest:
        raise SchemaError("newer_schema", path=str(writer.path), version=current, known=latest)
    for version, name, sql in available[current:]:
        log.info("Applying migration %s", name)
        # executescript runs the script as given, so the whole migration and the version bump
        # commit together or not at all.
        script = f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;"
        try:
            await writer.executescript(script)
        except sqlite3.Error as exc:
            raise SchemaError(
                "migration_failed",
                path=str(writer.path),
                version=version,
                known=latest,
                detail=f"{name}: {exc}",
            ) from exc
