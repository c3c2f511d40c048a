"""Run a real discord.py client against a ``DiscordEmulator`` (tests, offline console, benchmarks).

discord.py reads its REST base and gateway URL from class attributes, so pointing a bot at the
emulator means patching ``Route.BASE`` and ``DiscordWebSocket.DEFAULT_GATEWAY`` for the duration and
restoring them afterwards. Only one emulated bot per process can be patched at a time.
discord.py is imported lazily: the emulator itself depends only on aiohttp, yarl and the stdlib.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, TypeVar

from discord_endpoints import discord_pointed_at
from emulator.errors import EmulatorError

if TYPE_CHECKING:
    import discord

    from emulator.server import DiscordEmulator

log = logging.getLogger(__name__)

ClientT = TypeVar("ClientT", bound="discord.Client")


@contextlib.contextmanager
def patched_discord(emu: DiscordEmulator) -> Iterator[None]:
    """Point discord.py's REST base and default gateway at ``emu`` (restored on exit)."""
    with discord_pointed_at(emu.api_base, emu.gateway_url):
        yield


@contextlib.asynccontextmanager
async def connect_bot(
    bot: ClientT,
    emu: DiscordEmulator,
    *,
    token: str | None = None,
    timeout: float = 10.0,  # noqa: ASYNC109 - a connect deadline, not a cancellation scope
) -> AsyncIterator[ClientT]:
    """Start ``bot`` against ``emu``, wait until its session is ready, and close it on exit.

    Errors from ``bot.start`` (a wrong token, disallowed intents, an exception in ``setup_hook``) are
    re-raised here instead of the wait timing out. On exit the bot is closed and the emulator has seen
    the socket go away, so the next ``connect_bot`` on the same emulator starts from a clean slate.
    """
    with patched_discord(emu):
        before = emu.gateway.identify_count
        runner = asyncio.create_task(bot.start(token or emu.token), name="emulated-discord-bot")
        ready = asyncio.create_task(emu.wait_until_ready(timeout, identified_after=before))
        try:
            await asyncio.wait({runner, ready}, return_when=asyncio.FIRST_COMPLETED)
            if not ready.done():
                ready.cancel()
                runner.result()  # re-raises why the bot stopped
                raise EmulatorError("the bot stopped before its gateway session became ready")
            ready.result()
            yield bot
        finally:
            ready.cancel()
            await bot.close()
            try:
                await asyncio.wait_for(runner, timeout)
            except asyncio.CancelledError:
                if not runner.cancelled():
                    raise
            except Exception:
                log.debug("emulated bot stopped with an error", exc_info=True)
            await emu.wait_until_disconnected(timeout)
