"""The SQLite store: every SQL statement of the bot lives in this package."""

from bot.store.models import (
    CommentRemoval,
    Episode,
    EpisodeSpec,
    MemberRating,
    Rating,
    RatingChange,
    Show,
    ShowSpec,
    Tally,
)
from bot.store.store import Store, StoreError

__all__ = [
    "CommentRemoval",
    "Episode",
    "EpisodeSpec",
    "MemberRating",
    "Rating",
    "RatingChange",
    "Show",
    "ShowSpec",
    "Store",
    "StoreError",
    "Tally",
]
