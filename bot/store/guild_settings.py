"""Queries about a server's settings (default show, curator role).

Functions taking a :class:`Reader` read outside any write; those taking a :class:`Transaction`
run inside a write.
"""

from __future__ import annotations

from bot.store import rows
from bot.store.errors import ShowNotFound
from bot.store.integrity import violation
from bot.store.models import GuildSettings
from bot.store.reader import Reader
from bot.store.writer import Transaction

# A default show the schema refuses: another server's or a hidden one (triggers), none at all (foreign key).
_NOT_VISIBLE = frozenset({"trigger", "foreign_key"})

_SELECT = f"SELECT {rows.SETTINGS_COLUMNS} FROM guild_setting WHERE guild_id = ?"  # noqa: S608


def defaults(guild_id: int) -> GuildSettings:
    return GuildSettings(guild_id, default_show_id=None, curator_role_id=None)


async def get(db: Reader, guild_id: int) -> GuildSettings:
    """The server's settings; the defaults (nothing chosen) if its admins never chose."""
    row = await db.one(_SELECT, (guild_id,))
    return rows.settings(row) if row else defaults(guild_id)


async def fetch(tx: Transaction, guild_id: int) -> GuildSettings:
    row = await tx.one(_SELECT, (guild_id,))
    return rows.settings(row) if row else defaults(guild_id)


async def set_default_show(tx: Transaction, guild_id: int, show_id: int | None) -> GuildSettings:
    try:
        row = await tx.one(
            f"""
            INSERT INTO guild_setting (guild_id, default_show_id) VALUES (?, ?)
            ON CONFLICT (guild_id) DO UPDATE SET default_show_id = excluded.default_show_id
            RETURNING {rows.SETTINGS_COLUMNS}
            """,  # noqa: S608 - constant columns
            (guild_id, show_id),
        )
    except Exception as exc:
        refused = violation(exc)
        if show_id is not None and refused is not None and refused.kind in _NOT_VISIBLE:
            raise ShowNotFound(show_id) from None
        raise
    assert row is not None
    return rows.settings(row)


async def set_curator_role(tx: Transaction, guild_id: int, role_id: int | None) -> GuildSettings:
    row = await tx.one(
        f"""
        INSERT INTO guild_setting (guild_id, curator_role_id) VALUES (?, ?)
        ON CONFLICT (guild_id) DO UPDATE SET curator_role_id = excluded.curator_role_id
        RETURNING {rows.SETTINGS_COLUMNS}
        """,  # noqa: S608 - constant columns
        (guild_id, role_id),
    )
    assert row is not None
    return rows.settings(row)
