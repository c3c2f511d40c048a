"""The benchmark runs end to end in its tiny mode and prints its table. Timings are never asserted:
they belong to a full run on a quiet machine (``python bench/run.py``), not to the test suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.helpers import clean_env

ROOT = Path(__file__).resolve().parents[2]


def test_the_smoke_benchmark_prints_the_table_with_ratios(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--smoke", "--cache", str(tmp_path / "cache")],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    table = run.stdout
    header = (
        "| Figure | Unit | Baseline (pong) | Bare (pong) | dramabot | × baseline | × bare | Target | Met |"
    )
    assert header in table
    assert "orjson " in table and "uvloop " in table  # the versions the figures were measured with
    for figure in (
        "`/score episode` latency, concurrency 1, p50",
        "`/score episode` throughput, concurrency 10",
        "`/rate` throughput, concurrency 10",
        "`/score episode`, 2,000-rating db, concurrency 1, p50",
        "RSS after READY, 10 servers, empty db",
        "RSS after READY, 50 servers, empty db",
        "Start-up (restart), process start to commands synced",
        "Bot CPU during chatter",
        "`/score episode` latency during chatter, p50",
    ):
        assert figure in table
    assert "ratings confirmed" in table and "in the file after SIGKILL" in table
    assert list((tmp_path / "cache").glob("ratings-*.db"))


def test_the_smoke_cluster_benchmark_compares_three_deployments_and_finds_every_rating(
    tmp_path: Path, postgresql_server: str
) -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "cluster.py"), "--smoke"],
        cwd=tmp_path,
        env=clean_env(BENCH_DATABASE_URL=postgresql_server),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    table = run.stdout
    assert (
        "| Figure | Unit | SQLite, 1 process | PostgreSQL, 1 process | PostgreSQL, 2 processes × 2 shards "
        "| Target | Met |"
    ) in table
    for figure in (
        "`/score episode` throughput, concurrency 10",
        "`/rate` (durable) throughput, concurrency 10",
        "`/score episode` worst shard's p99 ÷ its p50",
        "`/rate` (durable) CPU per request: PostgreSQL",
        "`/rate` (durable) answered later than 3 s",
        "RSS after READY per process, 40 servers over 4 shards",
    ):
        assert figure in table
    assert "every one found after SIGKILL" in table
