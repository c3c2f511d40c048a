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
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, TypeVar

from discord_endpoints import discord_pointed_at
from emulator.errors import EmulatorError

if TYPE_CHECKING:
    import discord

    from emulator.gateway import GatewaySession
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
    """Start ``bot`` against ``emu``, wait until its sessions are ready, and close it on exit.

    A ``discord.AutoShardedClient`` is ready once every shard it runs has IDENTIFYed (its
    ``shard_ids``, or all of the ``shard_count`` it asked ``GET /gateway/bot`` for); any other client
    runs one session, whatever ``shard_id``/``shard_count`` it was given. Several bots may be connected
    to one emulator at once (say, two processes' shard slices), started one after the other.

    Errors from ``bot.start`` (a wrong token, disallowed intents, an invalid shard, an exception in
    ``setup_hook``) are re-raised here instead of the wait timing out. On exit the bot is closed and
    the emulator has seen its sockets go away, so the next ``connect_bot`` on the same emulator starts
    from a clean slate.
    """
    with patched_discord(emu):
        gateway = emu.gateway
        before = gateway.identify_count
        known = set(gateway.sessions)
        runner = asyncio.create_task(bot.start(token or emu.token), name="emulated-discord-bot")
        ready = asyncio.create_task(_wait_until_ready(bot, emu, before, timeout))
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
            await _wait_until_gone(emu, [s for i, s in gateway.sessions.items() if i not in known], timeout)


def _sessions_expected(bot: discord.Client) -> int:
    """How many gateway sessions ``bot`` opens: 1, or one per shard of an ``AutoShardedClient``."""
    import discord

    if not isinstance(bot, discord.AutoShardedClient):
        return 1
    if bot.shard_ids:
        return len(bot.shard_ids)
    # Known once launch_shards has read GET /gateway/bot, which is before the first IDENTIFY.
    return bot.shard_count or 1


async def _wait_until_ready(bot: discord.Client, emu: DiscordEmulator, before: int, within: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    await emu.wait_until_ready(within, identified_after=before)
    # discord.py IDENTIFYs an AutoShardedClient's shards one after another; the count is only
    # certain once the first one is in.
    await emu.wait_until_ready(
        max(deadline - loop.time(), 0), identified_after=before, sessions=_sessions_expected(bot)
    )


async def _wait_until_gone(emu: DiscordEmulator, sessions: list[GatewaySession], within: float) -> None:
    """Wait until ``sessions`` have no socket, and when no other bot is connected, until every
    socket is gone (one the emulator refused, say), as a fresh emulator would be."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    try:
        await asyncio.wait_for(emu.gateway.wait_for(lambda: all(s.ws is None for s in sessions)), within)
    except TimeoutError:
        raise EmulatorError(f"the bot did not disconnect within {within} s") from None
    if not any(s.connected for s in emu.gateway.sessions.values()):
        await emu.wait_until_disconnected(max(deadline - loop.time(), 0))


async def eventually(predicate: Callable[[], bool], within: float = 2.0) -> None:
    """Poll (every 10 ms, up to ``within`` seconds) for something a bot does after it answered."""
    for _ in range(int(within / 0.01)):
        if predicate():
            return
        await asyncio.sleep(0.01)
    assert predicate(), "condition not met in time"
