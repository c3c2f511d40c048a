"""Why the database could not be opened, as data: :class:`StoreOpenError` and its classifier.

Opening runs mkdir, SQLite's open, the pragmas, the migrations and the catalog's first writes;
any of them can fail because of the file (not a database, damaged), its folder or filesystem
(permissions, read-only, full) or its schema. :func:`describe_open_failure` turns whatever was
raised into one :class:`StoreOpenError` with a reason code, looking at the filesystem where
SQLite's own code is vague (``SQLITE_CANTOPEN`` says nothing about which folder, or why).
``host.store.<reason>`` in :mod:`bot.text.en.host` words each reason for the host.
"""

from __future__ import annotations

import asyncio
import errno
import os
import sqlite3
from pathlib import Path
from typing import Any

import aiosqlite

from bot.store.errors import Outage, ReadUnavailable, SchemaError, StoreError, WriteUnavailable

REASONS = frozenset(
    {
        "not_a_database",  # the file is something else (SQLITE_NOTADB)
        "corrupt",  # a damaged or truncated database (SQLITE_CORRUPT): restore a backup
        "folder_unwritable",  # ``where`` is the folder; ``why`` says why
        "file_unwritable",  # ``where`` is the file (the database, or its -wal/-shm)
        "not_a_file",  # the path is a folder
        "not_a_folder",  # a parent on the path (``where``) is a file
        "disk_full",  # SQLITE_FULL, ENOSPC, EDQUOT
        "locked",  # another process holds the database (SQLITE_BUSY/LOCKED)
        "io_error",  # the OS reported an I/O error (SQLITE_IOERR, EIO)
        "newer_schema",  # written by a newer dramabot: ``found_version`` > ``known_version``
        "migration_failed",  # ``migration`` (a file name) failed: ``detail`` says how
        "unknown",  # none of the above: ``detail`` is all there is
    }
)

# Why a file or folder cannot be written; ``host.store.why.<code>`` words it.
WHY = frozenset({"permission_denied", "read_only_filesystem"})


class StoreOpenError(StoreError):
    """The database at ``path`` could not be opened, configured or migrated.

    ``reason`` is one of :data:`REASONS`; ``detail`` is SQLite's or the OS's own words, for the
    record. The keyword fields are set where the reason needs them.
    """

    def __init__(
        self,
        reason: str,
        path: Path,
        detail: str = "",
        *,
        where: Path | None = None,
        why: str = "",
        found_version: int = 0,
        known_version: int = 0,
        migration: str = "",
    ) -> None:
        if reason not in REASONS:
            raise ValueError(f"unknown StoreOpenError reason {reason!r}")
        if why and why not in WHY:
            raise ValueError(f"unknown StoreOpenError why {why!r}")
        super().__init__(reason, str(path), detail)
        self.reason = reason
        self.path = path
        self.detail = detail
        self.where = where
        self.why = why
        self.found_version = found_version
        self.known_version = known_version
        self.migration = migration


# SQLite's primary result codes (the low byte of an extended code).
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 10, 11, 13, 14, 26
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_UNWRITABLE_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS}


def describe_open_failure(exc: BaseException, path: Path) -> StoreOpenError:
    """What ``exc``, raised while opening the database at ``path``, means for the host.

    Accepts whatever opening raised: sqlite3 errors, OSError (mkdir), the store's own
    :class:`SchemaError`/:class:`WriteUnavailable` (a first write that failed), or a
    :class:`StoreOpenError` (returned as it is).
    """
    if isinstance(exc, StoreOpenError):
        return exc
    if isinstance(exc, SchemaError):
        return _schema(exc, path)
    if isinstance(exc, WriteUnavailable):
        return _outage(exc.outage, path, exc.detail)
    if isinstance(exc, ReadUnavailable):
        return StoreOpenError("locked", path, exc.detail)
    if isinstance(exc, sqlite3.Error):
        return _sqlite(exc, path)
    if isinstance(exc, OSError):
        return _os(exc, path)
    return StoreOpenError("unknown", path, str(exc) or type(exc).__name__)


async def connect(path: Path, **kwargs: Any) -> aiosqlite.Connection:
    """``aiosqlite.connect(path, **kwargs)``; a failure raises :class:`StoreOpenError`.

    When aiosqlite's connect fails it stops its worker thread without waiting for it. If
    ``asyncio.run`` then closes the loop before the thread's last callback, the thread dies
    printing "RuntimeError: Event loop is closed" under the host's one-line error; so wait here.
    """
    connection = aiosqlite.connect(path, **kwargs)
    try:
        return await connection
    except BaseException as exc:
        thread = getattr(connection, "_thread", None)  # no public handle; older aiosqlite: a Thread
        if thread is None and hasattr(connection, "join"):
            thread = connection
        if thread is not None and thread.is_alive():
            await asyncio.to_thread(thread.join, 5)
        if isinstance(exc, Exception):
            raise describe_open_failure(exc, path) from exc
        raise


def _schema(exc: SchemaError, path: Path) -> StoreOpenError:
    cause = exc.__cause__
    if exc.reason == "newer_schema":
        return StoreOpenError("newer_schema", path, found_version=exc.version, known_version=exc.known)
    if cause is not None:
        # A migration that failed because the disk is full or the file is read-only is that
        # problem, with its own fix; only a failure of the SQL itself is the migration's.
        underlying = describe_open_failure(cause, path)
        if underlying.reason not in {"unknown", "migration_failed"}:
            return underlying
    migration, _, detail = exc.detail.partition(": ")
    return StoreOpenError("migration_failed", path, detail or exc.detail, migration=migration)


def _sqlite(exc: sqlite3.Error, path: Path) -> StoreOpenError:
    detail = str(exc)
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary is None:
        # Older Pythons do not carry the code; SQLite's texts for these are stable.
        primary = next((c for text, c in _SQLITE_TEXTS.items() if text in detail), None)
    if primary == _SQLITE_NOTADB:
        return StoreOpenError("not_a_database", path, detail)
    if primary == _SQLITE_CORRUPT:
        return StoreOpenError("corrupt", path, detail)
    if primary == _SQLITE_FULL:
        return StoreOpenError("disk_full", path, detail)
    if primary in {_SQLITE_BUSY, _SQLITE_LOCKED}:
        return StoreOpenError("locked", path, detail)
    if primary in {_SQLITE_CANTOPEN, _SQLITE_READONLY, _SQLITE_PERM}:
        return _blocked(path, detail) or StoreOpenError("unknown", path, detail)
    if primary == _SQLITE_IOERR:
        # A full or read-only disk often surfaces as an I/O error on the -shm file.
        if _free_bytes(path) == 0:
            return StoreOpenError("disk_full", path, detail)
        return _blocked(path, detail) or StoreOpenError("io_error", path, detail)
    return StoreOpenError("unknown", path, detail)


_SQLITE_TEXTS = {
    "file is not a database": _SQLITE_NOTADB,
    "database disk image is malformed": _SQLITE_CORRUPT,
    "database or disk is full": _SQLITE_FULL,
    "unable to open database file": _SQLITE_CANTOPEN,
    "readonly database": _SQLITE_READONLY,
    "database is locked": _SQLITE_BUSY,
    "disk I/O error": _SQLITE_IOERR,
}


def _os(exc: OSError, path: Path) -> StoreOpenError:
    detail = exc.strerror or str(exc)
    culprit = Path(os.fsdecode(exc.filename)) if exc.filename else None
    if exc.errno in _FULL_ERRNOS:
        return StoreOpenError("disk_full", path, detail)
    if exc.errno == errno.EISDIR:
        return StoreOpenError("not_a_file", path, detail)
    if exc.errno in {errno.ENOTDIR, errno.EEXIST}:
        # mkdir(parents=True) met a file where a folder should be.
        return _blocked(path, detail) or StoreOpenError("not_a_folder", path, detail, where=culprit)
    if exc.errno in _UNWRITABLE_ERRNOS:
        why = "read_only_filesystem" if exc.errno == errno.EROFS else "permission_denied"
        found = _blocked(path, detail)
        if found is not None:
            return found
        if culprit is not None:
            reason = "folder_unwritable" if culprit != path else "file_unwritable"
            return StoreOpenError(reason, path, detail, where=culprit, why=why)
    if exc.errno == errno.EIO:
        return StoreOpenError("io_error", path, detail)
    return StoreOpenError("unknown", path, detail)


def _outage(outage: Outage, path: Path, detail: str) -> StoreOpenError:
    if outage is Outage.FULL:
        return StoreOpenError("disk_full", path, detail)
    if outage is Outage.BUSY:
        return StoreOpenError("locked", path, detail)
    if outage is Outage.READ_ONLY:
        return _blocked(path, detail) or StoreOpenError("file_unwritable", path, detail, where=path)
    return StoreOpenError("io_error", path, detail)


def _blocked(path: Path, detail: str) -> StoreOpenError | None:
    """What on the way to ``path`` keeps the bot from creating or writing it, if anything.

    Asks the filesystem (as the user the bot runs as) instead of trusting SQLite's error, which
    is the same "unable to open database file" for a missing permission, a read-only mount and
    a folder in the way.
    """
    if path.is_dir():
        return StoreOpenError("not_a_file", path, detail)
    folder = path.parent
    # The folder may not exist yet: then the nearest existing ancestor is where mkdir fails.
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        return StoreOpenError("not_a_folder", path, detail, where=folder)
    if _read_only_mount(folder):
        reason = "file_unwritable" if path.exists() else "folder_unwritable"
        where = path if path.exists() else folder
        return StoreOpenError(reason, path, detail, where=where, why="read_only_filesystem")
    if not os.access(folder, os.W_OK | os.X_OK):
        return StoreOpenError("folder_unwritable", path, detail, where=folder, why="permission_denied")
    # SQLite writes the -wal and -shm files beside the database, and must be able to write both.
    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if candidate.exists():
            if _read_only_mount(candidate):
                return StoreOpenError(
                    "file_unwritable", path, detail, where=candidate, why="read_only_filesystem"
                )
            if not os.access(candidate, os.R_OK | os.W_OK):
                return StoreOpenError(
                    "file_unwritable", path, detail, where=candidate, why="permission_denied"
                )
    return None


def _read_only_mount(place: Path) -> bool:
    try:
        return bool(os.statvfs(place).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _free_bytes(path: Path) -> int | None:
    folder = path.parent if path.parent.exists() else Path.cwd()
    try:
        stats = os.statvfs(folder)
    except OSError:
        return None
    return stats.f_bavail * stats.f_frsize
