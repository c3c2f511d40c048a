"""Killing the bot mid-write loses nothing that was confirmed and leaves a consistent database."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import sys
from pathlib import Path

from emulator import DiscordEmulator
from tests.helpers import TOKEN, Server, clean_env, run_bot, settings_for


async def test_sigkill_during_a_burst_of_ratings_keeps_every_confirmed_one(
    emulator: DiscordEmulator, server: Server, tmp_path: Path
) -> None:
    database = tmp_path / "crash.db"
    members = [emulator.add_member(server.guild, emulator.add_user(f"runner{n}")) for n in range(300)]
    env = clean_env(
        DISCORD_TOKEN=TOKEN,
        DISCORD_API_BASE=emulator.api_base,
        DISCORD_GATEWAY_URL=emulator.gateway_url,
        DATABASE_URL=f"sqlite:///{database}",
    )
    with (tmp_path / "bot.log").open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=tmp_path, env=env, stderr=log, stdout=log
        )
        try:
            await emulator.wait_until_ready(timeout=30)
            confirmed: dict[int, int] = {}
            enough = asyncio.Event()

            async def rate(index: int) -> None:
                halves = 1 + index % 10
                result = await emulator.invoke(members[index], "rate", episode=16, score=halves / 2)
                if result.message is not None and result.message.content.startswith("Saved"):
                    confirmed[members[index].id] = halves
                    if len(confirmed) >= 40 and not enough.is_set():
                        # Killed right here, not after a trip through the event loop: group commit
                        # confirms many ratings at once, and a later kill could miss the burst.
                        process.send_signal(signal.SIGKILL)
                        enough.set()

            burst = [asyncio.create_task(rate(n)) for n in range(len(members))]
            await asyncio.wait_for(enough.wait(), timeout=30)
            await process.wait()
            await asyncio.gather(*burst, return_exceptions=True)
        finally:
            with contextlib.suppress(ProcessLookupError):
                process.kill()

    assert process.returncode == -signal.SIGKILL
    assert 40 <= len(confirmed) < len(members), "the kill should land in the middle of the burst"
    with contextlib.closing(sqlite3.connect(database)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = dict(connection.execute("SELECT user_id, halves FROM rating").fetchall())
        tally = connection.execute("SELECT ratings, total_halves FROM episode_tally").fetchall()
    assert {user: stored.get(user) for user in confirmed} == confirmed
    assert tally == [(len(stored), sum(stored.values()))]

    # The bot starts again on the same file and counts exactly what is stored.
    await emulator.wait_until_disconnected()
    async with run_bot(emulator, settings_for(emulator, database)):
        result = await emulator.invoke(server.alice, "score episode", number=16)
        assert f"from {len(stored)} ratings" in result.message.embeds[0]["description"]
    assert os.path.getsize(database) > 0
