"""``dramabot copy-db``: move an installation between databases (SQLite ⇄ PostgreSQL), verified.

Stop the bot first: the copy reads the source in one transaction, so a bot still writing would
wait for it (SQLite) or write past the snapshot (PostgreSQL), and those writes would not be copied.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from bot.settings import DatabaseUrl, SettingsError
from bot.store import CopyMismatch, Store, TargetNotEmpty
from bot.store.copying import CopyReport, Progress
from bot.store.opening import StoreOpenError
from bot.text import t

DESCRIPTION = (
    "Copy every show, episode, rating, comment, setting and moderation record from one database to "
    "another (SQLite or PostgreSQL, either way), then check both hold the same rows for every server. "
    "Stop the bot first. A target that holds anything is refused unless --replace is given."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="source", required=True, metavar="URL", help="the database to copy")
    parser.add_argument("--to", dest="target", required=True, metavar="URL", help="where to copy it")
    parser.add_argument(
        "--replace", action="store_true", help="empty the target first if it holds anything (overwrites it)"
    )


def main(args: argparse.Namespace, *, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    try:
        source = _url("--from", args.source)
        target = _url("--to", args.target)
    except SettingsError as exc:
        print(f"dramabot copy-db: {exc}", file=err)
        return 2
    if source.redacted() == target.redacted():
        _fail(err, t("host.copy.same", url=source))
        return 2
    if source.scheme == "sqlite" and not source.path.is_file():
        _fail(err, t("host.copy.no_source", url=source))
        return 2
    try:
        report = asyncio.run(_copy(source, target, replace=args.replace, err=err))
    except TargetNotEmpty as exc:
        shows, ratings = t("n.shows", count=exc.shows), t("n.ratings", count=exc.ratings)
        _fail(err, t("host.copy.not_empty", url=target, shows=shows, ratings=ratings))
        return 1
    except CopyMismatch as exc:
        guild, table = exc.differences[0]
        server = t("host.copy.catalog") if guild is None else t("host.copy.server", id=guild)
        count = len(exc.differences)
        _fail(err, t("host.copy.mismatch", url=target, count=count, server=server, table=table))
        return 1
    except StoreOpenError as exc:
        from bot.startup import explain_store_failure

        _fail(err, explain_store_failure(exc))
        return 1
    rows = report.rows
    print(
        t(
            "host.copy.done",
            source=source,
            target=target,
            shows=t("n.shows", count=rows.get("show", 0)),
            episodes=t("n.episodes", count=rows.get("episode", 0)),
            ratings=t("n.ratings", count=rows.get("rating", 0)),
            removals=t("host.n.removals", count=rows.get("comment_removal", 0)),
            servers=t("n.servers", count=report.servers),
        ),
        file=out,
    )
    return 0


def _fail(err: TextIO, line: str) -> None:
    print(f"dramabot copy-db: {line}", file=err)


def _url(option: str, value: str) -> DatabaseUrl:
    try:
        return DatabaseUrl.parse(value)
    except SettingsError as exc:
        raise SettingsError(option, "copy_url", problem=str(exc).removeprefix("DATABASE_URL: ")) from exc


async def _copy(
    source_url: DatabaseUrl, target_url: DatabaseUrl, *, replace: bool, err: TextIO
) -> CopyReport:
    source = await Store.open_url(source_url)
    try:
        target = await Store.open_url(target_url)
        try:
            total = await source.row_count()
            with _progress(total, err) as progress:
                return await source.copy_into(target, replace=replace, progress=progress)
        finally:
            await target.close()
    finally:
        await source.close()


@contextmanager
def _progress(total: int, err: TextIO) -> Iterator[Progress]:
    """A progress bar on a terminal (rich's), nothing when the output is a file or a pipe."""
    if not err.isatty() or total < 10_000:
        yield lambda table, rows: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(file=err),
        transient=True,
    ) as bar:
        task = bar.add_task(t("host.copy.copying"), total=total)

        def advance(table: str, rows: int) -> None:
            bar.update(task, advance=rows, description=t("host.copy.copying_table", table=table))

        yield advance
