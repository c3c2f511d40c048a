"""English: /mydata, what dramabot holds about a member in a server, their export, import and forget."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

MESSAGES: Final[Mapping[str, str | Mapping[str, str]]] = {
    # -- /mydata show ------------------------------------------------------------------------
    "mydata.nothing": "dramabot holds nothing about you in this server.",
    "mydata.title": "**What dramabot holds about you in this server**",
    "mydata.ratings": {
        "one": "Ratings: {count} ({comments_count} with a comment), {span}",
        "other": "Ratings: {count} ({comments_count} with a comment), {span}",
    },
    "mydata.watch": {
        "one": "Watch status and progress: {count} show, {span}",
        "other": "Watch status and progress: {count} shows, {span}",
    },
    "mydata.removals": {
        "one": "Removal records about your comments: {count}, {span}",
        "other": "Removal records about your comments: {count}, {span}",
    },
    "mydata.moderated": {
        "one": "Comments you removed as a moderator: {count} (the record names you)",
        "other": "Comments you removed as a moderator: {count} (the records name you)",
    },
    "mydata.hidden": "Hidden from rankings: {answer}",
    "mydata.yes": "yes",
    "mydata.no": "no",
    "mydata.span_one": "on {date}",
    "mydata.span": "oldest {oldest}, newest {newest}",
    "mydata.footer": "`/mydata export` downloads all of it; `/mydata forget` erases it from this server.",
    # -- /mydata export ----------------------------------------------------------------------
    "mydata.exported": (
        "Everything dramabot holds about you in this server: **{json}** (for `/mydata import`, here "
        "or in another server running dramabot) and **{csv}** (your ratings, for a spreadsheet)."
    ),
    # -- /mydata import ----------------------------------------------------------------------
    "mydata.import_too_big": "That file is {size_count} KiB; a /mydata export file is at most {limit_count} KiB.",
    "mydata.import_unreadable": "I couldn't import **{filename}**: {problem}. Nothing was written.",
    "mydata.import_not_yours": (
        "**{filename}** holds another member's data; you can import only your own export. Nothing was written."
    ),
    "mydata.import_empty": "**{filename}** holds no ratings and no watch entries. Nothing was written.",
    "mydata.import_preview": {
        "one": "Import **{filename}**: {count} rating and {watch} into this server{hidden}.",
        "other": "Import **{filename}**: {count} ratings and {watch} into this server{hidden}.",
    },
    "mydata.import_watch": {"one": "{count} watch entry", "other": "{count} watch entries"},
    "mydata.import_hidden_on": ", and hide you from rankings",
    "mydata.import_overwrites": {
        "one": "⚠ It overwrites {count} rating of yours that is newer than the file's:",
        "other": "⚠ It overwrites {count} ratings of yours that are newer than the file's:",
    },
    "mydata.import_overwrite_line": "• **{title}** episode {episode}: your {current}/5 of {current_date} → {imported}/5 of {imported_date}",
    "mydata.more_lines": {"one": "… and {count} more", "other": "… and {count} more"},
    "mydata.import_confirm": "Press Confirm to import; nothing is written until then.",
    "mydata.imported": {
        "one": "Imported {count} rating and {watch}.",
        "other": "Imported {count} ratings and {watch}.",
    },
    "mydata.import_changed": (
        "Your ratings changed since the preview; run `/mydata import` again. Nothing was written."
    ),
    "mydata.import_cancelled": "Import cancelled; nothing was written.",
    "mydata.import_expired": "No answer in time: the import was cancelled and nothing was written.",
    "mydata.import_gone": "This preview has expired or was already answered; run `/mydata import` again. Nothing more was written.",
    # -- /mydata forget ----------------------------------------------------------------------
    "mydata.forget_nothing": "Nothing to forget: dramabot holds nothing about you in this server.",
    "mydata.forget_title_delete": "**Forget you in this server: delete**",
    "mydata.forget_title_anonymise": "**Forget you in this server: anonymise**",
    "mydata.forget_ratings_delete": {
        "one": "Your {count} rating goes ({comments_count} with a comment), and the averages change.",
        "other": "Your {count} ratings go ({comments_count} with a comment), and the averages change.",
    },
    "mydata.forget_ratings_anonymise": {
        "one": (
            "Your {count} score stays in the averages, linked to nobody; your comments go "
            "({comments_count}). No average changes."
        ),
        "other": (
            "Your {count} scores stay in the averages, linked to nobody; your comments go "
            "({comments_count}). No average changes."
        ),
    },
    "mydata.forget_watch": {
        "one": "Your watch status and progress on {count} show go.",
        "other": "Your watch status and progress on {count} shows go.",
    },
    "mydata.forget_removals": {
        "one": "{count} record of a moderator removing your comment goes.",
        "other": "{count} records of moderators removing your comments go.",
    },
    "mydata.forget_moderated": {
        "one": "{count} removal you made as a moderator stays on record, without your name.",
        "other": "{count} removals you made as a moderator stay on record, without your name.",
    },
    "mydata.forget_settings": "Your settings (hidden from rankings) go.",
    "mydata.forget_moves": "Averages that change:",
    "mydata.forget_move": "• **{title}** episode {episode} average moves from {before} to {after}",
    "mydata.forget_last": "• **{title}** episode {episode} loses its only rating (was {before})",
    "mydata.forget_confirm": "Press Confirm to erase it; nothing happens until then. This cannot be undone.",
    "mydata.forgotten_delete": {
        "one": "Done: you are forgotten in this server. {count} rating was deleted.",
        "other": "Done: you are forgotten in this server. {count} ratings were deleted.",
    },
    "mydata.forgotten_anonymise": {
        "one": "Done: you are forgotten in this server. {count} score stays in the averages, linked to nobody.",
        "other": "Done: you are forgotten in this server. {count} scores stay in the averages, linked to nobody.",
    },
    "mydata.forget_changed": (
        "Your data here changed since the preview; run `/mydata forget` again to see what goes. Nothing was erased."
    ),
    "mydata.forget_cancelled": "Cancelled; nothing was erased.",
    "mydata.forget_expired": "No answer in time: nothing was erased. Run `/mydata forget` again.",
    "mydata.forget_gone": "This question has expired or was already answered; nothing more was erased.",
    # -- /mydata hide-from-rankings ----------------------------------------------------------
    "mydata.rankings_hidden": "You are now kept out of every list that names members in this server.",
    "mydata.rankings_shown": "Lists that name members may include you again in this server.",
}
