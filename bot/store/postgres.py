"""The PostgreSQL backend: an asyncpg pool behind the same read and write paths as SQLite's.

The query modules write SQLite's SQL (``?`` and ``:name`` parameters); :func:`translate` turns a
statement into PostgreSQL's once (``$1``…, and the few spellings the engines do not share) and
caches it, and asyncpg prepares and caches the result per connection.

Writes keep SQLite's guarantee that a write reads and changes a state no other write touches in
between: every transaction takes a transaction-level advisory lock, shared for members' ratings
(which PostgreSQL's row locks and the tally's atomic upsert keep exact side by side) and exclusive
for every other write (the admins', which check and then change, as SQLite's single writer does).
A write is confirmed only after its COMMIT returns, with ``synchronous_commit=on``.

asyncpg is imported only when a PostgreSQL database is opened, so a SQLite bot never loads it.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from bot.store import rows
from bot.store.errors import ReadUnavailable, WriteUnavailable
from bot.store.reader import Params, Reader, Row
from bot.store.writer import Transaction, outage_of

if TYPE_CHECKING:
    import asyncpg

log = logging.getLogger(__name__)

T = TypeVar("T")

# The advisory lock key (any 64-bit number, the same for every dramabot) that orders writes as
# described above; bot.store.migrate has the migrations' own.
WRITE_LOCK = 0x6472616D61_02

# How long a statement, or waiting for a pooled connection, may take before its member is told
# that nothing was saved (SQLite's busy timeout is the same 5 s).
COMMAND_TIMEOUT = 5.0
CONNECT_TIMEOUT = 10.0

# The spellings SQLite's statements use that PostgreSQL spells differently, in the order applied.
_REWRITES = (
    (rows.NOW, "dramabot_now()"),
    ("json_group_array(a.alias)", "coalesce(json_agg(a.alias), '[]'::json)::text"),
    # SQLite's rowid breaks ties between comments; PostgreSQL's rating has seq for that.
    ("r.rowid", "r.seq"),
)


@functools.lru_cache(maxsize=2048)
def translate(sql: str) -> tuple[str, tuple[int | str, ...]]:
    """PostgreSQL's form of a statement, and where each ``$n`` takes its value from.

    ``?`` becomes ``$1``, ``$2``… (taken from a tuple by position); ``:name`` becomes one ``$n``
    per distinct name (taken from a mapping). Quoted text, quoted names and comments are left as
    they are, and so is ``::`` (a cast).
    """
    for sqlite_form, postgresql_form in _REWRITES:
        sql = sql.replace(sqlite_form, postgresql_form)
    out: list[str] = []
    order: list[int | str] = []
    names: dict[str, int] = {}
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c in "'\"":
            end = i + 1
            while end < n:
                if sql[end] == c:
                    if end + 1 < n and sql[end + 1] == c:  # a doubled quote inside
                        end += 2
                        continue
                    break
                end += 1
            out.append(sql[i : end + 1])
            i = end + 1
        elif c == "-" and sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n if end < 0 else end
            out.append(sql[i:end])
            i = end
        elif c == "?":
            order.append(len(order))
            out.append(f"${len(order)}")
            i += 1
        elif c == ":" and sql.startswith("::", i):
            out.append("::")
            i += 2
        elif c == ":" and i + 1 < n and (sql[i + 1].isalpha() or sql[i + 1] == "_"):
            end = i + 1
            while end < n and (sql[end].isalnum() or sql[end] == "_"):
                end += 1
            name = sql[i + 1 : end]
            if name not in names:
                order.append(name)
                names[name] = len(order)
            out.append(f"${names[name]}")
            i = end
        else:
            out.append(c)
            i += 1
    return "".join(out), tuple(order)


def _arguments(params: Params, order: tuple[int | str, ...]) -> list[object]:
    if isinstance(params, Mapping):
        values = [params[key] for key in order if isinstance(key, str)]
    else:
        if len(params) != len(order):
            raise ValueError(f"the statement takes {len(order)} parameters, {len(params)} given")
        values = list(params)
    # asyncpg would quietly truncate 5.5 to 5 for an INTEGER column, where SQLite's schema refuses
    # it; every number the store writes is a whole one (scores are half points), so refuse here.
    for value in values:
        if isinstance(value, float):
            raise TypeError(f"{value!r}: the store writes whole numbers only (scores are half points)")
    return values


def _prepared(sql: str, params: Params) -> tuple[str, list[object]]:
    query, order = translate(sql)
    return query, _arguments(params, order)


def _changed(status: str) -> int:
    """Rows changed, from asyncpg's command tag ("UPDATE 3", "INSERT 0 1", "DELETE 0")."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class PostgresReader(Reader):
    """Reads on pooled connections, each in its own implicit transaction (the last committed state)."""

    def __init__(self, pool: asyncpg.Pool, where: str) -> None:
        self._pool = pool
        self._where = where

    async def one(self, sql: str, params: Params = ()) -> Row | None:
        found: Row | None = await self._run("fetchrow", sql, params)
        return found

    async def all(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await self._run("fetch", sql, params))

    async def _run(self, method: str, sql: str, params: Params) -> Any:
        query, arguments = _prepared(sql, params)
        try:
            connection = await self._pool.acquire(timeout=COMMAND_TIMEOUT)
        except Exception as exc:
            raise _read_fault(exc) from exc
        try:
            return await getattr(connection, method)(query, *arguments)
        except Exception as exc:
            fault = _read_fault(exc)
            if fault is not exc:
                _discard(connection)
            raise fault from exc
        finally:
            await self._pool.release(connection)

    @contextlib.contextmanager
    def plans(self) -> Iterator[dict[str, list[str]]]:
        # SQLite's EXPLAIN QUERY PLAN is what the plan tests read; PostgreSQL's planner picks plans
        # by table statistics, so an empty test table says nothing about a large one.
        raise NotImplementedError("read plans are SQLite's; PostgreSQL plans depend on table statistics")
        yield {}  # pragma: no cover

    async def close(self) -> None:
        """The pool is the writer's to close."""


def _discard(connection: asyncpg.Connection) -> None:
    """Never hand out again a connection that may be half-dead (killed by the server, cut off):
    the pool opens a fresh one in its place. One the server closed was already taken back by
    the pool, and asyncpg refuses to terminate it twice."""
    import asyncpg

    with contextlib.suppress(asyncpg.InterfaceError):
        connection.terminate()


def _read_fault(exc: Exception) -> Exception:
    if outage_of(exc) is not None:
        return ReadUnavailable(str(exc))
    return exc


class PostgresTransaction(Transaction):
    """The statements of one write transaction on one pooled connection."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def one(self, sql: str, params: Params = ()) -> Row | None:
        query, arguments = _prepared(sql, params)
        row: Row | None = await self._connection.fetchrow(query, *arguments)
        return row

    async def all(self, sql: str, params: Params = ()) -> list[Row]:
        query, arguments = _prepared(sql, params)
        return list(await self._connection.fetch(query, *arguments))

    async def execute(self, sql: str, params: Params = ()) -> int:
        query, arguments = _prepared(sql, params)
        return _changed(await self._connection.execute(query, *arguments))

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        query, order = translate(sql)
        batch = [_arguments(params, order) for params in rows]
        if batch:
            await self._connection.executemany(query, batch)

    async def serialise(self, key: str) -> None:
        # A transaction-level advisory lock on the key's 64-bit hash: released at COMMIT or
        # ROLLBACK. A collision only makes two unrelated writes take turns.
        await self._connection.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", key)


class TransactionRolledBack(Exception):
    """COMMIT answered ``status`` (``ROLLBACK``): the transaction had failed, nothing was written."""

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


class PostgresWriter:
    """Write transactions on the pool; storage faults become :class:`WriteUnavailable`, logged once."""

    def __init__(self, pool: asyncpg.Pool, where: str) -> None:
        self._pool = pool
        self._where = where  # the redacted URL: never the password
        self._running = 0
        self._outage: WriteUnavailable | None = None

    @property
    def idle(self) -> bool:
        return self._running == 0

    @property
    def failing(self) -> bool:
        return self._outage is not None

    def transaction(self) -> contextlib.AbstractAsyncContextManager[Transaction]:
        """A write that excludes every other write while it runs, as SQLite's writer does."""
        return self._transaction(exclusive=True)

    async def group(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        """A member's rating: its own transaction, beside other ratings (no shared batch is needed:
        PostgreSQL commits concurrent transactions without queueing them behind one another)."""
        async with self._transaction(exclusive=False) as tx:
            return await work(tx)

    @asynccontextmanager
    async def _transaction(self, *, exclusive: bool) -> AsyncIterator[Transaction]:
        self._running += 1
        try:
            try:
                connection = await self._pool.acquire(timeout=COMMAND_TIMEOUT)
            except Exception as exc:
                if outage_of(exc) is None:
                    raise
                raise self._fault(exc) from exc
            try:
                async with self._guarded():
                    # BEGIN and the lock in one round trip (the simple query protocol takes both):
                    # on loopback a round trip costs the bot more CPU than the statement itself.
                    lock = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
                    await connection.execute(f"BEGIN; SELECT {lock}({WRITE_LOCK})")
                    try:
                        yield PostgresTransaction(connection)
                    except BaseException:
                        await self._rollback(connection)
                        raise
                    # A transaction that hit an error and went on is rolled back by COMMIT, which
                    # then says ROLLBACK: never confirm such a write.
                    if (status := await connection.execute("COMMIT")) != "COMMIT":
                        raise TransactionRolledBack(status)
            except WriteUnavailable:
                _discard(connection)
                raise
            finally:
                await self._pool.release(connection)
        finally:
            self._running -= 1
        self._recovered()

    @asynccontextmanager
    async def _guarded(self) -> AsyncIterator[None]:
        try:
            yield
        except Exception as exc:
            if outage_of(exc) is None or isinstance(exc, WriteUnavailable):
                raise
            raise self._fault(exc) from exc

    async def _rollback(self, connection: asyncpg.Connection) -> None:
        try:
            await connection.execute("ROLLBACK")
        except Exception as exc:  # noqa: BLE001 - whatever broke the connection broke the rollback too
            # The connection is gone: the server rolls the transaction back itself.
            log.warning("Rollback on the database at %s failed: %s", self._where, exc)

    def _fault(self, exc: BaseException) -> WriteUnavailable:
        outage = outage_of(exc)
        assert outage is not None
        fault = WriteUnavailable(outage, str(exc))
        if self._outage is None or self._outage.outage is not outage:
            self._outage = fault
            log.error(
                "Cannot write to the database at %s (%s: %s); members are told that nothing was saved "
                "until it works again.",
                self._where,
                outage.value,
                fault.detail,
            )
        return fault

    def _recovered(self) -> None:
        if self._outage is not None:
            log.warning(
                "The database at %s takes writes again (after %s)", self._where, self._outage.outage.value
            )
            self._outage = None

    async def schema_version(self) -> int:
        from bot.store.migrate import postgresql_schema_version

        async with self._pool.acquire() as connection:
            return await postgresql_schema_version(connection)

    async def integrity_check(self) -> str:
        # PostgreSQL checks its pages itself (checksums, WAL); nothing like SQLite's PRAGMA to run.
        return "ok"

    async def close(self) -> None:
        await self._pool.close()


@dataclass(frozen=True, slots=True)
class Target:
    """Where a PostgreSQL database is, and as whom to connect."""

    host: str | None
    port: int | None
    user: str | None
    password: str | None = field(repr=False)
    database: str
    sslmode: str | None

    def connect_arguments(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "password": self.password,
            "database": self.database,
            "ssl": self.sslmode,
            "timeout": CONNECT_TIMEOUT,
            # A commit returns once it is on the server's disk: a member hears "saved" only
            # then, whatever the server's own default is.
            "server_settings": {"synchronous_commit": "on", "application_name": "dramabot"},
        }


async def open_pool(target: Target, *, size: int) -> asyncpg.Pool:
    import asyncpg

    pool = await asyncpg.create_pool(
        **target.connect_arguments(),
        min_size=1,
        max_size=size,
        command_timeout=COMMAND_TIMEOUT,
        reset=_end_transaction_only,
    )
    assert pool is not None
    return pool


async def _end_transaction_only(connection: asyncpg.Connection) -> None:
    """What the pool does to a connection handed back, beyond rolling back an open transaction
    (which asyncpg always does): nothing. asyncpg's default runs ``RESET ALL``, ``UNLISTEN *`` and
    ``pg_advisory_unlock_all()``, one more round trip per read and per write: a tenth of the bot's
    CPU under load (py-spy, bench/cluster.py). The store leaves no session state to reset: its
    advisory locks are transaction-level, and it never LISTENs, SETs or opens a cursor."""


async def open_connection(target: Target) -> asyncpg.Connection:
    """One connection outside the pool, with no statement timeout (for migrations)."""
    import asyncpg

    return await asyncpg.connect(**target.connect_arguments())
