"""A DATABASE_URL the bot cannot use stops start-up with one line: the cause, and what to do.

Each story starts the real ``python -m bot`` (against the emulator, so login works) on a database
that is not one, is damaged, is newer, or sits where the bot cannot write. The tests run as root,
for whom permissions do not stop anything, so "cannot write" is a read-only filesystem and "full"
a tiny one: each mounted in a private mount namespace (``unshare --mount``) that lives and dies
with the bot's process, so nothing is left mounted on the machine.
"""

from __future__ import annotations

import asyncio
import errno
import os
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.startup import explain_store_failure
from bot.store.errors import SchemaError
from bot.store.opening import REASONS, WHY, StoreOpenError, describe_open_failure
from emulator import DiscordEmulator
from tests.helpers import TOKEN, Server, clean_env, start_until_connected


def _can_mount() -> bool:
    if shutil.which("unshare") is None or os.geteuid() != 0:
        return False
    probe = ["unshare", "--mount", "--propagation", "private", "mount", "-t", "tmpfs", "tmpfs", "/mnt"]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


needs_mount = pytest.mark.skipif(
    not _can_mount(), reason="needs root and mount namespaces (unshare --mount) to mount a tmpfs"
)


def bot_env(emulator: DiscordEmulator, database: Path) -> dict[str, str]:
    return clean_env(
        DISCORD_TOKEN=TOKEN,
        DISCORD_API_BASE=emulator.api_base,
        DISCORD_GATEWAY_URL=emulator.gateway_url,
        DATABASE_URL=f"sqlite:///{database}",
        DISCORD_CONNECT_TIMEOUT="5",
        LOG_LEVEL="WARNING",
    )


async def start_failing(
    emulator: DiscordEmulator, cwd: Path, database: Path, *, mounts: str | None = None
) -> str:
    """Start the bot on ``database`` (after the shell commands ``mounts``, in a private mount
    namespace); it must exit 1. Returns its stderr."""
    command = [sys.executable, "-m", "bot"]
    if mounts is not None:
        script = f"{mounts} && exec {shlex.join(command)}"
        command = ["unshare", "--mount", "--propagation", "private", "sh", "-e", "-c", script]
    process = await asyncio.create_subprocess_exec(
        *command, cwd=cwd, env=bot_env(emulator, database), stderr=asyncio.subprocess.PIPE
    )
    before = emulator.gateway.identify_count
    ready = asyncio.create_task(emulator.wait_until_ready(30, identified_after=before))
    exited = asyncio.create_task(process.communicate())
    await asyncio.wait({ready, exited}, return_when=asyncio.FIRST_COMPLETED)
    ready.cancel()
    if not exited.done():
        process.send_signal(signal.SIGTERM)
        await exited
        pytest.fail(f"the bot started on {database} instead of refusing it")
    _, stderr = exited.result()
    assert process.returncode == 1, stderr.decode()
    return stderr.decode()


def one_line(stderr: str) -> str:
    """The whole of stderr, which must be one line: no traceback, no noise from a thread."""
    assert stderr.count("\n") == 1 and stderr.endswith("\n"), stderr
    assert stderr.startswith("dramabot: ")
    return stderr.removeprefix("dramabot: ").rstrip("\n")


def the_line(stderr: str) -> str:
    """The one ``dramabot:`` line, wherever aiosqlite's dying thread may have printed beside it.

    For the failures where SQLite refuses to open the file at all; the noise itself is
    test_a_failed_open_leaves_no_event_loop_noise_behind's to catch.
    """
    (line,) = [line for line in stderr.splitlines() if line.startswith("dramabot: ")]
    assert "Traceback" not in stderr or "Event loop is closed" in stderr, stderr
    return line.removeprefix("dramabot: ")


async def a_database_the_bot_has_used(emulator: DiscordEmulator, cwd: Path) -> Path:
    """Start the real bot once, so it creates and fills its database, and stop it."""
    env = clean_env(
        DISCORD_TOKEN=TOKEN, DISCORD_API_BASE=emulator.api_base, DISCORD_GATEWAY_URL=emulator.gateway_url
    )
    process, _ = await start_until_connected(cwd, env)
    process.send_signal(signal.SIGTERM)
    await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0
    database = cwd / "data" / "dramabot.db"
    assert database.exists() and not database.with_name("dramabot.db-wal").exists()
    return database


# -- the file itself ---------------------------------------------------------------------------------


async def test_a_file_that_is_not_a_database(
    emulator: DiscordEmulator, server: Server, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("my drama notes, not a database at all\n" * 20)
    line = one_line(await start_failing(emulator, tmp_path, notes))
    assert line == (
        f"{notes} is not a SQLite database (file is not a database). Point DATABASE_URL at the "
        "bot's database, or move this file away and the bot starts with a new, empty one"
    )
    assert notes.read_text().startswith("my drama notes")  # left as it was


async def test_a_truncated_database_says_how_to_restore_a_backup(
    emulator: DiscordEmulator, server: Server, tmp_path: Path
) -> None:
    database = await a_database_the_bot_has_used(emulator, tmp_path)
    size = database.stat().st_size
    with database.open("r+b") as file:  # the disk lost the second half of the file
        file.truncate(size // 2)
    line = one_line(await start_failing(emulator, tmp_path, database))
    assert line.startswith(f"the database {database} is damaged (database disk image is malformed).")
    assert f"Restore it from a backup: stop the bot, copy the backup over {database}" in line
    assert f"remove {database}-wal and {database}-shm if they exist (only while the bot is stopped" in line


async def test_a_database_from_a_newer_dramabot(
    emulator: DiscordEmulator, server: Server, tmp_path: Path
) -> None:
    database = tmp_path / "future.db"
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA user_version = 999")
    connection.close()
    line = one_line(await start_failing(emulator, tmp_path, database))
    assert line.startswith(f"the database {database} was written by a newer dramabot (schema version 999;")
    assert "Upgrade dramabot, or point DATABASE_URL at another file" in line


async def test_a_folder_where_the_database_file_should_be(
    emulator: DiscordEmulator, server: Server, tmp_path: Path
) -> None:
    (tmp_path / "dramabot.db").mkdir()
    # SQLite refuses to open it: until the store waits for aiosqlite's thread, noise may follow.
    line = the_line(await start_failing(emulator, tmp_path, tmp_path / "dramabot.db"))
    assert line.startswith(f"{tmp_path / 'dramabot.db'} is a folder, not a database file")


async def test_a_file_where_the_database_folder_should_be(
    emulator: DiscordEmulator, server: Server, tmp_path: Path
) -> None:
    (tmp_path / "data").write_text("")
    line = one_line(await start_failing(emulator, tmp_path, tmp_path / "data" / "dramabot.db"))
    assert line == (
        f"cannot create the database {tmp_path / 'data' / 'dramabot.db'}: {tmp_path / 'data'} is a "
        "file, not a folder; move it away or point DATABASE_URL elsewhere"
    )


# -- where it lives ----------------------------------------------------------------------------------


@needs_mount
async def test_a_database_on_a_read_only_filesystem(
    emulator: DiscordEmulator, server: Server, tmp_path: Path
) -> None:
    database = await a_database_the_bot_has_used(emulator, tmp_path)
    data = database.parent
    # The same files, remounted read-only (a backup volume, a container's read-only layer).
    mounts = f"mount --bind {data} {data} && mount -o remount,ro,bind {data}"
    line = one_line(await start_failing(emulator, tmp_path, database, mounts=mounts))
    assert line == (
        f"cannot write the database file {database}: the filesystem is mounted read-only; "
        "remount it read-write, or point DATABASE_URL at a writable filesystem"
    )


@needs_mount
async def test_a_new_database_in_a_read_only_folder_names_the_folder(
    emulator: DiscordEmulator, server: Server, tmp_path: Path
) -> None:
    folder = tmp_path / "readonly"
    folder.mkdir()
    stderr = await start_failing(
        emulator, tmp_path, folder / "data" / "dramabot.db", mounts=f"mount -t tmpfs -o ro tmpfs {folder}"
    )
    assert the_line(stderr) == (
        f"cannot write in the folder {folder}, which the database {folder / 'data' / 'dramabot.db'} needs "
        "for itself and for SQLite's -wal and -shm files beside it: the filesystem is mounted read-only; "
        "remount it read-write, or point DATABASE_URL at a writable filesystem"
    )


@needs_mount
async def test_a_failed_open_leaves_no_event_loop_noise_behind(
    emulator: DiscordEmulator, server: Server, tmp_path: Path
) -> None:
    # SQLite itself refuses to open here (the folder exists, the file cannot be created in it): that
    # is where aiosqlite leaves its worker thread to die noisily after the loop is closed.
    folder = tmp_path / "readonly"
    folder.mkdir()
    mounts = f"mount -t tmpfs -o ro tmpfs {folder}"
    for _ in range(10):  # the race is lost now and then, not every time
        stderr = await start_failing(emulator, tmp_path, folder / "dramabot.db", mounts=mounts)
        assert "Event loop is closed" not in stderr
        one_line(stderr)


@needs_mount
async def test_a_read_only_database_file_still_serves_reads_and_refuses_writes_truthfully(
    emulator: DiscordEmulator, server: Server, tmp_path: Path
) -> None:
    # Only the file is read-only; its folder is writable. The bot must start (it rewrites nothing
    # at start-up for an unchanged catalog), say once in its log that writes are refused, answer
    # /score, and tell a member who rates that nothing was saved.
    database = await a_database_the_bot_has_used(emulator, tmp_path)
    before = database.read_bytes()
    mounts = f"mount --bind {database} {database} && mount -o remount,ro,bind {database}"
    command = shlex.join([sys.executable, "-m", "bot"])
    script = f"{mounts} && exec {command}"
    process = await asyncio.create_subprocess_exec(
        "unshare", "--mount", "--propagation", "private", "sh", "-e", "-c", script,
        cwd=tmp_path, env=bot_env(emulator, database), stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    before_identify = emulator.gateway.identify_count
    output = asyncio.create_task(process.communicate())
    ready = asyncio.create_task(emulator.wait_until_ready(30, identified_after=before_identify))
    await asyncio.wait({ready, output}, return_when=asyncio.FIRST_COMPLETED)
    assert ready.done() and not output.done(), "the bot exited instead of serving reads"
    try:
        score = await emulator.invoke(server.alice, "score episode", number=16)
        assert "5/5" in score.message.embeds[0]["description"]
        refused = await emulator.invoke(server.alice, "rate", episode=16, score=4)
        assert refused.message.ephemeral
        assert "read-only right now, so **nothing was saved**" in refused.message.content
        again = await emulator.invoke(server.bob, "rate", episode=15, score=4)
        assert "nothing was saved" in again.message.content
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(output, timeout=30)
    assert process.returncode == 0
    log = stderr.decode()
    assert "Traceback" not in log
    # Said once, at start-up, for the whole fault: not once per refused write.
    assert log.count("Cannot write to the database") == 1 and "(read_only:" in log, log
    assert database.read_bytes() == before


@needs_mount
async def test_a_full_disk(emulator: DiscordEmulator, server: Server, tmp_path: Path) -> None:
    disk = tmp_path / "tiny"
    disk.mkdir()
    database = disk / "dramabot.db"
    # 48 KiB: enough for SQLite to create the file, not for the schema.
    stderr = await start_failing(
        emulator, tmp_path, database, mounts=f"mount -t tmpfs -o size=48k tmpfs {disk}"
    )
    assert one_line(stderr) == (
        f"the disk holding the database {database} is full (database or disk is full); SQLite rolled the "
        f"unfinished write back. Free some space there (see `df -h {disk}`), then start the bot again"
    )


# -- the classifier the store calls ------------------------------------------------------------------


def _sqlite_error(text: str, code: int, name: str) -> sqlite3.Error:
    error = sqlite3.OperationalError(text)
    error.sqlite_errorcode = code  # type: ignore[attr-defined]
    error.sqlite_errorname = name  # type: ignore[attr-defined]
    return error


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (_sqlite_error("file is not a database", 26, "SQLITE_NOTADB"), "not_a_database"),
        (_sqlite_error("database disk image is malformed", 11, "SQLITE_CORRUPT"), "corrupt"),
        (_sqlite_error("database or disk is full", 13, "SQLITE_FULL"), "disk_full"),
        (_sqlite_error("database is locked", 5, "SQLITE_BUSY"), "locked"),
        (sqlite3.DatabaseError("file is not a database"), "not_a_database"),  # without a code
        (OSError(errno.ENOSPC, "No space left on device"), "disk_full"),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), "disk_full"),
        (OSError(errno.EIO, "Input/output error"), "io_error"),
        (RuntimeError("something else"), "unknown"),
    ],
)
def test_what_an_open_failure_means(exc: BaseException, reason: str, tmp_path: Path) -> None:
    failure = describe_open_failure(exc, tmp_path / "dramabot.db")
    assert isinstance(failure, StoreOpenError)
    assert (failure.reason, failure.path) == (reason, tmp_path / "dramabot.db")


def test_a_folder_the_bot_may_not_write_is_named_with_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As root nothing is denied, so the filesystem's answer is stood in for.
    data = tmp_path / "data"
    data.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda place, mode: Path(place) != data and real_access(place, mode))
    cantopen = _sqlite_error("unable to open database file", 14, "SQLITE_CANTOPEN")
    failure = describe_open_failure(cantopen, data / "dramabot.db")
    assert (failure.reason, failure.where, failure.why) == ("folder_unwritable", data, "permission_denied")
    mkdir = PermissionError(errno.EACCES, "Permission denied", str(data / "sub"))
    failure = describe_open_failure(mkdir, data / "sub" / "dramabot.db")
    assert (failure.reason, failure.where, failure.why) == ("folder_unwritable", data, "permission_denied")


def test_a_stale_shm_file_of_another_user_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Someone ran the bot once as root: the -shm file it left is root's, the bot's user cannot write it.
    database = tmp_path / "dramabot.db"
    database.write_bytes(b"")
    shm = tmp_path / "dramabot.db-shm"
    shm.write_bytes(b"")
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda place, mode: Path(place) != shm and real_access(place, mode))
    failure = describe_open_failure(_sqlite_error("disk I/O error", 10, "SQLITE_IOERR"), database)
    assert (failure.reason, failure.where, failure.why) == ("file_unwritable", shm, "permission_denied")


def test_the_store_schema_errors_keep_their_facts(tmp_path: Path) -> None:
    database = tmp_path / "dramabot.db"
    newer = describe_open_failure(
        SchemaError("newer_schema", path=str(database), version=9, known=4), database
    )
    assert (newer.reason, newer.found_version, newer.known_version) == ("newer_schema", 9, 4)
    failed = SchemaError(
        "migration_failed", path=str(database), version=2, known=4, detail="0002_ratings.sql: boom"
    )
    described = describe_open_failure(failed, database)
    assert (described.reason, described.migration, described.detail) == (
        "migration_failed",
        "0002_ratings.sql",
        "boom",
    )
    # A migration that failed for a full disk is a full disk, with its own fix.
    try:
        raise SchemaError("migration_failed", path=str(database), detail="0001_shows.sql: full") from (
            _sqlite_error("database or disk is full", 13, "SQLITE_FULL")
        )
    except SchemaError as exc:
        assert describe_open_failure(exc, database).reason == "disk_full"


def test_a_store_open_error_carries_codes_not_sentences(tmp_path: Path) -> None:
    error = StoreOpenError("corrupt", tmp_path / "x.db", "database disk image is malformed")
    assert describe_open_failure(error, tmp_path / "x.db") is error
    assert error.args == ("corrupt", str(tmp_path / "x.db"), "database disk image is malformed")
    with pytest.raises(ValueError, match="unknown StoreOpenError reason"):
        StoreOpenError("it broke", tmp_path / "x.db")


@pytest.mark.parametrize("reason", sorted(REASONS))
def test_every_reason_reads_as_one_line_naming_the_database(reason: str, tmp_path: Path) -> None:
    database = tmp_path / "data" / "dramabot.db"
    for why in ("", *sorted(WHY)):
        error = StoreOpenError(reason, database, "what SQLite said", where=database.parent, why=why)
        line = explain_store_failure(error)
        assert "\n" not in line and "{" not in line
        assert str(database) in line or str(database.parent) in line
