"""What the store refuses, and why, as data: the text layer (bot.text) words it for members and hosts.

Every exception names the facts a reply needs (a title, a count, a reason code) and nothing else;
none of them carries an English sentence.
"""

from __future__ import annotations

import enum


class StoreError(Exception):
    """Anything the store raises on purpose."""


class SchemaError(StoreError):
    """The database's schema cannot be used by this dramabot (newer, or a migration failed)."""

    def __init__(self, reason: str, *, path: str, version: int = 0, known: int = 0, detail: str = "") -> None:
        super().__init__(reason, path, version, known, detail)
        self.reason = reason  # "newer_schema" | "migration_failed" | "bad_migration_name"
        self.path = path
        self.version = version
        self.known = known
        self.detail = detail


class StoreConflict(StoreError):
    """A write that conflicts with the stored data; nothing was changed."""


class ShowTitleTaken(StoreConflict):
    """The server can already see a show of that title and season (compared without regard to case)."""

    def __init__(self, title: str, season: int = 1, *, catalog: bool = False) -> None:
        super().__init__(title, season, catalog)
        self.title = title
        self.season = season
        self.catalog = catalog  # the show it clashes with is the catalog's


class ShowReadOnly(StoreConflict):
    """The show belongs to the bundled catalog, which servers cannot change."""

    def __init__(self, title: str) -> None:
        super().__init__(title)
        self.title = title


class ShowNotFound(StoreConflict):
    """No show of that id exists that this server owns (or, for reads, can see)."""

    def __init__(self, show_id: int) -> None:
        super().__init__(show_id)
        self.show_id = show_id


class ProgressOutOfRange(StoreConflict):
    """Progress must lie between 0 (not started) and the show's episode count."""

    def __init__(self, progress: int, episode_count: int) -> None:
        super().__init__(progress, episode_count)
        self.progress = progress
        self.episode_count = episode_count


class EpisodeNotFound(StoreConflict):
    """The show has no episode of that number (its run may have just been shortened)."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.number = number


class EpisodesHaveRatings(StoreConflict):
    """Shortening the show would delete members' ratings of the episodes past the new end."""

    def __init__(self, ratings: int, episodes: int) -> None:
        super().__init__(ratings, episodes)
        self.ratings = ratings
        self.episodes = episodes


class EpisodesHaveCriticScores(StoreConflict):
    """Shortening the show would delete critic scores of the episodes past the new end."""

    def __init__(self, scores: int, first: int, last: int) -> None:
        super().__init__(scores, first, last)
        self.scores = scores
        self.first = first  # the first episode that would go
        self.last = last  # the show's current last episode


class ShowAlreadyHidden(StoreConflict):
    """The catalog show is already hidden in this server."""

    def __init__(self, title: str) -> None:
        super().__init__(title)
        self.title = title


class ShowNotHidden(StoreConflict):
    """The catalog show is not hidden in this server, so there is nothing to unhide."""

    def __init__(self, title: str) -> None:
        super().__init__(title)
        self.title = title


class Outage(enum.Enum):
    """Why the database cannot take a write right now."""

    BUSY = "busy"  # another process holds the write lock longer than the busy timeout
    FULL = "full"  # the disk (or the database's size limit) is full
    READ_ONLY = "read_only"  # the file, its folder or the filesystem is read-only
    IO = "io"  # the operating system reported an I/O error


class WriteUnavailable(StoreError):
    """The write was not made: the database cannot be written right now. Reads still work."""

    def __init__(self, outage: Outage, detail: str = "") -> None:
        super().__init__(outage, detail)
        self.outage = outage
        self.detail = detail  # SQLite's or the OS's own words, for the log


class ReadUnavailable(StoreError):
    """A read could not get at the database in time (another process holds it exclusively)."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail)
        self.detail = detail


class TargetNotEmpty(StoreConflict):
    """A copy was asked to write into a database that already holds rows; nothing was written."""

    def __init__(self, *, rows: int, shows: int, ratings: int) -> None:
        super().__init__(rows, shows, ratings)
        self.rows = rows
        self.shows = shows
        self.ratings = ratings


class CopyMismatch(StoreError):
    """The target's rows did not match the source's before commit; nothing was written."""

    def __init__(self, differences: list[tuple[int | None, str]]) -> None:
        super().__init__(differences)
        self.differences = differences
