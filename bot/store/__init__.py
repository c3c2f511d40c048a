"""The SQLite store: every SQL statement of the bot lives in this package."""

from bot.store.errors import (
    EpisodeNotFound,
    EpisodesHaveRatings,
    ShowNotFound,
    ShowReadOnly,
    ShowTitleTaken,
    StoreConflict,
)
from bot.store.models import (
    UNSET,
    CommentRemoval,
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
from bot.store.store import Store, StoreError

__all__ = [
    "UNSET",
    "CommentRemoval",
    "Episode",
    "EpisodeNotFound",
    "EpisodeSpec",
    "EpisodesHaveRatings",
    "GuildSettings",
    "MemberRating",
    "Rating",
    "RatingChange",
    "Show",
    "ShowFootprint",
    "ShowNotFound",
    "ShowOverview",
    "ShowReadOnly",
    "ShowSpec",
    "ShowTitleTaken",
    "Store",
    "StoreConflict",
    "StoreError",
    "Tally",
]
