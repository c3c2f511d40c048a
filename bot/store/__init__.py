"""The store: every SQL statement of the bot lives in this package, behind :class:`Store`.

Layout: ``store.py`` is the facade the cogs use; ``reader.py`` (reads on the event loop) and
``writer.py`` (transactions and group commit in aiosqlite's thread) are the two mechanisms;
``shows.py``, ``ratings.py`` and ``guild_settings.py`` hold the queries per aggregate; ``rows.py``
maps rows to the models in ``models.py``; ``migrate.py`` applies ``migrations/``.
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
    CommentRemoval,
    DefaultShow,
    Episode,
    EpisodeSpec,
    GuildSettings,
    MemberRating,
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
    "CommentRemoval",
    "CopyMismatch",
    "DefaultShow",
    "Episode",
    "EpisodeNotFound",
    "EpisodeSpec",
    "EpisodesHaveCriticScores",
    "EpisodesHaveRatings",
    "GuildSettings",
    "MemberRating",
    "Outage",
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
