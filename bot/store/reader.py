"""The read path: :class:`Reader`, and SQLite's, a plain read-only sqlite3 connection on the event loop.

A primary-key lookup takes microseconds, far less than handing it to aiosqlite's worker thread
and back (the benchmark measured the difference), and in WAL mode a reader never waits for a
writer: it sees the last committed state. :class:`SQLiteReader`'s ``async`` methods run the query
right there and never await, so the read path costs one coroutine call and no thread hop; the
PostgreSQL reader (``bot.store.postgres``) awaits its pool. The query functions take a
:class:`Reader` for reads and a :class:`bot.store.writer.Transaction` for reads inside a write;
the two are separate classes, so mypy refuses a read handed the writer's transaction by accident.
"""

from __future__ import annotations

import abc
import contextlib
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from bot.store.errors import ReadUnavailable

# In WAL mode readers take no lock that a writer holds; they can only be kept waiting by a
# process that opened the file in exclusive mode or is recovering the WAL after a crash. Wait
# briefly, never long enough to stall every other server's commands on the event loop.
_READ_TIMEOUT = 0.05

Params = tuple[object, ...] | Mapping[str, object]


class Row(Protocol):
    """A result row of either engine: by column name or by position (sqlite3.Row, asyncpg.Record)."""

    def __getitem__(self, key: int | str, /) -> Any: ...


class Reader(abc.ABC):
    """The read path: queries outside any write, each seeing the last committed state."""

    @abc.abstractmethod
    async def one(self, sql: str, params: Params = ()) -> Row | None: ...

    @abc.abstractmethod
    async def all(self, sql: str, params: Params = ()) -> list[Row]: ...

    @abc.abstractmethod
    def plans(self) -> contextlib.AbstractContextManager[dict[str, list[str]]]: ...

    @abc.abstractmethod
    async def close(self) -> None: ...


class SQLiteReader(Reader):
    """Read-only queries on the event loop; ``PRAGMA query_only`` refuses any write."""

    def __init__(self, path: Path) -> None:
        self._connection = sqlite3.connect(path, isolation_level=None, timeout=_READ_TIMEOUT)
        self._connection.row_factory = sqlite3.Row
        self._connection.execute("PRAGMA query_only = ON")

    async def one(self, sql: str, params: Params = ()) -> Row | None:
        try:
            row: sqlite3.Row | None = self._connection.execute(sql, params).fetchone()
        except sqlite3.OperationalError as exc:
            raise _unavailable(exc) from exc
        return row

    async def all(self, sql: str, params: Params = ()) -> list[Row]:
        try:
            return list(self._connection.execute(sql, params).fetchall())
        except sqlite3.OperationalError as exc:
            raise _unavailable(exc) from exc

    @contextmanager
    def plans(self) -> Iterator[dict[str, list[str]]]:
        """SQLite's plan of every statement read inside the block, by statement (tests, notes).

        The dict is filled when the block ends: one detail line per step, as EXPLAIN QUERY PLAN
        prints them, so a read that scans a whole table shows up as a bare ``SCAN <table>``.
        """
        statements: list[str] = []
        found: dict[str, list[str]] = {}
        self._connection.set_trace_callback(statements.append)
        try:
            yield found
        finally:
            self._connection.set_trace_callback(None)
        for statement in dict.fromkeys(statements):
            if statement.lstrip().upper().startswith(("SELECT", "WITH")):
                plan = self._connection.execute(f"EXPLAIN QUERY PLAN {statement}").fetchall()
                found[statement] = [str(row[3]) for row in plan]

    async def close(self) -> None:
        self._connection.close()


def _unavailable(exc: sqlite3.OperationalError) -> Exception:
    if exc.sqlite_errorname in {"SQLITE_BUSY", "SQLITE_LOCKED"}:
        return ReadUnavailable(str(exc))
    return exc
