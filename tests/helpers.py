"""Helpers the tests share: a member's view of replies, the real bot on the emulator, database snapshots.

Fixtures live in ``conftest.py``; everything a test module imports lives here, never in another
test module.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import os
import sqlite3
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.bot import DEFAULT_CATALOG, DramaBot
from bot.scores import Score
from bot.settings import Settings
from bot.showfile import load_catalog
from bot.store import ShowSpec, Store, WatchStatus
from bot.store.models import EpisodeSpec
from emulator import DiscordEmulator, EmuGuild, EmuMember, connect_bot

# Shaped like a real token (three dot-separated parts) so the settings check accepts it.
TOKEN = "ZHJhbWFib3Q.ZW11bGF0b3I.dGVzdHMtb25seQ"


@dataclass
class Server:
    """One Discord server as the tests see it: its guild and a few members."""

    guild: EmuGuild
    alice: EmuMember
    bob: EmuMember


def server_on_shard(emulator: DiscordEmulator, name: str, *, shard: int, count: int) -> Server:
    """A server whose id puts it on ``shard`` of ``count``: Discord routes by ``(id >> 22) % count``."""
    fresh = emulator.snowflake()
    timestamp = fresh >> 22
    timestamp += (shard - timestamp) % count
    # The low 22 bits (worker, process, increment) keep two servers made in one millisecond apart.
    guild = emulator.add_guild(name, id=timestamp << 22 | fresh & (1 << 22) - 1)
    return Server(
        guild=guild,
        alice=emulator.add_member(guild, emulator.add_user("alice")),
        bob=emulator.add_member(guild, emulator.add_user("bob")),
    )


def is_postgresql(database: Path | str) -> bool:
    """Whether the ``database`` fixture is a PostgreSQL URL (DRAMABOT_TEST_BACKEND=postgresql)."""
    return isinstance(database, str) and database.startswith(("postgresql://", "postgres://"))


def settings_for(emulator: DiscordEmulator, database: Path | str, **extra: str) -> Settings:
    return Settings.from_env(
        {
            "DISCORD_TOKEN": TOKEN,
            "DATABASE_URL": str(database) if is_postgresql(database) else f"sqlite:///{database}",
            "DISCORD_API_BASE": emulator.api_base,
            "DISCORD_GATEWAY_URL": emulator.gateway_url,
            **extra,
        }
    )


@contextlib.asynccontextmanager
async def run_bot(
    emulator: DiscordEmulator, settings: Settings, *, catalog: Any = DEFAULT_CATALOG
) -> AsyncIterator[DramaBot]:
    """Start the real bot against the emulator, wait until its session is ready, stop it afterwards.

    (How ``dramabot`` itself points discord.py at these URLs is tested on a real process in test_main.)
    """
    async with connect_bot(
        DramaBot(settings, catalog=catalog), emulator, token=settings.discord_token
    ) as bot:
        # Only the process that runs shard 0 (or the one unsharded connection) syncs the commands.
        assert bot.commands_synced == bot.syncs_commands
        if bot.settings.shards is not None:
            # Every shard, not only the first the emulator saw identify. A deadline against a hang
            # (discord.py spaces identifies 5 s apart), not a measurement.
            async with asyncio.timeout(60):
                await bot.wait_until_ready()
        yield bot
    assert not emulator.internal_errors


def snapshot(database: Path | str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to show that a refused command wrote nothing."""
    if is_postgresql(database):
        (names,) = sql_batch(database, [("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", ())])
        tables = sorted(name for (name,) in names)
        found = sql_batch(database, [(f"SELECT * FROM {table}", ()) for table in tables])  # noqa: S608
        return {table: sorted(rows, key=repr) for table, rows in zip(tables, found, strict=True)}
    with contextlib.closing(sqlite3.connect(database)) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {table: connection.execute(f"SELECT * FROM {table}").fetchall() for table in tables}  # noqa: S608


def catalog_document(*shows: dict[str, Any], with_run_on: bool = True) -> dict[str, Any]:
    run_on = json.loads(DEFAULT_CATALOG.read_text(encoding="utf-8"))["shows"]
    return {"format": 1, "shows": [*(run_on if with_run_on else []), *shows]}


def run_on() -> ShowSpec:
    return load_catalog(DEFAULT_CATALOG)[0]


# -- what a member sees --------------------------------------------------------------------------


def only_embed(result: Any) -> dict[str, Any]:
    message = result.message
    assert message is not None, "the bot sent no reply"
    assert len(message.embeds) == 1
    return message.embeds[0]


def private_reply(result: Any) -> str:
    message = result.message
    assert message is not None, "the bot sent no reply"
    assert message.ephemeral, f"expected an ephemeral reply, got {message.content!r}"
    return message.content


def fields(embed: dict[str, Any]) -> dict[str, str]:
    return {field["name"]: field["value"] for field in embed.get("fields", [])}


async def rate(emulator: DiscordEmulator, who: Any, episode: int, score: float, **extra: Any) -> str:
    return private_reply(await emulator.invoke(who, "rate", episode=episode, score=score, **extra))


# -- a real dramabot process ---------------------------------------------------------------------


def clean_env(**values: str) -> dict[str, str]:
    """The environment without any dramabot key, plus ``values``."""
    keys = (
        "DISCORD_TOKEN",
        "DATABASE_URL",
        "DEV_GUILD_ID",
        "LOG_LEVEL",
        "DISCORD_API_BASE",
        "DISCORD_GATEWAY_URL",
        "DISCORD_CONNECT_TIMEOUT",
        "SHARD_COUNT",
        "SHARD_IDS",
    )
    env = {k: v for k, v in os.environ.items() if k not in keys}
    env.update(values)
    return env


async def run_entry(cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=cwd, env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, stderr.decode()


async def start_until_connected(
    cwd: Path, env: dict[str, str]
) -> tuple[asyncio.subprocess.Process, list[str]]:
    """Start ``python -m bot`` and read its log until it says it is connected."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=cwd, env=env, stderr=asyncio.subprocess.PIPE
    )
    assert process.stderr is not None
    log: list[str] = []
    async with asyncio.timeout(30):
        while not any("Connected as" in line for line in log):
            line = (await process.stderr.readline()).decode()
            assert line, "the bot exited before connecting:\n" + "".join(log)
            log.append(line)
    return process, log


# -- a database with everything in it ---------------------------------------------------------

CLUB, FANS = 1001, 1002
ALICE, BOB, MOD = 11, 12, 13
# Snowflake-sized, so finding it inside any column's text means it is really there.
FORGOTTEN = 734_512_098_765_432_101
THIRD = ShowSpec(
    title="Third Show", episode_count=4, key="third-show", episodes=(EpisodeSpec(1, "Pilot", Score(7)),)
)


async def store_rate(
    store: Store,
    show_id: int,
    episode: int,
    *,
    guild_id: int,
    user_id: int,
    halves: int = 8,
    comment: str | None = None,
) -> None:
    """A rating written straight into the store (store tests; end-to-end tests use ``rate``)."""
    await store.save_rating(
        guild_id=guild_id,
        show_id=show_id,
        episode=episode,
        user_id=user_id,
        author_name=f"member {user_id}",
        score=Score(halves),
        comment=comment,
        spoiler=False,
    )


async def a_lived_in_database(path: Path) -> Store:
    """Two servers with everything a server can hold: own shows, a catalog copy, a hidden catalog
    show with ratings from before it was hidden, settings, comments, a removal record and watch
    entries (chosen, and moved by ratings)."""
    store = await Store.open(path)
    run_on_id = await store.save_catalog_show(run_on())
    third_id = await store.save_catalog_show(THIRD)
    await store_rate(store, run_on_id, 16, guild_id=CLUB, user_id=ALICE, halves=10, comment="what an ending")
    await store_rate(store, run_on_id, 16, guild_id=CLUB, user_id=BOB, halves=7, comment=None)
    await store_rate(store, third_id, 1, guild_id=CLUB, user_id=ALICE, halves=6, comment="meh")
    await store.set_watch(CLUB, third_id, BOB, status=WatchStatus.ON_HOLD, progress=1)
    await store.hide_show(CLUB, third_id)  # its rating and watch entries stay, out of sight
    moving = await store.create_show(
        CLUB, ShowSpec(title="Moving", episode_count=20, aliases=("무빙",), verdict=Score(18))
    )
    await store_rate(store, moving.id, 1, guild_id=CLUB, user_id=BOB, halves=9, comment="superb")
    await store.set_default_show(CLUB, moving.id)
    await store.set_curator_role(CLUB, 555)
    await store.set_spoiler_titles(CLUB, True)
    await store.set_spoiler_guard(FANS, False)
    await store_rate(store, run_on_id, 1, guild_id=FANS, user_id=ALICE, halves=8, comment="rude comment")
    await store.remove_comment(
        guild_id=FANS, show_id=run_on_id, episode=1, author_id=ALICE, moderator_id=MOD, reason="rude"
    )
    await store_rate(store, run_on_id, 2, guild_id=FANS, user_id=BOB, halves=5, comment="fine")
    await store.copy_catalog_show(FANS, run_on_id)  # hides Run On there; a copy takes its title
    # A member who asked to be forgotten and kept their score in the averages, a member's own
    # setting, and a server that removed the bot (its data waits out RETENTION_DAYS).
    await store_rate(store, run_on_id, 8, guild_id=CLUB, user_id=FORGOTTEN, halves=3, comment="bye")
    await store.forget_member(CLUB, FORGOTTEN, "anonymise")
    await store.set_hide_from_rankings(CLUB, BOB, True)
    await store.guild_departed(FANS, datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    return store


async def mentions_of(store: Store, user_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table that holds ``user_id`` in any column (as a number or inside text)."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    for table, rows in (await store_snapshot(store)).items():
        hits = [row for row in rows if any(value == user_id or str(user_id) in str(value) for value in row)]
        if hits:
            found[table] = hits
    return found


async def eventually_stored(condition: Any, *, within: float = 10) -> None:
    """Until the awaited ``condition()`` is true: emulator.eventually for a store read, for what the
    bot writes in a listener's own task after a gateway event. A deadline against a hang."""
    async with asyncio.timeout(within):
        while True:
            if await condition():
                return
            await asyncio.sleep(0.01)


def button_ids(message: Any) -> dict[str, str]:
    """The custom_id of each button a member sees on ``message``, by its label."""
    return {c["label"]: c["custom_id"] for row in message.components for c in row["components"]}


# -- bot processes -------------------------------------------------------------------------------


class BotProcess:
    """``python -m bot`` as a host runs it: its own process, its log read as it is written."""

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        self.cwd, self.env = cwd, env
        self.log: list[str] = []
        self.process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None

    async def start(self, *, until: str = "Connected as", within: float = 60) -> BotProcess:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=self.cwd, env=self.env, stderr=asyncio.subprocess.PIPE
        )
        connected = asyncio.Event()
        first = len(self.log)

        async def read(stream: asyncio.StreamReader) -> None:
            # Read to the end, or a chatty bot would block on a full pipe.
            while line := (await stream.readline()).decode():
                self.log.append(line)
                if until in line:
                    connected.set()
            connected.set()

        assert self.process.stderr is not None
        self._reader = asyncio.create_task(read(self.process.stderr))
        async with asyncio.timeout(within):
            await connected.wait()
        assert any(until in line for line in self.log[first:]), "the bot exited:\n" + "".join(self.log)
        return self

    async def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when a host loses power."""
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        if self._reader is not None:
            await self._reader

    async def stop(self) -> int:
        if self.process is None:
            return 0
        if self.process.returncode is None:
            self.process.terminate()
        code = await asyncio.wait_for(self.process.wait(), 30)
        if self._reader is not None:
            await self._reader
        return code


async def query(store: Store, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows of a raw SELECT on the store's own database, SQLite or PostgreSQL (``?`` parameters)."""
    async with store.transaction() as tx:
        return [tuple(row) for row in await tx.all(sql, params)]


async def store_snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the store's database, each table's rows sorted (either engine)."""
    if store.backend == "PostgreSQL":
        tables = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
    else:
        tables = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1"
    return {
        table: sorted(await query(store, f"SELECT * FROM {table}"), key=repr)  # noqa: S608
        for (table,) in await query(store, tables)
    }


async def execute(store: Store, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> None:
    """One raw statement in a transaction of its own, like a maintenance script (``?`` or ``:name``)."""
    async with store.transaction() as tx:
        await tx.execute(sql, params)


def sql(database: Path | str, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """One statement straight on the bot's database, committed (``?`` parameters, either engine)."""
    return sql_batch(database, [(statement, params)])[0]


def sql_batch(
    database: Path | str, statements: list[tuple[str, tuple[Any, ...]]]
) -> list[list[tuple[Any, ...]]]:
    """Several statements on one connection, each committed on its own; the rows of each.

    PostgreSQL's run on a connection of their own in a worker thread with its own event loop, so a
    test's assertion can stay a plain call (the bot's loop waits for it, as for a sqlite3 read).
    """
    if not is_postgresql(database):
        with contextlib.closing(sqlite3.connect(database, isolation_level=None)) as connection:
            return [connection.execute(text, params).fetchall() for text, params in statements]

    async def run() -> list[list[tuple[Any, ...]]]:
        import asyncpg

        from bot.store.postgres import translate

        connection = await asyncpg.connect(str(database))
        try:
            return [
                [tuple(row) for row in await connection.fetch(translate(text)[0], *params)]
                for text, params in statements
            ]
        finally:
            await connection.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, run()).result()
