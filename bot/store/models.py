"""What the store hands back and what it is asked to write: plain frozen dataclasses."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Final

from bot.scores import Score

CRITIC_MAX = 5
VERDICT_MAX = 10


class _Unset(enum.Enum):
    """The type of :data:`UNSET`; an enum so that ``x is UNSET`` narrows ``T | _Unset`` to ``T``."""

    UNSET = enum.auto()

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset.UNSET
"""A keyword argument's default meaning "leave unchanged", where None means "clear"."""


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

    @classmethod
    def of(cls, show: Show, episodes: Iterable[Episode]) -> ShowSpec:
        """A stored show as a spec: the one Show → ShowSpec conversion (copies, exports, comparisons).

        Episodes with nothing set are left out, as a show file leaves them out; the catalog key is
        kept only for catalog shows.
        """
        return cls(
            key=show.catalog_key if show.is_catalog else None,
            title=show.title,
            episode_count=show.episode_count,
            original_title=show.original_title,
            aliases=show.aliases,
            kind=show.kind,
            year=show.year,
            network=show.network,
            season=show.season,
            verdict=show.verdict,
            verdict_text=show.verdict_text,
            summary=show.summary,
            episodes=tuple(
                EpisodeSpec(number=e.number, title=e.title, critic_score=e.critic_score, summary=e.summary)
                for e in sorted(episodes, key=lambda e: e.number)
                if e.title is not None or e.critic_score is not None or e.summary is not None
            ),
        )

    def normalised(self) -> ShowSpec:
        """The same show with aliases sorted and empty episodes left out, for comparing two specs."""
        return ShowSpec(
            key=self.key,
            title=self.title,
            episode_count=self.episode_count,
            original_title=self.original_title,
            aliases=tuple(sorted(self.aliases)),
            kind=self.kind,
            year=self.year,
            network=self.network,
            season=self.season,
            verdict=self.verdict,
            verdict_text=self.verdict_text,
            summary=self.summary,
            episodes=tuple(
                e
                for e in sorted(self.episodes, key=lambda e: e.number)
                if e.title is not None or e.critic_score is not None or e.summary is not None
            ),
        )


# The fields of a ShowSpec and an EpisodeSpec an import may set; those it does not set are kept.
SHOW_FIELDS: Final = (
    "title",
    "original_title",
    "aliases",
    "kind",
    "year",
    "network",
    "season",
    "episode_count",
    "verdict",
    "verdict_text",
    "summary",
)
EPISODE_FIELDS: Final = ("title", "critic_score", "summary")


@dataclass(frozen=True, slots=True)
class Tally:
    """How many members rated an episode (or a show) in one server, and the sum of their halves."""

    ratings: int
    total_halves: int

    def average(self) -> Fraction | None:
        """The exact mean in points (not halves), or None when nobody has rated."""
        if self.ratings == 0:
            return None
        return Fraction(self.total_halves, 2 * self.ratings)


@dataclass(frozen=True, slots=True)
class Rating:
    """One member's rating of one episode in one server."""

    guild_id: int
    show_id: int
    episode: int
    user_id: int
    score: Score
    comment: str | None
    spoiler: bool  # the comment contains spoilers; always False without a comment
    author_name: str  # the member's display name at their last write
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class RatingChange:
    """What a write of a rating did: the rating before and after, and the tally after."""

    previous: Rating | None  # None: the member had not rated this episode in this server
    current: Rating
    tally: Tally  # the episode's tally in the rating's server, after the write


@dataclass(frozen=True, slots=True)
class MemberRating:
    """A rating with its show's title, for listing a member's own ratings."""

    rating: Rating
    show_title: str


@dataclass(frozen=True, slots=True)
class CommentRemoval:
    """A moderator's removal of a member's comment; the rating's score stayed."""

    id: int
    guild_id: int
    show_id: int
    episode: int
    author_id: int
    moderator_id: int | None  # None: a moderator who has since been forgotten (/mydata forget)
    comment: str  # the removed text, kept for review
    reason: str | None
    removed_at: str


@dataclass(frozen=True, slots=True)
class GuildSettings:
    """What a server's admins chose; a server that never chose has None for both."""

    guild_id: int
    default_show_id: int | None  # the show commands use when none is named; catalog or the server's own
    curator_role_id: int | None  # members with this role may manage the server's shows
    spoiler_guard: bool = True  # replies about episodes past a member's progress wait for their click
    spoiler_titles_hidden: bool = False  # /score show hides titles of episodes past a member's progress


@dataclass(frozen=True, slots=True)
class ShowFootprint:
    """What deleting a show, or cutting episodes from it, takes with it in one server."""

    ratings: int  # member ratings that would go
    comments: int  # of those, the ratings that carry a comment
    episodes: int  # episode rows that would go
    critic_scores: int = 0  # of those episodes, the ones with a critic score
    rated_episodes: int = 0  # of those episodes, the ones members rated


@dataclass(frozen=True, slots=True)
class ShowOverview:
    """A show as a server's show list presents it."""

    show: Show
    critic_average: Fraction | None  # exact mean of the critic's episode scores (0–5), None if none
    scored_episodes: int  # how many episodes have a critic score


@dataclass(frozen=True, slots=True)
class DefaultShow:
    """The show commands use when a member names none, and how many shows the server sees."""

    show: Show | None  # the server's default if it has one it can see, else its only show, else None
    visible: int  # how many shows the server can see (0: none yet; more than one: it must choose)


class WatchStatus(enum.Enum):
    """Where a member stands with a show: the five statuses MyDramaList members use."""

    WATCHING = "watching"
    COMPLETED = "completed"
    PLAN_TO_WATCH = "plan-to-watch"
    ON_HOLD = "on-hold"
    DROPPED = "dropped"


@dataclass(frozen=True, slots=True)
class WatchEntry:
    """A member's status and progress on one show in one server."""

    guild_id: int
    show_id: int
    user_id: int
    status: WatchStatus
    progress: int  # watched up to this episode; 0: not started
    status_chosen: bool  # the member chose the status; a rating then leaves it alone
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class WatchlistEntry:
    """A watch entry with its show's title and run, for listing a member's watchlist."""

    entry: WatchEntry
    show_title: str
    episode_count: int


@dataclass(frozen=True, slots=True)
class WatchCounts:
    """How many members of a server are watching a show and how many completed it."""

    watching: int = 0
    completed: int = 0


@dataclass(frozen=True, slots=True)
class SpoilerView:
    """What the spoiler guard needs for one member and show, read in one statement."""

    guard: bool  # the server's guard is on
    titles_hidden: bool  # the server hides titles of episodes past a member's progress
    entry: WatchEntry | None  # None: the member never rated, set progress or chose a status

    def hides(self, episode: int) -> bool:
        """Whether a reply about ``episode`` must wait for the member's click."""
        return self.guard and self.entry is not None and episode > self.entry.progress

    def hides_title(self, episode: int) -> bool:
        return self.titles_hidden and self.hides(episode)


# -- a member's own data (/mydata) -------------------------------------------------------------

FORGET_MODES = ("delete", "anonymise")


@dataclass(frozen=True, slots=True)
class MemberData:
    """Everything the store holds about one member in one server."""

    ratings: tuple[MemberRating, ...]
    # Moderators' removals of this member's comments (the removed text is theirs).
    removals: tuple[CommentRemoval, ...]
    # Removals this member made as a moderator (their id is on another member's record).
    moderated: int
    hide_from_rankings: bool
    # Watch status and progress per show.
    watch: tuple[WatchlistEntry, ...] = ()

    @property
    def comments(self) -> int:
        return sum(1 for item in self.ratings if item.rating.comment is not None)

    @property
    def empty(self) -> bool:
        return not (self.ratings or self.removals or self.moderated or self.hide_from_rankings or self.watch)


@dataclass(frozen=True, slots=True)
class AverageChange:
    """How forgetting a member changes one episode's tally in the server."""

    show_id: int
    show_title: str
    episode: int
    before: Tally
    after: Tally


@dataclass(frozen=True, slots=True)
class ForgetReport:
    """What forgetting a member takes (a preview) or took: counts and every average that moves."""

    mode: str  # one of FORGET_MODES
    ratings: int
    comments: int
    removals: int  # records of removals of the member's comments, deleted
    moderated: int  # records of removals the member made, kept without their id
    settings: int
    watch: int  # watch status and progress entries
    changes: tuple[AverageChange, ...]

    @property
    def empty(self) -> bool:
        return not (self.ratings or self.removals or self.moderated or self.settings or self.watch)


@dataclass(frozen=True, slots=True)
class ImportedRating:
    """One rating from a member's export file, resolved to a show of the importing server."""

    show_id: int
    episode: int
    score: Score
    comment: str | None
    spoiler: bool
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class ImportedWatch:
    """One watch entry from a member's export file, resolved to a show of the importing server;
    ``progress`` is within the show's run."""

    show_id: int
    status: WatchStatus
    progress: int
    status_chosen: bool


@dataclass(frozen=True, slots=True)
class ImportOverwrite:
    """A rating in the server that an import would overwrite although it is newer than the file's."""

    show_id: int
    show_title: str
    episode: int
    current: Score
    current_updated_at: str
    imported: Score
    imported_updated_at: str


@dataclass(frozen=True, slots=True)
class PurgeReport:
    """One departed server's data, deleted after the retention period: rows by table."""

    guild_id: int
    departed_at: str
    rows: dict[str, int]
