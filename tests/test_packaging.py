"""The wheel carries everything the bot needs to run outside a checkout, and nothing else."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

from setuptools import find_packages

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_is_listed_for_the_wheel() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = set(find_packages(ROOT, include=["bot*", "cogs*", "emulator*", "discord_endpoints*"]))
    # data/ is the package bot.data in the wheel (see [tool.setuptools.package-dir]).
    assert listed == found | {"bot.data"}


def test_the_wheel_holds_the_catalog_the_migrations_and_the_code_but_no_database(tmp_path: Path) -> None:
    # Build from a copy, as CI builds from a fresh clone: a database left in data/ must not ship.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("dramabot-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for wanted in (
        "bot/data/catalog.json",
        "bot/store/migrations/0001_shows.sql",
        "bot/store/migrations/0004_show_identity.sql",
        "bot/store/migrations/postgresql/0001_shows.sql",
        "bot/store/migrations/postgresql/0005_show_guild_index.sql",
        "bot/text/en/__init__.py",
        "cogs/scores.py",
        "emulator/server.py",
        "discord_endpoints/__init__.py",
    ):
        assert wanted in names, wanted
    assert not [name for name in names if name.endswith((".db", ".db-wal", ".db-shm"))]
    assert not [name for name in names if name.startswith(("tests/", "bench/", "data/"))]
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)
