"""The JSON show format that the catalog is written in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.bot import DEFAULT_CATALOG
from bot.scores import Score
from bot.showfile import ShowFileError, load_catalog, parse_show_document


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
        (document(summary="x" * 2001), "summary: is 2001 characters long"),
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
