"""English: what members hear when they rate, review, comment and look at their own ratings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

MESSAGES: Final[Mapping[str, str | Mapping[str, str]]] = {
    # -- /rate, /review --------------------------------------------------------------------------
    "rating.where": "**{title}** episode {episode}",
    "rating.saved": "Saved your rating of **{score}** for {where}.",
    "rating.updated": "Updated your rating for {where} from {old} to **{score}**.",
    "rating.unchanged": "Your rating for {where} stays at **{score}**.",
    "rating.comment_saved": "Your comment is saved.",
    "rating.comment_saved_spoilers": "Your comment is saved, marked as containing spoilers.",
    "rating.comment_kept": "Your earlier comment is kept.",
    "rating.in_this_server": "{members} in this server.",
    "review.form_title": "Review: {title} ep. {episode}",
    "review.score_label": "Score (0.5 to 5, in half steps)",
    "review.comment_label": "Comment (optional)",
    "review.no_spoilers": "No spoilers",
    "review.contains_spoilers": "Contains spoilers",
    "review.spoiler_question": "Does your comment contain spoilers?",
    "review.bad_spoiler_choice": "Pick “No spoilers” or “Contains spoilers”. Nothing was saved.",
    "review.spoiler_without_comment": (
        "You marked your comment as containing spoilers but left it empty. Write the comment, or pick "
        "“No spoilers”. Nothing was saved."
    ),
    # -- /comments -------------------------------------------------------------------------------
    "comments.none": "No comments on **{title}** episode {episode} here yet.",
    "comments.title": "{title} · Episode {episode} · Comments",
    "comments.head": "**{name}** · {score}{flags} · {when}",
    "comments.spoiler_flag": " · ⚠ spoilers",
    "comments.footer": {
        "one": "{count} comment from this server, newest first · page {page}/{pages}",
        "other": "{count} comments from this server, newest first · page {page}/{pages}",
    },
    "comments.footer_newest": {
        "one": "{count} comment from this server (the newest {shown_count} shown), newest first · page {page}/{pages}",
        "other": (
            "{count} comments from this server (the newest {shown_count} shown), newest first · page {page}/{pages}"
        ),
    },
    # -- /myratings ------------------------------------------------------------------------------
    "myratings.none": "You haven't rated anything in this server yet. Try `/rate`.",
    "myratings.none_for_show": "You haven't rated anything for **{title}** in this server yet. Try `/rate`.",
    "myratings.title": "Your ratings in this server",
    "myratings.line": "**{title}** · Ep {episode} · {score}",
    "myratings.footer": {
        "one": "{count} rating · only you can see this",
        "other": "{count} ratings · only you can see this",
    },
    # -- /unrate, /uncomment ---------------------------------------------------------------------
    "unrate.nothing": "You haven't rated {where}, so there was nothing to delete.",
    "unrate.done": "Deleted your {score} rating for {where}.",
    "unrate.done_with_comment": "Deleted your {score} rating and your comment for {where}.",
    "uncomment.nothing": "You have no comment on {where}, so there was nothing to remove.",
    "uncomment.done": "Removed your comment on {where}. Your score of **{score}** stays.",
}
