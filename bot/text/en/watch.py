"""English: watch status and progress (/watch, /progress, /mywatchlist) and the spoiler guard."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

MESSAGES: Final[Mapping[str, str | Mapping[str, str]]] = {
    # -- statuses, as members see them -------------------------------------------------------------
    "watch.status.watching": "watching",
    "watch.status.completed": "completed",
    "watch.status.plan-to-watch": "plan to watch",
    "watch.status.on-hold": "on hold",
    "watch.status.dropped": "dropped",
    # -- /watch, /progress -----------------------------------------------------------------------
    "watch.saved": "**{title}** · {status} · {progress}/{episodes}. Only you can see this.",
    "watch.guard_note": "Comments and summaries of episodes after {progress} stay hidden until you ask.",
    "watch.guard_note_none": "Comments and summaries stay hidden until you ask.",
    "watch.guard_note_off": "This server has switched the spoiler guard off.",
    "progress.outside": (
        "**{title}** has {episodes_count} episodes: your progress can be 0 (not started) to {last}, "
        "not {number}. Nothing was changed."
    ),
    # -- /mywatchlist ----------------------------------------------------------------------------
    "mywatchlist.none": "Your watchlist in this server is empty. Try `/watch` or `/progress`.",
    "mywatchlist.title": "Your watchlist in this server",
    "mywatchlist.line": "**{title}** · {status} · {progress}/{episodes}",
    "mywatchlist.footer": {
        "one": "{count} show · only you can see this",
        "other": "{count} shows · only you can see this",
    },
    # -- counts beside a show --------------------------------------------------------------------
    "watch.counts_name": "Members",
    "watch.counts_watching": "{watching} watching",
    "watch.counts_completed": "{completed} completed",
    # -- the spoiler guard -----------------------------------------------------------------------
    "spoiler.guard": "You're at episode {progress} of **{title}**; this is episode {episode}.",
    "spoiler.guard_not_started": "You haven't started **{title}** yet; this is episode {episode}.",
    "spoiler.guard_hint": "**Show anyway** reveals it to you alone, still behind a spoiler tag.",
    "spoiler.show_anyway": "Show anyway",
    "spoiler.not_yours": (
        "This button belongs to the member who asked. Run the command yourself to see it; "
        "nothing was changed."
    ),
    "spoiler.moved_back": (
        "You've moved your progress back before episode {episode} since; run the command again. "
        "Nothing was changed."
    ),
    "spoiler.series_note": (
        "You're at episode {progress} of {episodes}: this summary covers the whole series, "
        "beyond where you are."
    ),
    "spoiler.titles_hidden": " · titles after episode {progress} hidden",
    "score.episode_with_title": "{title} · ",
    # -- /settings spoiler-guard, spoiler-titles -------------------------------------------------
    "settings.choice.on": "on",
    "settings.choice.off": "off",
    "settings.choice.show": "show",
    "settings.choice.hide": "hide",
    "settings.spoiler_guard_on": (
        "Spoiler guard on: comments and summaries of episodes past a member's progress wait for their click."
    ),
    "settings.spoiler_guard_off": "Spoiler guard off: members see comments and summaries as spoiler tags only.",
    "settings.spoiler_titles_hide": (
        "Episode titles past a member's progress are now hidden in `/score show` for them."
    ),
    "settings.spoiler_titles_show": "Episode titles are now shown to everyone in `/score show`.",
}
