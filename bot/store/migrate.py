"""Numbered schema migrations, one set per engine, ending at the same schema version.

SQLite's are ``migrations/0001_shows.sql``, …, tracked with ``PRAGMA user_version``; PostgreSQL's
are ``migrations/postgresql/0001_shows.sql``, …, tracked in the one-row table ``dramabot_schema``,
each applied in its own transaction while holding an advisory lock, so that several dramabots
starting together against one database migrate it once.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from importlib import resources
from typing import TYPE_CHECKING

from bot.store.errors import SchemaError
from bot.store.writer import Writer

if TYPE_CHECKING:
    import asyncpg

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migrations(engine: str = "sqlite") -> list[tuple[int, str, str]]:
    """The bundled migrations as (version, file name, SQL), in order, numbered 1, 2, 3…

    ``engine`` is ``"sqlite"`` or ``"postgresql"``.
    """
    folder = resources.files("bot.store") / "migrations"
    if engine == "postgresql":
        folder = folder / "postgresql"
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


# An arbitrary 64-bit key that every dramabot uses for its migration lock.
MIGRATION_LOCK = 0x6472616D61_01

_SCHEMA_TABLE = """
    CREATE TABLE IF NOT EXISTS dramabot_schema (
        singleton BOOLEAN PRIMARY KEY DEFAULT true CHECK (singleton),
        version   INTEGER NOT NULL
    )
"""


async def postgresql_schema_version(connection: asyncpg.Connection) -> int:
    if not await connection.fetchval("SELECT to_regclass('dramabot_schema') IS NOT NULL"):
        return 0
    version = await connection.fetchval("SELECT version FROM dramabot_schema")
    return int(version or 0)


async def migrate_postgresql(connection: asyncpg.Connection, where: str) -> None:
    """Bring a PostgreSQL database up to the latest schema (``where`` is its redacted URL).

    The session-level advisory lock makes a second dramabot wait here until the first has
    migrated; it then finds the schema current and applies nothing.
    """
    import asyncpg

    available = migrations("postgresql")
    latest = len(available)
    await connection.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
    try:
        current = await postgresql_schema_version(connection)
        if current > latest:
            raise SchemaError("newer_schema", path=where, version=current, known=latest)
        for version, name, sql in available[current:]:
            log.info("Applying migration postgresql/%s", name)
            try:
                async with connection.transaction():
                    await connection.execute(_SCHEMA_TABLE)
                    await connection.execute(sql)
                    await connection.execute(
                        "INSERT INTO dramabot_schema (version) VALUES ($1) "
                        "ON CONFLICT (singleton) DO UPDATE SET version = excluded.version",
                        version,
                    )
            except asyncpg.PostgresError as exc:
                raise SchemaError(
                    "migration_failed", path=where, version=version, known=latest, detail=f"{name}: {exc}"
                ) from exc
    finally:
        await connection.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
