"""The ``dramabot`` entry point as a host runs it: a real process, real signals."""

from __future__ import annotations

import asyncio
import re
import signal
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from emulator import DiscordEmulator
from tests.helpers import TOKEN, Server, clean_env, run_entry, start_until_connected


async def test_without_a_token_it_says_exactly_what_to_do(tmp_path: Path) -> None:
    code, stderr = await run_entry(tmp_path, clean_env())
    assert code == 2
    assert stderr.count("\n") == 1 and "Traceback" not in stderr
    assert "DISCORD_TOKEN is not set" in stderr
    assert "https://discord.com/developers/applications" in stderr and ".env" in stderr


async def test_a_token_in_dot_env_is_read_and_a_bad_key_named(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"DISCORD_TOKEN={TOKEN}\nDATABASE_URL=mysql://db/dramabot\n")
    code, stderr = await run_entry(tmp_path, clean_env())
    assert code == 2
    assert stderr.startswith("dramabot: DATABASE_URL: only SQLite and PostgreSQL are supported")


async def test_part_of_the_shards_on_sqlite_is_refused_in_one_line(tmp_path: Path) -> None:
    code, stderr = await run_entry(tmp_path, clean_env(DISCORD_TOKEN=TOKEN, SHARD_COUNT="4", SHARD_IDS="2-3"))
    assert code == 2
    assert stderr.count("\n") == 1 and "Traceback" not in stderr
    assert stderr.startswith("dramabot: SHARD_IDS=2-3 runs only part of SHARD_COUNT=4's shards")
    assert not (tmp_path / "data").exists()  # refused before the database was touched


async def test_a_token_discord_refuses_is_reported_in_one_line(
    emulator: DiscordEmulator, tmp_path: Path
) -> None:
    env = clean_env(
        DISCORD_TOKEN="d3Jvbmc.dG9rZW4.Zm9yIHN1cmU",
        DISCORD_API_BASE=emulator.api_base,
        DISCORD_GATEWAY_URL=emulator.gateway_url,
        LOG_LEVEL="CRITICAL",
    )
    code, stderr = await run_entry(tmp_path, env)
    assert code == 1
    assert stderr.strip() == (
        "dramabot: DISCORD_TOKEN was refused by Discord. Reset the token at "
        "https://discord.com/developers/applications > your app > Bot, and update .env"
    )


async def test_sigterm_closes_the_bot_and_the_database_cleanly(
    emulator: DiscordEmulator, server: Server, tmp_path: Path
) -> None:
    env = clean_env(
        DISCORD_TOKEN=TOKEN, DISCORD_API_BASE=emulator.api_base, DISCORD_GATEWAY_URL=emulator.gateway_url
    )
    process, _ = await start_until_connected(tmp_path, env)
    result = await emulator.invoke(server.alice, "score episode", number=16)
    assert "5/5" in result.message.embeds[0]["description"]

    process.send_signal(signal.SIGTERM)
    _, rest = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0
    assert "Received SIGTERM; shutting down" in rest.decode()
    assert "Closed the database" in rest.decode()
    assert (tmp_path / "data" / "dramabot.db").exists()


async def test_ctrl_c_stops_a_running_bot_with_status_0(
    emulator: DiscordEmulator, server: Server, tmp_path: Path
) -> None:
    env = clean_env(
        DISCORD_TOKEN=TOKEN, DISCORD_API_BASE=emulator.api_base, DISCORD_GATEWAY_URL=emulator.gateway_url
    )
    process, _ = await start_until_connected(tmp_path, env)
    process.send_signal(signal.SIGINT)
    _, rest = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0
    assert "Received SIGINT; shutting down" in rest.decode()
    assert "Traceback" not in rest.decode() and "KeyboardInterrupt" not in rest.decode()


async def test_the_start_up_log_counts_servers_and_says_nothing_about_voice(
    emulator: DiscordEmulator, server: Server, tmp_path: Path
) -> None:
    env = clean_env(
        DISCORD_TOKEN=TOKEN, DISCORD_API_BASE=emulator.api_base, DISCORD_GATEWAY_URL=emulator.gateway_url
    )
    process, log = await start_until_connected(tmp_path, env)
    process.send_signal(signal.SIGTERM)
    await asyncio.wait_for(process.communicate(), timeout=30)

    (connected,) = [line for line in log if "Connected as" in line]
    assert connected.rstrip().endswith(" to 1 server")
    text = "".join(log)
    # dramabot never uses voice: discord.py's warnings about missing voice libraries are noise...
    assert "PyNaCl" not in text and "davey" not in text and "voice will NOT be supported" not in text
    # ...but only those are silenced: discord.py's own log still comes through.
    assert "logging in using static token" in text


async def test_the_process_freezes_its_start_up_heap_at_ready_so_full_collections_stay_short(
    emulator: DiscordEmulator, server: Server, tmp_path: Path
) -> None:
    env = clean_env(
        DISCORD_TOKEN=TOKEN,
        DISCORD_API_BASE=emulator.api_base,
        DISCORD_GATEWAY_URL=emulator.gateway_url,
        LOG_LEVEL="DEBUG",
    )
    process, log = await start_until_connected(tmp_path, env)
    result = await emulator.invoke(server.alice, "score episode", number=16)
    assert "5/5" in result.message.embeds[0]["description"]
    process.send_signal(signal.SIGTERM)
    _, rest = await asyncio.wait_for(process.communicate(), timeout=30)
    frozen = re.findall(r"Froze (\d+) objects built at start-up", "".join(log) + rest.decode())
    assert len(frozen) == 1 and int(frozen[0]) > 10_000, frozen  # discord.py and the bot's modules alone


async def test_a_sharded_process_says_which_shards_it_runs_and_what_each_holds(
    emulator: DiscordEmulator, server: Server, tmp_path: Path
) -> None:
    env = clean_env(
        DISCORD_TOKEN=TOKEN,
        DISCORD_API_BASE=emulator.api_base,
        DISCORD_GATEWAY_URL=emulator.gateway_url,
        SHARD_COUNT="1",
    )
    process, log = await start_until_connected(tmp_path, env)
    result = await emulator.invoke(server.alice, "score episode", number=16)
    assert "5/5" in result.message.embeds[0]["description"]
    process.send_signal(signal.SIGTERM)
    _, rest = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0
    text = "".join(log) + rest.decode()
    assert "This process runs 1 shard (0) of 1: shard 0 holds 1 server" in text
    assert "Traceback" not in text


@pytest.mark.parametrize(
    "where",
    ["127.0.0.1:1", "192.0.2.1:5432"],  # nothing listens there; TEST-NET-1, reached by no route
    ids=["refused", "unreachable"],
)
async def test_a_postgresql_server_that_cannot_be_reached_is_one_line_without_the_password(
    emulator: DiscordEmulator, tmp_path: Path, where: str
) -> None:
    env = clean_env(
        DISCORD_TOKEN=TOKEN,
        DISCORD_API_BASE=emulator.api_base,
        DISCORD_GATEWAY_URL=emulator.gateway_url,
        DATABASE_URL=f"postgresql://bot:s3cret-pw@{where}/drama",
    )
    code, stderr = await run_entry(tmp_path, env)
    lines = [line for line in stderr.splitlines() if line.startswith("dramabot:")]
    assert code == 1 and len(lines) == 1, stderr
    assert lines[0].startswith(
        f"dramabot: cannot open the PostgreSQL database postgresql://bot:***@{where}/drama: "
    )
    assert any(cause in lines[0] for cause in ("ConnectionRefusedError", "TimeoutError", "OSError")), lines[0]
    assert "s3cret-pw" not in stderr and "Traceback" not in stderr


async def test_a_wrong_postgresql_password_is_one_line_that_never_shows_either_password(
    emulator: DiscordEmulator, tmp_path: Path, postgresql_url: str
) -> None:
    given = urlsplit(postgresql_url)
    if not given.password:
        pytest.skip("the test server was given without a password (TEST_DATABASE_URL): nothing to get wrong")
    where = f"{given.hostname}:{given.port}"
    env = clean_env(
        DISCORD_TOKEN=TOKEN,
        DISCORD_API_BASE=emulator.api_base,
        DISCORD_GATEWAY_URL=emulator.gateway_url,
        DATABASE_URL=f"postgresql://{given.username}:not-{given.password}@{where}{given.path}",
    )
    code, stderr = await run_entry(tmp_path, env)
    lines = [line for line in stderr.splitlines() if line.startswith("dramabot:")]
    assert code == 1 and len(lines) == 1, stderr
    shown = f"postgresql://{given.username}:***@{where}{given.path}"
    assert lines[0].startswith(f"dramabot: cannot open the PostgreSQL database {shown}: "), lines[0]
    assert "password authentication failed" in lines[0], lines[0]
    assert given.password not in stderr and "Traceback" not in stderr
