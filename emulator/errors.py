"""Exceptions raised by the emulator.

Two families live here: errors a *test* sees when it drives the emulator the way a member would
(``CommandNotFound``, ``ClientRejected``, ``InteractionTimeout``), and ``DiscordHTTPError``, which REST
handlers raise to answer the bot with a Discord-shaped error body.
"""

from __future__ import annotations

from typing import Any


class EmulatorError(Exception):
    """Base class for everything the emulator raises at its callers."""


class NotConnected(EmulatorError):
    """No bot session is connected to the gateway, so there is nobody to dispatch to."""


class CommandNotFound(EmulatorError):
    """The member typed a command the bot never synced (Discord's client would not offer it)."""


class ClientRejected(EmulatorError):
    """Discord's client would refuse to send this interaction (bad option value, missing permission...).

    The message mimics what the member would see in the client, so tests can assert on it.
    """


class InteractionTimeout(EmulatorError):
    """The bot did not acknowledge an interaction in time ("The application did not respond").

    ``errors`` holds the Discord errors returned to the bot for this interaction, which usually explain
    *why* no valid response arrived (for example a 400 for an oversized message).
    """

    def __init__(self, message: str, errors: list[DiscordHTTPError] | None = None) -> None:
        self.errors = list(errors or [])
        if self.errors:
            message += "; the bot's attempts were rejected: " + "; ".join(str(e) for e in self.errors)
        super().__init__(message)


class DiscordHTTPError(EmulatorError):
    """A REST error the emulator answers with, shaped like Discord's JSON error body."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        errors: dict[str, Any] | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors
        super().__init__(f"{status} {code}: {message}" + (f" {errors}" if errors else ""))

    def body(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            payload["errors"] = self.errors
        return payload


def invalid_form_body(errors: dict[str, Any]) -> DiscordHTTPError:
    """Discord's catch-all validation error (50035) with its nested ``errors`` tree."""
    return DiscordHTTPError(400, 50035, "Invalid Form Body", errors)


def field_error(code: str, message: str) -> dict[str, Any]:
    """One leaf of Discord's error tree: ``{"_errors": [{"code", "message"}]}``."""
    return {"_errors": [{"code": code, "message": message}]}


def unauthorized() -> DiscordHTTPError:
    return DiscordHTTPError(401, 0, "401: Unauthorized")


def not_found() -> DiscordHTTPError:
    return DiscordHTTPError(404, 0, "404: Not Found")


def unknown_interaction() -> DiscordHTTPError:
    return DiscordHTTPError(404, 10062, "Unknown interaction")


def already_acknowledged() -> DiscordHTTPError:
    return DiscordHTTPError(400, 40060, "Interaction has already been acknowledged.")


def unknown_webhook() -> DiscordHTTPError:
    return DiscordHTTPError(404, 10015, "Unknown Webhook")


def unknown_message() -> DiscordHTTPError:
    return DiscordHTTPError(404, 10008, "Unknown Message")


def empty_message() -> DiscordHTTPError:
    return DiscordHTTPError(400, 50006, "Cannot send an empty message")
