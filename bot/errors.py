"""Errors whose answer is meant for the member who ran the command, as data.

Raise a :class:`UserFacingError` from anywhere (a cog, a transformer, a check, a view): the
command tree's error handler renders its :class:`~bot.text.Message` as a short ephemeral reply
and logs nothing alarming. It subclasses ``AppCommandError`` so that discord.py passes it
through transformers and checks unwrapped.
"""

from __future__ import annotations

from discord import app_commands

from bot.text import Message


class UserFacingError(app_commands.AppCommandError):
    """Something the member can fix or should know: ``message`` says what, in no language yet."""

    def __init__(self, key: str, /, **values: object) -> None:
        self.message = Message(key, values)
        super().__init__(key)

    def __str__(self) -> str:
        return self.message.render()


class UnknownShow(UserFacingError):
    """The typed show name matches nothing this server can see."""


class ShowNeeded(UserFacingError):
    """The command needs a show and none was given or set as the server's default."""


class UnknownEpisode(UserFacingError):
    """The episode number lies outside the show."""


class NothingYet(UserFacingError):
    """The thing asked for (a score, a summary, a verdict) has not been written yet."""


class BadValue(UserFacingError):
    """A value a modified client (or a careless member) sent that no command takes."""


class NotAllowed(UserFacingError):
    """The member lacks the rights for this command or button, checked when it is used."""
