"""English: what moderators hear from /moderate."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

MESSAGES: Final[Mapping[str, str | Mapping[str, str]]] = {
    "moderate.not_allowed": "You need the Manage Messages permission to moderate comments.",
    "moderate.nothing": "{name} has no comment on {where}; nothing was removed.",
    "moderate.removed": (
        "Removed {name}'s comment on {where}; their score stays. Recorded as removal #{id} (see `/moderate log`)."
    ),
    "moderate.log_empty": "No comments have been removed here.",
    "moderate.log_title": "Comment removals",
    "moderate.log_line": "#{id} · {when} · {moderator} removed {author}'s comment on **{title}** ep {episode}{reason}",
    "moderate.log_reason": " — {reason}",
    # A moderator who asked to be forgotten (/mydata forget): the record stays without their id.
    "moderate.forgotten_moderator": "a former moderator",
    "moderate.deleted_show": "a deleted show",
    "moderate.log_footer": {
        "one": "{count} removal in all, newest first · page {page}/{pages}",
        "other": "{count} removals in all, newest first · page {page}/{pages}",
    },
}
