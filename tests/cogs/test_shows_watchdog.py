"""One server's pathological import never stalls the others.

While an admin imports a 256 KiB review page built to make a backtracking parser take minutes
(and a show file nested deeper than any parser's stack), a member of another server keeps asking
for scores. Every /score is answered in Discord's 3 seconds (the emulator enforces it), and a
watchdog ticking on the event loop never sees it blocked for more than 100 ms.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import discord

from bot.showfile import MAX_UPLOAD
from emulator import DiscordEmulator, EmuFile
from tests.helpers import Server, only_embed, private_reply, run_bot, settings_for

MANAGE_SERVER = discord.Permissions(manage_guild=True).value
TICK = 0.005


class Watchdog:
    """Measures how late the event loop runs a task that asks to wake every 5 ms."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(TICK)
            self.worst = max(self.worst, time.perf_counter() - before - TICK)

    async def __aenter__(self) -> Watchdog:
        self._task = asyncio.create_task(self._tick())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._task is not None
        self._task.cancel()


def pathological_page() -> bytes:
    """Lines that looked like an episode line to the old pattern: `Episode 1`, spaces, then `|`."""
    line = "Episode 1" + " " * 2000 + "|\n"
    body = "Run On – Full Season 1 Review\n" + line * ((MAX_UPLOAD - 100) // len(line))
    return body.encode()


def pathological_json() -> bytes:
    return ('{"format": 1, "shows": ' + "[" * (MAX_UPLOAD - 40)).encode()


async def keep_asking(emulator: DiscordEmulator, member: object, stop: asyncio.Event) -> int:
    answered = 0
    while not stop.is_set():
        result = await emulator.invoke(member, "score episode", number=16)
        assert only_embed(result)["title"] == "Run On · Episode 16"
        answered += 1
    return answered


async def test_a_pathological_import_never_stalls_another_servers_scores(
    emulator: DiscordEmulator, server: Server, tmp_path: Path
) -> None:
    admin = emulator.add_member(server.guild, emulator.add_user("admin"), permissions=MANAGE_SERVER)
    elsewhere = emulator.add_guild("Elsewhere")
    member = emulator.add_member(elsewhere, emulator.add_user("dana"))
    async with run_bot(emulator, settings_for(emulator, tmp_path / "bot.db")):
        await emulator.invoke(member, "score episode", number=16)  # warm: the first call builds caches
        stop = asyncio.Event()
        async with Watchdog() as watchdog:
            asking = asyncio.create_task(keep_asking(emulator, member, stop))
            page = await emulator.invoke(admin, "show import", file=EmuFile("page.txt", pathological_page()))
            deep = EmuFile("show.json", pathological_json())
            nested = await emulator.invoke(admin, "show import", file=deep)
            stop.set()
            answered = await asking
        assert "line 2:" in private_reply(page)
        assert "nest more than 20 deep" in private_reply(nested)
        assert answered >= 1
        assert watchdog.worst < 0.100, f"the event loop was blocked for {watchdog.worst * 1000:.0f} ms"
