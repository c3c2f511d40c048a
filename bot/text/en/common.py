"""English: counted nouns and other pieces the other messages are composed of."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

MESSAGES: Final[Mapping[str, str | Mapping[str, str]]] = {
    # -- counted nouns, for composing ----------------------------------------------------------
    "n.ratings": {"one": "{count} rating", "other": "{count} ratings"},
    "n.member_ratings": {"one": "{count} member rating", "other": "{count} member ratings"},
    "n.comments": {"one": "{count} comment", "other": "{count} comments"},
    "n.episodes": {"one": "{count} episode", "other": "{count} episodes"},
    "n.shows": {"one": "{count} show", "other": "{count} shows"},
    "n.servers": {"one": "{count} server", "other": "{count} servers"},
    "n.critic_scores": {"one": "{count} critic score", "other": "{count} critic scores"},
}
