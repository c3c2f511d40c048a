"""Getting the bot onto Discord: log in and reach the gateway, retrying while Discord is unreachable.

A host who starts the bot while the network (or Discord) is down sees one warning line per
retry and, if it never comes back within the bound, one line that names the cause and the fix:
never a traceback. :func:`explain` words every start-up failure the host can fix.
"""

from __future__ import annotations

import asyncio
import errno
import gc
import logging
import os
import socket
import sqlite3
import ssl
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import discord
from discord.gateway import DiscordWebSocket
from discord.http import INTERNAL_API_VERSION
from discord.utils import MISSING

from bot.bot import DramaBot
from bot.settings import DEFAULT_CONNECT_TIMEOUT, Settings
from bot.showfile import ShowFileError
from bot.store.errors import ReadUnavailable, SchemaError, WriteUnavailable
from bot.store.opening import StoreOpenError, describe_open_failure
from bot.text import t
from discord_endpoints import point_discord_at

log = logging.getLogger(__name__)

_FIRST_DELAY = 5.0
_MAX_DELAY = 60.0
_ATTEMPT_TIMEOUT = 30.0

# What failing to reach a server looks like: aiohttp's errors, the OS's, a 5xx from Discord.
_NETWORK_ERRORS = (OSError, aiohttp.ClientError, discord.DiscordServerError)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How long and how often start-up retries while Discord cannot be reached.

    The delays double from ``first_delay`` up to ``max_delay``; after ``give_up_after`` seconds of
    failing, start-up gives up. One attempt (a login request, a gateway handshake) that gets no
    answer within ``attempt_timeout`` counts as a failure.
    """

    give_up_after: float = DEFAULT_CONNECT_TIMEOUT
    first_delay: float = _FIRST_DELAY
    max_delay: float = _MAX_DELAY
    attempt_timeout: float = _ATTEMPT_TIMEOUT

    @classmethod
    def within(cls, seconds: float) -> RetryPolicy:
        """Give up after ``seconds``; a short bound shrinks the steps so it still retries a few times."""
        return cls(
            give_up_after=seconds,
            first_delay=min(_FIRST_DELAY, seconds / 8),
            attempt_timeout=min(_ATTEMPT_TIMEOUT, seconds / 2),
        )

    def delays(self) -> Iterator[float]:
        delay = self.first_delay
        while True:
            yield delay
            delay = min(delay * 2, self.max_delay)


@dataclass(frozen=True, slots=True)
class Cause:
    """Why a server could not be reached: ``host.discord.cause.<code>``, with ``detail`` put in."""

    code: str  # refused | dns | tls | timeout | dropped | no_route | server_error | handshake | other
    detail: str = ""


class DiscordUnreachable(Exception):
    """Discord could not be reached at ``url`` (the setting ``key``), for ``waited`` seconds.

    ``waited`` is None when the connection went away while the bot was setting up, after login:
    that is not retried, since setting up (store, catalog, command sync) runs once.
    """

    def __init__(self, url: str, key: str, cause: Cause, waited: float | None) -> None:
        super().__init__(url, key, cause, waited)
        self.url = url
        self.key = key
        self.cause = cause
        self.waited = waited


def quiet_voice_warnings() -> None:
    """Silence discord.py's two "voice will NOT be supported" warnings, and only those.

    dramabot never joins a voice channel, so a missing PyNaCl or davey is not worth a warning at
    every start. discord.py warns once per process when these class flags are set, so clearing them
    before the first Client is made is exactly that.
    """
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False


def point_at(settings: Settings) -> None:
    """Send REST and gateway traffic where the settings say (Discord, a proxy, or the emulator).

    discord.py reads both class attributes at request/connect time, so they must be set before login.
    """
    point_discord_at(settings.api_base, settings.gateway_url)


async def serve(settings: Settings, policy: RetryPolicy, stop: asyncio.Event) -> None:
    """Run the bot until Discord closes the connection for good or ``stop`` is set.

    A stop cancels whatever is under way (opening the store, logging in, waiting to retry,
    serving); the bot and its store are closed before this returns. A start-up failure is
    raised: :func:`explain` words it.
    """
    point_at(settings)
    bot = DramaBot(settings)
    bot.add_listener(freeze_start_up_heap, "on_ready")
    async with bot:
        work = asyncio.create_task(connect(bot, settings, policy), name="dramabot-connect")
        stopping = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({work, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            work.cancel()
            # Awaited, not fired and forgotten: the store must be closed before the loop ends.
            try:
                await work  # re-raises why start-up failed, e.g. a refused token
            except asyncio.CancelledError:
                if not stop.is_set():
                    raise


async def freeze_start_up_heap() -> None:
    """Put what start-up built, the server cache above all, out of the garbage collector's way.

    Python's full collection walks every tracked object: with 10,000 servers cached that stopped
    the bot for 0.1–0.3 s several times a minute under load, the p99 of every command
    (bench/cluster.py). Frozen objects are never walked. At each READY, after a reconnect too:
    unfreezing first lets the collector free what the previous READY's cache left behind. The
    process's policy, so it is set here and not by the Bot (tests run many bots in one process).
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    log.debug(
        "Froze %d objects built at start-up out of the garbage collector's walks", gc.get_freeze_count()
    )


async def connect(bot: discord.Client, settings: Settings, policy: RetryPolicy) -> None:
    """Log in (which sets the bot up), reach the gateway, then serve until the connection ends."""
    await log_in(bot, settings.discord_token, url=settings.api_base, policy=policy)
    await reach_gateway(bot, url=settings.gateway_url, policy=policy)
    await bot.connect(reconnect=True)


async def log_in(bot: discord.Client, token: str, *, url: str, policy: RetryPolicy) -> None:
    """``bot.login(token)``, retried while Discord cannot be reached.

    Raises :class:`DiscordUnreachable` after ``policy.give_up_after`` seconds of failing, and
    :class:`discord.LoginFailure` at once for a refused token.
    """

    async def attempt() -> None:
        try:
            await _log_in_once(bot, token, policy.attempt_timeout)
        except _NETWORK_ERRORS:
            if _setting_up(bot):
                raise
            # Each login makes a new HTTP session; close this one, and let discord.py make a new
            # connector too, as closing the session closed the one it had.
            await bot.http.close()
            bot.http.connector = MISSING
            raise

    await _retrying(
        attempt, url=url, key="DISCORD_API_BASE", policy=policy, can_retry=lambda: not _setting_up(bot)
    )


async def reach_gateway(bot: discord.Client, *, url: str, policy: RetryPolicy) -> None:
    """Open one websocket to the gateway, wait for its HELLO and close it, retrying while that fails.

    discord.py retries a gateway connection only once it has had one: when the very first fails it
    crashes (AttributeError on ``self.ws.sequence``). Checking first keeps a gateway that is down at
    start-up to the same retries and the same one-line messages as the API.
    """
    gateway = DiscordWebSocket.DEFAULT_GATEWAY.with_query(v=INTERNAL_API_VERSION, encoding="json")

    async def attempt() -> None:
        async with asyncio.timeout(policy.attempt_timeout):
            websocket = await bot.http.ws_connect(str(gateway))
            try:
                message = await websocket.receive()
            finally:
                await websocket.close()
        if message.type not in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
            raise aiohttp.ServerDisconnectedError(message.extra)

    await _retrying(attempt, url=url, key="DISCORD_GATEWAY_URL", policy=policy)


def _setting_up(bot: discord.Client) -> bool:
    # Client.login sets the application id from its last request, right before it awaits setup_hook.
    return bot.application_id is not None


async def _log_in_once(bot: discord.Client, token: str, seconds: float) -> None:
    """One ``bot.login``, whose requests to Discord must answer within ``seconds``.

    Only the requests are timed: setup_hook (store, catalog, command sync) starts inside login,
    right after them, and must not be cut short.
    """
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(None) as deadline:

        def expire_unless_setting_up() -> None:
            if not _setting_up(bot):
                deadline.reschedule(loop.time())

        timer = loop.call_later(seconds, expire_unless_setting_up)
        try:
            await bot.login(token)
        finally:
            timer.cancel()


async def _retrying(
    attempt: Callable[[], Awaitable[None]],
    *,
    url: str,
    key: str,
    policy: RetryPolicy,
    can_retry: Callable[[], bool] = lambda: True,
) -> None:
    loop = asyncio.get_running_loop()
    delays = policy.delays()
    failing_since: float | None = None
    while True:
        started = loop.time()
        try:
            await attempt()
            return
        except _NETWORK_ERRORS as exc:
            if not can_retry():
                if isinstance(exc, aiohttp.ClientError | discord.DiscordServerError):
                    cause = cause_of(exc, policy.attempt_timeout)
                    assert cause is not None  # a network error always has a cause
                    raise DiscordUnreachable(url, key, cause, None) from exc
                raise
            cause = cause_of(exc, policy.attempt_timeout)
            if cause is None:
                raise
            failing_since = started if failing_since is None else failing_since
            waited = loop.time() - failing_since
            if waited >= policy.give_up_after:
                raise DiscordUnreachable(url, key, cause, waited) from exc
            delay = min(next(delays), policy.give_up_after - waited)
            log.warning(
                "%s", t("host.discord.retrying", url=url, cause=explain_cause(cause), delay=_seconds(delay))
            )
            await asyncio.sleep(delay)


def cause_of(exc: BaseException, attempt_timeout: float) -> Cause | None:
    """Why a request or websocket could not reach its server; None if ``exc`` is something else."""
    if isinstance(exc, TimeoutError):
        return Cause("timeout", _seconds(attempt_timeout))
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return Cause("dns", exc.host)
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        error = exc.certificate_error
        return Cause("tls", getattr(error, "verify_message", None) or str(error))
    if isinstance(exc, aiohttp.ClientSSLError):
        return Cause("tls", _ssl_reason(exc.os_error))
    if isinstance(exc, ssl.SSLError):
        return Cause("tls", _ssl_reason(exc))
    if isinstance(exc, aiohttp.WSServerHandshakeError):
        return Cause("handshake", str(exc.status))
    if isinstance(exc, discord.DiscordServerError):
        return Cause("server_error", str(exc.status))
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError):
        return Cause("dropped")
    os_error = exc.os_error if isinstance(exc, aiohttp.ClientConnectorError) else exc
    if isinstance(os_error, socket.gaierror):
        host = exc.host if isinstance(exc, aiohttp.ClientConnectorError) else "the host"
        return Cause("dns", host)
    # A plain OSError about a file (PermissionError, ENOSPC) is not about the network.
    if isinstance(os_error, ConnectionRefusedError):
        return Cause("refused")
    if isinstance(os_error, ConnectionError):
        return Cause("dropped")
    if isinstance(os_error, OSError) and os_error.errno in {
        errno.ENETUNREACH,
        errno.EHOSTUNREACH,
        errno.ENETDOWN,
        errno.EHOSTDOWN,
    }:
        return Cause("no_route", os_error.strerror or str(os_error))
    if isinstance(exc, aiohttp.ClientError):
        return Cause("other", str(os_error) or type(exc).__name__)
    return None


def _ssl_reason(error: BaseException) -> str:
    return getattr(error, "reason", None) or str(error)


def _seconds(value: float) -> str:
    """``10``, ``2.5``, ``0.25``: as few digits as say it."""
    return f"{value:.2f}".rstrip("0").rstrip(".") if value < 10 else f"{value:.0f}"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return t("host.n.seconds", count=max(1, round(seconds)))
    return t("host.n.minutes", count=round(seconds / 60))


def explain_cause(cause: Cause) -> str:
    return t(f"host.discord.cause.{cause.code}", detail=cause.detail)


# -- every start-up failure, in one line ---------------------------------------------------------


def explain(exc: BaseException, settings: Settings) -> str | None:
    """The one line a host reads for ``exc``, or None when it is not a start-up problem (a bug)."""
    if isinstance(exc, discord.LoginFailure):
        return t("host.discord.token_refused")
    if isinstance(exc, DiscordUnreachable):
        cause = explain_cause(exc.cause)
        if exc.waited is None:
            return t("host.discord.lost", url=exc.url, cause=cause)
        return t("host.discord.gave_up", url=exc.url, cause=cause, waited=_duration(exc.waited), key=exc.key)
    if isinstance(exc, discord.HTTPException) and not isinstance(exc, discord.DiscordServerError):
        text = exc.text or exc.response.reason or ""
        return t("host.discord.http_error", url=settings.api_base, status=exc.status, text=text)
    if isinstance(exc, ShowFileError):
        return str(exc)
    if settings.database_url.is_postgresql and isinstance(exc, StoreOpenError):
        # The failure's path is the database's name; the host needs the server it was looking for.
        return t("host.store.postgresql", url=settings.database_url.redacted(), detail=exc.detail)
    if _about_the_database(exc, settings.database_path):
        return explain_store_failure(describe_open_failure(exc, settings.database_path))
    return None


def explain_store_failure(error: StoreOpenError) -> str:
    path = Path(os.path.abspath(error.path))
    where = Path(os.path.abspath(error.where)) if error.where is not None else path.parent
    folder = path.parent
    while not folder.exists() and folder != folder.parent:  # `df -h` needs a folder that exists
        folder = folder.parent
    facts: dict[str, object] = {
        "path": path,
        "detail": error.detail,
        "where": where,
        "folder": folder,
        "found_version": error.found_version,
        "known_version": error.known_version,
        "migration": error.migration or "?",
    }
    if error.why:
        facts["why"] = t(f"host.store.why.{error.why}")
        facts["fix"] = t(f"host.store.fix.{error.why}")
    elif error.reason in {"folder_unwritable", "file_unwritable"}:
        facts["why"] = error.detail
        facts["fix"] = t("host.store.fix.permission_denied")
    return t(f"host.store.{error.reason}", **facts)


def _about_the_database(exc: BaseException, path: Path) -> bool:
    """Whether ``exc``, raised during start-up, is about the database file rather than anything else.

    Opening the store and saving the catalog are the only database work before the bot is ready.
    """
    if isinstance(exc, StoreOpenError | SchemaError | WriteUnavailable | ReadUnavailable | sqlite3.Error):
        return True
    if isinstance(exc, OSError) and not isinstance(exc, aiohttp.ClientError) and exc.filename:
        # mkdir of the database's folder, or a file beside it (-wal, -shm).
        culprit = Path(os.path.abspath(os.fsdecode(exc.filename)))
        database = Path(os.path.abspath(path))
        return culprit == database or culprit in database.parents or culprit.parent == database.parent
    return False
