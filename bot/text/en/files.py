"""English: what the show-file and review-page readers say about an upload or the catalog.

Each message is what went wrong; ``file.at_*`` and ``file.in_source`` put where it happened in
front (``line 6: …``, ``shows[0].episodes[3].score: …``, ``data/catalog.json: …``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

MESSAGES: Final[Mapping[str, str | Mapping[str, str]]] = {
    # -- where it happened -------------------------------------------------------------------
    "file.at_path": "{where}: {message}",
    "file.at_document": "the document: {message}",
    "file.at_line": "line {line}: {message}",
    "file.at_line_column": "line {line}, column {column}: {message}",
    "file.in_source": "{source}: {message}",
    # -- the file as a whole -----------------------------------------------------------------
    "file.empty": "the file is empty",
    "file.too_big": "the file is {size}; the limit is {limit}",
    "file.size_bytes": {"one": "{count} byte", "other": "{count} bytes"},
    "file.size_kib": "{count} KiB",
    "file.utf16": "the file is saved as UTF-16; save it as UTF-8",
    "file.binary": (
        "not text: line {line} has a NUL byte (offset {offset}), so this looks like a binary file; "
        "upload a .json show file or a plain-text review page"
    ),
    "file.not_utf8": (
        "not UTF-8: line {line} has a byte that is not valid UTF-8 (offset {offset}); save the file as UTF-8"
    ),
    "file.unrecognised": (
        'expected a JSON show file (starting with "{{", as /show export makes) or a review page '
        'with a title line such as "{title_example}" and episode lines such as "{episode_example}"'
    ),
    "file.not_one_show": {
        "one": "the file holds {count} show; import one show at a time",
        "other": "the file holds {count} shows; import one show at a time",
    },
    # -- the catalog -------------------------------------------------------------------------
    "catalog.unreadable": "cannot read the catalog {path}: {reason}",
    "catalog.key_required": 'catalog shows need a key such as "run-on"',
    # -- JSON syntax, in json's own words ------------------------------------------------------
    "json.expecting_value": "Expecting value",
    "json.expecting_name": "Expecting property name enclosed in double quotes",
    "json.expecting_colon": "Expecting ':' delimiter",
    "json.expecting_comma": "Expecting ',' delimiter",
    "json.unterminated_string": "Unterminated string starting at",
    "json.control_character": "Invalid control character at",
    "json.bad_escape": "Invalid \\escape",
    "json.bad_unicode_escape": "Invalid \\uXXXX escape",
    "json.extra_data": "Extra data",
    "json.other": "{detail}",
    # -- the show document -------------------------------------------------------------------
    "doc.too_deep": "lists and objects nest more than {limit} deep here; a show file needs 5 at most",
    "doc.not_an_object": 'expected an object like {{"format": 1, "shows": [...]}}',
    "doc.wrong_format": "expected {version}, the only format this dramabot reads",
    "doc.no_shows": "expected a non-empty list of shows",
    "doc.shared_key": "two shows share one key",
    "doc.show_not_an_object": "expected an object describing one show",
    "doc.bad_key": 'expected lowercase letters, digits and dashes, such as "run-on"',
    "doc.unknown_key": "unknown key {key}; expected one of {allowed}",
    "doc.episodes_not_a_list": "expected a list of episodes",
    "doc.episode_not_an_object": 'expected an object such as {{"number": 1, "score": 3.5}}',
    "doc.episode_twice": "an episode number appears twice",
    "doc.aliases_not_a_list": "expected a list of names",
    "doc.verdict_not_an_object": 'expected an object such as {{"score": 8.5, "text": "…"}}',
    "doc.required": "is required",
    "doc.expected_text": "expected text",
    "doc.empty_text": "must not be empty",
    "doc.text_too_long": {
        "one": "is {count} character long; at most {limit_count} are allowed",
        "other": "is {count} characters long; at most {limit_count} are allowed",
    },
    "doc.control_in_name": (
        "holds the control character U+{code} at character {position}; names and titles cannot hold "
        "control characters"
    ),
    "doc.control_in_prose": (
        "holds the control character U+{code} at character {position}; only line breaks and tabs are allowed"
    ),
    "doc.lone_surrogate": (
        "holds \\u{code} at character {position}, half of a surrogate pair and not a character; "
        "write the character itself"
    ),
    "doc.expected_whole_number": "expected a whole number from {low} to {high}",
    "doc.outside": "{value} is outside {low}–{high}",
    "doc.expected_score": "expected a number from 0 to {maximum} in half steps",
    # -- /mydata export files (bot.memberfile) ---------------------------------------------------
    "mdoc.not_an_object": 'expected an object like {{"format": "{format}", "version": 1, "ratings": [...]}}',
    "mdoc.wrong_format": 'expected "{format}": this is not a /mydata export file',
    "mdoc.wrong_version": "expected {version}, the only version this dramabot reads",
    "mdoc.expected_id": 'expected a member id in quotes, such as "734512098765432101"',
    "mdoc.expected_true_false": "expected true or false",
    "mdoc.ratings_not_a_list": "expected a list of ratings",
    "mdoc.too_many_ratings": "the file holds {count} ratings; at most {limit_count} are read",
    "mdoc.rating_not_an_object": 'expected an object such as {{"show": "Run On", "episode": 8, "score": 4.5, …}}',
    "mdoc.rating_twice": "a second rating of the same show and episode",
    "mdoc.member_score": "expected a score from 0.5 to 5 in half steps",
    "mdoc.spoiler_without_comment": "a rating without a comment cannot be marked as containing spoilers",
    "mdoc.expected_date": "expected a date and time in UTC such as {example}",
    "mdoc.updated_before_created": "is earlier than created_at",
    "mdoc.watch_not_a_list": "expected a list of watch entries",
    "mdoc.watch_not_an_object": 'expected an object such as {{"show": "Run On", "status": "watching", "progress": 8}}',
    "mdoc.watch_twice": "a second watch entry for the same show",
    "mdoc.expected_status": "expected one of {statuses}",
    "mdoc.unknown_show": "this server has no show {show} (season {season})",
    "mdoc.no_such_episode": "{show} has episodes 1–{count}; there is no episode {episode}",
    "mdoc.progress_past_end": "{show} has {count} episodes; progress {progress} is past its end",
    # -- numbers and scores, in a show file or on a review page ----------------------------------
    "number.too_long": {
        "one": "the number is {count} character long; at most {limit} are allowed",
        "other": "the number is {count} characters long; at most {limit} are allowed",
    },
    "number.not_a_number": "“{value}” is not a number",
    "number.extreme": "{value} is far outside anything a show file holds",
    "score.not_half_step": "{value} is not a half step (use whole or .5 values such as 3 or 3.5)",
    "score.outside": "{value} is outside 0–{maximum}",
    "score.invalid": "{value} is not a score",
    # -- review pages --------------------------------------------------------------------------
    "page.too_long": {
        "one": "the page is {count} character long; at most {limit_count} are allowed",
        "other": "the page is {count} characters long; at most {limit_count} are allowed",
    },
    "page.too_many_lines": {
        "one": "the page has {count} line; at most {limit_count} are allowed",
        "other": "the page has {count} lines; at most {limit_count} are allowed",
    },
    "page.no_title": 'no title line; expected a line such as "{example}" before the episodes',
    "page.bad_title": 'expected a title line such as "{example}"',
    "page.title_too_long": {
        "one": "the title is {count} character long; at most {limit_count} are allowed",
        "other": "the title is {count} characters long; at most {limit_count} are allowed",
    },
    "page.control_in_title": (
        "the title holds the control character U+{code}; titles cannot hold control characters"
    ),
    "page.season_outside": "season {season} is outside 1–{maximum}",
    "page.no_episodes": 'no episode lines; expected lines such as "{example}"',
    "page.bad_episode": 'expected "{example}"',
    "page.episode_outside": "episode {number} is outside 1–{maximum}",
    "page.episode_title_too_long": {
        "one": "the episode title is {count} character long; at most {limit_count} are allowed",
        "other": "the episode title is {count} characters long; at most {limit_count} are allowed",
    },
    "page.control_in_episode_title": (
        "the episode title holds the control character U+{code}; titles cannot hold control characters"
    ),
    "page.episode_out_of": "episode scores are out of {maximum}, not {out_of}",
    "page.first_episode": "the first episode listed is {number}; the list must start at episode 1",
    "page.episode_twice": "episode {number} is listed twice; the first is on line {first}",
    "page.episode_missing": "episode {number} follows episode {last}; episode {missing} is missing",
    "page.episodes_missing": (
        "episode {number} follows episode {last}; episodes {first_missing}–{last_missing} are missing"
    ),
    "page.bad_verdict": 'expected "{example}"',
    "page.verdict_out_of": "the verdict is out of {maximum}, not {out_of}",
    "page.second_verdict": "a second verdict line; the first is on line {first}",
}
