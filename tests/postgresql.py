"""A pytest plugin: a PostgreSQL server for the tests, and a fresh database for each test that asks.

``TEST_DATABASE_URL=postgresql://user:password@host:5432/dbname`` points the tests at an existing
server (the user needs CREATEDB: each test gets a database of its own, dropped afterwards).
Without it, a throwaway cluster is started once per session with the PostgreSQL binaries on the
machine (``initdb`` and ``pg_ctl`` from ``/usr/lib/postgresql/*/bin`` or the PATH), in a temporary
folder, on a free loopback port, with its unix socket in that folder, and stopped at the end. As
root, the cluster runs as the ``postgres`` user (``initdb`` refuses root). Connections over TCP,
which the bot makes, need a password (SCRAM, as a real server asks), chosen afresh each session.
When no PostgreSQL can be found or started the PostgreSQL tests are skipped, saying why, unless
``DRAMABOT_REQUIRE_POSTGRES=1``: then they fail.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

_REQUIRED = os.environ.get("DRAMABOT_REQUIRE_POSTGRES") == "1"
_databases = itertools.count(1)


def _unavailable(reason: str) -> None:
    if _REQUIRED:
        pytest.fail(f"PostgreSQL is required (DRAMABOT_REQUIRE_POSTGRES=1) but {reason}", pytrace=False)
    pytest.skip(f"no PostgreSQL: {reason} (set TEST_DATABASE_URL, or install PostgreSQL's initdb)")


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_cluster_user() -> tuple[list[str], str | None]:
    """The command prefix that runs the cluster's programs, and the user who owns its folder."""
    if os.geteuid() != 0:
        return [], None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"], "nobody"
    return ["runuser", "-u", "postgres", "--"], "postgres"


class PostgresUnavailable(Exception):
    """No throwaway PostgreSQL server could be started; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@contextlib.contextmanager
def throwaway_cluster(*, settings: tuple[str, ...] = ()) -> Iterator[str]:
    """A PostgreSQL server of its own for as long as the block runs; yields a superuser's URL.

    ``settings`` are extra ``name=value`` server settings. Raises :class:`PostgresUnavailable`.
    Also used by ``bench/cluster.py``.
    """
    binaries = _binaries()
    if binaries is None:
        raise PostgresUnavailable("no initdb was found in /usr/lib/postgresql/*/bin or on the PATH")
    prefix, owner = _as_cluster_user()
    folder = Path(tempfile.mkdtemp(prefix="dramabot-pg-"))
    data, log, password_file = folder / "data", folder / "server.log", folder / "password"
    password = secrets.token_urlsafe(12)
    password_file.write_text(password + "\n")
    if owner is not None:
        shutil.chown(folder, owner)
        shutil.chown(password_file, owner)
    folder.chmod(0o755)
    port = _free_port()
    try:
        subprocess.run(
            # A natural-language default collation (ICU's English), as most servers have: the
            # schema's COLLATE "C" is what keeps lists in SQLite's order, and the tests show it.
            [*prefix, str(binaries / "initdb"), "-D", str(data), "-U", "dramabot",
             "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={password_file}",
             "-E", "UTF8", "--locale=C", "--locale-provider=icu", "--icu-locale=en", "--no-sync"],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        password_file.unlink()
        extra = "".join(f" -c {setting}" for setting in settings)
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200{extra}"
        pg_ctl = str(binaries / "pg_ctl")
        subprocess.run(
            [*prefix, pg_ctl, "-D", str(data), "-l", str(log), "-o", options, "-w", "start"],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError) as exc:
        said = (getattr(exc, "stderr", b"") or b"").decode(errors="replace")[-300:]
        server_log = log.read_text(errors="replace")[-500:] if log.exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        raise PostgresUnavailable(f"a throwaway cluster did not start ({exc}; {said} {server_log})") from exc
    try:
        yield f"postgresql://dramabot:{password}@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
            capture_output=True, timeout=120, check=False,
        )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[str]:
    """The URL of a database on a PostgreSQL server the tests may create databases on."""
    given = os.environ.get("TEST_DATABASE_URL", "").strip()
    if given:
        yield given
        return
    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(throwaway_cluster())
        except PostgresUnavailable as exc:
            _unavailable(exc.reason)
            raise AssertionError("unreachable") from exc
        yield url


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextlib.asynccontextmanager
async def fresh_database(server: str) -> AsyncIterator[str]:
    """A fresh, empty database on ``server`` (a URL) for one test, dropped after it."""
    import asyncpg

    name = f"dramabot_test_{os.getpid()}_{next(_databases)}"
    try:
        admin = await asyncpg.connect(server, timeout=10)
    except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
        _unavailable(f"cannot connect to the test server ({type(exc).__name__}: {exc})")
        raise AssertionError("unreachable") from exc
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield _with_database(server, name)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
async def postgresql_url(postgresql_server: str) -> AsyncIterator[str]:
    """A fresh, empty database of its own for one test."""
    async with fresh_database(postgresql_server) as url:
        yield url
