"""The database misbehaves under the bot; members still get a true answer in time, and nothing is lost.

Another process holds the write lock for 10 s; the disk fills up. Reads keep working, every
interaction gets its first response within Discord's 3 seconds (the emulator enforces it), and
every member is told truthfully whether their rating was saved.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.bot import DramaBot
from emulator import DiscordEmulator
from tests.helpers import TOKEN, Server, clean_env, only_embed, rate, run_bot, settings_for

HOLD_LOCK = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
connection.execute("ROLLBACK")
"""

SAVED = "Saved your rating of **4/5**"
NOT_SAVED = "The database is busy right now, so **nothing was saved**."


def stored_members(database: Path) -> set[int]:
    with sqlite3.connect(database) as connection:
        return {row[0] for row in connection.execute("SELECT user_id FROM rating")}


async def test_while_another_process_holds_the_write_lock_every_answer_is_in_time_and_true(
    emulator: DiscordEmulator, server: Server, database: Path
) -> None:
    members = [emulator.add_member(server.guild, emulator.add_user(f"fan{n}")) for n in range(30)]
    async with run_bot(emulator, settings_for(emulator, database)):
        holder = await asyncio.create_subprocess_exec(
            sys.executable, "-c", HOLD_LOCK, str(database), "10", stdout=asyncio.subprocess.PIPE
        )
        assert holder.stdout is not None
        assert (await holder.stdout.readline()).strip() == b"locked"

        async def score() -> str:
            return only_embed(await emulator.invoke(server.alice, "score episode", number=16))["title"]

        async def rate_later(index: int) -> tuple[int, str]:
            await asyncio.sleep(index * 0.25)  # spread over the ten seconds
            result = await emulator.invoke(members[index], "rate", episode=1 + index % 16, score=4)
            assert result.message is not None and result.message.ephemeral
            return members[index].user.id, result.message.content

        async def scores_meanwhile() -> list[str]:
            titles = []
            for _ in range(10):
                titles.append(await score())
                await asyncio.sleep(0.7)
            return titles

        # invoke() raises InteractionTimeout for any interaction not answered within 3 s.
        titles, answers = await asyncio.gather(
            scores_meanwhile(), asyncio.gather(*(rate_later(i) for i in range(30)))
        )
        assert titles == ["Run On · Episode 16"] * 10
        await holder.wait()
    saved = {member for member, reply in answers if reply.startswith(SAVED)}
    refused = {member for member, reply in answers if reply.startswith(NOT_SAVED)}
    assert saved | refused == {member for member, _ in answers}, [r for _, r in answers]
    assert refused, "the lock was held past the busy timeout: some writes must have been refused"
    # What the members were told is what the file holds, in both directions.
    assert stored_members(database) == saved


async def test_a_full_database_is_told_to_members_once_in_the_log_and_reads_go_on(
    drama: DramaBot,
    emulator: DiscordEmulator,
    server: Server,
    database: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """SQLite's own size limit (max_page_count) makes the file full wherever the test runs."""
    caplog.set_level(logging.INFO, logger="bot.store")
    async with drama.store.transaction() as tx:
        row = await tx.one("PRAGMA page_count")
        assert row is not None
        await tx.execute(f"PRAGMA max_page_count = {int(row[0])}")
    replies = [await rate(emulator, server.alice, episode, 4, comment="x" * 1000) for episode in range(1, 17)]
    full = [reply for reply in replies if "storage is full" in reply]
    assert full, replies
    assert all("**nothing was saved**" in reply for reply in full)
    assert "Something went wrong" not in "".join(replies)
    embed = only_embed(await emulator.invoke(server.bob, "score episode", number=16))
    assert embed["title"] == "Run On · Episode 16"
    faults = [r for r in caplog.records if "Cannot write to the database" in r.getMessage()]
    assert len(faults) == 1 and faults[0].exc_info is None
    # Space again: the next write works and the log says so once.
    async with drama.store.transaction() as tx:
        await tx.execute("PRAGMA max_page_count = 1073741823")
    assert (await rate(emulator, server.bob, 2, 3)).startswith("Saved your rating of **3/5**")
    assert len([r for r in caplog.records if "takes writes again" in r.getMessage()]) == 1


def _can_mount() -> bool:
    if shutil.which("unshare") is None or shutil.which("nsenter") is None or os.geteuid() != 0:
        return False
    probe = ["unshare", "--mount", "--propagation", "private", "mount", "-t", "tmpfs", "tmpfs", "/mnt"]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


@pytest.mark.skipif(not _can_mount(), reason="needs root and mount namespaces to fill a real filesystem")
async def test_a_full_disk_is_told_to_members_and_the_bot_writes_again_once_there_is_room(
    emulator: DiscordEmulator, server: Server, tmp_path: Path
) -> None:
    """A real bot process on a 2 MiB tmpfs of its own; the test fills it from inside its mount namespace."""
    disk = tmp_path / "disk"
    disk.mkdir()
    database = disk / "dramabot.db"
    command = shlex.join([sys.executable, "-m", "bot"])
    script = f"mount -t tmpfs -o size=2m tmpfs {disk} && exec {command}"
    env = clean_env(
        DISCORD_TOKEN=TOKEN,
        DISCORD_API_BASE=emulator.api_base,
        DISCORD_GATEWAY_URL=emulator.gateway_url,
        DATABASE_URL=f"sqlite:///{database}",
        LOG_LEVEL="WARNING",
    )
    before = emulator.gateway.identify_count
    process = await asyncio.create_subprocess_exec(
        "unshare", "--mount", "--propagation", "private", "sh", "-e", "-c", script,
        cwd=tmp_path, env=env, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    output = asyncio.create_task(process.communicate())

    def inside(shell: str) -> None:
        subprocess.run(
            ["nsenter", "-t", str(process.pid), "-m", "sh", "-c", shell], check=False, capture_output=True
        )

    try:
        await emulator.wait_until_ready(30, identified_after=before)
        assert (await rate(emulator, server.alice, 1, 4)).startswith("Saved your rating of **4/5**")
        await asyncio.to_thread(inside, f"dd if=/dev/zero of={disk}/filler bs=64k")
        replies = [
            await rate(emulator, server.alice, episode, 4, comment="y" * 1000) for episode in range(2, 12)
        ]
        assert any("storage is full" in reply and "**nothing was saved**" in reply for reply in replies), (
            replies
        )
        embed = only_embed(await emulator.invoke(server.bob, "score episode", number=1))
        assert embed["description"].endswith("Members: 4/5 from 1 rating")
        await asyncio.to_thread(inside, f"rm {disk}/filler")
        assert (await rate(emulator, server.bob, 3, 5)).startswith("Saved your rating of **5/5**")
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(output, timeout=30)
    log = stderr.decode()
    assert process.returncode == 0, log
    assert "Traceback" not in log
    assert log.count("Cannot write to the database") == 1, log
