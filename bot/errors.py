"""Errors whose message is meant for the member who ran the command.

Raise a :class:`UserFacingError` from anywhere (a cog, a transformer, a check): the command
tree's error handler shows its text as a short ephemeral reply and logs nothing alarming.
It subclasses ``AppCommandError`` so that discord.py passes it through transformers unwrapped.
"""

from __future__ import annotations

from discord import app_commands


class UserFacingError(app_commands.AppCommandError):
    """Something the member can fix or should know; ``str()`` is the reply."""


class UnknownShow(UserFacingError):
    """The typed show name matches nothing this server can see."""


class ShowNeeded(UserFacingError):
    """The command needs a show and none was given or set as the server's default."""


class UnknownEpisode(UserFacingError):
    """The episode number lies outside the show."""


class NothingYet(UserFacingError):
    """The thing asked for (a score, a summary, a verdict) has not been written yet."""
