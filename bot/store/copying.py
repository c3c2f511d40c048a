"""Copying a whole database into another, of either engine, and proving the copy is whole.

``dramabot copy-db`` moves an installation from SQLite to PostgreSQL, or back, so a host is never
locked in. Rows are copied as they are stored (ids included, so every reference stays right), in
batches read by key, inside one transaction on each side: the source is read from one consistent
snapshot and the target either receives everything or nothing. ``episode_tally`` is not copied:
the target's own triggers rebuild it from the ratings, and the checksums then prove it matches.

The order of the steps is what the schema's triggers allow. A server's own copy of a catalog show
may share the catalog show's title only once that server has hidden it, while ratings may go to a
hidden show only if they were there before it was hidden: so the catalog shows and their ratings
come first, then the hidden rows, then the servers' own shows and their ratings.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import cast

from bot.store.errors import TargetNotEmpty
from bot.store.writer import Transaction

BATCH = 5000

_CATALOG = "guild_id IS NULL"
_OWN = "guild_id IS NOT NULL"
_OF_CATALOG = "show_id IN (SELECT id FROM show WHERE guild_id IS NULL)"
_OF_OWN = "show_id IN (SELECT id FROM show WHERE guild_id IS NOT NULL)"

SHOW = (
    "id", "guild_id", "catalog_key", "title", "title_key", "original_title", "kind", "year", "network",
    "season", "episode_count", "verdict_halves", "verdict_text", "summary", "created_at", "updated_at",
)  # fmt: skip
ALIAS = ("show_id", "alias", "alias_key")
EPISODE = ("show_id", "number", "title", "critic_halves", "summary")
RATING = (
    "guild_id", "show_id", "episode", "user_id", "halves", "comment", "spoiler", "author_name",
    "created_at", "updated_at",
)  # fmt: skip
TALLY = ("guild_id", "show_id", "episode", "ratings", "total_halves")
HIDDEN = ("guild_id", "show_id", "hidden_at")
SETTING = ("guild_id", "default_show_id", "curator_role_id", "spoiler_guard", "spoiler_titles")
WATCH = ("guild_id", "show_id", "user_id", "status", "progress", "status_chosen", "created_at", "updated_at")
ANONYMOUS = ("guild_id", "show_id", "episode", "ratings", "total_halves")
MEMBER_SETTING = ("guild_id", "user_id", "hide_from_rankings")
DEPARTURE = ("guild_id", "departed_at")
REMOVAL = (
    "id",
    "guild_id",
    "show_id",
    "episode",
    "author_id",
    "moderator_id",
    "comment",
    "reason",
    "removed_at",
)


@dataclass(frozen=True, slots=True)
class Step:
    """One slice of one table: its rows, in key order."""

    table: str
    columns: tuple[str, ...]
    key: tuple[str, ...]  # read in this order, batch after batch
    where: str = "1 = 1"


# Ratings are read in the order they were written (SQLite's rowid, PostgreSQL's seq) so that the
# target numbers them in the same order: it breaks ties between comments of the same millisecond.
WRITTEN_ORDER = "written_order"

STEPS = (
    Step("show", SHOW, ("id",), _CATALOG),
    Step("show_alias", ALIAS, ("show_id", "alias_key"), _OF_CATALOG),
    Step("episode", EPISODE, ("show_id", "number"), _OF_CATALOG),
    Step("rating", RATING, (WRITTEN_ORDER,), _OF_CATALOG),
    Step("guild_hidden_show", HIDDEN, ("guild_id", "show_id")),
    Step("show", SHOW, ("id",), _OWN),
    Step("show_alias", ALIAS, ("show_id", "alias_key"), _OF_OWN),
    Step("episode", EPISODE, ("show_id", "number"), _OF_OWN),
    Step("rating", RATING, (WRITTEN_ORDER,), _OF_OWN),
    Step("guild_setting", SETTING, ("guild_id",)),
    Step("comment_removal", REMOVAL, ("id",)),
    # Its triggers add the anonymous scores to the tallies the ratings rebuilt.
    Step("anonymous_tally", ANONYMOUS, ("guild_id", "show_id", "episode")),
    Step("member_setting", MEMBER_SETTING, ("guild_id", "user_id")),
    Step("guild_departure", DEPARTURE, ("guild_id",)),
    # After the hidden rows and every show: a server's entries on a catalog show it hid stay.
    Step("watch", WATCH, ("guild_id", "show_id", "user_id")),
)
# Emptying a target for --replace, children first. The servers' own shows go before the hidden rows
# (unhiding a catalog show whose title a server's show took is refused), then the catalog.
CLEAR = (
    "DELETE FROM guild_departure",
    "DELETE FROM member_setting",
    "DELETE FROM anonymous_tally",
    "DELETE FROM watch",
    "DELETE FROM comment_removal",
    "DELETE FROM guild_setting",
    "DELETE FROM rating",
    "DELETE FROM episode_tally",
    "DELETE FROM show WHERE guild_id IS NOT NULL",
    "DELETE FROM guild_hidden_show",
    "DELETE FROM show",
)

# Which server each table's rows belong to, for the per-server checksums (None: the catalog).
_GUILD_OF = {
    "show": ("s.guild_id", "show AS s"),
    "show_alias": ("s.guild_id", "show_alias AS a JOIN show AS s ON s.id = a.show_id"),
    "episode": ("s.guild_id", "episode AS e JOIN show AS s ON s.id = e.show_id"),
}
_COLUMNS = {
    "show": ("s", SHOW),
    "show_alias": ("a", ALIAS),
    "episode": ("e", EPISODE),
    "rating": ("t", RATING),
    "episode_tally": ("t", TALLY),
    "guild_hidden_show": ("t", HIDDEN),
    "guild_setting": ("t", SETTING),
    "comment_removal": ("t", REMOVAL),
    "anonymous_tally": ("t", ANONYMOUS),
    "member_setting": ("t", MEMBER_SETTING),
    "guild_departure": ("t", DEPARTURE),
    "watch": ("t", WATCH),
}
TABLES = tuple(_COLUMNS)


@dataclass
class Checksums:
    """Per server (None: the catalog), per table: how many rows and an order-free digest of them."""

    tables: dict[tuple[int | None, str], tuple[int, int]] = field(default_factory=dict)

    def add(self, guild_id: int | None, table: str, row: Sequence[object]) -> None:
        digest = int.from_bytes(
            hashlib.blake2b(repr(tuple(_plain(v) for v in row)).encode(), digest_size=16).digest()
        )
        count, total = self.tables.get((guild_id, table), (0, 0))
        self.tables[(guild_id, table)] = (count + 1, (total + digest) % (1 << 128))

    def rows(self, table: str | None = None) -> int:
        return sum(count for (_, name), (count, _) in self.tables.items() if table in (None, name))

    @property
    def servers(self) -> set[int]:
        return {guild for guild, _ in self.tables if guild is not None}

    def differences(self, other: Checksums) -> list[tuple[int | None, str]]:
        """The (server, table) pairs whose rows differ between the two databases."""
        keys = set(self.tables) | set(other.tables)
        ordered = sorted(keys, key=lambda k: (k[0] is not None, k[0] or 0, k[1]))
        return [k for k in ordered if self.tables.get(k) != other.tables.get(k)]


@dataclass(frozen=True, slots=True)
class CopyReport:
    rows: dict[str, int]  # copied, by table
    servers: int
    checksums: Checksums


Progress = Callable[[str, int], None]  # (table, rows just copied)

# By backend: the column that orders ratings as written, and what a
# target needs after ids were inserted explicitly (PostgreSQL's identity sequences must move past them).
WRITTEN_ORDER_COLUMN = {"SQLite": "rowid", "PostgreSQL": "seq"}
AFTER_EXPLICIT_IDS = {
    "PostgreSQL": (
        "SELECT setval(pg_get_serial_sequence('show', 'id'), "
        "(SELECT coalesce(max(id), 0) + 1 FROM show), false)",
        "SELECT setval(pg_get_serial_sequence('comment_removal', 'id'), "
        "(SELECT coalesce(max(id), 0) + 1 FROM comment_removal), false)",
    )
}


async def count_rows(tx: Transaction, table: str) -> int:
    row = await tx.one(f"SELECT count(*) FROM {table}")  # noqa: S608 - table names are constants
    return int(row[0]) if row else 0


async def copy_rows(
    source: Transaction,
    target: Transaction,
    *,
    written_order: str,
    replace: bool,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Copy every row of ``source`` into ``target``; ``written_order`` names the rating order column.

    Raises :class:`TargetNotEmpty` (before writing anything) when the target holds any row and
    ``replace`` is false.
    """
    present = {table: await count_rows(target, table) for table in TABLES}
    if any(present.values()) and not replace:
        raise TargetNotEmpty(rows=sum(present.values()), shows=present["show"], ratings=present["rating"])
    if replace:
        for statement in CLEAR:
            await target.execute(statement)
    copied: dict[str, int] = {}
    for step in STEPS:
        key = tuple(written_order if k == WRITTEN_ORDER else k for k in step.key)
        insert = (
            f"INSERT INTO {step.table} ({', '.join(step.columns)}) "  # noqa: S608 - constants
            f"VALUES ({', '.join('?' for _ in step.columns)})"
        )
        async for rows in _batches(source, step.table, key, step.columns, step.where):
            await target.executemany(insert, rows)
            copied[step.table] = copied.get(step.table, 0) + len(rows)
            if progress is not None:
                progress(step.table, len(rows))
    return copied


async def checksums(tx: Transaction) -> Checksums:
    """Per-server checksums of every table, episode tallies included, read in batches by key."""
    found = Checksums()
    for table, (alias, columns) in _COLUMNS.items():
        guild, source = _GUILD_OF.get(table, (f"{alias}.guild_id", f"{table} AS {alias}"))
        key = tuple(f"{alias}.{c}" for c in _KEYS[table])
        selected = (guild, *(f"{alias}.{c}" for c in columns))
        async for rows in _batches(tx, source, key, selected):
            for row in rows:
                found.add(cast(int | None, row[0]), table, row[1:])
    return found


_KEYS = {
    "show": ("id",),
    "show_alias": ("show_id", "alias_key"),
    "episode": ("show_id", "number"),
    "rating": ("guild_id", "show_id", "episode", "user_id"),
    "episode_tally": ("guild_id", "show_id", "episode"),
    "guild_hidden_show": ("guild_id", "show_id"),
    "guild_setting": ("guild_id",),
    "comment_removal": ("id",),
    "anonymous_tally": ("guild_id", "show_id", "episode"),
    "member_setting": ("guild_id", "user_id"),
    "guild_departure": ("guild_id",),
    "watch": ("guild_id", "show_id", "user_id"),
}


async def _batches(
    tx: Transaction,
    source: str,
    key: tuple[str, ...],
    selected: Sequence[str],
    where: str = "1 = 1",
) -> AsyncIterator[list[tuple[object, ...]]]:
    """The selected columns of ``source``, ``BATCH`` rows at a time in ``key`` order (keyset paging:
    each batch starts after the last key of the one before, so every batch costs the same)."""
    after: tuple[object, ...] | None = None
    keys = ", ".join(key)
    while True:
        keyset = f" AND ({keys}) > ({', '.join('?' for _ in key)})" if after is not None else ""
        rows = await tx.all(
            f"SELECT {keys}, {', '.join(selected)} FROM {source} "  # noqa: S608 - constants
            f"WHERE ({where}){keyset} ORDER BY {keys} LIMIT {BATCH}",
            after or (),
        )
        if not rows:
            return
        width = len(key) + len(selected)
        values: list[tuple[object, ...]] = [tuple(row[i] for i in range(width)) for row in rows]
        after = values[-1][: len(key)]
        yield [row[len(key) :] for row in values]
        if len(rows) < BATCH:
            return


def _plain(value: object) -> object:
    """The same value whichever engine returned it (PostgreSQL's BIGINT and SQLite's INTEGER agree)."""
    if isinstance(value, bool):
        return int(value)
    return value
