"""Show-file and review-page errors carry data (a message id, its values, where) and read as English."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import bot.memberfile
import bot.review_page
import bot.showfile
import cogs.mydata
from bot.review_page import ReviewPageError, parse_review_page, parse_upload
from bot.showfile import (
    MAX_QUOTE,
    Message,
    ShowFileError,
    decode_upload,
    load_catalog,
    parse_show_document,
    parse_single_show,
    shorten,
)
from bot.text import CATALOGS, t
from bot.text.en import files


def document(**show: object) -> str:
    return json.dumps({"format": 1, "shows": [{"title": "Mine", "episode_count": 2, **show}]})


def test_a_show_file_error_says_what_with_values_and_where_with_a_path() -> None:
    with pytest.raises(ShowFileError) as caught:
        parse_show_document(document(episodes=[{"number": 1, "score": 4.3}]))
    error = caught.value
    assert error.message_id == "score.not_half_step"
    assert error.values == {"value": "4.3"}
    assert (error.where, error.line, error.column, error.source) == (
        "shows[0].episodes[0].score",
        None,
        None,
        None,
    )
    assert str(error) == (
        "shows[0].episodes[0].score: 4.3 is not a half step (use whole or .5 values such as 3 or 3.5)"
    )


def test_the_message_is_the_id_and_values_a_caller_renders_itself() -> None:
    with pytest.raises(ShowFileError) as caught:
        parse_show_document(document(verdict={"score": 11}))
    message_id, values = caught.value.message
    assert (message_id, values) == ("score.outside", {"value": "11", "maximum": 10})
    assert t(message_id, **values) == "11 is outside 0–10"
    assert caught.value.where == "shows[0].verdict.score"


def test_an_error_renders_in_another_locale_with_english_where_a_template_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(
        CATALOGS,
        "de",
        {"file.at_path": "{where}: {message}", "doc.empty_text": "darf nicht leer sein"},
    )
    with pytest.raises(ShowFileError) as caught:
        parse_show_document(document(title=" "))
    assert caught.value.render("de") == "shows[0].title: darf nicht leer sein"
    assert str(caught.value) == "shows[0].title: must not be empty"


def test_the_document_itself_is_named_when_nothing_in_it_is_at_fault() -> None:
    with pytest.raises(ShowFileError) as caught:
        parse_show_document("[]")
    assert caught.value.where == ""
    assert str(caught.value) == 'the document: expected an object like {"format": 1, "shows": [...]}'


def test_a_syntax_error_has_a_line_and_column() -> None:
    with pytest.raises(ShowFileError) as caught:
        parse_show_document('{"format": 1,\n "shows": [}')
    error = caught.value
    assert (error.message_id, error.line, error.column, error.where) == ("json.expecting_value", 2, 12, None)
    assert str(error) == "line 2, column 12: Expecting value"


def test_a_review_page_error_has_the_line_at_fault() -> None:
    with pytest.raises(ReviewPageError) as caught:
        parse_review_page("Tin Roof – Full Season 1 Review\n\nEpisode 1 – | Review Score – 4.3/5\n")
    error = caught.value
    assert (error.message_id, error.values, error.line, error.where) == (
        "score.not_half_step",
        {"value": "4.3"},
        3,
        None,
    )
    assert str(error) == "line 3: 4.3 is not a half step (use whole or .5 values such as 3 or 3.5)"


def test_a_gap_of_several_episodes_names_them_all() -> None:
    with pytest.raises(ReviewPageError) as caught:
        parse_review_page(
            "T – Full Season 1 Review\nEpisode 1 – | Review Score – 3/5\nEpisode 5 – | Review Score – 3/5"
        )
    assert caught.value.values == {"number": 5, "last": 1, "first_missing": 2, "last_missing": 4}


def test_a_broken_catalog_names_the_file_then_the_place_as_the_readme_shows(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    episodes = [{"number": n, "score": 3} for n in (1, 2, 3)] + [{"number": 4, "score": 4.3}]
    path.write_text(document(key="mine", episode_count=4, episodes=episodes), encoding="utf-8")
    with pytest.raises(ShowFileError) as caught:
        load_catalog(path)
    error = caught.value
    assert (error.source, error.where) == (str(path), "shows[0].episodes[3].score")
    assert str(error) == (
        f"{path}: shows[0].episodes[3].score: "
        "4.3 is not a half step (use whole or .5 values such as 3 or 3.5)"
    )


def test_a_catalog_show_without_a_key_names_the_file_and_the_key(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_text(document(), encoding="utf-8")
    with pytest.raises(ShowFileError) as caught:
        load_catalog(path)
    assert str(caught.value) == f'{path}: shows[0].key: catalog shows need a key such as "run-on"'


def test_a_catalog_that_is_not_utf8_is_a_show_file_error_not_a_unicode_error(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_bytes(b'\xef\xbb\xbf{"format": 1,\n "shows": ["caf\xe9"]}')
    with pytest.raises(ShowFileError) as caught:
        load_catalog(path)
    assert str(caught.value) == (
        f"{path}: not UTF-8: line 2 has a byte that is not valid UTF-8 (offset 32); save the file as UTF-8"
    )


def test_a_missing_catalog_says_why_it_cannot_be_read(tmp_path: Path) -> None:
    path = tmp_path / "missing.json"
    with pytest.raises(ShowFileError) as caught:
        load_catalog(path)
    assert (caught.value.message_id, caught.value.values["path"]) == ("catalog.unreadable", str(path))
    assert str(caught.value) == f"cannot read the catalog {path}: No such file or directory"


def test_in_source_keeps_the_kind_of_error_and_everything_it_carries() -> None:
    error = ReviewPageError("page.second_verdict", {"first": 6}, line=8)
    named = error.in_source("notes.txt")
    assert isinstance(named, ReviewPageError)
    assert str(named) == "notes.txt: line 8: a second verdict line; the first is on line 6"
    assert error.source is None


@pytest.mark.parametrize(
    ("data", "limit", "message"),
    [
        (b"x", 0, "the file is 1 byte; the limit is 0 bytes"),
        (b"xy", 1, "the file is 2 bytes; the limit is 1 byte"),
        (b"x" * 2000, 1000, "the file is 2,000 bytes; the limit is 1,000 bytes"),
        (b"x" * (2048 + 1), 2048, "the file is 3 KiB; the limit is 2 KiB"),
    ],
)
def test_sizes_are_counted_in_the_unit_of_the_limit_with_plurals(
    data: bytes, limit: int, message: str
) -> None:
    with pytest.raises(ShowFileError) as caught:
        decode_upload(data, limit=limit)
    assert str(caught.value) == message
    assert caught.value.message_id == "file.too_big"
    assert isinstance(caught.value.values["size"], Message)


def test_the_number_of_shows_in_an_upload_is_plural_aware() -> None:
    two = json.dumps({"format": 1, "shows": [{"title": n, "episode_count": 1} for n in "AB"]})
    with pytest.raises(ShowFileError, match=r"^the file holds 2 shows; import one show at a time$"):
        parse_single_show(two)
    assert str(ShowFileError("file.not_one_show", {"count": 1})) == (
        "the file holds 1 show; import one show at a time"
    )


def test_text_too_long_counts_characters_with_grouping() -> None:
    with pytest.raises(ShowFileError) as caught:
        parse_show_document(document(summary="x" * 12_345))
    assert str(caught.value) == "shows[0].summary: is 12,345 characters long; at most 2,000 are allowed"


def test_shorten_keeps_short_text_and_cuts_long_text_with_an_ellipsis() -> None:
    assert shorten("rating") == "rating"
    assert shorten("x" * MAX_QUOTE) == "x" * MAX_QUOTE
    assert shorten("x" * 10_000) == "x" * (MAX_QUOTE - 1) + "…"


def test_an_upload_error_never_quotes_a_whole_file() -> None:
    with pytest.raises(ShowFileError) as caught:
        parse_upload(document(**{"x" * 200_000: 1}).encode())
    assert len(str(caught.value)) < 300


# -- the catalog of messages ---------------------------------------------------------------------

_MESSAGE_ID = re.compile(r'"((?:file|json|doc|mdoc|number|score|page|catalog)\.[a-z0-9_]+)"')


def test_every_message_the_readers_raise_is_in_the_english_catalog_and_every_template_is_used() -> None:
    used: set[str] = set()
    # The /mydata export reader and the cog that resolves its shows share the catalog.
    for module in (bot.showfile, bot.review_page, bot.memberfile, cogs.mydata):
        assert module.__file__ is not None
        used |= set(_MESSAGE_ID.findall(Path(module.__file__).read_text(encoding="utf-8")))
    defined = set(files.MESSAGES)
    assert used - defined == set()
    assert defined - used == set()


def test_every_plural_template_has_one_and_other() -> None:
    for template in files.MESSAGES.values():
        if not isinstance(template, str):
            assert set(template) == {"one", "other"}
