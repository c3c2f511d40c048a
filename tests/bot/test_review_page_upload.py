"""An upload says which fields it sets, so an import with replace keeps what the file cannot carry."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from bot.review_page import parse_upload, read_review_page, read_upload
from bot.showfile import Upload, read_single_show
from bot.store.models import ShowSpec

REVIEWS = Path(__file__).parent.parent / "fixtures" / "reviews"


def json_upload(**show: object) -> Upload:
    document = {"format": 1, "shows": [{"title": "Mine", "episode_count": 3, **show}]}
    return read_upload(json.dumps(document).encode())


# -- JSON show files ---------------------------------------------------------------------------


def test_a_json_show_sets_only_the_keys_it_holds() -> None:
    upload = json_upload(year=2021, summary="Rain.")
    assert upload.kind == "json"
    assert upload.fields == {"title", "episode_count", "year", "summary"}
    assert upload.episode_fields == {}
    assert upload.spec == ShowSpec(title="Mine", episode_count=3, year=2021, summary="Rain.")


def test_a_key_given_as_null_sets_the_field_to_nothing() -> None:
    upload = json_upload(year=None, network=None, original_title="  ")
    assert upload.fields == {"title", "episode_count", "year", "network", "original_title"}
    assert (upload.spec.year, upload.spec.network, upload.spec.original_title) == (None, None, None)


def test_key_aliases_and_episodes_are_named_as_they_are_in_show_spec() -> None:
    upload = json_upload(key="mine", aliases=["M"], season=2, kind="drama", episodes=[])
    assert upload.fields == {"title", "episode_count", "key", "aliases", "season", "kind", "episodes"}


@pytest.mark.parametrize(
    ("verdict", "fields"),
    [
        ({"score": 8, "text": "Good."}, {"verdict", "verdict_text"}),
        ({"score": 8}, {"verdict"}),
        ({"text": "Undecided."}, {"verdict_text"}),
        ({"score": None}, {"verdict"}),
        ({"text": None}, {"verdict_text"}),
        ({}, {"verdict", "verdict_text"}),
        (None, {"verdict", "verdict_text"}),
    ],
)
def test_a_verdict_sets_the_score_the_text_or_both(verdict: object, fields: set[str]) -> None:
    upload = json_upload(verdict=verdict)
    assert upload.fields == {"title", "episode_count"} | fields


def test_each_listed_episode_says_which_of_its_fields_the_file_sets() -> None:
    upload = json_upload(
        episodes=[
            {"number": 3, "score": 4},
            {"number": 1, "title": "Pilot", "summary": None},
            {"number": 2},
        ]
    )
    assert "episodes" in upload.fields
    assert upload.episode_fields == {
        1: {"title", "summary"},
        2: frozenset(),
        3: {"critic_score"},
    }


def test_read_single_show_is_what_read_upload_gives_for_json() -> None:
    text = json.dumps({"format": 1, "shows": [{"title": "Mine", "episode_count": 1, "year": 2020}]})
    assert read_single_show(text) == read_upload(text.encode())


# -- review pages -------------------------------------------------------------------------------


def test_a_review_page_sets_the_title_season_episodes_and_their_scores_but_no_verdict_it_lacks() -> None:
    upload = read_upload((REVIEWS / "quiet-orchard.txt").read_bytes())
    assert upload.kind == "review_page"
    assert upload.fields == {"title", "season", "episode_count", "episodes"}
    # Episodes 2 and 4 have titles on their lines; 1 and 3 do not, so their titles are kept.
    assert upload.episode_fields == {
        1: {"critic_score"},
        2: {"critic_score", "title"},
        3: {"critic_score"},
        4: {"critic_score", "title"},
    }


def test_a_review_page_with_a_verdict_line_sets_the_verdict_but_never_its_text_or_summary() -> None:
    upload = read_upload((REVIEWS / "run-on.txt").read_bytes())
    assert upload.fields == {"title", "season", "episode_count", "episodes", "verdict"}
    assert upload.spec.verdict_text is None and upload.spec.summary is None
    assert all(fields == {"critic_score"} for fields in upload.episode_fields.values())
    assert list(upload.episode_fields) == list(range(1, 17))


def test_read_review_page_and_parse_upload_agree() -> None:
    raw = (REVIEWS / "paper-lanterns.txt").read_bytes()
    upload = read_review_page(raw.decode("utf-8"))
    assert upload == read_upload(raw)
    assert parse_upload(raw) == upload.spec
    assert upload.spec.episodes[0].title == "Lights | Out"


# -- an upload cannot be changed ------------------------------------------------------------------


def test_an_upload_and_its_episode_fields_are_read_only() -> None:
    upload = json_upload(episodes=[{"number": 1, "score": 3}])
    with pytest.raises(dataclasses.FrozenInstanceError):
        upload.fields = frozenset()  # type: ignore[misc]
    with pytest.raises(TypeError):
        upload.episode_fields[2] = frozenset()  # type: ignore[index]
