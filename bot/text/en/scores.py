"""English: what /score, /verdict and /summary say, and the pieces every score reply shares."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

MESSAGES: Final[Mapping[str, str | Mapping[str, str]]] = {
    # -- shared pieces (bot.present) -------------------------------------------------------------
    "present.episode": "Episode {number}",
    "present.episode_titled": "Episode {number}: {title}",
    "present.season": "Season {season}",
    "present.season_lower": "season {season}",
    "present.members": {
        "one": "Members: {average}/5 from {count} rating",
        "other": "Members: {average}/5 from {count} ratings",
    },
    "present.members_none": "Members: no member ratings yet",
    "present.member_note": " · members {average} ({count})",
    "present.critic_average": {
        "one": "{average}/5 over {count} scored episode",
        "other": "{average}/5 over {count} scored episodes",
    },
    # -- /score ----------------------------------------------------------------------------------
    "score.episode_title": "{title} · {episode}",
    "score.episode_description": "Critic: {critic}\n{members}",
    "score.not_scored_yet": "not scored yet",
    "score.not_scored_yet_line": "*not scored yet*",
    "score.no_score_yet": "Episode {number} of **{title}** has no critic score yet.",
    "score.no_scores_yet": "**{title}** has no episode scores yet.",
    "score.ep": "Ep {number}",
    "score.show_title": "{title} · all episodes",
    "score.average": "Average",
    "score.average_value": {
        "one": "**{average}/5** over {count} scored episode",
        "other": "**{average}/5** over {count} scored episodes",
    },
    "score.best": "Best",
    "score.worst": "Worst",
    "score.extremes": {"one": "Episode {numbers} · {score}", "other": "Episodes {numbers} · {score}"},
    "score.and_more": "{shown} and {more_count} more",
    "score.page_note": " · page {page}/{pages}",
    # -- /verdict --------------------------------------------------------------------------------
    "verdict.title": "{title} · Verdict",
    "verdict.none_yet": "**{title}** has no verdict yet.",
    "verdict.episode_average": "Episode average",
    "verdict.no_episode_scores": "no episode scores yet",
    "verdict.members_average": "Members' average",
    # -- /summary --------------------------------------------------------------------------------
    "summary.heading": "Summary",
    "summary.episode_heading": "{episode} · Summary",
    "summary.title": "{title} · {heading}",
    "summary.none_yet": "**{title}** has no summary yet.",
    "summary.episode_none_yet": "Episode {number} of **{title}** has no summary yet.",
    "summary.footer": "Spoilers hidden: click the dark bar to reveal.",
}
