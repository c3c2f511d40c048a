"""The write path: one aiosqlite connection, transactions under a lock, and group commit.

All writes go through one connection in aiosqlite's worker thread, so a write that waits for
SQLite's lock (another process writing, a slow disk) waits there and never on the event loop.
Writes take ``_lock`` so that two coroutines never interleave statements on that connection.
Storage faults (the lock held too long, a full disk, a read-only file) become
:class:`WriteUnavailable`, so each member is told that nothing was saved, and they are logged
once per fault, not once per write.
"""

from __future__ import annotations

import abc
import asyncio
import errno
import logging
import sqlite3
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.store.errors import Outage, WriteUnavailable
from bot.store.reader import Row

log = logging.getLogger(__name__)

T = TypeVar("T")

Params = tuple[object, ...] | Mapping[str, object]

# How long a write waits for another process's write lock before its member is told it failed.
BUSY_TIMEOUT_MS = 5000

_OUTAGES = {
    "SQLITE_BUSY": Outage.BUSY,
    "SQLITE_LOCKED": Outage.BUSY,
    "SQLITE_FULL": Outage.FULL,
    "SQLITE_READONLY": Outage.READ_ONLY,
    "SQLITE_CANTOPEN": Outage.READ_ONLY,
    "SQLITE_IOERR": Outage.IO,
}


# PostgreSQL's SQLSTATEs for the same faults, by exact code, then by class (the first two characters).
_POSTGRESQL_OUTAGES = {
    "53100": Outage.FULL,  # disk_full
    "25006": Outage.READ_ONLY,  # read_only_sql_transaction (a hot standby, default_transaction_read_only)
    "53300": Outage.BUSY,  # too_many_connections
    "55P03": Outage.BUSY,  # lock_not_available (lock_timeout)
    "57014": Outage.BUSY,  # query_canceled (statement_timeout)
    "40001": Outage.BUSY,  # serialization_failure
    "40P01": Outage.BUSY,  # deadlock_detected
    "57P01": Outage.IO,  # admin_shutdown
    "57P02": Outage.IO,  # crash_shutdown
    "57P03": Outage.IO,  # cannot_connect_now (starting up, shutting down)
    "58030": Outage.IO,  # io_error
}
_POSTGRESQL_OUTAGE_CLASSES = {
    "08": Outage.IO,  # connection_exception
    "53": Outage.IO,  # insufficient_resources (out of memory, …)
    "58": Outage.IO,  # system_error
}


def _postgresql_outage(exc: BaseException) -> Outage | None:
    sqlstate = getattr(exc, "sqlstate", None)
    if isinstance(sqlstate, str) and sqlstate:
        return _POSTGRESQL_OUTAGES.get(sqlstate) or _POSTGRESQL_OUTAGE_CLASSES.get(sqlstate[:2])
    # asyncpg's own errors for a connection that went away carry no SQLSTATE; only look when
    # asyncpg is loaded, so a SQLite bot never imports it.
    asyncpg = sys.modules.get("asyncpg")
    if asyncpg is None:
        return None
    if isinstance(exc, asyncpg.ConnectionDoesNotExistError):
        return Outage.IO
    # A connection the server killed mid-statement can leave asyncpg's protocol in a state it
    # reports as an internal error ("cannot switch to state …"); the connection is unusable.
    if isinstance(exc, asyncpg.InternalClientError):
        return Outage.IO
    if isinstance(exc, asyncpg.InterfaceError) and "connection" in str(exc).lower():
        return Outage.IO
    return None


def outage_of(exc: BaseException) -> Outage | None:
    """The storage fault behind an exception, or None for anything else (a constraint, a bug)."""
    if isinstance(exc, WriteUnavailable):
        return exc.outage
    if isinstance(exc, TimeoutError):  # a PostgreSQL pool or command timeout
        return Outage.BUSY
    postgresql = _postgresql_outage(exc)
    if postgresql is not None:
        return postgresql
    if isinstance(exc, sqlite3.Error):
        name = getattr(exc, "sqlite_errorname", "") or ""
        for prefix, outage in _OUTAGES.items():
            if name == prefix or name.startswith(prefix + "_"):
                return outage
        # Older SQLite builds do not name every error; their texts are stable.
        text = str(exc)
        if "database or disk is full" in text:
            return Outage.FULL
        if "readonly database" in text:
            return Outage.READ_ONLY
        if "database is locked" in text:
            return Outage.BUSY
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return Outage.FULL
        if exc.errno in {errno.EROFS, errno.EACCES, errno.EPERM}:
            return Outage.READ_ONLY
        return Outage.IO
    return None


class Transaction(abc.ABC):
    """The statements of one write transaction; only a writer hands these out."""

    @abc.abstractmethod
    async def one(self, sql: str, params: Params = ()) -> Row | None: ...

    @abc.abstractmethod
    async def all(self, sql: str, params: Params = ()) -> list[Row]: ...

    @abc.abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run a statement; returns how many rows it changed."""

    @abc.abstractmethod
    async def executemany(self, sql: str, rows: Iterable[Params]) -> None: ...

    @abc.abstractmethod
    async def serialise(self, key: str) -> None:
        """Wait until no other transaction holding ``key`` runs, for the rest of this one."""


class SQLiteTransaction(Transaction):
    """A transaction on the writer's aiosqlite connection."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    async def one(self, sql: str, params: Params = ()) -> Row | None:
        """One row in one trip to the database thread (execute + fetchone + close would be three)."""
        rows = await self._connection.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def all(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await self._connection.execute_fetchall(sql, params))

    async def serialise(self, key: str) -> None:
        """Nothing to wait for: SQLite's writer runs one transaction at a time."""

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run a statement; returns how many rows it changed."""
        async with self._connection.execute(sql, params) as cursor:
            return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._connection.executemany(sql, rows)


class Writer:
    """Owns the write connection: transactions, group commit, and the storage-fault log."""

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self._connection = connection
        self._tx = SQLiteTransaction(connection)
        self.path = path
        self._lock = asyncio.Lock()
        # Writes waiting for the lock, to be committed together by whoever takes it next.
        self._queued: list[tuple[Callable[[Transaction], Awaitable[Any]], asyncio.Future[Any]]] = []
        self._outage: Outage | None = None

    @property
    def idle(self) -> bool:
        """Nothing is writing or queued: a new write starts at once (unless another process has the lock)."""
        return not self._lock.locked() and not self._queued

    @property
    def failing(self) -> bool:
        """The last write found the database unavailable (busy, full, read-only): the next may wait too."""
        return self._outage is not None

    async def configure(self) -> None:
        self._connection.row_factory = aiosqlite.Row
        # WAL lets readers run beside a writer and survives a killed process; FULL makes
        # a commit durable before the bot tells a member it is saved.
        mode = await self._tx.one("PRAGMA journal_mode")
        if mode is None or str(mode[0]).lower() != "wal":
            await self._tx.execute("PRAGMA journal_mode = WAL")
        await self._tx.execute("PRAGMA synchronous = FULL")
        await self._tx.execute("PRAGMA foreign_keys = ON")
        await self._tx.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Without it an INSERT OR REPLACE on rating would delete the old row without firing
        # its delete trigger, and the episode tally would count that rating twice.
        await self._tx.execute("PRAGMA recursive_triggers = ON")

    async def probe(self) -> None:
        """Find out now, not at a member's first rating, whether the file takes writes.

        SQLite opens a read-only file read-only without a word. A read-only database still
        serves reads, so this only logs the fault (once) for the host.
        """
        try:
            async with self.transaction() as tx:
                row = await tx.one("PRAGMA user_version")
                await tx.execute(f"PRAGMA user_version = {int(row[0]) if row else 0}")
        except WriteUnavailable:
            pass  # logged by _fault

    async def close(self) -> None:
        async with self._lock:
            await self._connection.close()

    async def schema_version(self) -> int:
        row = await self.read("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def integrity_check(self) -> str:
        row = await self.read("PRAGMA integrity_check")
        return str(row[0]) if row else "no answer"

    async def read(self, sql: str, params: Params = ()) -> Row | None:
        """A read on the write connection, outside any transaction: for PRAGMAs about the file."""
        async with self._lock:
            return await self._tx.one(sql, params)

    async def executescript(self, script: str) -> None:
        """Run a migration script, which opens and commits its own transaction."""
        async with self._lock:
            try:
                await self._connection.executescript(script)
            except BaseException:
                await self._rollback()
                raise

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """A write transaction: committed when the block ends, rolled back if it raises.

        A storage fault anywhere in it (BEGIN, a statement, COMMIT) raises :class:`WriteUnavailable`.
        """
        async with self._lock:
            await self._begin()
            try:
                yield self._tx
                await self._connection.execute("COMMIT")
            except BaseException as exc:
                # Also after a failed COMMIT (e.g. disk full): never leave the shared connection
                # inside a transaction that the next writer would silently join.
                await self._rollback()
                if outage_of(exc) is not None:
                    raise self._fault(exc) from exc
                raise
            self._recovered()

    async def group(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        """Run ``work`` in a transaction shared with every write queued meanwhile (group commit).

        Members rating at the same moment share one COMMIT, and so one fsync, instead of
        queueing for one each. Each write runs in its own savepoint, so one that fails for any
        reason (a CHECK, text SQLite cannot store, a bug) is undone alone and fails alone; nobody's
        result is handed back before the COMMIT that makes it durable. If the batch cannot begin
        or commit, every write in it gets the same :class:`WriteUnavailable` and none is applied.
        """
        done: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queued.append((work, done))
        async with self._lock:
            if done.done():  # an earlier holder of the lock committed (or failed) this write already
                return done.result()
            batch, self._queued = self._queued, []
            try:
                outcomes = await self._run_batch(batch)
            except BaseException as exc:
                await self._rollback()
                if outage_of(exc) is not None:
                    failure: Exception = self._fault(exc)
                elif isinstance(exc, Exception):
                    failure = exc
                else:  # cancelled or exiting: the writes were not made
                    failure = WriteUnavailable(Outage.IO, "the write was interrupted")
                for _, future in batch:
                    if not future.done():
                        future.set_exception(failure)
                if not isinstance(exc, Exception):
                    raise
                return done.result()
            self._recovered()
            for future, outcome, error in outcomes:
                if future.done():
                    continue
                if error is not None:
                    future.set_exception(error)
                else:
                    future.set_result(outcome)
        return done.result()

    async def _run_batch(
        self, batch: list[tuple[Callable[[Transaction], Awaitable[Any]], asyncio.Future[Any]]]
    ) -> list[tuple[asyncio.Future[Any], Any, Exception | None]]:
        outcomes: list[tuple[asyncio.Future[Any], Any, Exception | None]] = []
        await self._begin()
        for work, future in batch:
            await self._connection.execute("SAVEPOINT queued_write")
            try:
                outcome = await work(self._tx)
            except Exception as exc:
                if outage_of(exc) is not None:
                    raise  # the storage failed, not this write: the whole batch is off
                await self._connection.execute("ROLLBACK TO queued_write")
                outcomes.append((future, None, exc))
            else:
                outcomes.append((future, outcome, None))
            await self._connection.execute("RELEASE queued_write")
        await self._connection.execute("COMMIT")
        return outcomes

    async def _begin(self) -> None:
        try:
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            if outage_of(exc) is None:
                raise
            raise self._fault(exc) from exc

    async def _rollback(self) -> None:
        if not self._connection.in_transaction:
            return
        try:
            await self._connection.execute("ROLLBACK")
        except sqlite3.Error as exc:
            # A failed ROLLBACK (the disk went away) leaves SQLite to roll back on the next open.
            log.warning("Rollback on the database at %s failed: %s", self.path, exc)

    def _fault(self, exc: BaseException) -> WriteUnavailable:
        """The write failed for a storage reason: log it once for the episode, then only count it."""
        if isinstance(exc, WriteUnavailable):
            fault = exc
        else:
            outage = outage_of(exc)
            assert outage is not None
            fault = WriteUnavailable(outage, str(exc))
        if self._outage is not fault.outage:
            self._outage = fault.outage
            log.error(
                "Cannot write to the database at %s (%s: %s); members are told that nothing was saved "
                "until it works again. Reads still work.",
                self.path,
                fault.outage.value,
                fault.detail,
            )
        return fault

    def _recovered(self) -> None:
        if self._outage is not None:
            log.warning("The database at %s takes writes again (after %s)", self.path, self._outage.value)
            self._outage = None
