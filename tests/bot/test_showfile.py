"""The JSON show format that the catalog is written in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.bot import DEFAULT_CATALOG
from bot.scores import Score
from bot.showfile import (
    ShowFileError,
    decode_upload,
    dump_show_document,
    load_catalog,
    parse_show_document,
    parse_single_show,
    spec_from_show,
)
from bot.store.models import Episode, Show


def document(**show: object) -> str:
    base: dict[str, object] = {"title": "Mine", "episode_count": 2}
    base.update(show)
    return json.dumps({"format": 1, "shows": [base]})


def test_the_bundled_catalog_holds_run_on() -> None:
    (run_on,) = load_catalog(DEFAULT_CATALOG)
    assert run_on.key == "run-on"
    assert run_on.verdict == Score.parse("8.5", maximum=10)
    assert len(run_on.episodes) == 16
    assert run_on.summary and len(run_on.summary) <= 2000


def test_a_minimal_show_reads() -> None:
    (spec,) = parse_show_document(document(episodes=[{"number": 2, "score": 4.5}]))
    assert spec.title == "Mine" and spec.episode_count == 2
    assert [(e.number, str(e.critic_score)) for e in spec.episodes] == [(2, "4.5")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "line 1, column 2"),
        ('{"format": 1,\n "shows": [}', "line 2"),
        ("[]", "expected an object"),
        ('{"format": 2, "shows": []}', "format: expected 1"),
        ('{"format": 1, "shows": []}', "shows: expected a non-empty list"),
        (document(title=""), r"shows\[0\].title: must not be empty"),
        (document(title="x" * 101), r"shows\[0\].title: is 101 characters long"),
        (document(episode_count=0), r"shows\[0\].episode_count: 0 is outside 1–500"),
        (document(episode_count="16"), "episode_count: expected a whole number"),
        (document(episodes=[{"number": 3}]), r"episodes\[0\].number: 3 is outside 1–2"),
        (document(episodes=[{"number": 1, "score": 4.3}]), r"episodes\[0\].score: 4.3 is not a half step"),
        (document(episodes=[{"number": 1, "score": "4"}]), r"episodes\[0\].score: expected a number"),
        (document(episodes=[{"number": 1}, {"number": 1}]), "appears twice"),
        (document(verdict={"score": 11}), r"verdict.score: 11 is outside 0–10"),
        (document(rating=3), "unknown key 'rating'"),
        (document(summary="x" * 2001), "summary: is 2,001 characters long; at most 2,000 are allowed"),
    ],
)
def test_broken_documents_say_where_and_what_was_expected(text: str, message: str) -> None:
    with pytest.raises(ShowFileError, match=message):
        parse_show_document(text)


def test_catalog_shows_need_a_key(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_text(document(), encoding="utf-8")
    with pytest.raises(ShowFileError, match=r"shows\[0\].key: catalog shows need a key"):
        load_catalog(path)


# -- export -------------------------------------------------------------------------------


def make_show(**fields: object) -> Show:
    base: dict[str, Any] = {
        "id": 7,
        "guild_id": 42,
        "catalog_key": None,
        "title": "Mine",
        "original_title": None,
        "aliases": (),
        "kind": None,
        "year": None,
        "network": None,
        "season": 1,
        "episode_count": 3,
        "verdict": None,
        "verdict_text": None,
        "summary": None,
    }
    base.update(fields)
    return Show(**base)


def episode(
    number: int, score: str | None = None, title: str | None = None, summary: str | None = None
) -> Episode:
    critic = Score.parse(score, maximum=5) if score is not None else None
    return Episode(show_id=7, number=number, title=title, critic_score=critic, summary=summary)


def test_a_server_show_dumps_without_its_key_or_empty_fields() -> None:
    show = make_show(catalog_key="mine", verdict=Score(17), original_title="마인", season=2)
    text = dump_show_document(show, [episode(2, "4", "Zwei"), episode(1, "3.5"), episode(3)])
    assert text == (
        "{\n"
        '  "format": 1,\n'
        '  "shows": [\n'
        "    {\n"
        '      "title": "Mine",\n'
        '      "original_title": "마인",\n'
        '      "season": 2,\n'
        '      "episode_count": 3,\n'
        '      "verdict": {\n'
        '        "score": 8.5\n'
        "      },\n"
        '      "episodes": [\n'
        '        {"number": 1, "score": 3.5},\n'
        '        {"number": 2, "score": 4, "title": "Zwei"}\n'
        "      ]\n"
        "    }\n"
        "  ]\n"
        "}\n"
    )


def test_a_catalog_show_keeps_its_key_and_dumps_like_the_catalog_file() -> None:
    (spec,) = load_catalog(DEFAULT_CATALOG)
    show = make_show(
        guild_id=None,
        catalog_key=spec.key,
        title=spec.title,
        original_title=spec.original_title,
        aliases=spec.aliases,
        kind=spec.kind,
        year=spec.year,
        network=spec.network,
        season=spec.season,
        episode_count=spec.episode_count,
        verdict=spec.verdict,
        verdict_text=spec.verdict_text,
        summary=spec.summary,
    )
    episodes = [episode(e.number, str(e.critic_score)) for e in spec.episodes]
    text = dump_show_document(show, episodes)
    assert '      "key": "run-on",\n' in text
    assert '        {"number": 1, "score": 3.5},\n' in text and '        {"number": 16, "score": 5}\n' in text
    assert "런 온" in text  # ensure_ascii=False
    assert parse_single_show(text) == spec_from_show(show, episodes) == spec


@pytest.mark.parametrize("halves", range(21))
def test_verdict_scores_are_written_exactly(halves: int) -> None:
    whole, half = divmod(halves, 2)
    written = f"{whole}.5" if half else str(whole)
    text = dump_show_document(make_show(verdict=Score(halves)), [])
    assert f'"score": {written}\n' in text
    assert parse_single_show(text).verdict == Score(halves)


@pytest.mark.parametrize("halves", range(11))
def test_episode_scores_are_written_exactly(halves: int) -> None:
    whole, half = divmod(halves, 2)
    written = f"{whole}.5" if half else str(whole)
    text = dump_show_document(make_show(), [Episode(7, 1, None, Score(halves), None)])
    assert f'{{"number": 1, "score": {written}}}' in text


ROUND_TRIPS = {
    "bare": (make_show(), []),
    "catalog": (
        make_show(guild_id=None, catalog_key="tin-roof", year=2021, network="KBS2"),
        [episode(1, "0")],
    ),
    "catalog without a key": (make_show(guild_id=None), [episode(3, "5")]),
    "everything": (
        make_show(
            original_title="  양철 지붕 ",
            aliases=("Tin Roof", "  ", " TR "),
            kind="Korean drama",
            year=1999,
            network="MBC",
            season=100,
            episode_count=500,
            verdict=Score(0),
            verdict_text='Says "no" \\ and\nnothing else.\u2028',
            summary="Line one.\n\nLine two with a tab\tand an emoji 🌧️.",
        ),
        [
            episode(500, "5", "The end", "It ends."),
            episode(1, None, "  Pilot  "),
            episode(2, None, None, "Only a summary."),
            episode(3, None, "   ", "   "),
            episode(4, "2.5"),
        ],
    ),
    "verdict text only": (make_show(verdict_text="Undecided."), [episode(2, title="")]),
}


@pytest.mark.parametrize("name", ROUND_TRIPS)
def test_an_export_imports_back_to_the_same_show(name: str) -> None:
    show, episodes = ROUND_TRIPS[name]
    text = dump_show_document(show, episodes)
    assert parse_single_show(text) == spec_from_show(show, episodes)
    json.loads(text)  # plain JSON any tool can read


def test_spec_from_show_cleans_text_and_leaves_out_empty_episodes() -> None:
    show, episodes = ROUND_TRIPS["everything"]
    spec = spec_from_show(show, episodes)
    assert spec.key is None  # a server show
    assert spec.original_title == "양철 지붕" and spec.aliases == ("Tin Roof", "TR")
    assert [(e.number, e.title, e.summary) for e in spec.episodes] == [
        (1, "Pilot", None),
        (2, None, "Only a summary."),
        (4, None, None),
        (500, "The end", "It ends."),
    ]
    assert spec_from_show(make_show(guild_id=None, catalog_key="mine"), []).key == "mine"


def test_parse_single_show_wants_exactly_one_show() -> None:
    two = json.dumps(
        {"format": 1, "shows": [{"title": "A", "episode_count": 1}, {"title": "B", "episode_count": 1}]}
    )
    with pytest.raises(ShowFileError, match=r"^the file holds 2 shows; import one show at a time$"):
        parse_single_show(two)
    assert parse_single_show(document()).title == "Mine"


# -- uploads --------------------------------------------------------------------------------


def test_decode_upload_strips_a_byte_order_mark() -> None:
    assert decode_upload('\ufeff{ "é" }'.encode()) == '{ "é" }'
    assert decode_upload(b"") == ""


def test_decode_upload_takes_a_file_of_exactly_the_limit() -> None:
    assert decode_upload(b"x" * 256 * 1024) == "x" * 256 * 1024


@pytest.mark.parametrize(
    ("size", "message"),
    [
        (300 * 1024, "the file is 300 KiB; the limit is 256 KiB"),
        (256 * 1024 + 1, "the file is 257 KiB; the limit is 256 KiB"),
    ],
)
def test_decode_upload_refuses_big_files(size: int, message: str) -> None:
    with pytest.raises(ShowFileError, match=f"^{message}$"):
        decode_upload(b"x" * size)


def test_decode_upload_limit_can_be_changed() -> None:
    with pytest.raises(ShowFileError, match=r"^the file is 11 bytes; the limit is 10 bytes$"):
        decode_upload(b"x" * 11, limit=10)


@pytest.mark.parametrize(
    ("data", "line", "offset"),
    [
        (b"ab\xffc", 1, 2),
        (b'{\n  "title":\n  "caf\xe9"\n}', 3, 19),
        (b"\xef\xbb\xbfone\r\ntwo\r\n\xc3(", 3, 13),  # the offset counts the byte order mark
        (b"one\rtwo\r\xe2\x82", 3, 8),  # old Mac line endings, and a character cut short
    ],
)
def test_decode_upload_names_the_first_byte_that_is_not_utf8(data: bytes, line: int, offset: int) -> None:
    expected = (
        rf"^not UTF-8: line {line} has a byte that is not valid UTF-8 \(offset {offset}\); save the file"
    )
    with pytest.raises(ShowFileError, match=expected):
        decode_upload(data)


def test_decode_upload_refuses_binary_files() -> None:
    with pytest.raises(
        ShowFileError, match=r"^not text: line 2 has a NUL byte \(offset 6\), so this looks like"
    ):
        decode_upload(b"PK\x03\x04\n\x14\x00\x00")


def test_decode_upload_names_utf16() -> None:
    with pytest.raises(ShowFileError, match=r"^the file is saved as UTF-16; save it as UTF-8$"):
        decode_upload("{}".encode("utf-16"))
