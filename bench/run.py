"""The dramabot benchmark: the real bot against a bare discord.py baseline, through the same emulator.

    python bench/run.py            # the full run (a few minutes; builds the 1M-rating database once)
    python bench/run.py --smoke    # tiny sizes, seconds: checks that everything runs

Four bots run as separate processes, each connected to its own emulator with the same 1,000
servers: the baseline (one slash command answering ``pong``, no database, with orjson and uvloop as
dramabot has them), the bare baseline (the same bot without them: a typical discord.py bot),
dramabot on an empty database, and dramabot on the 1,000,000-rating database from ``make_db.py``.
RSS after READY is also measured in worlds of 1,000 and 10,000 servers, one bot at a time. Each bot process is
pinned to its own core and the emulator with the load generator (this process) to the other, so
the emulator's work never runs on the bot's core; its CPU time per request is reported too.

Latency is measured by the emulator: from queueing INTERACTION_CREATE for the bot to receiving
the bot's interaction callback. Rounds alternate between the bots so drift hits all alike. Every
reply is checked (the right embed, ``pong``, "Saved your rating"), and the /rate run ends with a
SIGKILL of the bot and a count of the rows: every confirmed rating must be in the file.

The chatter scenario streams members' messages, typing notices and reactions in 100 servers
(``Plan.chatter_rate`` events a second) at the baseline, which asks for discord.py's default
intents as a typical bot does, and at dramabot, which asks only for GUILDS: the emulator, like
Discord, sends a session only the events its intents asked for.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import contextlib
import gc
import importlib.metadata
import itertools
import json
import logging
import os
import platform
import shutil
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import discord

from bench import make_db
from bot.console.world import stable_id
from emulator import DiscordEmulator, EmuGuild, EmulatorError, EmuMember, InteractionResult

log = logging.getLogger("bench")

ROOT = Path(__file__).resolve().parent.parent
BASELINE_SCRIPT = Path(__file__).resolve().parent / "baseline_bot.py"
TOKEN = "YmVuY2g.ZHJhbWFib3Q.bG9jYWwtb25seQ"
# Settings a developer's shell may hold for their own bot; the bots under test get only ours.
_BOT_SETTINGS = ("DISCORD_", "DATABASE_", "DEV_GUILD", "LOG_LEVEL", "SHARD_")
# A shell (or CI image) may say not to write bytecode; an installed bot has its .pyc files (pip
# compiles them), so a bot under test must not recompile its modules at every start.
_NOT_PASSED_ON = (*_BOT_SETTINGS, "PYTHONDONTWRITEBYTECODE")


def bot_environment(**values: str) -> dict[str, str]:
    """This process's environment without anything that would change the bot under test, plus ``values``."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith(_NOT_PASSED_ON)}, **values}


def compile_sources() -> None:
    """Write the bot's .pyc files once, as installing it does, so the first start is not a compile."""
    for package in ("bot", "cogs", "discord_endpoints", "emulator"):
        compileall.compile_dir(ROOT / package, quiet=1)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class Plan:
    scale: make_db.Scale
    concurrency: int
    serial_requests: int  # per round, at concurrency 1
    concurrent_requests: int  # per round, at ``concurrency``
    warmup: int
    rate_requests: int
    rounds: int
    startups: int
    chatter_seconds: float  # each of the two chatter windows
    chatter_rate: int  # gateway events a second (messages, typing notices, reactions in equal parts)
    rss_servers: tuple[int, ...]  # RSS after READY is measured in worlds of this many servers


FULL = Plan(make_db.Scale(), 100, 400, 3000, 300, 3000, 3, 4, 6.0, 1800, (1_000, 10_000))
SMOKE = Plan(make_db.SMOKE, 10, 20, 60, 10, 40, 1, 1, 1.0, 300, (10, 50))
# The baseline without discord.py's speed-ups (bench/baseline_bot.py reads it): what a typical bot is.
BARE = {"BENCH_BARE": "1"}
CHATTER_GUILDS = 100  # servers that chatter, three members each
CHATTER_TICK = 0.01  # seconds between bursts of the stream
CHATTER_SCORE_GAP = 0.05  # seconds between /score requests while measuring latency in the chatter


# -- measuring ---------------------------------------------------------------------------------------


@dataclass
class Load:
    """Requests measured together (pooled over rounds)."""

    latencies: list[float] = field(default_factory=list)  # seconds
    wall: float = 0.0
    driver_cpu: float = 0.0
    bot_cpu: float = 0.0

    @property
    def count(self) -> int:
        return len(self.latencies)

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    @property
    def throughput(self) -> float:
        return self.count / self.wall if self.wall else 0.0

    @property
    def bot_ms(self) -> float:
        return self.bot_cpu / self.count * 1000 if self.count else 0.0

    @property
    def driver_ms(self) -> float:
        return self.driver_cpu / self.count * 1000 if self.count else 0.0


@dataclass
class Chatter:
    events: int  # gateway events the emulator queued for the bot (its intents filter the rest)
    offered: int  # events generated: what the bot would get with default intents
    seconds: float
    bot_cpu: float  # bot CPU seconds during a stream with no commands
    latencies: list[float] = field(default_factory=list)  # /score during a second stream, seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")


@dataclass
class Start:
    synced: float  # seconds from process start to the last command-sync request answered
    ready: float  # … to READY with every GUILD_CREATE handled (a first interaction answered)
    rss_mb: float  # after that


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a process, all threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def proc_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class BotUnderTest:
    """One bot process, connected to its own emulator that holds the benchmark's servers."""

    def __init__(
        self,
        name: str,
        command: list[str],
        plan: Plan,
        workdir: Path,
        database: Path | None,
        *,
        pong: bool = False,
        env: dict[str, str] | None = None,
        guilds: int | None = None,
    ) -> None:
        self.name = name
        self.pong = pong  # a baseline: /ping answers pong
        self.extra_env = env or {}
        self.guild_count = plan.scale.guilds if guilds is None else guilds
        self.rss: dict[int, float] = {}  # servers → RSS after READY in a world of that many
        self.command = command
        self.plan = plan
        self.workdir = workdir
        self.database = database
        self.process: asyncio.subprocess.Process | None = None
        self.emu: DiscordEmulator | None = None
        self.starts: list[Start] = []
        self.loads: dict[str, Load] = {}
        self.chatter: Chatter | None = None
        self._stamps: dict[int, float] = {}
        self._synced_at = 0.0
        self.runner: EmuMember | None = None
        self.guild: EmuGuild | None = None
        self._raters = itertools.count()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def start(self, *, pin: bool) -> Start:
        """Start the bot process and measure start-up to synced and to ready, then RSS.

        The first start meets a fresh emulator (a first deployment: commands are created); later
        starts are restarts against the same emulator, which keeps the synced commands as Discord does.
        """
        emu = self.emu or await self._new_emulator()
        env = bot_environment(
            DISCORD_TOKEN=TOKEN,
            DISCORD_API_BASE=emu.api_base,
            DISCORD_GATEWAY_URL=emu.gateway_url,
            LOG_LEVEL="WARNING",
            PYTHONPATH=str(ROOT),
            **self.extra_env,
        )
        if self.database is not None:
            env["DATABASE_URL"] = f"sqlite:///{self.database.resolve()}"
        identified = emu.gateway.identify_count
        log_file = (self.workdir / f"{self.name}.log").open("ab")
        started = time.perf_counter()
        self.process = await asyncio.create_subprocess_exec(
            *self.command,
            cwd=self.workdir,
            env=env,
            stdout=log_file,
            stderr=log_file,
            # The bot gets core 1 to itself; this process (emulator + load) stays on core 0.
            preexec_fn=(lambda: os.sched_setaffinity(0, {1})) if pin else None,
        )
        log_file.close()
        try:
            await emu.wait_until_ready(300, identified_after=identified)
        except EmulatorError:
            raise SystemExit(
                f"{self.name} did not connect; see {self.workdir / (self.name + '.log')}"
            ) from None
        # Gateway events are handled in order: once this is answered, every GUILD_CREATE was too.
        await self._probe()
        ready = time.perf_counter() - started
        start = Start(self._synced_at - started, ready, proc_rss_mb(self.pid))
        self.starts.append(start)
        return start

    async def _new_emulator(self) -> DiscordEmulator:
        emu = DiscordEmulator(token=TOKEN, application_id=stable_id("application", "bench", self.name))
        self._instrument(emu)
        await emu.start()
        self.emu = emu
        owner = emu.add_user("bench-owner")
        for index in range(self.guild_count):
            # The ids the prebuilt database's ratings were written under.
            emu.add_guild(make_db.guild_name(index), id=make_db.guild_id(index), owner=owner)
        self.guild = emu.guilds[make_db.guild_id(0)]
        self.runner = emu.add_member(self.guild, emu.add_user("bench-runner"))
        return emu

    async def stop_process(self, *, kill: bool = False) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            await self.process.wait()
        self.process = None
        if self.emu is not None and not kill:
            await self.emu.wait_until_disconnected(30)

    async def close(self) -> None:
        await self.stop_process()
        if self.emu is not None:
            await self.emu.stop()
        self.emu = None

    def _instrument(self, emu: DiscordEmulator) -> None:
        """Time stamps the emulator does not keep: when a callback arrives, when commands were synced."""
        loop_time = asyncio.get_running_loop().time
        respond = emu.rest._respond

        def timed_respond(result: InteractionResult, body: Any, files: Any) -> int:
            self._stamps[result.id] = loop_time()
            return respond(result, body, files)

        handle = emu.rest.handle

        async def timed_handle(request: Any) -> Any:
            response = await handle(request)
            if "/commands" in request.path:
                self._synced_at = time.perf_counter()
            return response

        emu.rest._respond = timed_respond  # type: ignore[method-assign]
        emu.rest.handle = timed_handle  # type: ignore[method-assign]  # before start(): the router takes it

    async def _probe(self) -> None:
        assert self.emu is not None and self.runner is not None
        command, values, check = self.workload("score")
        result = await self.emu.invoke(self.runner, command, **values(0))
        check(result)

    def workload(
        self, kind: str
    ) -> tuple[str, Callable[[int], dict[str, Any]], Callable[[InteractionResult], None]]:
        """(command, values for request n, reply check) for ``kind`` = "score" or "rate"."""
        if self.pong:
            return "ping", lambda n: {}, _expect_content("pong")
        if kind == "score":
            return "score episode", lambda n: {"number": 16}, _expect_embed("Critic: **5/5**")
        return (
            "rate",
            lambda n: {"episode": n % 16 + 1, "score": (n % 10 + 1) / 2},
            _expect_content("Saved your rating"),
        )

    def raters(self, count: int) -> list[EmuMember]:
        """Members who never rated before: each /rate comes from a different one."""
        assert self.emu is not None and self.guild is not None
        return [
            self.emu.add_member(self.guild, self.emu.add_user(f"rater-{next(self._raters)}"))
            for _ in range(count)
        ]

    async def run(self, label: str, kind: str, concurrency: int, total: int, *, raters: bool = False) -> None:
        """``total`` requests with ``concurrency`` in flight, after a warm-up; pooled under ``label``."""
        emu = self.emu
        assert emu is not None and self.runner is not None
        command, values, check = self.workload(kind)
        warmup = min(self.plan.warmup, total)
        members = self.raters(warmup + total) if raters else None
        errors: list[str] = []

        async def one(n: int, record: list[float] | None) -> None:
            who = members[n] if members is not None else self.runner
            result = await emu.invoke(who, command, **values(n))
            try:
                check(result)
            except AssertionError as exc:
                errors.append(str(exc))
            stamp = self._stamps.pop(result.id, None)
            if record is not None and stamp is not None:
                record.append(stamp - result.created_at)

        async def drive(start: int, count: int, record: list[float] | None) -> float:
            numbers = iter(range(start, start + count))

            async def worker() -> None:
                for n in numbers:
                    await one(n, record)

            began = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            return time.perf_counter() - began

        await drive(0, warmup, None)
        load = self.loads.setdefault(label, Load())
        driver0, bot0 = time.process_time(), proc_cpu(self.pid)
        load.wall += await drive(warmup, total, load.latencies)
        load.driver_cpu += time.process_time() - driver0
        load.bot_cpu += proc_cpu(self.pid) - bot0
        if errors:
            raise SystemExit(f"{self.name} {label}: {len(errors)} wrong replies, e.g. {errors[0]}")
        _forget(emu)

    async def chat(self) -> Chatter:
        """Members of many servers talk while nobody, then one member, uses the bot.

        Two windows of ``plan.chatter_seconds`` with a steady stream of MESSAGE_CREATE, TYPING_START
        and MESSAGE_REACTION_ADD over the channels and members of ``CHATTER_GUILDS`` servers: the
        first measures the bot's CPU with no command running (what chatter alone costs it), the
        second ``/score`` latency with a request every ``CHATTER_SCORE_GAP`` seconds.
        """
        emu = self.emu
        assert emu is not None and self.runner is not None
        guilds = [emu.guilds[make_db.guild_id(i)] for i in range(min(CHATTER_GUILDS, self.plan.scale.guilds))]
        for guild in guilds:
            for k in range(3):
                emu.add_member(guild, emu.add_user(f"chatter-{guild.id}-{k}"))
        loop = asyncio.get_running_loop()
        per_kind = max(1, round(self.plan.chatter_rate * CHATTER_TICK / 3))

        # Sessions of earlier, killed processes stay resumable and are queued events too, as on
        # Discord; what the running bot is sent is what its connected sessions are sent.
        connected = [s for s in emu.gateway.sessions.values() if s.connected]

        async def stream(seconds: float) -> tuple[int, int]:
            """(events sent to the running bot, events generated)."""
            seq0 = sum(s.seq for s in connected)
            offered = turn = 0
            next_at = began = loop.time()
            while loop.time() - began < seconds:
                # Rotate which servers speak first, so every server and channel takes part.
                first = (turn * per_kind) % len(guilds)
                emu.chatter(
                    guilds[first:] + guilds[:first], messages=per_kind, typing=per_kind, reactions=per_kind
                )
                offered += 3 * per_kind
                turn += 1
                next_at += CHATTER_TICK
                await asyncio.sleep(max(0.0, next_at - loop.time()))
            await emu.gateway.wait_flushed()
            return sum(s.seq for s in connected) - seq0, offered

        cpu0, began = proc_cpu(self.pid), time.perf_counter()
        queued, offered = await stream(self.plan.chatter_seconds)
        await self._probe()  # the bot has read every event sent before this answer
        result = Chatter(queued, offered, time.perf_counter() - began, proc_cpu(self.pid) - cpu0)
        command, values, check = self.workload("score")
        streaming = asyncio.create_task(stream(self.plan.chatter_seconds))
        while not streaming.done():
            answer = await emu.invoke(self.runner, command, **values(0))
            check(answer)
            stamp = self._stamps.pop(answer.id, None)
            if stamp is not None:
                result.latencies.append(stamp - answer.created_at)
            await asyncio.sleep(CHATTER_SCORE_GAP)
        await streaming
        self.chatter = result
        _forget(emu)
        emu._last_chatter.clear()
        return result


def _expect_content(prefix: str) -> Callable[[InteractionResult], None]:
    def check(result: InteractionResult) -> None:
        message = result.message
        assert message is not None and message.content.startswith(prefix), (
            f"got {message and message.content!r}"
        )

    return check


def _expect_embed(text: str) -> Callable[[InteractionResult], None]:
    def check(result: InteractionResult) -> None:
        message = result.message
        embeds = message.embeds if message is not None else []
        assert embeds and text in embeds[0].get("description", ""), f"got {message and message.content!r}"

    return check


def _forget(emu: DiscordEmulator) -> None:
    """Drop what the emulator remembers of finished interactions, so its memory stays flat."""
    emu.interactions.clear()
    emu._tokens.clear()
    emu.messages.clear()
    emu.requests.clear()
    emu.attachments.clear()


# -- the run -----------------------------------------------------------------------------------------


@dataclass
class Results:
    plan: Plan
    database: make_db.Built
    bots: dict[str, BotUnderTest]
    rated_rows: int
    confirmed: int
    seconds: float = 0.0


async def benchmark(plan: Plan, cache: Path, *, pin: bool) -> Results:
    began = time.perf_counter()
    _progress(f"database: {plan.scale.ratings:,} ratings in {plan.scale.guilds:,} servers …")
    # In a thread: building runs its own event loop (Store.open) and takes a while.
    built = await asyncio.to_thread(make_db.ensure, plan.scale, cache)
    _progress(
        f"database {'cached' if built.cached else 'built'}: {built.size_bytes / 1e6:.0f} MB, "
        f"built in {built.seconds:.1f} s"
    )
    if pin:
        os.sched_setaffinity(0, {0})
    compile_sources()
    with tempfile.TemporaryDirectory(prefix="dramabot-bench-") as folder:
        workdir = Path(folder)
        large = workdir / "large.db"
        shutil.copyfile(built.path, large)
        baseline = [sys.executable, str(BASELINE_SCRIPT)]
        rss = await measure_rss(plan, workdir, baseline, pin=pin)
        bots = {
            "baseline": BotUnderTest("baseline", baseline, plan, workdir, None, pong=True),
            "bare": BotUnderTest("bare", baseline, plan, workdir, None, pong=True, env=BARE),
            "empty": BotUnderTest(
                "empty", [sys.executable, "-m", "bot"], plan, workdir, workdir / "empty.db"
            ),
            "large": BotUnderTest("large", [sys.executable, "-m", "bot"], plan, workdir, large),
        }
        for name, figures in rss.items():
            bots[name].rss = figures
        try:
            for bot in bots.values():
                for attempt in range(plan.startups + 1):
                    if attempt:
                        await bot.stop_process()
                    start = await bot.start(pin=pin)
                    _progress(
                        f"{bot.name}: start-up {start.synced:.2f} s to synced, {start.ready:.2f} s to ready, "
                        f"RSS {start.rss_mb:.1f} MB"
                    )
            # The setup's garbage (1,000 servers per emulator) must not be collected mid-measurement.
            gc.collect()
            gc.freeze()
            for round_number in range(1, plan.rounds + 1):
                for bot in bots.values():
                    await bot.run("c1", "score", 1, plan.serial_requests)
                    await bot.run("cN", "score", plan.concurrency, plan.concurrent_requests)
                _progress(f"round {round_number}/{plan.rounds} done")
            for name in ("baseline", "bare", "empty"):
                chat = await bots[name].chat()
                _progress(
                    f"{name}: chatter {chat.offered / chat.seconds:,.0f} events/s offered, "
                    f"{chat.events:,} sent to the bot, bot CPU {chat.bot_cpu:.2f} s"
                )
            empty = bots["empty"]
            await empty.run("rate", "rate", plan.concurrency, plan.rate_requests, raters=True)
            _progress("/rate done; killing the bot with SIGKILL to count what was durably written")
            confirmed = plan.rate_requests + min(plan.warmup, plan.rate_requests)
            await empty.stop_process(kill=True)
            with contextlib.closing(sqlite3.connect(workdir / "empty.db")) as db:
                rows = db.execute("SELECT count(*) FROM rating WHERE author_name LIKE 'rater-%'").fetchone()[
                    0
                ]
            if rows != confirmed:
                raise SystemExit(f"/rate: {confirmed} ratings were confirmed but only {rows} are in the file")
        finally:
            for bot in bots.values():
                await bot.close()
    return Results(plan, built, bots, rows, confirmed, time.perf_counter() - began)


async def measure_rss(
    plan: Plan, workdir: Path, baseline: list[str], *, pin: bool
) -> dict[str, dict[int, float]]:
    """RSS after READY (every GUILD_CREATE handled, a first command answered) in worlds of
    ``plan.rss_servers`` servers, for each bot in turn: its own emulator, dramabot on a new database."""
    figures: dict[str, dict[int, float]] = {"baseline": {}, "bare": {}, "empty": {}}
    for servers in plan.rss_servers:
        for name in figures:
            label = f"{name}-rss-{servers}"
            bot = BotUnderTest(
                label,
                [sys.executable, "-m", "bot"] if name == "empty" else baseline,
                plan,
                workdir,
                workdir / f"{label}.db" if name == "empty" else None,
                pong=name != "empty",
                env=BARE if name == "bare" else None,
                guilds=servers,
            )
            try:
                start = await bot.start(pin=pin)
            finally:
                await bot.close()
            figures[name][servers] = start.rss_mb
            _progress(f"{name}: RSS after READY with {servers:,} servers {start.rss_mb:.1f} MB")
        gc.collect()
    return figures


def _progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# -- the table ---------------------------------------------------------------------------------------


@dataclass
class Row:
    figure: str
    baseline: float
    value: float
    unit: str
    target: str = ""  # e.g. "≤ 1.5×"
    limit: float | None = None  # the ratio bound
    higher_is_better: bool = False
    against: float | None = None  # compare ``value`` with this instead of the baseline for the target
    note: str = ""
    bare: float = float("nan")  # the same figure for the baseline without orjson and uvloop

    @property
    def bare_ratio(self) -> float:
        return self.value / self.bare if self.bare else float("nan")

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else float("nan")

    @property
    def target_ratio(self) -> float:
        base = self.against if self.against is not None else self.baseline
        return self.value / base if base else float("nan")

    @property
    def met(self) -> str:
        if self.limit is None:
            return ""
        ok = self.target_ratio >= self.limit if self.higher_is_better else self.target_ratio <= self.limit
        return "yes" if ok else "**no**"


def rows(results: Results) -> list[Row]:
    base, bare, empty, large = (results.bots[k] for k in ("baseline", "bare", "empty", "large"))
    n = results.plan.concurrency
    out: list[Row] = []

    def add(
        figure: str, of: Callable[[BotUnderTest], float], bot: BotUnderTest, unit: str, **target: Any
    ) -> Row:
        """A row: ``of`` the baseline, the bare baseline and ``bot``."""
        row = Row(figure, of(base), of(bot), unit, bare=of(bare), **target)
        out.append(row)
        return row

    def latency(
        label: str, bot: BotUnderTest, title: str, *, target: bool, against: BotUnderTest | None
    ) -> None:
        for q, name in ((0.5, "p50"), (0.95, "p95"), (0.99, "p99")):
            row = add(f"{title} {name}", lambda b, q=q: b.loads[label].percentile(q), bot, "ms")
            if name == "p50" and target:
                row.target, row.limit = "≤ 1.2× baseline", 1.2
            if name == "p50" and against is not None:
                row.against = against.loads[label].percentile(q)
                row.target, row.limit = "≤ 1.1× empty db", 1.1

    def pong(b: BotUnderTest) -> Load:
        return b.loads["cN"]

    latency("c1", empty, "`/score episode` latency, concurrency 1,", target=True, against=None)
    latency("cN", empty, f"`/score episode` latency, concurrency {n},", target=True, against=None)
    add(f"`/score episode` throughput, concurrency {n}", lambda b: b.loads["cN"].throughput, empty, "req/s",
        target="≥ 0.85× baseline", limit=0.85, higher_is_better=True)  # fmt: skip
    out.append(
        Row(
            f"`/rate` throughput, concurrency {n} (distinct members, durable)",
            pong(base).throughput,
            empty.loads["rate"].throughput,
            "req/s",
            "≥ 0.8× baseline",
            0.8,
            higher_is_better=True,
            bare=pong(bare).throughput,
        )
    )
    out.append(Row(f"`/rate` latency, concurrency {n}, p50", pong(base).percentile(0.5),
                   empty.loads["rate"].percentile(0.5), "ms", bare=pong(bare).percentile(0.5)))  # fmt: skip
    scale = f"{results.plan.scale.ratings:,}-rating db"
    latency("c1", large, f"`/score episode`, {scale}, concurrency 1,", target=False, against=empty)
    latency("cN", large, f"`/score episode`, {scale}, concurrency {n},", target=False, against=empty)
    add(f"`/score episode` throughput, {scale}, concurrency {n}", lambda b: b.loads["cN"].throughput, large,
        "req/s")  # fmt: skip
    guilds = results.plan.scale.guilds
    for servers in results.plan.rss_servers:
        add(f"RSS after READY, {servers:,} servers, empty db", lambda b, k=servers: b.rss[k], empty, "MB",
            target="≤ 1.1× baseline", limit=1.1)  # fmt: skip
    add(f"RSS after READY, {guilds:,} servers, {scale}", lambda b: _median(s.rss_mb for s in b.starts),
        large, "MB")  # fmt: skip
    add(f"Start-up (restart), process start to commands synced, {scale}",
        lambda b: _median(s.synced for s in b.starts[1:]), large, "s",
        target="≤ 1.3× baseline", limit=1.3)  # fmt: skip
    add(f"Start-up (restart) to READY with {guilds:,} servers handled, {scale}",
        lambda b: _median(s.ready for s in b.starts[1:]), large, "s")  # fmt: skip
    add(f"First start (commands created), process start to commands synced, {scale}",
        lambda b: b.starts[0].synced, large, "s")  # fmt: skip
    chat_base = base.chatter
    assert chat_base is not None
    rate = f"{chat_base.offered / chat_base.seconds:,.0f} events/s for {chat_base.seconds:.0f} s"

    def chat(b: BotUnderTest) -> Chatter:
        assert b.chatter is not None
        return b.chatter

    add(f"Bot CPU during chatter ({rate}, no commands; baselines with default intents)",
        lambda b: chat(b).bot_cpu, empty, "s", target="≤ 0.1× baseline", limit=0.1)  # fmt: skip
    add("Gateway events sent to the bot during that chatter", lambda b: chat(b).events, empty, "events")
    add("`/score episode` latency during chatter, p50", lambda b: chat(b).percentile(0.5), empty, "ms")
    add(f"Bot CPU per `/score episode`, concurrency {n}", lambda b: b.loads["cN"].bot_ms, empty, "ms")
    add(f"Emulator + load generator CPU per request, concurrency {n} (not the bot's)",
        lambda b: b.loads["cN"].driver_ms, empty, "ms")  # fmt: skip
    return out


def _median(values: Any) -> float:
    return statistics.median(list(values))


def _number(value: float, unit: str) -> str:
    if unit in {"req/s", "events"}:
        return f"{value:,.0f}"
    if unit == "s":
        return f"{value:.2f}"
    if unit == "MB":
        return f"{value:.1f}"
    return f"{value:.2f}" if value < 100 else f"{value:.0f}"


def table(results: Results) -> str:
    plan, built = results.plan, results.database
    lines = [
        f"dramabot benchmark · {os.cpu_count()} cores · Python {platform.python_version()} · "
        f"discord.py {discord.__version__} · orjson {_version('orjson')} · uvloop {_version('uvloop')} · "
        f"{platform.machine()} {platform.system()} · {results.seconds:.0f} s",
        "",
        "| Figure | Unit | Baseline (pong) | Bare (pong) | dramabot | × baseline | × bare | Target | Met |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for row in rows(results):
        target = row.target
        if row.against is not None:
            target = f"{row.target} ({row.target_ratio:.2f}×)"
        lines.append(
            f"| {row.figure} | {row.unit} | {_number(row.baseline, row.unit)} "
            f"| {_number(row.bare, row.unit)} | {_number(row.value, row.unit)} "
            f"| {row.ratio:.2f}× | {row.bare_ratio:.2f}× | {target} | {row.met} |"
        )
    served = sum(load.count for bot in results.bots.values() for load in bot.loads.values())
    lines += [
        "",
        f"{plan.rounds} alternating rounds of {plan.serial_requests} requests at concurrency 1 and "
        f"{plan.concurrent_requests} at {plan.concurrency} per bot, after {plan.warmup} warm-up requests "
        "each; "
        f"{served:,} measured requests in all. Latency: INTERACTION_CREATE queued by the emulator → "
        "interaction callback received.",
        f"Database: {plan.scale.guilds:,} servers × {plan.scale.shows_per_guild} shows × "
        f"{plan.scale.episodes_per_show} episodes, {plan.scale.ratings:,} ratings, "
        f"{built.size_bytes / 1e6:.0f} MB, built in {built.seconds:.1f} s"
        f"{' (cached)' if built.cached else ''}; schema version {built.schema_version}.",
        f"/rate: {results.confirmed:,} ratings confirmed, {results.rated_rows:,} in the file after SIGKILL.",
        "Baseline: the /ping bot in this environment (orjson, uvloop"
        f"{' installed' if _has_speedups() else ' not installed'}); Bare: the same bot without them "
        "(orjson blocked, asyncio's own loop), what a typical discord.py bot is. RSS after READY is "
        f"measured in worlds of {', '.join(f'{k:,}' for k in plan.rss_servers)} servers.",
    ]
    return "\n".join(lines)


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _has_speedups() -> bool:
    return all(_version(name) != "not installed" for name in ("orjson", "uvloop"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark dramabot against a bare discord.py bot.")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: a check that it all runs")
    parser.add_argument("--cache", type=Path, default=make_db.CACHE, help="where the built database is kept")
    parser.add_argument("--no-pin", action="store_true", help="do not pin the bot and the emulator to cores")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    args = parser.parse_args(argv)
    plan = SMOKE if args.smoke else FULL
    pin = not args.no_pin and hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) >= 2
    results = asyncio.run(benchmark(plan, args.cache, pin=pin))
    print(table(results))
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {
                        "figure": r.figure,
                        "unit": r.unit,
                        "baseline": r.baseline,
                        "bare": r.bare,
                        "dramabot": r.value,
                        "met": r.met,
                    }
                    for r in rows(results)
                ],
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
