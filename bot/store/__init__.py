"""The store: every SQL statement of the bot lives in this package, behind :class:`Store`.

Layout: ``store.py`` is the facade the cogs use, over one of two backends. ``reader.py`` (the read
path; SQLite's runs on the event loop) and ``writer.py`` (the write path; SQLite's transactions and
group commit in aiosqlite's thread) are SQLite's mechanisms and the types both engines share;
``postgres.py`` is PostgreSQL's, on an asyncpg pool. ``shows.py``, ``ratings.py`` and
``guild_settings.py`` hold the queries per aggregate, written once for both engines; ``rows.py``
maps rows to the models in ``models.py``; ``integrity.py`` names the constraint a refused write
broke; ``migrate.py`` applies ``migrations/`` (SQLite) or ``migrations/postgresql/``.
"""

from bot.store.errors import (
    CopyMismatch,
    EpisodeNotFound,
    EpisodesHaveCriticScores,
    EpisodesHaveRatings,
    Outage,
    ReadUnavailable,
    SchemaError,
    ShowAlreadyHidden,
    ShowNotFound,
    ShowNotHidden,
    ShowReadOnly,
    ShowTitleTaken,
    StoreConflict,
    StoreError,
    TargetNotEmpty,
    WriteUnavailable,
)
from bot.store.models import (
    EPISODE_FIELDS,
    SHOW_FIELDS,
    UNSET,
    AverageChange,
    CommentRemoval,
    DefaultShow,
    Episode,
    EpisodeSpec,
    ForgetReport,
    GuildSettings,
    ImportedRating,
    ImportOverwrite,
    MemberData,
    MemberRating,
    PurgeReport,
    Rating,
    RatingChange,
    Show,
    ShowFootprint,
    ShowOverview,
    ShowSpec,
    Tally,
)
from bot.store.store import Store

__all__ = [
    "EPISODE_FIELDS",
    "SHOW_FIELDS",
    "UNSET",
    "AverageChange",
    "CommentRemoval",
    "CopyMismatch",
    "DefaultShow",
    "Episode",
    "EpisodeNotFound",
    "EpisodeSpec",
    "EpisodesHaveCriticScores",
    "EpisodesHaveRatings",
    "ForgetReport",
    "GuildSettings",
    "ImportOverwrite",
    "ImportedRating",
    "MemberData",
    "MemberRating",
    "Outage",
    "PurgeReport",
    "Rating",
    "RatingChange",
    "ReadUnavailable",
    "SchemaError",
    "Show",
    "ShowAlreadyHidden",
    "ShowFootprint",
    "ShowNotFound",
    "ShowNotHidden",
    "ShowOverview",
    "ShowReadOnly",
    "ShowSpec",
    "ShowTitleTaken",
    "Store",
    "StoreConflict",
    "StoreError",
    "Tally",
    "TargetNotEmpty",
    "WriteUnavailable",
]
