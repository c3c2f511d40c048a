"""A host runs `dramabot copy-db` to move the bot's data, and reads one line about what happened."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.store import Store
from tests.helpers import a_lived_in_database, clean_env


def copy_db(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "copy-db", *args],
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_copying_to_a_new_file_says_what_moved_and_a_second_copy_needs_replace(tmp_path: Path) -> None:
    source = await a_lived_in_database(tmp_path / "bot.db")
    expected = await source.checksums()
    await source.close()

    done = copy_db(tmp_path, "--from", "sqlite:///bot.db", "--to", "sqlite:///moved/bot.db")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "Copied 4 shows, 56 episodes, 6 ratings and 1 comment removal of 2 servers from "
        "sqlite:///bot.db to sqlite:///moved/bot.db; every server's rows match."
    )
    moved = await Store.open(tmp_path / "moved" / "bot.db")
    try:
        assert (await moved.checksums()).differences(expected) == []
    finally:
        await moved.close()

    again = copy_db(tmp_path, "--from", "sqlite:///bot.db", "--to", "sqlite:///moved/bot.db")
    assert again.returncode == 1
    assert again.stderr.strip() == (
        "dramabot copy-db: sqlite:///moved/bot.db already holds 4 shows and 6 ratings; nothing was "
        "written. Add --replace to empty it and copy over it, or name an empty database"
    )
    replaced = copy_db(tmp_path, "--from", "sqlite:///bot.db", "--to", "sqlite:///moved/bot.db", "--replace")
    assert replaced.returncode == 0, replaced.stderr


def test_mistakes_in_the_command_are_one_line_each(tmp_path: Path) -> None:
    missing = copy_db(tmp_path, "--from", "sqlite:///nothing.db", "--to", "sqlite:///new.db")
    assert (missing.returncode, missing.stderr.strip()) == (
        2,
        "dramabot copy-db: sqlite:///nothing.db does not exist; --from must name the database to copy",
    )
    assert not (tmp_path / "new.db").exists()
    same = copy_db(tmp_path, "--from", "sqlite:///a.db", "--to", "SQLITE:///a.db")
    assert same.returncode == 2 and "are the same database" in same.stderr
    odd = copy_db(tmp_path, "--from", "mysql://x/y", "--to", "sqlite:///b.db")
    assert odd.returncode == 2 and odd.stderr.startswith("dramabot copy-db: --from: ")
    assert len(odd.stderr.strip().splitlines()) == 1
