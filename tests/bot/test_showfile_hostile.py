"""Hostile JSON show files: every one is refused with a ShowFileError that says where, never an
uncaught RecursionError, ValueError or decimal exception, and no message quotes the file at length.

Nothing here is timed; ``bench/parse.py`` measures how long these take.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from bot.scores import Score
from bot.showfile import (
    MAX_DEPTH,
    ShowFileError,
    parse_show_document,
    parse_single_show,
    score_problem,
)
from bot.store.models import ShowSpec

LONGEST_MESSAGE = 300


def show(**fields: str) -> str:
    """A one-show document whose fields are written as raw JSON text, so they can be anything."""
    fields = {"title": '"Mine"', "episode_count": "2", **fields}
    body = ", ".join(f'"{name}": {value}' for name, value in fields.items())
    return f'{{"format": 1, "shows": [{{{body}}}]}}'


def episode_score(raw: str) -> str:
    return show(episodes=f'[{{"number": 1, "score": {raw}}}]')


def refused(text: str) -> ShowFileError:
    with pytest.raises(ShowFileError) as caught:
        parse_show_document(text)
    error = caught.value
    assert len(str(error)) <= LONGEST_MESSAGE
    str(error).encode("utf-8")  # printable, even when the file held lone surrogates
    return error


def read(text: str) -> ShowSpec:
    (spec,) = parse_show_document(text)
    return spec


# -- nesting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("opening", "closing"), [("[", "]"), ('{"a": ', "}")])
def test_a_document_nested_60000_levels_deep_is_refused_before_json_recurses(
    opening: str, closing: str
) -> None:
    text = '{"format": 1, "shows": ' + opening * 60_000 + closing * 60_000 + "}"
    error = refused(text)
    assert error.message_id == "doc.too_deep" and error.values == {"limit": MAX_DEPTH}
    assert error.line == 1
    assert str(error).startswith(f"line 1, column {error.column}: lists and objects nest more than 20 deep")


def test_the_depth_limit_leaves_room_for_the_format_and_refuses_one_level_past_it() -> None:
    # The document, shows and the show are three levels; aliases and the lists in it are the rest.
    at_limit = show(aliases="[" * (MAX_DEPTH - 3) + "]" * (MAX_DEPTH - 3))
    assert str(refused(at_limit)) == "shows[0].aliases[0]: expected text"
    past = show(aliases="[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2))
    assert refused(past).message_id == "doc.too_deep"


def test_brackets_inside_strings_are_text_not_nesting() -> None:
    summary = json.dumps('[{ "quoted \\" [[[ ' + "[" * 1500 + " \\\\")
    assert read(show(summary=summary)).summary == json.loads(summary).strip()


def test_an_unterminated_string_full_of_brackets_is_a_syntax_error_not_too_deep() -> None:
    error = refused('{"format": 1, "shows": ["' + "[" * 50_000)
    assert (error.message_id, error.line, error.column) == ("json.unterminated_string", 1, 25)
    assert str(error) == "line 1, column 25: Unterminated string starting at"


def test_a_string_of_escaped_quotes_that_never_ends_is_a_syntax_error() -> None:
    assert refused('{"format": 1, "shows": ["' + '\\"' * 100_000).message_id == "json.unterminated_string"


# -- numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (show(episode_count="9" * 5000), "shows[0].episode_count"),
        (show(year="-" + "1" * 5000), "shows[0].year"),
        (show(season="1" + "0" * 30), "shows[0].season"),
        (episode_score("4" * 5000), "shows[0].episodes[0].score"),
        (episode_score("3." + "5" * 5000), "shows[0].episodes[0].score"),
        (episode_score("1e" + "9" * 5000), "shows[0].episodes[0].score"),
        (show(verdict='{"score": ' + "8" * 5000 + "}"), "shows[0].verdict.score"),
    ],
)
def test_a_number_with_thousands_of_digits_is_refused_where_it_stands(text: str, where: str) -> None:
    # Python will not turn more than 4,300 digits into an int; this is refused before trying.
    error = refused(text)
    assert (error.where, error.message_id) == (where, "number.too_long")
    length = error.values["count"]
    assert str(error) == f"{where}: the number is {length:,} characters long; at most 30 are allowed"


def test_thirty_digits_are_still_a_number_and_quoted_whole() -> None:
    error = refused(show(episode_count="9" * 30))
    assert str(error) == f"shows[0].episode_count: {'9' * 30} is outside 1–500"


def test_a_long_number_where_no_number_belongs_is_a_wrong_type_error() -> None:
    assert str(refused(show(title="9" * 5000))) == "shows[0].title: expected text"
    assert str(refused('{"format": ' + "1" * 5000 + ', "shows": []}')) == (
        "format: expected 1, the only format this dramabot reads"
    )


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_numbers(literal: str) -> None:
    error = refused(episode_score(literal))
    assert str(error) == f"shows[0].episodes[0].score: “{literal}” is not a number"
    assert str(refused(show(episode_count=literal))) == f"shows[0].episode_count: “{literal}” is not a number"


@pytest.mark.parametrize(
    ("literal", "message"),
    [
        ("1e999999", "1E+999999 is outside 0–5"),
        ("9e999999", "9E+999999 is outside 0–5"),  # doubling it would overflow a Decimal
        ("1e-999999", "1E-999999 is not a half step"),
        ("1e99999999999999999999", "1e99999999999999999999 is far outside anything a show file holds"),
        ("0.5000000000000000000000000001", "0.5000000000000000000000000001 is not a half step"),
        ("5.0000000000000000000000000001", "5.0000000000000000000000000001 is not a half step"),
        ("-0", None),
        ("4.50000000000000000000000", None),
    ],
)
def test_scores_with_extreme_exponents_or_digits_are_judged_exactly(
    literal: str, message: str | None
) -> None:
    text = episode_score(literal)
    if message is None:
        assert read(text).episodes[0].critic_score is not None
        return
    assert str(refused(text)).startswith(f"shows[0].episodes[0].score: {message}")


def test_score_problem_agrees_with_score_parse_on_every_half_step_and_near_miss() -> None:
    for tenths in range(-20, 121):
        number = Decimal(tenths) / 10
        problem = score_problem(number, 10)
        try:
            Score.parse(number, maximum=10)
        except ValueError:
            assert problem is not None
        else:
            assert problem is None


# -- text ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["title", "original_title", "kind", "network"])
@pytest.mark.parametrize("escape", ["\\u0000", "\\u0009", "\\n", "\\u001b", "\\u007f", "\\u0085"])
def test_names_hold_no_control_characters_at_all(field: str, escape: str) -> None:
    error = refused(show(**{field: f'"Ti{escape}n"'}))
    code = json.loads(f'"{escape}"')
    assert (error.where, error.message_id) == (f"shows[0].{field}", "doc.control_in_name")
    assert error.values == {"code": f"{ord(code):04X}", "position": 3}
    assert str(error) == (
        f"shows[0].{field}: holds the control character U+{ord(code):04X} at character 3; "
        "names and titles cannot hold control characters"
    )


def test_aliases_and_episode_titles_are_names_too() -> None:
    assert refused(show(aliases='["A", "B\\u0000"]')).where == "shows[0].aliases[1]"
    assert refused(show(episodes='[{"number": 1, "title": "\\t"}]')).where == "shows[0].episodes[0].title"


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"summary": '"one\\u0000"'}, "shows[0].summary"),
        ({"summary": '"one\\r\\ntwo"'}, "shows[0].summary"),
        ({"verdict": '{"text": "\\u000b"}'}, "shows[0].verdict.text"),
        ({"episodes": '[{"number": 1, "summary": "\\u009b"}]'}, "shows[0].episodes[0].summary"),
    ],
)
def test_summaries_and_verdict_text_hold_only_line_breaks_and_tabs(
    fields: dict[str, str], where: str
) -> None:
    error = refused(show(**fields))
    assert (error.where, error.message_id) == (where, "doc.control_in_prose")
    assert str(error).endswith("only line breaks and tabs are allowed")


def test_line_breaks_and_tabs_in_a_summary_are_kept() -> None:
    assert read(show(summary='"One.\\n\\n\\tTwo."')).summary == "One.\n\n\tTwo."


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\udc00\\ud800"])
def test_a_lone_surrogate_is_refused_with_where_and_never_printed(escape: str) -> None:
    error = refused(show(title=f'"Tin {escape}"'))
    assert error.where == "shows[0].title" and error.message_id == "doc.lone_surrogate"
    assert str(error).startswith(f"shows[0].title: holds \\u{error.values['code']} at character 5, half")


def test_a_surrogate_pair_is_one_character_and_reads() -> None:
    assert read(show(title='"Rain \\ud83c\\udf27"')).title == "Rain 🌧"


def test_a_lone_surrogate_in_a_summary_is_refused_too() -> None:
    assert refused(show(summary='"a\\ud800"')).message_id == "doc.lone_surrogate"


def test_an_unknown_key_is_quoted_short_and_escaped() -> None:
    error = refused(show(**{"k" * 100_000: "1"}))
    assert str(error) == (
        f"shows[0]: unknown key '{'k' * 39}…'; expected one of aliases, episode_count, episodes, key, "
        "kind, network, original_title, season, summary, title, verdict, year"
    )
    assert "'\\x00\\ud800'" in str(refused(show(**{"\\u0000\\ud800": "1"})))


def test_a_catalog_key_with_a_trailing_line_break_is_refused() -> None:
    assert str(refused(show(key='"run-on\\n"'))) == (
        'shows[0].key: expected lowercase letters, digits and dashes, such as "run-on"'
    )


def test_true_is_not_format_1() -> None:
    assert refused('{"format": true, "shows": []}').where == "format"


def test_a_duplicate_key_keeps_the_last_value_as_json_does() -> None:
    assert read('{"format": 1, "shows": [{"title": "A", "title": "B", "episode_count": 1}]}').title == "B"


def test_a_single_show_upload_of_a_hostile_document_is_refused_the_same_way() -> None:
    with pytest.raises(ShowFileError, match=r"^shows\[0\]\.episode_count: the number is 5,000 characters"):
        parse_single_show(show(episode_count="9" * 5000))
