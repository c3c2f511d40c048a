"""Writes the store refuses because of what is already stored.

Each message is written for the member who asked: a cog may show ``str(error)`` as it is.
"""

from __future__ import annotations


class StoreConflict(Exception):
    """A write that conflicts with the stored data; nothing was changed."""


class ShowTitleTaken(StoreConflict):
    """The server already has a show of that title (compared without regard to case)."""

    def __init__(self, title: str) -> None:
        self.title = title
        super().__init__(f"This server already has a show called “{title}”.")


class ShowReadOnly(StoreConflict):
    """The show belongs to the bundled catalog, which servers cannot change."""

    def __init__(self, title: str) -> None:
        self.title = title
        super().__init__(
            f"“{title}” is part of the bundled catalog and cannot be changed here. "
            "Copy it into this server first to edit your own version."
        )


class ShowNotFound(StoreConflict):
    """No show of that id exists that this server owns (or, for reads, can see)."""

    def __init__(self, show_id: int) -> None:
        self.show_id = show_id
        super().__init__("That show does not exist in this server (it may have just been deleted).")


class EpisodeNotFound(StoreConflict):
    """The show has no episode of that number (its run may have just been shortened)."""

    def __init__(self, number: int) -> None:
        self.number = number
        super().__init__(f"This show has no episode {number}.")


class EpisodesHaveRatings(StoreConflict):
    """Shortening the show would delete members' ratings of the episodes past the new end."""

    def __init__(self, ratings: int, episodes: int) -> None:
        self.ratings = ratings
        self.episodes = episodes
        super().__init__(
            f"Shortening the show would delete {_count(ratings, 'member rating')} "
            f"on {_count(episodes, 'episode')}. Nothing was changed."
        )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
