"""What the :class:`bot.store.Store` facade needs of a backend's write path, whichever engine it is.

SQLite's is :class:`bot.store.writer.Writer` (one aiosqlite connection, group commit);
PostgreSQL's is :class:`bot.store.postgres.PostgresWriter` (an asyncpg pool). The read path is
:class:`bot.store.reader.Reader`. ``DatabaseLocation`` is what ``Store.open_url`` reads from a
URL: ``bot.settings.DatabaseUrl`` fits it, and the store never imports the settings (they word
their errors through the text layer, which the store may not reach).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Protocol, TypeVar

from bot.store.writer import Transaction

T = TypeVar("T")


class WritePath(Protocol):
    @property
    def idle(self) -> bool: ...

    @property
    def failing(self) -> bool: ...

    def transaction(self) -> AbstractAsyncContextManager[Transaction]: ...

    async def group(self, work: Callable[[Transaction], Awaitable[T]]) -> T: ...

    async def schema_version(self) -> int: ...

    async def integrity_check(self) -> str: ...

    async def close(self) -> None: ...


class DatabaseLocation(Protocol):
    """A parsed ``DATABASE_URL``: SQLite's file (``path``) or a PostgreSQL server and database."""

    @property
    def scheme(self) -> str: ...  # "sqlite" | "postgresql"

    @property
    def path(self) -> Path: ...  # SQLite: the file; PostgreSQL: the database name

    @property
    def username(self) -> str | None: ...

    @property
    def password(self) -> str | None: ...

    @property
    def host(self) -> str | None: ...

    @property
    def port(self) -> int | None: ...

    @property
    def sslmode(self) -> str | None: ...

    def redacted(self) -> str: ...
