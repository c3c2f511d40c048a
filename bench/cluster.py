"""The cluster benchmark: SQLite, PostgreSQL, and two processes sharing PostgreSQL, in one run.

    python bench/cluster.py            # 10,000 servers over 4 shards (a few minutes)
    python bench/cluster.py --smoke    # tiny sizes, seconds: checks that everything runs

Three deployments of the real bot (``python -m bot``), each against its own emulator holding the
same servers, split over ``SHARD_COUNT=4``:

* ``sqlite``: one process running all four shards on a SQLite file (the embedded default);
* ``pg1``: one process running all four shards on PostgreSQL;
* ``pg2``: two processes, ``SHARD_IDS=0-1`` and ``2-3``, sharing one PostgreSQL database.

PostgreSQL is a throwaway server started for the run (``initdb`` in a temporary folder, as the
tests do) or the one ``BENCH_DATABASE_URL`` names (the user needs CREATEDB). Rounds alternate
between the deployments so drift hits all alike. Each round runs ``/score episode`` and then
``/rate`` (every request from a member who never rated before) at concurrency 100, spread evenly
over the shards. Latency is measured by the emulator, from queueing INTERACTION_CREATE to the
interaction callback, and kept per shard. The CPU time of every process involved (the bots, this
process with the emulators and the load, PostgreSQL's server processes) is counted, so the table
says what the limit was. At the end every bot is killed with SIGKILL and the ratings in each
database are counted: every confirmed rating must be there.

Nothing is pinned to a core: on a 2-core machine the bots, PostgreSQL and the load generator all
share both cores, which is what the "cores busy" rows show.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import gc
import itertools
import json
import os
import platform
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg
import discord

from bench import make_db
from bench.run import (
    TOKEN,
    _expect_content,
    _expect_embed,
    _forget,
    _progress,
    bot_environment,
    compile_sources,
    proc_cpu,
    proc_rss_mb,
)
from bot.console.world import stable_id
from emulator import DiscordEmulator, EmulatorError, EmuMember, InteractionResult, shard_of

ROOT = Path(__file__).resolve().parent.parent
SHARDS = 4
RATER_PREFIX = "rater-"


@dataclass(frozen=True)
class Plan:
    servers: int
    concurrency: int
    score_requests: int  # per round
    rate_requests: int  # per round
    warmup: int  # per round and command, not measured
    rounds: int
    runners_per_shard: int  # members who run /score, each in a server of their own


FULL = Plan(10_000, 100, 3000, 1500, 200, 3, 25)
SMOKE = Plan(40, 10, 40, 20, 5, 1, 2)


@dataclass
class Load:
    """Requests of one kind measured together (pooled over rounds), with every process's CPU."""

    by_shard: dict[int, list[float]] = field(default_factory=dict)  # seconds
    wall: float = 0.0
    bot_cpu: float = 0.0
    driver_cpu: float = 0.0
    database_cpu: float = 0.0
    late: int = 0  # interactions with no first response within 3 s (Discord shows "failed")

    @property
    def latencies(self) -> list[float]:
        return [value for values in self.by_shard.values() for value in values]

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.count / self.wall if self.wall else 0.0

    def percentile(self, q: float, shard: int | None = None) -> float:
        ordered = sorted(self.latencies if shard is None else self.by_shard.get(shard, []))
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")

    def worst_shard_spread(self) -> tuple[int, float]:
        """(shard, p99 / p50) of the shard whose p99 is furthest above its p50."""
        spreads = {s: self.percentile(0.99, s) / self.percentile(0.5, s) for s in self.by_shard}
        shard = max(spreads, key=lambda s: spreads[s])
        return shard, spreads[shard]

    def per_request_ms(self, cpu: float) -> float:
        return cpu / self.count * 1000 if self.count else 0.0

    @property
    def cores_busy(self) -> float:
        return (self.bot_cpu + self.driver_cpu + self.database_cpu) / self.wall if self.wall else 0.0


class Deployment:
    """One or more bot processes serving the same servers, through one emulator of their own."""

    def __init__(self, name: str, title: str, database: str, slices: list[str | None], plan: Plan) -> None:
        self.name, self.title, self.database, self.slices, self.plan = name, title, database, slices, plan
        self.processes: list[asyncio.subprocess.Process] = []
        self.emu: DiscordEmulator | None = None
        self.rss_mb: list[float] = []
        self.ready_seconds = 0.0
        self.loads: dict[str, Load] = {}
        self.runners: list[EmuMember] = []
        self.confirmed = 0
        self._stamps: dict[int, float] = {}
        self._raters = itertools.count()
        self._guild_ids: list[int] = []

    async def start(self, workdir: Path) -> None:
        emu = DiscordEmulator(token=TOKEN, application_id=stable_id("application", "cluster", self.name))
        self._instrument(emu)
        await emu.start()
        self.emu = emu
        owner = emu.add_user("bench-owner")
        for index in range(self.plan.servers):
            emu.add_guild(make_db.guild_name(index), id=make_db.guild_id(index), owner=owner)
        self._guild_ids = list(emu.guilds)
        # /score runners: the first servers of each shard, one member each.
        for shard in range(SHARDS):
            guilds = [g for g in self._guild_ids if shard_of(g, SHARDS) == shard][
                : self.plan.runners_per_shard
            ]
            self.runners += [emu.add_member(emu.guilds[g], emu.add_user(f"runner-{g}")) for g in guilds]
        started = time.perf_counter()
        for number, shard_ids in enumerate(self.slices):
            env = bot_environment(
                DISCORD_TOKEN=TOKEN,
                DISCORD_API_BASE=emu.api_base,
                DISCORD_GATEWAY_URL=emu.gateway_url,
                DATABASE_URL=self.database,
                SHARD_COUNT=str(SHARDS),
                # INFO for the one line that says the process is ready (discord.py's on_ready).
                LOG_LEVEL="INFO",
                PYTHONPATH=str(ROOT),
            )
            if shard_ids is not None:
                env["SHARD_IDS"] = shard_ids
            with (workdir / f"{self.name}-{number}.log").open("ab") as log_file:
                self.processes.append(
                    await asyncio.create_subprocess_exec(
                        sys.executable, "-m", "bot", cwd=workdir, env=env, stdout=log_file, stderr=log_file
                    )
                )
        try:
            await emu.wait_until_ready(600, identified_after=0, sessions=SHARDS)
        except EmulatorError:
            raise SystemExit(f"{self.name} did not connect; see {workdir}/{self.name}-*.log") from None
        # discord.py's on_ready comes a little after the last GUILD_CREATE (it waits for more);
        # the bot finishes starting then (it tidies its heap, see bot.startup), so wait for it.
        logs = [workdir / f"{self.name}-{number}.log" for number in range(len(self.slices))]
        async with asyncio.timeout(120):
            while not all("Connected as" in path.read_text(errors="replace") for path in logs):  # noqa: ASYNC110 - another process writes it
                await asyncio.sleep(0.2)
        # Events are handled in order per shard: once a server of every shard is answered, every
        # GUILD_CREATE before it was handled too.
        for shard in range(SHARDS):
            runner = next(r for r in self.runners if shard_of(r.guild.id, SHARDS) == shard)
            _expect_embed("Critic: **5/5**")(await emu.invoke(runner, "score episode", number=16))
        self.ready_seconds = time.perf_counter() - started
        self.rss_mb = [proc_rss_mb(p.pid) for p in self.processes]
        _forget(emu)

    def _instrument(self, emu: DiscordEmulator) -> None:
        """Stamp the arrival of each interaction callback (the emulator keeps no such time)."""
        loop_time = asyncio.get_running_loop().time
        respond = emu.rest._respond

        def timed_respond(result: InteractionResult, body: Any, files: Any) -> int:
            self._stamps[result.id] = loop_time()
            return respond(result, body, files)

        emu.rest._respond = timed_respond  # type: ignore[method-assign]

    def bot_cpu(self) -> float:
        return sum(proc_cpu(p.pid) for p in self.processes)

    def _new_raters(self, count: int) -> list[EmuMember]:
        """Members who never rated before, in servers taken in turn over every shard."""
        assert self.emu is not None
        emu, out = self.emu, []
        for _ in range(count):
            n = next(self._raters)
            guild = emu.guilds[self._guild_ids[n % len(self._guild_ids)]]
            out.append(emu.add_member(guild, emu.add_user(f"{RATER_PREFIX}{n}")))
        return out

    async def run(self, kind: str, database: PostgresMeter | None) -> None:
        emu, plan = self.emu, self.plan
        assert emu is not None
        total = plan.score_requests if kind == "score" else plan.rate_requests
        if kind == "score":
            members = [self.runners[n % len(self.runners)] for n in range(plan.warmup + total)]
            check = _expect_embed("Critic: **5/5**")
        else:
            members = self._new_raters(plan.warmup + total)
            check = _expect_content("Saved your rating")
        errors: list[str] = []
        load = self.loads.setdefault(kind, Load())

        async def one(n: int, measured: bool) -> None:
            who = members[n]
            try:
                if kind == "score":
                    result = await emu.invoke(who, "score episode", number=16)
                else:
                    result = await emu.invoke(who, "rate", episode=n % 16 + 1, score=(n % 10 + 1) / 2)
            except EmulatorError:  # no first response within Discord's 3 s: counted, not measured
                load.late += 1
                return
            try:
                check(result)
            except AssertionError as exc:
                errors.append(str(exc))
                return
            if kind == "rate":
                self.confirmed += 1
            stamp = self._stamps.pop(result.id, None)
            if measured and stamp is not None:
                shard = shard_of(who.guild.id, SHARDS)
                load.by_shard.setdefault(shard, []).append(stamp - result.created_at)

        async def drive(numbers: Iterator[int], measured: bool) -> float:
            async def worker() -> None:
                for n in numbers:
                    await one(n, measured)

            began = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(plan.concurrency)))
            return time.perf_counter() - began

        await drive(iter(range(plan.warmup)), False)
        # The emulator's own garbage collections (0.1–0.2 s with three worlds of 10,000 servers)
        # would delay its time stamps and show up as the bot's latency: none while measuring.
        gc.disable()
        driver0, bot0 = time.process_time(), self.bot_cpu()
        database0 = database.cpu() if database is not None else 0.0
        load.wall += await drive(iter(range(plan.warmup, plan.warmup + total)), True)
        load.driver_cpu += time.process_time() - driver0
        load.bot_cpu += self.bot_cpu() - bot0
        if database is not None:
            load.database_cpu += database.cpu() - database0
        gc.enable()
        gc.collect()
        if errors:
            raise SystemExit(f"{self.name} /{kind}: {len(errors)} wrong replies, e.g. {errors[0]}")
        _forget(emu)

    async def kill(self) -> None:
        for process in self.processes:
            if process.returncode is None:
                process.send_signal(signal.SIGKILL)
                await process.wait()

    async def close(self) -> None:
        await self.kill()
        if self.emu is not None:
            await self.emu.stop()
        self.emu = None


class PostgresMeter:
    """CPU seconds of every process of one PostgreSQL server (postmaster and its children)."""

    def __init__(self, postmaster: int | None) -> None:
        self.postmaster = postmaster  # None: the server is not on this machine, or not ours to read

    @classmethod
    async def find(cls, url: str) -> PostgresMeter:
        connection = await asyncpg.connect(url)
        try:
            backend = await connection.fetchval("SELECT pg_backend_pid()")
        finally:
            await connection.close()
        return cls(_parent_of(backend))

    def cpu(self) -> float:
        if self.postmaster is None:
            return 0.0
        total = 0.0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError):
                pid = int(stat.parent.name)
                if pid == self.postmaster or _parent_of(pid) == self.postmaster:
                    total += proc_cpu(pid)
        # Backends that exited during the interval take their CPU with them; the pool keeps its
        # connections open, so within one run that is only autovacuum and the like.
        return total


def _parent_of(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    given = os.environ.get("BENCH_DATABASE_URL", "").strip()
    if given:
        yield given
        return
    from tests.postgresql import PostgresUnavailable, throwaway_cluster

    # The server's defaults, as a host would run it: synchronous_commit and fsync on.
    try:
        with throwaway_cluster(settings=("shared_buffers=128MB",)) as url:
            yield url
    except PostgresUnavailable as exc:
        raise SystemExit(
            f"no PostgreSQL for the cluster benchmark: {exc.reason} (set BENCH_DATABASE_URL)"
        ) from exc


async def create_database(server: str, name: str) -> str:
    admin = await asyncpg.connect(server)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


async def drop_databases(server: str, names: list[str]) -> None:
    admin = await asyncpg.connect(server)
    try:
        for name in names:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def count_ratings(deployment: Deployment) -> int:
    sql = "SELECT count(*) FROM rating WHERE author_name LIKE {}"
    if deployment.database.startswith("sqlite:///"):
        path = deployment.database.removeprefix("sqlite:///")
        with contextlib.closing(sqlite3.connect(path)) as db:
            return int(db.execute(sql.format("?"), (f"{RATER_PREFIX}%",)).fetchone()[0])
    connection = await asyncpg.connect(deployment.database)
    try:
        return int(await connection.fetchval(sql.format("$1"), f"{RATER_PREFIX}%"))
    finally:
        await connection.close()


@dataclass
class Results:
    plan: Plan
    deployments: dict[str, Deployment]
    database_cores: str
    seconds: float


async def benchmark(plan: Plan, only: set[str] | None = None) -> Results:
    began = time.perf_counter()
    with postgres_server() as server, tempfile.TemporaryDirectory(prefix="dramabot-cluster-") as folder:
        workdir = Path(folder)
        compile_sources()
        meter = await PostgresMeter.find(server)
        names = [f"dramabot_bench_{os.getpid()}_{what}" for what in ("single", "pair")]
        single, pair = [await create_database(server, name) for name in names]
        deployments = {
            "sqlite": Deployment(
                "sqlite", "SQLite, 1 process", f"sqlite:///{workdir / 'sqlite.db'}", [None], plan
            ),
            "pg1": Deployment("pg1", "PostgreSQL, 1 process", single, [None], plan),
            "pg2": Deployment("pg2", "PostgreSQL, 2 processes × 2 shards", pair, ["0-1", "2-3"], plan),
        }
        if only:
            deployments = {name: d for name, d in deployments.items() if name in only}
        try:
            for deployment in deployments.values():
                _progress(f"{deployment.name}: starting with {plan.servers:,} servers over {SHARDS} shards …")
                await deployment.start(workdir)
                _progress(
                    f"{deployment.name}: ready in {deployment.ready_seconds:.1f} s (pid "
                    + ", ".join(str(p.pid) for p in deployment.processes)
                    + "), RSS "
                    + " / ".join(f"{rss:.0f} MB" for rss in deployment.rss_mb)
                )
            gc.collect()
            gc.freeze()
            for round_number in range(1, plan.rounds + 1):
                for deployment in deployments.values():
                    database = None if deployment.name == "sqlite" else meter
                    await deployment.run("score", database)
                    await deployment.run("rate", database)
                _progress(f"round {round_number}/{plan.rounds} done")
            for deployment in deployments.values():
                await deployment.kill()
                found = await count_ratings(deployment)
                # A rating answered after the 3 s may be in the database too: never confirmed, not lost.
                if found < deployment.confirmed:
                    raise SystemExit(
                        f"{deployment.name}: {deployment.confirmed} ratings were confirmed but only "
                        f"{found} are in the database after SIGKILL"
                    )
            _progress("every confirmed rating was found after SIGKILL")
        finally:
            for deployment in deployments.values():
                await deployment.close()
            await drop_databases(server, names)
    where = "a throwaway server on this machine" if meter.postmaster else "a server whose CPU is not counted"
    return Results(plan, deployments, where, time.perf_counter() - began)


# -- the table ---------------------------------------------------------------------------------------


@dataclass
class Row:
    figure: str
    unit: str
    values: tuple[float, float, float]  # sqlite, pg1, pg2
    target: str = ""
    met: str = ""


def _three(values: Iterable[float]) -> tuple[float, float, float]:
    sqlite, pg1, pg2 = values
    return sqlite, pg1, pg2


def _check(ok: bool) -> str:
    return "yes" if ok else "**no**"


def rows(results: Results) -> list[Row]:
    sqlite, pg1, pg2 = (results.deployments[k] for k in ("sqlite", "pg1", "pg2"))
    n = results.plan.concurrency
    out: list[Row] = []
    for kind, title, pg_target in (("score", "`/score episode`", 0.7), ("rate", "`/rate` (durable)", 0.8)):
        loads = tuple(d.loads[kind] for d in (sqlite, pg1, pg2))
        throughput = _three(load.throughput for load in loads)
        single, double = throughput[1] / throughput[0], throughput[2] / throughput[1]
        out.append(
            Row(
                f"{title} throughput, concurrency {n}",
                "req/s",
                throughput,
                f"PostgreSQL ≥ {pg_target}× SQLite ({single:.2f}×); 2 processes ≥ 1.6× 1 ({double:.2f}×)",
                f"{_check(single >= pg_target)} / {_check(double >= 1.6)}",
            )
        )
        for q, name in ((0.5, "p50"), (0.99, "p99")):
            out.append(Row(f"{title} latency {name}", "ms", _three(load.percentile(q) for load in loads)))
        spreads = [load.worst_shard_spread() for load in loads]
        out.append(
            Row(
                f"{title} worst shard's p99 ÷ its p50",
                "×",
                _three(spread for _, spread in spreads),
                "≤ 3× on every shard",
                _check(all(spread <= 3 for _, spread in spreads)),
            )
        )
        for label, attribute in (
            ("bot", "bot_cpu"),
            ("PostgreSQL", "database_cpu"),
            ("emulator + load", "driver_cpu"),
        ):
            out.append(
                Row(
                    f"{title} CPU per request: {label}",
                    "ms",
                    _three(load.per_request_ms(getattr(load, attribute)) for load in loads),
                )
            )
        out.append(
            Row(
                f"{title} answered later than 3 s",
                "requests",
                _three(load.late for load in loads),
                "none",
                _check(all(load.late == 0 for load in loads)),
            )
        )
        out.append(
            Row(
                f"{title} cores busy (all processes ÷ wall time)",
                "cores",
                _three(load.cores_busy for load in loads),
            )
        )
    return out


def _number(value: float, unit: str) -> str:
    if unit in {"req/s", "requests"}:
        return f"{value:,.0f}"
    if unit in {"×", "cores"}:
        return f"{value:.2f}"
    return f"{value:.2f}" if value < 100 else f"{value:.0f}"


def table(results: Results) -> str:
    plan = results.plan
    deployments = list(results.deployments.values())
    lines = [
        f"dramabot cluster benchmark · {os.cpu_count()} cores · Python {platform.python_version()} · "
        f"discord.py {discord.__version__} · asyncpg {asyncpg.__version__} · {results.seconds:.0f} s",
        "",
        "| Figure | Unit | " + " | ".join(d.title for d in deployments) + " | Target | Met |",
        "| --- | --- | ---: | ---: | ---: | --- | --- |",
    ]
    for row in rows(results):
        cells = " | ".join(_number(value, row.unit) for value in row.values)
        lines.append(f"| {row.figure} | {row.unit} | {cells} | {row.target} | {row.met} |")
    rss = " | ".join(" + ".join(f"{value:.0f}" for value in d.rss_mb) for d in deployments)
    lines.append(
        f"| RSS after READY per process, {plan.servers:,} servers over {SHARDS} shards | MB | {rss} | | |"
    )
    ready = " | ".join(f"{d.ready_seconds:.1f}" for d in deployments)
    lines.append(f"| Start-up to every shard answering | s | {ready} | | |")
    confirmed = sum(d.confirmed for d in deployments)
    lines += [
        "",
        f"{plan.rounds} alternating rounds; per round and deployment {plan.score_requests:,} "
        f"`/score episode` (from {SHARDS * plan.runners_per_shard} members in as many servers, spread "
        f"evenly over the shards) and {plan.rate_requests:,} `/rate` (each from a member who never "
        f"rated, servers taken in turn), at concurrency {plan.concurrency}, after {plan.warmup} warm-up "
        f"requests each. PostgreSQL: {results.database_cores}, synchronous_commit on. Nothing pinned: "
        "every process shares every core.",
        f"Durability: {confirmed:,} ratings confirmed over the three deployments, every one found "
        "after SIGKILL.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="dramabot on SQLite, on PostgreSQL, and as two processes.")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: a check that it all runs")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument(
        "--only",
        action="append",
        choices=("sqlite", "pg1", "pg2"),
        help="run just this deployment (repeatable; for profiling one with py-spy: no table is printed)",
    )
    parser.add_argument("--rounds", type=int, help="rounds instead of the plan's")
    args = parser.parse_args(argv)
    plan = SMOKE if args.smoke else FULL
    if args.rounds:
        plan = dataclasses.replace(plan, rounds=args.rounds)
    results = asyncio.run(benchmark(plan, set(args.only or ())))
    if args.only:
        for deployment in results.deployments.values():
            for kind, load in deployment.loads.items():
                print(
                    f"{deployment.name} /{kind}: {load.throughput:,.0f} req/s, "
                    f"p50 {load.percentile(0.5):.1f} ms"
                )
        return 0
    print(table(results))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "rows": [
                        {"figure": r.figure, "unit": r.unit, "values": r.values, "met": r.met}
                        for r in rows(results)
                    ],
                    "rss_mb": {d.name: d.rss_mb for d in results.deployments.values()},
                    "median_rss_mb": {
                        d.name: statistics.median(d.rss_mb) for d in results.deployments.values()
                    },
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
