"""English: refusals and errors any command, button or form may answer with, and shared UI labels."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

MESSAGES: Final[Mapping[str, str | Mapping[str, str]]] = {
    # -- the tree's error replies ----------------------------------------------------------------
    "error.unexpected": "Something went wrong on my side and it has been logged. Please try again in a moment.",
    "error.guild_only": "This command only works inside a server.",
    "error.cooldown": "You're going a little fast. Try again in {seconds} s.",
    "error.missing_permission": "You need the {names} permission to use this command.",
    "error.bot_missing_permission": "I need the {names} permission in this channel to do that.",
    "error.check_failed": "You can't use this command here.",
    "error.command_changed": "This command was just updated. Please try again in a minute.",
    "error.file": "I couldn't read that file: {problem}",
    "error.title_taken": "This server already has a show called “{title}” (season {season}). Nothing was changed.",
    "error.title_taken_catalog": (
        "The catalog's “{title}” (season {season}) is already in this server. Use `/show copy` to make it "
        "this server's own, or `/show hide` it first. Nothing was changed."
    ),
    "error.show_read_only": (
        "“{title}” is part of the bundled catalog and cannot be changed here. "
        "Use `/show copy` to give this server its own copy to edit."
    ),
    "error.show_gone": "That show does not exist in this server (it may have just been deleted).",
    "error.episode_gone": "This show has no episode {number}.",
    "error.shortening_loses_ratings": "Shortening the show would delete {ratings} on {episodes}. Nothing was changed.",
    "error.shortening_loses_critic_scores": (
        "Shortening the show would delete {scores} (episodes {first}–{last}). Nothing was changed."
    ),
    "error.already_hidden": "“{title}” is already hidden in this server.",
    "error.not_hidden": "“{title}” is not hidden in this server.",
    "error.write_unavailable.busy": (
        "The database is busy right now, so **nothing was saved**. Please try again in a moment."
    ),
    "error.write_unavailable.full": (
        "The bot's storage is full, so **nothing was saved**. The bot's host has been told; reading still works."
    ),
    "error.write_unavailable.read_only": (
        "The bot's storage is read-only right now, so **nothing was saved**. The bot's host has been told; "
        "reading still works."
    ),
    "error.write_unavailable.io": (
        "The bot could not write to its storage, so **nothing was saved**. The bot's host has been told; "
        "please try again later."
    ),
    "error.read_unavailable": "The database is busy right now. Please try again in a moment.",
    "permission.manage_guild": "Manage Server",
    "permission.manage_messages": "Manage Messages",
    "rights.not_show_admin": (
        "Only members with Manage Server or this server's curator role can manage shows. Nothing was changed."
    ),
    "rights.not_manage_server": "Only members with Manage Server can change dramabot's settings. Nothing was changed.",
    # -- option values refused at the boundary ---------------------------------------------------
    "option.malformed": "That command arrived garbled, so I did nothing. Please run it again.",
    "option.unknown": "This command has no option `{name}`, so I did nothing.",
    "option.not_text": "`{name}` must be text. Nothing was changed.",
    "option.text.surrogate": "`{name}` contains characters that cannot be stored (a broken emoji?). Nothing was changed.",
    "option.text.nul": "`{name}` contains a NUL character, which cannot be stored. Nothing was changed.",
    "option.text.control": "`{name}` contains control characters, which cannot be shown. Nothing was changed.",
    "option.too_long": {
        "one": "`{name}` is {length_count} character long; the limit is {limit_count}. Nothing was changed.",
        "other": "`{name}` is {length_count} characters long; the limit is {limit_count}. Nothing was changed.",
    },
    "option.too_short": "`{name}` must be at least {limit_count} characters long. Nothing was changed.",
    "option.empty": "`{name}` can't be empty. Nothing was changed.",
    "option.not_whole_number": "`{name}` must be a whole number, not {value}. Nothing was changed.",
    "option.not_number": "`{name}` must be a number, not {value}. Nothing was changed.",
    "option.not_boolean": "`{name}` must be true or false. Nothing was changed.",
    "option.out_of_range": "`{name}` must be from {low} to {high}; {value} is outside that. Nothing was changed.",
    "option.not_a_choice": "{value} is not one of the choices for `{name}`. Nothing was changed.",
    "option.not_an_id": "`{name}` must be picked from the list; “{value}” is not a Discord id. Nothing was changed.",
    "option.unresolved": (
        "I couldn't find what you picked for `{name}` in this server. Pick it from the list again; "
        "nothing was changed."
    ),
    "form.malformed": "That form arrived garbled, so nothing was saved. Please fill it in again.",
    "quote.long_number": "a {digits_count}-digit number",
    # -- the show option and episode numbers -----------------------------------------------------
    "show.name_too_long": "No show has a name that long: titles are at most {limit_count} characters.",
    "show.name_empty": "Type a show name, or pick one from the list.",
    "show.ambiguous": "Several shows match “{value}”: {names}. Pick one from the list.",
    "show.unknown": (
        "I don't know a show called “{value}” in this server. Start typing in the `show` option and pick one "
        "from the list."
    ),
    "show.none_yet": "This server has no shows yet.",
    "show.several": (
        "This server follows several shows: say which one with the `show` option "
        "(admins can pick a default with `/show default`)."
    ),
    "episode.outside": "**{title}** has episodes 1–{last}; there is no episode {number}.",
    "score.refused": "{value} isn't a score you can give: use {low} to {high} in half steps, like {example}.",
    # -- buttons ---------------------------------------------------------------------------------
    "ui.pages_not_yours": "Only the member who asked can turn these pages. Run the command yourself to browse.",
    "ui.confirm_not_yours": "Only the admin who asked can answer this.",
    "ui.confirm": "Confirm",
    "ui.cancel": "Cancel",
    "ui.previous": "Prev",
    "ui.next": "Next",
    "ui.position": "{page}/{pages}",
    "ui.question_gone": "This question is no longer open; run the command again. Nothing was changed.",
    "ui.unknown_button": "That button is not one I can answer any more; run the command again. Nothing was changed.",
}
