"""What the store hands back and what it is asked to write: plain frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass

from bot.scores import Score

CRITIC_MAX = 5
VERDICT_MAX = 10


@dataclass(frozen=True, slots=True)
class Show:
    id: int
    guild_id: int | None  # None: part of the bundled catalog
    catalog_key: str | None
    title: str
    original_title: str | None
    aliases: tuple[str, ...]
    kind: str | None
    year: int | None
    network: str | None
    season: int
    episode_count: int
    verdict: Score | None
    verdict_text: str | None
    summary: str | None

    @property
    def is_catalog(self) -> bool:
        return self.guild_id is None

    def names(self) -> tuple[str, ...]:
        """Every name a member may know the show by."""
        extra = (self.original_title,) if self.original_title else ()
        return (self.title, *extra, *self.aliases)


@dataclass(frozen=True, slots=True)
class Episode:
    show_id: int
    number: int
    title: str | None
    critic_score: Score | None
    summary: str | None


@dataclass(frozen=True, slots=True)
class EpisodeSpec:
    """One episode as a catalog or import file describes it."""

    number: int
    title: str | None = None
    critic_score: Score | None = None
    summary: str | None = None


@dataclass(frozen=True, slots=True)
class ShowSpec:
    """A whole show as a catalog or import file describes it, before it has an id."""

    title: str
    episode_count: int
    key: str | None = None
    original_title: str | None = None
    aliases: tuple[str, ...] = ()
    kind: str | None = None
    year: int | None = None
    network: str | None = None
    season: int = 1
    verdict: Score | None = None
    verdict_text: str | None = None
    summary: str | None = None
    episodes: tuple[EpisodeSpec, ...] = ()
