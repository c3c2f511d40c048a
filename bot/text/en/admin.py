"""English: what admins and curators hear from /show, /episode, /settings, and what /shows lists."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

MESSAGES: Final[Mapping[str, str | Mapping[str, str]]] = {
    # -- /show -----------------------------------------------------------------------------------
    "show.catalog_read_only": (
        "**{title}** is part of the bundled catalog and can't be changed here. "
        "Use `/show copy` to give this server its own copy to edit."
    ),
    "show.added": (
        "Added **{title}** ({facts}). Set scores with `/episode set` and a verdict with `/show verdict`."
    ),
    "show.now_several": {
        "one": "",
        "other": (
            "This server now has {count} shows and no default, so members must name the show in every command. "
            "Pick a default with `/show default`, or press the button."
        ),
    },
    "show.make_default_button": "Make “{title}” the default",
    "show.default_set": "**{title}** is now this server's default show.",
    "show.updated": "Updated **{title}** ({facts}).",
    "show.nothing_to_change": "Nothing to change: give at least one option besides `show`.",
    "show.alias_too_long": "Each alias can be at most {limit_count} characters. Nothing was changed.",
    "show.shorten_question": (
        "Shortening **{title}** to {episodes} deletes {scores} (episodes {first}–{last}). "
        "Member ratings are not affected. Shorten it?"
    ),
    "show.shorten_cancelled": "Kept **{title}** as it was; nothing was changed.",
    "show.shorten_expired": "No answer in time: **{title}** was kept as it was.",
    "show.shorten_gone": "This question has expired; run `/show edit` again. Nothing was changed.",
    "show.verdict_set": "Verdict for **{title}** set to **{verdict}**.",
    "show.summary_saved": "Summary for {where} saved.",
    "show.summary_cleared": "Summary for {where} cleared.",
    "show.already_own": "**{title}** already belongs to this server.",
    "show.copy_question": (
        "Copy **{title}** into this server? Your copy replaces the catalog's: the catalog version is hidden "
        "here, and you can edit the copy."
    ),
    "show.copy_moves": "This server's {ratings} and {comments} on it move to the copy.",
    "show.copy_default": "The copy also becomes this server's default show.",
    "show.copied": (
        "**{title}** is now this server's own show, with this server's ratings and comments. "
        "The catalog version is hidden here (`/show unhide` brings it back beside a renamed copy)."
    ),
    "show.copy_cancelled": "Nothing was copied; **{title}** stays the catalog's.",
    "show.copy_cancelled_gone": "Nothing was copied.",
    "show.hide_own": "**{title}** belongs to this server: use `/show remove` to delete it.",
    "show.hidden": {
        "one": "Hid **{title}** in this server: members no longer see it or rate it. Its {count} member rating here is kept and comes back with `/show unhide`.",
        "other": "Hid **{title}** in this server: members no longer see it or rate it. Its {count} member ratings here are kept and come back with `/show unhide`.",
    },
    "show.unhidden": "**{title}** is visible in this server again, with its ratings.",
    "show.not_hidden_unknown": "This server has not hidden a catalog show called “{value}”.",
    "show.remove_question": (
        "Delete **{title}** ({episodes}) with its {ratings} and {comments}? This cannot be undone."
    ),
    "show.removed": "Deleted **{title}** with {ratings} and {comments}.",
    "show.remove_cancelled": "Kept **{title}**; nothing was deleted.",
    "show.remove_cancelled_gone": "Nothing was deleted.",
    "show.exported": "**{title}** as a show file; `/show import` reads it back.",
    # -- /show import ----------------------------------------------------------------------------
    "import.too_big": "The file is {size_count} KiB; the limit is {limit_count} KiB. Nothing was imported.",
    "import.unreadable": "I couldn't import **{filename}**: {problem}",
    "import.exists": (
        "This server already has **{title}**. Run the import again with `replace:True` to update it "
        "(what the file does not set is kept; member ratings of episodes that still exist stay)."
    ),
    "import.preview_of": "Preview of **{filename}**:",
    "import.preview_title": "Import preview: {title}",
    "import.summary_line": "Season {season} · {episodes}",
    "import.verdict_line": "Verdict: **{verdict}**",
    "import.replaces": "Replaces this server's **{title}** ({episodes}).",
    "import.no_changes": "The file changes nothing.",
    "import.field_change": "{field}: {before} → {after}",
    "import.field_rewritten": "{field}: rewritten",
    "import.field_cleared": "{field}: cleared",
    "import.value_none": "none",
    "import.scores_changed": {
        "one": "{count} episode's critic score changes.",
        "other": "{count} episodes' critic scores change.",
    },
    "import.scores_added": {
        "one": "{count} episode gets a critic score.",
        "other": "{count} episodes get a critic score.",
    },
    "import.titles_changed": {
        "one": "{count} episode title changes.",
        "other": "{count} episode titles change.",
    },
    "import.summaries_changed": {
        "one": "{count} episode summary changes.",
        "other": "{count} episode summaries change.",
    },
    "import.will_delete": "⚠ This deletes {what}.",
    "import.nothing_deleted": "No member rating, comment or critic score is deleted.",
    "import.kept_fields": "Everything the file does not set is kept.",
    "import.scores_field": "Episode scores (out of 5)",
    "import.footer": "Nothing is written until you press Confirm.",
    "import.changed_since_preview": (
        "Members rated episodes that this import would delete since the preview was made; nothing was written. "
        "Run the import again to see the new numbers."
    ),
    "import.updated": "Updated **{title}** ({facts}).",
    "import.imported": "Imported **{title}** ({facts}).",
    "import.cancelled": "Import cancelled; nothing was written.",
    "import.expired": "No answer in time: the import was cancelled and nothing was written.",
    "import.gone": "This preview has expired; run `/show import` again. Nothing was written.",
    "import.field.title": "Title",
    "import.field.original_title": "Original title",
    "import.field.aliases": "Aliases",
    "import.field.kind": "Kind",
    "import.field.year": "Year",
    "import.field.network": "Network",
    "import.field.season": "Season",
    "import.field.episode_count": "Episodes",
    "import.field.verdict": "Verdict",
    "import.field.verdict_text": "Verdict text",
    "import.field.summary": "Summary",
    # -- forms -----------------------------------------------------------------------------------
    "verdict_form.title": "Verdict: {title}",
    "verdict_form.text_label": "Verdict text",
    "summary_form.title": "{title}: {what}",
    "summary_form.series": "summary",
    "summary_form.episode": "ep. {episode} summary",
    "summary_form.label": "Summary (shown behind a spoiler tag)",
    # -- /episode --------------------------------------------------------------------------------
    "episode.nothing_to_change": "Nothing to change: give a `score`, a `title`, or both.",
    "episode.not_scored": "not scored",
    "episode.title_quoted": " “{title}”",
    "episode.set": "**{show}** episode {number}{title}: {score}.",
    "episode.no_score_to_clear": "**{show}** episode {number} has no critic score to clear.",
    "episode.score_cleared": "Cleared the critic score of **{show}** episode {number} (it was {score}).",
    # -- /settings -------------------------------------------------------------------------------
    "settings.curator_cleared": "Curator role cleared: only members with Manage Server can manage shows now.",
    "settings.curator_set": (
        "Members with {role} can now manage shows. To let them see the commands, allow the role for /show and "
        "/episode in Server Settings › Integrations › dramabot."
    ),
    "settings.curator_everyone": "Everyone can't be the curator role: pick a role that only curators hold.",
    # -- /shows ----------------------------------------------------------------------------------
    "shows.title": "Shows in this server",
    "shows.critic": "critic {average}/{maximum}",
    "shows.verdict": "verdict {verdict}",
    "shows.catalog": "catalog",
    "shows.this_server": "this server",
    "shows.default": "default",
}
