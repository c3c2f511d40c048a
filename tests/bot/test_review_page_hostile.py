"""Hostile review pages, each as big as an upload may be, read to the right result or error.

Nothing here is timed: performance is measured by ``bench/parse.py``, never by a test. These
tests are there because a reader that backtracks took ten seconds on 2.6 KB of these and would
take hours on 256 KiB, so the suite would not finish; and because each error must stay short.
"""

from __future__ import annotations

import pytest

from bot.review_page import (
    MAX_LINES,
    MAX_PAGE,
    ReviewPageError,
    looks_like_review_page,
    parse_review_page,
    parse_upload,
    read_upload,
)
from bot.showfile import MAX_UPLOAD, ShowFileError
from bot.store.models import ShowSpec

TITLE = "Tin Roof – Full Season 1 Review\n\n"
FIRST_EPISODE = "Episode 1 – | Review Score – 3/5\n"
# No message may quote so much of a file that it would not fit in a Discord reply.
LONGEST_MESSAGE = 300


def upload(head: str, unit: str, tail: str = "") -> bytes:
    """``head``, ``unit`` repeated, then ``tail``: just under the upload limit, in UTF-8."""
    room = MAX_UPLOAD - len((head + tail).encode()) - 1
    count = room // len(unit.encode())
    data = (head + unit * count + tail).encode()
    assert MAX_UPLOAD - len(unit.encode()) - 1 <= len(data) < MAX_UPLOAD
    return data


def refused(data: bytes) -> ShowFileError:
    with pytest.raises(ShowFileError) as caught:
        parse_upload(data)
    error = caught.value
    assert len(str(error)) <= LONGEST_MESSAGE
    return error


def read(data: bytes) -> ShowSpec:
    return parse_upload(data)


# -- runs of spaces ---------------------------------------------------------------------------


def test_a_page_with_256_kib_of_spaces_between_episode_1_and_the_bar_is_a_near_miss_on_its_line() -> None:
    error = refused(upload(TITLE + "Episode 1", " ", "|\n"))
    assert str(error) == 'line 3: expected "Episode 1 – | Review Score – 3.5/5"'
    assert (error.line, error.message_id) == (3, "page.bad_episode")


def test_the_same_run_of_spaces_before_a_valid_score_is_just_spacing() -> None:
    spec = read(upload(TITLE + "Episode 1", " ", "| Review Score – 3/5\n"))
    assert [(e.number, e.title, str(e.critic_score)) for e in spec.episodes] == [(1, None, "3")]


def test_a_run_of_spaces_before_review_score_without_a_bar_is_a_near_miss() -> None:
    error = refused(upload(TITLE + "Episode 1", " ", "Review Score – 3/5\n"))
    assert str(error) == 'line 3: expected "Episode 1 – | Review Score – 3.5/5"'


def test_lines_of_100k_spaces_are_blank_lines() -> None:
    spec = read(upload(TITLE + FIRST_EPISODE, " " * 100_000 + "\n"))
    assert (spec.title, spec.episode_count) == ("Tin Roof", 1)


def test_a_run_of_spaces_in_the_title_line_is_squeezed_to_one() -> None:
    spec = read(upload("Tin Roof", " ", "– Full Season 1 Review\n" + FIRST_EPISODE))
    assert (spec.title, spec.season) == ("Tin Roof", 1)


@pytest.mark.parametrize(
    "line",
    [
        "a" + " " * 200_000 + "x",  # a word, spaces, a word
        "a –" + " " * 200_000 + "full season",  # a dash, then no season
        "Verdict" + " " * 200_000 + "x",
        "Verdict: 8" + " " * 200_000 + "x",
        "Final" + " " * 200_000 + "verdict",
        "Ep." + " " * 200_000 + "x",
        "full" + " " * 200_000 + "x",
    ],
)
def test_prose_with_a_run_of_spaces_where_a_label_would_be_is_ignored(line: str) -> None:
    spec = read((TITLE + FIRST_EPISODE + line + "\n").encode())
    assert (spec.title, spec.episode_count, spec.verdict) == ("Tin Roof", 1, None)


# -- runs of dashes, bullets and digits ---------------------------------------------------------


def test_a_run_of_dashes_as_an_episode_title_is_too_long_a_title() -> None:
    error = refused(upload(TITLE + "Episode 1 ", "-", " | Review Score – 3/5\n"))
    assert str(error).startswith("line 3: the episode title is 262,")
    assert str(error).endswith("characters long; at most 100 are allowed")


def test_a_run_of_en_dashes_before_full_season_is_too_long_a_show_title() -> None:
    error = refused(upload("Tin Roof ", "–", " Full Season 1 Review\n" + FIRST_EPISODE))
    assert error.message_id == "page.title_too_long" and error.line == 1
    assert error.values["count"] > 80_000


@pytest.mark.parametrize("unit", ["-", "- ", "–", "—", "•", "• ", "*", "·"])
def test_a_line_that_is_a_run_of_dashes_or_bullets_is_prose(unit: str) -> None:
    spec = read(upload(TITLE + FIRST_EPISODE, unit, "\n"))
    assert spec.episode_count == 1


def test_a_256_kib_episode_number_is_refused_before_it_is_turned_into_a_number() -> None:
    # int() refuses more than 4,300 digits with a ValueError, which the cog would not catch.
    error = refused(upload(TITLE + "Episode ", "1", " – | Review Score – 3/5\n"))
    assert str(error) == "line 3: the number is 262,072 characters long; at most 30 are allowed"


def test_a_256_kib_score_is_refused_with_its_length() -> None:
    error = refused(upload(TITLE + "Episode 1 – | Review Score – 3.", "5", "/5\n"))
    assert (error.line, error.message_id) == (3, "number.too_long")


def test_a_256_kib_out_of_is_refused_with_its_length() -> None:
    error = refused(upload(TITLE + "Episode 1 – | Review Score – 3/", "5", "\n"))
    assert (error.line, error.message_id) == (3, "number.too_long")


def test_a_256_kib_verdict_is_refused_with_its_length() -> None:
    error = refused(upload(TITLE + FIRST_EPISODE + "Verdict – 8", "0", "/10\n"))
    assert (error.line, error.message_id) == (4, "number.too_long")


def test_a_256_kib_season_is_refused_with_its_length() -> None:
    error = refused(upload("Tin Roof – Full Season ", "1", " Review\n" + FIRST_EPISODE))
    assert (error.line, error.message_id) == (1, "number.too_long")


def test_a_long_episode_number_in_a_near_miss_is_not_repeated_in_the_example() -> None:
    error = refused(upload(TITLE + FIRST_EPISODE + "Ep ", "7", " | 3,5/5\n"))
    assert str(error) == 'line 4: expected "Episode 2 – | Review Score – 3.5/5"'


def test_thirty_digits_are_still_read_as_a_number() -> None:
    with pytest.raises(ReviewPageError) as caught:
        parse_review_page(TITLE + f"Episode {'9' * 30} – | Review Score – 3/5\n")
    assert str(caught.value) == f"line 3: episode {'9' * 30} is outside 1–500"


# -- repeated words ----------------------------------------------------------------------------


def test_episode_episode_episode_is_prose() -> None:
    spec = read(upload(TITLE + FIRST_EPISODE, "episode "))
    assert spec.episode_count == 1


def test_episode_episode_episode_ending_in_a_bar_is_a_near_miss_asking_for_the_next_episode() -> None:
    error = refused(upload(TITLE + FIRST_EPISODE, "episode ", "|\n"))
    assert str(error) == 'line 4: expected "Episode 2 – | Review Score – 3.5/5"'


def test_review_review_review_after_a_bar_is_a_near_miss() -> None:
    error = refused(upload(TITLE + "Episode 1 |", " review"))
    assert str(error) == 'line 3: expected "Episode 1 – | Review Score – 3.5/5"'


def test_full_full_full_without_a_title_is_not_a_review_page() -> None:
    error = refused(upload("", "full "))
    assert error.message_id == "file.unrecognised"


def test_full_season_full_season_is_a_misspelt_title_on_its_line() -> None:
    with pytest.raises(ReviewPageError) as caught:
        parse_review_page("notes\n" + "full season " * 20_000 + "\n" + FIRST_EPISODE)
    assert str(caught.value) == 'line 2: expected a title line such as "Run On – Full Season 1 Review"'


# -- many lines --------------------------------------------------------------------------------


def test_many_near_miss_lines_stop_at_the_first() -> None:
    error = refused(TITLE.encode() + b"Ep 3 | 3,5/5\n" * 9_000)
    assert str(error) == 'line 3: expected "Episode 3 – | Review Score – 3.5/5"'


def test_prose_lines_that_nearly_match_are_all_skipped() -> None:
    prose = (
        "Episode 2 is where it turns.\n"
        "Verdict: two episodes in, hooked.\n"
        "Read our Harbour Lights – Full Season 2 Review next.\n"
        "Episodes 1–2 were shot in a week – Full Season 1 Reviewed\n"
    )
    spec = read(upload(TITLE + FIRST_EPISODE, prose))
    assert (spec.title, spec.episode_count, spec.verdict) == ("Tin Roof", 1, None)


@pytest.mark.parametrize("line_break", ["\n", "\r", "\r\n"])
def test_a_page_of_more_lines_than_any_review_is_refused_before_its_lines_are_read(line_break: str) -> None:
    data = upload(TITLE + FIRST_EPISODE, line_break)
    error = refused(data)
    assert error.message_id == "page.too_many_lines"
    assert error.values["count"] > MAX_LINES and error.values["limit_count"] == MAX_LINES
    assert str(error).endswith("lines; at most 10,000 are allowed")


def test_a_page_of_exactly_the_most_lines_is_read() -> None:
    text = TITLE + FIRST_EPISODE + "prose\n" * (MAX_LINES - 4)
    assert text.count("\n") + 1 == MAX_LINES
    assert parse_review_page(text).episode_count == 1
    with pytest.raises(ReviewPageError, match=r"^the page has 10,001 lines; at most 10,000 are allowed$"):
        parse_review_page(text + "\n")


def test_a_page_longer_than_any_upload_is_refused_when_read_directly() -> None:
    with pytest.raises(ReviewPageError) as caught:
        parse_review_page(TITLE + FIRST_EPISODE + "x" * MAX_PAGE)
    assert caught.value.message_id == "page.too_long"
    assert str(caught.value).endswith("characters long; at most 262,144 are allowed")


def test_looks_like_review_page_reads_a_page_of_many_lines_without_refusing_it() -> None:
    assert looks_like_review_page(TITLE + "\n" * (2 * MAX_LINES))
    assert not looks_like_review_page("ep\n" * (2 * MAX_LINES))


# -- control characters ---------------------------------------------------------------------------


@pytest.mark.parametrize("character", ["\x01", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9f"])
def test_a_control_character_in_the_show_title_is_refused_with_the_line(character: str) -> None:
    with pytest.raises(ReviewPageError) as caught:
        parse_review_page(f"Run{character}On – Full Season 1 Review\n{FIRST_EPISODE}")
    assert caught.value.line == 1
    assert str(caught.value) == (
        f"line 1: the title holds the control character U+{ord(character):04X}; "
        "titles cannot hold control characters"
    )


@pytest.mark.parametrize("character", ["\x00", "\x0b", "\x1c", "\x85"])
def test_a_control_character_in_an_episode_title_is_refused_with_the_line(character: str) -> None:
    with pytest.raises(ReviewPageError) as caught:
        parse_review_page(TITLE + f"Episode 1 – Pi{character}lot | Review Score – 3/5\n")
    assert (caught.value.line, caught.value.message_id) == (3, "page.control_in_episode_title")
    assert caught.value.values == {"code": f"{ord(character):04X}"}


def test_a_tab_is_layout_and_reads_as_a_space() -> None:
    spec = parse_review_page(
        "\tRun\tOn\t–\tFull Season 1 Review\nEpisode 1 –\tPi\tlot\t| Review Score – 3/5\n"
    )
    assert (spec.title, spec.episodes[0].title) == ("Run On", "Pi lot")


def test_control_characters_in_prose_are_left_alone() -> None:
    spec = parse_review_page(TITLE + "A bell\x07 rings.\x1b[0m\n" + FIRST_EPISODE)
    assert spec.episode_count == 1


def test_a_nul_byte_is_refused_before_the_page_is_read() -> None:
    error = refused((TITLE + "Episode 1 – Pi\x00lot | Review Score – 3/5\n").encode())
    assert error.message_id == "file.binary" and error.values["line"] == 3


def test_a_read_upload_of_a_hostile_page_fails_the_same_way() -> None:
    with pytest.raises(ReviewPageError, match=r"^line 3: expected"):
        read_upload(upload(TITLE + "Episode 1", " ", "|\n"))
