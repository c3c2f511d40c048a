"""The SQLite store: every SQL statement of the bot lives in this package."""

from bot.store.models import Episode, EpisodeSpec, Show, ShowSpec
from bot.store.store import Store, StoreError

__all__ = ["Episode", "EpisodeSpec", "Show", "ShowSpec", "Store", "StoreError"]
