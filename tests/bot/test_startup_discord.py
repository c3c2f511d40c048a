"""Starting while Discord cannot be reached: retried, said in one line a retry, given up in one line.

Each story runs the real ``python -m bot`` against a port nothing listens on, a server that accepts
and never answers, or the emulator, with DISCORD_CONNECT_TIMEOUT short enough for a test.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import re
import signal
import socket
import ssl
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import discord
import pytest

from bot.settings import Settings
from bot.startup import Cause, DiscordUnreachable, RetryPolicy, cause_of, explain, explain_cause
from emulator import DiscordEmulator
from tests.helpers import TOKEN, Server, clean_env, run_bot, run_entry, settings_for

RETRYING = re.compile(r"cannot reach Discord at (\S+): (.+); retrying in ([\d.]+) s$")


def closed_port() -> int:
    """A local port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
async def silent_server() -> AsyncIterator[int]:
    """A local TCP server that accepts connections and never answers a byte."""

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # until the bot hangs up
        writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()


def unreachable_env(port: int, **values: str) -> dict[str, str]:
    return clean_env(
        **{
            "DISCORD_TOKEN": TOKEN,
            "DISCORD_API_BASE": f"http://127.0.0.1:{port}/api/v10",
            "DISCORD_GATEWAY_URL": f"ws://127.0.0.1:{port}/gateway",
            "LOG_LEVEL": "WARNING",
            **values,
        }
    )


def retries_and_last_line(stderr: str) -> tuple[list[re.Match[str]], str]:
    """The retry warnings in the log, and the final line; every line must be one of them."""
    lines = stderr.strip().splitlines()
    assert "Traceback" not in stderr, stderr
    retries = [RETRYING.search(line) for line in lines[:-1]]
    assert all(retries), stderr
    return [match for match in retries if match], lines[-1]


async def test_a_closed_port_is_retried_with_backoff_then_given_up_in_one_line(tmp_path: Path) -> None:
    port = closed_port()
    started = time.monotonic()
    code, stderr = await run_entry(tmp_path, unreachable_env(port, DISCORD_CONNECT_TIMEOUT="2"))
    assert code == 1
    assert time.monotonic() - started < 15
    retries, last = retries_and_last_line(stderr)
    api = f"http://127.0.0.1:{port}/api/v10"
    assert len(retries) >= 2
    assert {match[1] for match in retries} == {api}
    assert {match[2] for match in retries} == {"connection refused"}
    delays = [float(match[3]) for match in retries]
    assert delays[1] == 2 * delays[0]  # exponential backoff
    assert last == (
        f"dramabot: cannot reach Discord at {api} (connection refused); gave up after 2 seconds. "
        "Check the network connection, DNS, any firewall or proxy, and DISCORD_API_BASE, "
        "then start the bot again"
    )


async def test_a_login_that_never_gets_an_answer_times_out_and_is_retried(
    silent_server: int, tmp_path: Path
) -> None:
    started = time.monotonic()
    code, stderr = await run_entry(tmp_path, unreachable_env(silent_server, DISCORD_CONNECT_TIMEOUT="2"))
    assert code == 1
    assert time.monotonic() - started < 15
    retries, last = retries_and_last_line(stderr)
    assert retries and {match[2] for match in retries} == {"no answer within 1 s"}
    assert last.startswith(f"dramabot: cannot reach Discord at http://127.0.0.1:{silent_server}/api/v10")
    assert "(no answer within 1 s); gave up after 2 seconds" in last


async def test_a_gateway_that_is_down_is_retried_like_the_api(
    emulator: DiscordEmulator, server: Server, tmp_path: Path
) -> None:
    # The API answers (login works), but nothing listens where the gateway should be.
    gateway = f"ws://127.0.0.1:{closed_port()}/gateway"
    env = clean_env(
        DISCORD_TOKEN=TOKEN,
        DISCORD_API_BASE=emulator.api_base,
        DISCORD_GATEWAY_URL=gateway,
        DISCORD_CONNECT_TIMEOUT="2",
        LOG_LEVEL="WARNING",
    )
    code, stderr = await run_entry(tmp_path, env)
    assert code == 1
    retries, last = retries_and_last_line(stderr)
    assert retries and {match[1] for match in retries} == {gateway}
    assert last.startswith(f"dramabot: cannot reach Discord at {gateway} (connection refused)")
    assert "DISCORD_GATEWAY_URL" in last
    assert (tmp_path / "data" / "dramabot.db").exists()  # set up once, and closed again


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_a_stop_while_retrying_ends_at_once_with_status_0(
    tmp_path: Path, signum: signal.Signals
) -> None:
    env = unreachable_env(closed_port(), DISCORD_CONNECT_TIMEOUT="600", LOG_LEVEL="INFO")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=tmp_path, env=env, stderr=asyncio.subprocess.PIPE
    )
    assert process.stderr is not None
    log: list[str] = []
    async with asyncio.timeout(30):
        while not any("retrying in" in line for line in log):
            line = (await process.stderr.readline()).decode()
            assert line, "the bot exited before retrying:\n" + "".join(log)
            log.append(line)
    process.send_signal(signum)
    started = time.monotonic()
    _, rest = await asyncio.wait_for(process.communicate(), timeout=10)
    assert process.returncode == 0
    assert time.monotonic() - started < 3
    assert f"Received {signum.name}; shutting down" in rest.decode()
    assert "Traceback" not in rest.decode()


async def test_when_discord_comes_back_during_the_retries_the_bot_connects(tmp_path: Path) -> None:
    port = closed_port()
    env = unreachable_env(port, DISCORD_CONNECT_TIMEOUT="60", LOG_LEVEL="INFO")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=tmp_path, env=env, stderr=asyncio.subprocess.PIPE
    )
    assert process.stderr is not None
    emulator: DiscordEmulator | None = None
    log: list[str] = []
    try:
        async with asyncio.timeout(60):
            while not any("Connected as" in line for line in log):
                line = (await process.stderr.readline()).decode()
                assert line, "the bot exited before connecting:\n" + "".join(log)
                log.append(line)
                if emulator is None and "retrying in" in line:
                    # Discord is back (on the same address) while the bot waits to retry.
                    emulator = DiscordEmulator(token=TOKEN, port=port)
                    await emulator.start()
                    guild = emulator.add_guild("Drama Club")
                    alice = emulator.add_member(guild, emulator.add_user("alice"))
        assert emulator is not None
        result = await emulator.invoke(alice, "score episode", number=16)
        assert "5/5" in result.message.embeds[0]["description"]
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.communicate(), timeout=30)
        assert process.returncode == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        if emulator is not None:
            await emulator.stop()


async def test_a_refused_token_is_not_retried(emulator: DiscordEmulator, tmp_path: Path) -> None:
    env = clean_env(
        DISCORD_TOKEN="d3Jvbmc.dG9rZW4.Zm9yIHN1cmU",
        DISCORD_API_BASE=emulator.api_base,
        DISCORD_GATEWAY_URL=emulator.gateway_url,
        DISCORD_CONNECT_TIMEOUT="600",
        LOG_LEVEL="WARNING",
    )
    code, stderr = await asyncio.wait_for(run_entry(tmp_path, env), timeout=15)
    assert code == 1
    assert stderr.strip().startswith("dramabot: DISCORD_TOKEN was refused by Discord")
    assert "retrying" not in stderr


# -- DEV_GUILD_ID ----------------------------------------------------------------------------------


async def test_a_dev_guild_the_bot_is_not_in_is_one_warning_and_the_bot_runs_on(
    emulator: DiscordEmulator, server: Server, database: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = settings_for(emulator, database, DEV_GUILD_ID="424242424242")
    with caplog.at_level(logging.WARNING, logger="bot.bot"):
        async with run_bot(emulator, settings):
            result = await emulator.invoke(server.alice, "score episode", number=16)
            assert "5/5" in result.message.embeds[0]["description"]
    (warning,) = [record for record in caplog.records if record.name == "bot.bot"]
    assert warning.levelno == logging.WARNING
    message = warning.getMessage()
    assert message.startswith("DEV_GUILD_ID 424242424242 is not a server this bot is in")
    assert "invite the bot" in message and "leave DEV_GUILD_ID empty" in message
    assert "\n" not in message
    assert emulator.registered_commands(guild_id=424242424242) == []


# -- what each failure is called ---------------------------------------------------------------------


def test_the_default_policy_gives_up_after_two_minutes_and_backs_off_exponentially() -> None:
    policy = RetryPolicy.within(120)
    assert policy == RetryPolicy()
    delays = policy.delays()
    assert [next(delays) for _ in range(6)] == [5, 10, 20, 40, 60, 60]
    assert policy.attempt_timeout == 30
    short = RetryPolicy.within(2)
    assert (short.first_delay, short.attempt_timeout) == (0.25, 1)


class _Key:
    """Enough of aiohttp's ConnectionKey for its connector errors to describe themselves."""

    host = "discord.com"
    port = 443
    ssl = True


def _response_error(status: int) -> discord.DiscordServerError:
    response = type("Response", (), {"status": status, "reason": "Service Unavailable"})()
    return discord.DiscordServerError(response, {"message": "upstream", "code": 0})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("exc", "cause"),
    [
        (
            aiohttp.ClientConnectorError(_Key(), ConnectionRefusedError(errno.ECONNREFUSED, "refused")),
            "refused",
        ),  # type: ignore[arg-type]
        (aiohttp.ClientConnectorDNSError(_Key(), socket.gaierror(-2, "Name or service not known")), "dns"),  # type: ignore[arg-type]
        (
            aiohttp.ClientConnectorError(_Key(), OSError(errno.ENETUNREACH, "Network is unreachable")),
            "no_route",
        ),  # type: ignore[arg-type]
        (aiohttp.ClientConnectorSSLError(_Key(), ssl.SSLError(1, "wrong version number")), "tls"),  # type: ignore[arg-type]
        (TimeoutError(), "timeout"),
        (aiohttp.ServerDisconnectedError(), "dropped"),
        (ConnectionResetError(errno.ECONNRESET, "reset"), "dropped"),
        (_response_error(503), "server_error"),
    ],
)
def test_why_discord_could_not_be_reached(exc: BaseException, cause: str) -> None:
    found = cause_of(exc, attempt_timeout=30)
    assert found is not None and found.code == cause


def test_a_file_error_is_not_mistaken_for_the_network() -> None:
    assert cause_of(PermissionError(errno.EACCES, "Permission denied", "data"), attempt_timeout=30) is None


def test_each_way_of_not_reaching_discord_reads_as_one_line() -> None:
    settings = Settings.from_env({"DISCORD_TOKEN": TOKEN})
    api = "https://discord.com/api/v10"
    dns = DiscordUnreachable(api, "DISCORD_API_BASE", Cause("dns", "discord.com"), waited=121.4)
    assert explain(dns, settings) == (
        f"cannot reach Discord at {api} (the name discord.com does not resolve (DNS)); gave up after "
        "2 minutes. Check the network connection, DNS, any firewall or proxy, and DISCORD_API_BASE, "
        "then start the bot again"
    )
    lost = DiscordUnreachable(api, "DISCORD_API_BASE", Cause("dropped"), waited=None)
    assert explain(lost, settings) == (
        f"lost the connection to Discord at {api} while starting (the connection was dropped); "
        "start the bot again"
    )
    assert explain(discord.LoginFailure(), settings) == (
        "DISCORD_TOKEN was refused by Discord. Reset the token at "
        "https://discord.com/developers/applications > your app > Bot, and update .env"
    )
    assert explain(RuntimeError("a bug"), settings) is None


@pytest.mark.parametrize(
    "code", ["refused", "dns", "tls", "timeout", "dropped", "no_route", "server_error", "handshake", "other"]
)
def test_every_cause_has_its_words(code: str) -> None:
    words = explain_cause(Cause(code, "x"))
    assert words and "{" not in words and "\n" not in words
