"""Point discord.py at a REST base and a gateway URL other than Discord's own.

discord.py reads both from class attributes (``Route.BASE`` and ``DiscordWebSocket.DEFAULT_GATEWAY``)
at request and connect time, and has no option for them. The bot (a REST proxy, or the emulator
from ``DISCORD_API_BASE``/``DISCORD_GATEWAY_URL``), the emulator's harness and the benchmark's
baseline bot all set them through this one function. It lives outside ``bot`` and ``emulator``
because each of them uses it and neither may import the other.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import yarl


def point_discord_at(api_base: str, gateway_url: str) -> Callable[[], None]:
    """Send discord.py's REST calls to ``api_base`` and its gateway to ``gateway_url``.

    Returns a function that puts back what was there before.
    """
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    saved = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    Route.BASE = api_base.rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)

    def restore() -> None:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved

    return restore


@contextlib.contextmanager
def discord_pointed_at(api_base: str, gateway_url: str) -> Iterator[None]:
    """:func:`point_discord_at` for the duration of a ``with`` block."""
    restore = point_discord_at(api_base, gateway_url)
    try:
        yield
    finally:
        restore()
