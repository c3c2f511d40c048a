"""Build the benchmark's large database: 1,000 servers with 20 shows each and 1,000,000 member ratings.

The schema comes from ``Store.open`` (the bot's own migrations) and Run On from the bundled catalog;
the rows are then written in bulk with sqlite3, sorted by primary key, in one transaction. The
schema's triggers keep ``episode_tally`` exact as the ratings go in, exactly as they do for the
bot, and a recount of a random sample of tallies checks it afterwards.

The file is cached under ``bench/.cache/`` keyed by schema version, generator version and sizes, so
it is built once per schema. ``python bench/make_db.py`` builds (or finds) it and prints where.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import random
import sqlite3
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.bot import DEFAULT_CATALOG
from bot.console.world import stable_id
from bot.showfile import load_catalog
from bot.store import Store
from bot.store.migrate import migrations

log = logging.getLogger(__name__)

GENERATOR_VERSION = 1
CACHE = Path(__file__).resolve().parent / ".cache"
RUN_ON_KEY = "run-on"


@dataclass(frozen=True)
class Scale:
    guilds: int = 1000
    shows_per_guild: int = 20
    episodes_per_show: int = 16
    ratings: int = 1_000_000
    members_per_guild: int = 100

    @property
    def slug(self) -> str:
        return f"g{self.guilds}-s{self.shows_per_guild}-e{self.episodes_per_show}-r{self.ratings}"


SMOKE = Scale(guilds=10, shows_per_guild=2, episodes_per_show=16, ratings=2_000, members_per_guild=20)


@dataclass
class Built:
    path: Path
    seconds: float  # how long building took (when it was built, possibly in an earlier run)
    size_bytes: int
    cached: bool
    schema_version: int
    ratings: int


def guild_name(index: int) -> str:
    return f"Bench {index:04d}"


def guild_id(index: int) -> int:
    """The id the benchmark's emulator gives server ``index`` (its first stable snowflake)."""
    return stable_id("guild", guild_name(index), 0)


def member_id(index: int) -> int:
    return stable_id("user", f"bench-member-{index}")


def cached_path(scale: Scale, cache: Path = CACHE) -> Path:
    return cache / f"ratings-schema{len(migrations())}-gen{GENERATOR_VERSION}-{scale.slug}.db"


def ensure(scale: Scale, cache: Path = CACHE) -> Built:
    """The cached database for ``scale``, built first if missing."""
    path = cached_path(scale, cache)
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists():
        info = json.loads(meta.read_text())
        return Built(path, info["seconds"], path.stat().st_size, True, info["schema_version"], scale.ratings)
    cache.mkdir(parents=True, exist_ok=True)
    (cache / ".gitignore").write_text("*\n")
    partial = path.with_suffix(".partial")
    for leftover in cache.glob(partial.name + "*"):
        leftover.unlink()
    started = time.perf_counter()
    version = build(partial, scale)
    seconds = time.perf_counter() - started
    partial.replace(path)
    meta.write_text(json.dumps({"seconds": seconds, "schema_version": version, "scale": asdict(scale)}))
    return Built(path, seconds, path.stat().st_size, False, version, scale.ratings)


async def _create(path: Path) -> int:
    """The bot's schema (migrations) and catalog, written the bot's way."""
    store = await Store.open(path)
    try:
        for spec in load_catalog(DEFAULT_CATALOG):
            await store.save_catalog_show(spec)
        return await store.schema_version()
    finally:
        await store.close()


def build(path: Path, scale: Scale, *, seed: int = 20201216) -> int:
    """Write the database at ``path``; returns its schema version."""
    version = asyncio.run(_create(path))
    rng = random.Random(seed)
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as db:
        # A throwaway file being built: no journal, no fsync. The bot's WAL mode is restored below.
        db.execute("PRAGMA journal_mode = DELETE")
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA cache_size = -400000")
        db.execute("BEGIN")
        run_on = db.execute(
            "SELECT id, episode_count FROM show WHERE catalog_key = ?", (RUN_ON_KEY,)
        ).fetchone()
        if run_on is None:
            raise SystemExit("the bundled catalog has no Run On (catalog key 'run-on')")
        run_on_id, run_on_episodes = run_on
        own_shows = _insert_shows(db, scale, rng)
        _insert_ratings(db, scale, rng, run_on_id, min(run_on_episodes, scale.episodes_per_show), own_shows)
        _insert_defaults(db, scale, run_on_id, own_shows)
        db.execute("COMMIT")
        _verify(db, scale, rng)
        db.execute("PRAGMA journal_mode = WAL")
    return version


def _insert_shows(db: sqlite3.Connection, scale: Scale, rng: random.Random) -> dict[int, list[int]]:
    """Each server's own shows, with every episode (as the store writes them); ids by server."""
    rows = []
    for g in range(scale.guilds):
        for s in range(scale.shows_per_guild):
            title = f"Bench Show {s + 1:02d}"
            rows.append(
                (guild_id(g), title, title.casefold(), "Drama", 2021, "Bench TV", scale.episodes_per_show)
            )
    db.executemany(
        "INSERT INTO show (guild_id, title, title_key, kind, year, network, episode_count) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    shows: dict[int, list[int]] = {}
    for show_id, owner in db.execute("SELECT id, guild_id FROM show WHERE guild_id IS NOT NULL ORDER BY id"):
        shows.setdefault(owner, []).append(show_id)
    episodes = [
        (show_id, number, rng.choice([None, *range(1, 11)]))
        for ids in shows.values()
        for show_id in ids
        for number in range(1, scale.episodes_per_show + 1)
    ]
    db.executemany("INSERT INTO episode (show_id, number, critic_halves) VALUES (?, ?, ?)", episodes)
    return shows


_COMMENTS = [
    "Loved the ending",
    "The rooftop scene got me",
    "Slow start, great payoff",
    "Not my favourite episode, but the acting carried it",
    "That phone call!",
]


def _insert_ratings(
    db: sqlite3.Connection,
    scale: Scale,
    rng: random.Random,
    run_on_id: int,
    run_on_episodes: int,
    own_shows: dict[int, list[int]],
) -> None:
    """``scale.ratings`` ratings spread evenly over the servers; each member rates distinct episodes."""
    per_guild = scale.ratings // scale.guilds
    per_member = max(1, -(-per_guild // scale.members_per_guild))
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for g in range(scale.guilds):
        gid = guild_id(g)
        targets = [(run_on_id, e) for e in range(1, run_on_episodes + 1)]
        targets += [(sid, e) for sid in own_shows[gid] for e in range(1, scale.episodes_per_show + 1)]
        step = _coprime_step(len(targets))
        rows = []
        for m in range(scale.members_per_guild):
            for k in range(per_member):
                if len(rows) == per_guild:
                    break
                # Distinct targets for one member: k * step walks the targets without repeating.
                show_id, episode = targets[(m * 7 + k * step) % len(targets)]
                comment = rng.choice(_COMMENTS) if rng.random() < 0.1 else None
                spoiler = int(comment is not None and rng.random() < 0.2)
                stamp = (start + timedelta(seconds=rng.randrange(365 * 86400))).strftime(
                    "%Y-%m-%dT%H:%M:%S.000Z"
                )
                rows.append(
                    (
                        gid,
                        show_id,
                        episode,
                        member_id(m),
                        rng.randint(1, 10),
                        comment,
                        spoiler,
                        f"member-{m}",
                        stamp,
                        stamp,
                    )
                )
        rows.sort(key=lambda row: row[:4])
        db.executemany(
            "INSERT INTO rating (guild_id, show_id, episode, user_id, halves, comment, spoiler, author_name, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


def _coprime_step(size: int) -> int:
    step = 37
    while _gcd(step, size) != 1:
        step += 2
    return step


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


def _insert_defaults(
    db: sqlite3.Connection, scale: Scale, run_on_id: int, own_shows: dict[int, list[int]]
) -> None:
    """A server with 20 shows has a default: Run On for the first server (the one the benchmark uses)."""
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "guild_setting" not in tables:
        return
    rows = [(guild_id(g), run_on_id if g == 0 else own_shows[guild_id(g)][0]) for g in range(scale.guilds)]
    db.executemany("INSERT INTO guild_setting (guild_id, default_show_id) VALUES (?, ?)", rows)


def _verify(db: sqlite3.Connection, scale: Scale, rng: random.Random) -> None:
    """Recount a sample of tallies from the ratings themselves; every rating must be counted once."""
    total = db.execute("SELECT count(*) FROM rating").fetchone()[0]
    counted = db.execute("SELECT coalesce(sum(ratings), 0) FROM episode_tally").fetchone()[0]
    expected = scale.ratings // scale.guilds * scale.guilds
    if total != expected or counted != total:
        raise SystemExit(f"generator bug: {total} ratings written, {counted} counted, {expected} wanted")
    tallies = db.execute(
        "SELECT guild_id, show_id, episode, ratings, total_halves FROM episode_tally"
    ).fetchall()
    for guild, show, episode, ratings, halves in rng.sample(tallies, min(500, len(tallies))):
        recount = db.execute(
            "SELECT count(*), sum(halves) FROM rating WHERE guild_id = ? AND show_id = ? AND episode = ?",
            (guild, show, episode),
        ).fetchone()
        if recount != (ratings, halves):
            raise SystemExit(f"tally of {(guild, show, episode)} is {(ratings, halves)}, recount {recount}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="a tiny database, for a quick check")
    parser.add_argument("--cache", type=Path, default=CACHE, help="where built databases are kept")
    args = parser.parse_args()
    built = ensure(SMOKE if args.smoke else Scale(), args.cache)
    state = "cached" if built.cached else "built"
    print(f"{built.path} ({state}; build took {built.seconds:.1f} s; {built.size_bytes / 1e6:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
