"""The read path: a plain, read-only sqlite3 connection used right on the event loop.

A primary-key lookup takes microseconds, far less than handing it to aiosqlite's worker thread
and back (the benchmark measured the difference), and in WAL mode a reader never waits for a
writer: it sees the last committed state. The query functions in ``bot.store.queries`` take a
:class:`Reader` for reads and a :class:`bot.store.writer.Transaction` for reads inside a write;
the two types share no methods with the same signature, so a read cannot reach the writer's
thread by accident.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from bot.store.errors import ReadUnavailable

# In WAL mode readers take no lock that a writer holds; they can only be kept waiting by a
# process that opened the file in exclusive mode or is recovering the WAL after a crash. Wait
# briefly, never long enough to stall every other server's commands on the event loop.
_READ_TIMEOUT = 0.05

Params = tuple[object, ...] | Mapping[str, object]


class Reader:
    """Read-only queries on the event loop; ``PRAGMA query_only`` refuses any write."""

    def __init__(self, path: Path) -> None:
        self._connection = sqlite3.connect(path, isolation_level=None, timeout=_READ_TIMEOUT)
        self._connection.row_factory = sqlite3.Row
        self._connection.execute("PRAGMA query_only = ON")

    def one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        try:
            row: sqlite3.Row | None = self._connection.execute(sql, params).fetchone()
        except sqlite3.OperationalError as exc:
            raise _unavailable(exc) from exc
        return row

    def all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        try:
            return self._connection.execute(sql, params).fetchall()
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

    def close(self) -> None:
        self._connection.close()


def _unavailable(exc: sqlite3.OperationalError) -> Exception:
    if exc.sqlite_errorname in {"SQLITE_BUSY", "SQLITE_LOCKED"}:
        return ReadUnavailable(str(exc))
    return exc
