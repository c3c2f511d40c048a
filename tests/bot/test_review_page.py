"""Plain-text critic review pages, read into a ShowSpec; and picking the parser for an upload."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.review_page import ReviewPageError, looks_like_review_page, parse_review_page, parse_upload
from bot.scores import Score
from bot.showfile import ShowFileError, dump_show_document, parse_single_show, spec_from_show
from bot.store.models import Episode, Show, ShowSpec

REVIEWS = Path(__file__).parent.parent / "fixtures" / "reviews"
RUN_ON_SCORES = [
    "3.5",
    "4",
    "3.5",
    "3.5",
    "4",
    "4",
    "3.5",
    "3",
    "3.5",
    "4",
    "4",
    "3.5",
    "3.5",
    "4",
    "4.5",
    "5",
]


def fixture(name: str) -> bytes:
    return (REVIEWS / name).read_bytes()


def page(name: str) -> ShowSpec:
    return parse_upload(fixture(name))


def scores(spec: ShowSpec) -> list[str | None]:
    return [str(e.critic_score) if e.critic_score is not None else None for e in spec.episodes]


def titles(spec: ShowSpec) -> list[str | None]:
    return [e.title for e in spec.episodes]


def tin_roof(*lines: str) -> str:
    """A small page: the title on line 1, a blank line 2, then ``lines`` from line 3."""
    return "\n".join(["Tin Roof – Full Season 1 Review", "", *lines]) + "\n"


# -- valid pages ------------------------------------------------------------------------


def test_run_on_reads_with_its_scores_and_verdict() -> None:
    spec = page("run-on.txt")
    assert (spec.title, spec.season, spec.episode_count, spec.key) == ("Run On", 1, 16, None)
    assert [e.number for e in spec.episodes] == list(range(1, 17))
    assert scores(spec) == RUN_ON_SCORES
    assert titles(spec) == [None] * 16
    assert spec.verdict == Score.parse("8.5", maximum=10)
    # Prose is skipped, not kept as a summary.
    assert spec.summary is None and spec.verdict_text is None


def test_hyphens_bullets_episode_titles_and_a_later_season() -> None:
    spec = page("harbour-lights.txt")
    assert (spec.title, spec.season, spec.episode_count) == ("Harbour Lights", 2, 6)
    assert titles(spec) == [
        "Low Tide",
        "The Keeper's Ledger",
        "Salt",
        "Fog Bell",
        "Gulls, Again",
        "Homecoming",
    ]
    assert scores(spec) == ["3", "3.5", "4", "4.5", "4", "5"]
    assert spec.verdict == Score(14)


def test_crlf_a_byte_order_mark_em_dashes_and_extra_spaces() -> None:
    raw = fixture("quiet-orchard.txt")
    # The fixture really is what it claims to be (see tests/fixtures/reviews/.gitattributes).
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    spec = parse_upload(raw)
    assert (spec.title, spec.season, spec.episode_count) == ("the quiet orchard", 1, 4)
    assert titles(spec) == [None, "Blossom", None, "Windfall"]
    assert scores(spec) == ["2.5", "3", "3", "0"]
    assert spec.verdict is None


def test_titles_may_hold_dashes_pipes_and_any_script() -> None:
    spec = page("paper-lanterns.txt")
    assert (spec.title, spec.season, spec.episode_count) == ("Paper Lanterns (종이등)", 3, 3)
    assert titles(spec) == ["Lights | Out", "Love – Again", None]
    assert scores(spec) == ["4", "3.5", "4"]
    assert spec.verdict == Score(18)


def test_a_long_page_with_all_three_dashes() -> None:
    spec = page("forty-winters.txt")
    assert (spec.title, spec.episode_count) == ("Forty Winters", 40)
    assert [e.number for e in spec.episodes] == list(range(1, 41))
    assert titles(spec)[8:11] == ["Harvest 9", "Frost 10", "Thaw 11"]  # hyphen, en dash, em dash
    assert scores(spec)[:5] == ["3.5", "4", "2.5", "4.5", "3"]
    assert spec.verdict == Score(13)


@pytest.mark.parametrize(
    ("line", "number", "title", "score"),
    [
        ("Episode 1 – | Review Score – 3.5/5", 1, None, "3.5"),
        ("Episode 1 - | Review Score - 3.5/5", 1, None, "3.5"),
        ("  Episode 1 —  | Review Score — 3.5/5  ", 1, None, "3.5"),
        ("• Episode 1 – Pilot | Review Score – 4/5", 1, "Pilot", "4"),
        ("* Episode 1 - Pilot | Review Score - 4/5", 1, "Pilot", "4"),
        ("- Episode 1 - Pilot | Review Score - 4/5", 1, "Pilot", "4"),
        ("· Episode 1 — Pilot | Review Score — 4/5", 1, "Pilot", "4"),
        ("EPISODE 1 – | REVIEW SCORE – 0/5", 1, None, "0"),
        ("Episode 1 | Review Score: 5/5", 1, None, "5"),
        ("Episode\u00a01\u00a0– | Review Score – 2.5 / 5", 1, None, "2.5"),
        ("Episode 1 – Run-On | Review Score – 3.50/5", 1, "Run-On", "3.5"),
        ("Episode 1 –  Two   Spaces\u00a0 | Review Score – 1/5", 1, "Two Spaces", "1"),
    ],
)
def test_episode_line_variants(line: str, number: int, title: str | None, score: str) -> None:
    spec = parse_review_page(tin_roof(line))
    (episode,) = spec.episodes
    assert (episode.number, episode.title, str(episode.critic_score)) == (number, title, score)


@pytest.mark.parametrize(
    "line",
    [
        "• Verdict - 8.5/10",
        "Verdict – 8.5/10",
        "Verdict: 8.5/10",
        "  * verdict — 8.5 / 10",
        "Final verdict - 8.5/10",
    ],
)
def test_verdict_line_variants(line: str) -> None:
    spec = parse_review_page(tin_roof("Episode 1 – | Review Score – 3/5", line))
    assert spec.verdict == Score(17)


@pytest.mark.parametrize(
    "title_line",
    [
        "Run On – Full Season 1 Review",
        "Run On - full season 1 review",
        "  Run On   —   FULL   SEASON   1   Review  ",
        "Run\u00a0 On\u00a0–\u00a0Full Season 1 Review",
    ],
)
def test_title_line_variants(title_line: str) -> None:
    spec = parse_review_page(f"{title_line}\n\nEpisode 1 – | Review Score – 3/5\n")
    assert (spec.title, spec.season) == ("Run On", 1)


def test_prose_that_mentions_episodes_and_verdicts_is_ignored() -> None:
    spec = parse_review_page(
        tin_roof(
            "Each episode gets a Review Score out of 5, and the season a verdict out of 10.",
            "Episode 1 – | Review Score – 3/5",
            "Episode 2 is where the roof starts to leak.",
            "Episode 2 – | Review Score – 4/5",
            "Verdict: two episodes in, we were hooked.",
            "Episodes 1–2 were shot in one week.",
            "Read our Harbour Lights – Full Season 2 Review next.",
        )
    )
    assert [e.number for e in spec.episodes] == [1, 2]
    assert (spec.title, spec.verdict) == ("Tin Roof", None)


# -- broken pages ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line", "message", "line_holds"),
    [
        ("broken-bad-score.txt", 12, "4.3 is not a half step", "4.3/5"),
        ("broken-missing-episode.txt", 9, "episode 5 follows episode 3; episode 4 is missing", "Episode 5"),
        ("broken-duplicate-episode.txt", 7, "episode 2 is listed twice; the first is on line 6", "3.5/5"),
        ("broken-malformed-episode.txt", 11, 'expected "Episode 7 – | Review Score – 3.5/5"', "3,5/5"),
        ("broken-episode-out-of-10.txt", 5, "episode scores are out of 5, not 10", "7/10"),
        ("broken-verdict-out-of-5.txt", 7, "the verdict is out of 10, not 5", "Verdict – 4/5"),
        ("broken-verdict-over-10.txt", 7, "10.5 is outside 0–10", "10.5/10"),
        ("broken-two-verdicts.txt", 8, "a second verdict line; the first is on line 6", "7.5/10"),
    ],
)
def test_broken_pages_name_the_line(name: str, line: int, message: str, line_holds: str) -> None:
    raw = fixture(name)
    assert line_holds in raw.decode("utf-8").splitlines()[line - 1]
    with pytest.raises(ReviewPageError) as caught:
        parse_upload(raw)
    assert str(caught.value).startswith(f"line {line}: {message}")


def test_a_page_without_a_title_line_says_what_was_expected() -> None:
    with pytest.raises(
        ReviewPageError, match=r'^no title line; expected a line such as "Run On – Full Season 1 Review"'
    ):
        parse_upload(fixture("broken-no-title.txt"))


def test_a_page_that_is_not_utf8_names_the_line_and_offset() -> None:
    raw = fixture("broken-not-utf8.txt")
    offset = raw.index(b"\xe9")
    with pytest.raises(ShowFileError, match=rf"^not UTF-8: line 3 has a byte .* \(offset {offset}\); save"):
        parse_upload(raw)


def test_an_upload_over_256_kib_is_refused_before_reading() -> None:
    prose = "A long paragraph of invented prose about a show that never ends. " * 8 + "\n"
    text = fixture("run-on.txt").decode("utf-8") + prose * 600
    raw = text.encode("utf-8")
    assert len(raw) > 256 * 1024
    with pytest.raises(
        ShowFileError, match=rf"^the file is {-(-len(raw) // 1024)} KiB; the limit is 256 KiB$"
    ):
        parse_upload(raw)


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            ["Episode 2 – | Review Score – 3/5"],
            "line 3: the first episode listed is 2; the list must start at episode 1",
        ),
        (
            ["Episode 1 – | Review Score – 3/5", "Episode 5 – | Review Score – 3/5"],
            "line 4: episode 5 follows episode 1; episodes 2–4 are missing",
        ),
        (
            [
                "Episode 1 – | Review Score – 3/5",
                "Episode 2 – | Review Score – 3/5",
                "Episode 1 – | Review Score – 3/5",
            ],
            "line 5: episode 1 is listed twice; the first is on line 3",
        ),
        (["Episode 0 – | Review Score – 3/5"], "line 3: episode 0 is outside 1–500"),
        (["Episode 501 – | Review Score – 3/5"], "line 3: episode 501 is outside 1–500"),
        (["Episode 1 – | Review Score – 5.5/5"], "line 3: 5.5 is outside 0–5"),
        (["Episode 1 – | Review Score – 4.3/5"], "line 3: 4.3 is not a half step"),
        (
            [f"Episode 1 – {'x' * 101} | Review Score – 3/5"],
            "line 3: the episode title is 101 characters long",
        ),
        (["Episode 1 – | Review Score – /5"], 'line 3: expected "Episode 1 – | Review Score – 3.5/5"'),
        (["Episode 4 – | Review Score – three"], 'line 3: expected "Episode 4 – | Review Score – 3.5/5"'),
        (["Ep 3 – | Review Score – 3/5"], 'line 3: expected "Episode 3 – | Review Score – 3.5/5"'),
        (["Episode 1 – Pilot | 3.5/5"], 'line 3: expected "Episode 1 – | Review Score – 3.5/5"'),
        (["Episode 1 – | Review Score – 3/5", "Verdict: 9 out of 10"], 'line 4: expected "Verdict – 8.5/10"'),
        (["Episode 1 – | Review Score – 3/5", "• Verdict - 8.5"], 'line 4: expected "Verdict – 8.5/10"'),
        (["Episode 1 – | Review Score – 3/5", "Verdict – 8.3/10"], "line 4: 8.3 is not a half step"),
        (["Just prose, no episodes at all."], "no episode lines; expected lines such as"),
    ],
)
def test_broken_lines(lines: list[str], message: str) -> None:
    with pytest.raises(ReviewPageError) as caught:
        parse_review_page(tin_roof(*lines))
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "Run On – Full Season One Review\nEpisode 1 – | Review Score – 3/5\n",
            "line 1: expected a title line",
        ),
        ("Intro\n\nRun On – Full Season 0 Review\nEpisode 1 – | Review Score – 3/5\n", "line 3: season 0 is"),
        (
            f"{'T' * 101} – Full Season 1 Review\nEpisode 1 – | Review Score – 3/5\n",
            "line 1: the title is 101",
        ),
    ],
)
def test_broken_title_lines(text: str, message: str) -> None:
    with pytest.raises(ReviewPageError, match=f"^{message}"):
        parse_review_page(text)


def test_review_page_errors_are_show_file_errors() -> None:
    assert issubclass(ReviewPageError, ShowFileError)


# -- picking the parser for an upload ------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["run-on.txt", "harbour-lights.txt", "quiet-orchard.txt", "paper-lanterns.txt", "forty-winters.txt"],
)
def test_every_valid_fixture_looks_like_a_review_page(name: str) -> None:
    assert looks_like_review_page(fixture(name).decode("utf-8-sig"))


@pytest.mark.parametrize(
    "text",
    [
        '{"format": 1, "shows": [{"title": "Episode 1 – | Review Score – 3/5", "episode_count": 1}]}',
        "  \n {\n",
        "Just a note about a show I liked.\nEpisode 3 was the best.\n",
        "",
    ],
)
def test_other_texts_do_not_look_like_review_pages(text: str) -> None:
    assert not looks_like_review_page(text)


def test_an_upload_starting_with_a_brace_is_read_as_json() -> None:
    document = {
        "format": 1,
        "shows": [{"title": "Mine", "episode_count": 2, "episodes": [{"number": 1, "score": 2}]}],
    }
    spec = parse_upload(b"\xef\xbb\xbf\n  " + json.dumps(document).encode())
    assert (spec.title, scores(spec)) == ("Mine", ["2"])


def test_a_json_upload_must_hold_one_show() -> None:
    shows = [{"title": f"Show {n}", "episode_count": 1} for n in range(3)]
    with pytest.raises(ShowFileError, match=r"^the file holds 3 shows; import one show at a time$"):
        parse_upload(json.dumps({"format": 1, "shows": shows}).encode())


def test_a_broken_json_upload_is_not_read_as_a_review_page() -> None:
    with pytest.raises(ShowFileError, match=r"^line 1, column"):
        parse_upload(b'{"format": 1, "shows": [')


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "^the file is empty$"),
        (b"  \r\n\n", "^the file is empty$"),
        (b"Some notes about a show.\n", "^expected a JSON show file .* or a review page with a title line"),
        (b"Tin Roof\x00\x01", "^not text: line 1 has a NUL byte"),
    ],
)
def test_uploads_that_are_neither(data: bytes, message: str) -> None:
    with pytest.raises(ShowFileError, match=message):
        parse_upload(data)


@pytest.mark.parametrize(
    "name",
    ["run-on.txt", "harbour-lights.txt", "quiet-orchard.txt", "paper-lanterns.txt", "forty-winters.txt"],
)
def test_an_imported_page_exports_and_imports_again_unchanged(name: str) -> None:
    spec = page(name)
    show = Show(
        id=1,
        guild_id=42,
        catalog_key=None,
        title=spec.title,
        original_title=None,
        aliases=(),
        kind=None,
        year=None,
        network=None,
        season=spec.season,
        episode_count=spec.episode_count,
        verdict=spec.verdict,
        verdict_text=None,
        summary=None,
    )
    episodes = [Episode(1, e.number, e.title, e.critic_score, e.summary) for e in spec.episodes]
    assert spec_from_show(show, episodes) == spec
    assert parse_single_show(dump_show_document(show, episodes)) == spec
