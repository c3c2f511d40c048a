"""bench/parse.py runs and prints a row for every hostile file. Its timings are never asserted:
they belong to a run on a quiet machine (``python bench/parse.py``), not to the test suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench import parse

ROOT = Path(__file__).resolve().parents[2]


def test_the_parse_benchmark_prints_a_row_for_every_file_and_the_worst_ratio() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "parse.py"), "--repeat", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "| File | Bytes | ms | × ordinary | Outcome |" in run.stdout
    for name in [*parse.PAGES, *parse.DOCUMENTS]:
        assert f"| {name} |" in run.stdout
    assert "Worst ratio:" in run.stdout
    assert "read: 'Tin Roof', 500 episodes" in run.stdout  # both ordinary files are read whole


def test_every_hostile_file_is_just_under_the_upload_limit() -> None:
    for build in [*parse.PAGES.values(), *parse.DOCUMENTS.values()]:
        data = build()
        assert parse.MAX_UPLOAD - 100_000 < len(data) < parse.MAX_UPLOAD
