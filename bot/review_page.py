"""Plain-text critic review pages, read into the same :class:`ShowSpec` a show file gives.

A page looks like::

    Run On – Full Season 1 Review

    Prose paragraphs, which are ignored.

    Episode 1 – | Review Score – 3.5/5
    Episode 2 - The Title Of Ep 2 | Review Score - 4/5
    • Verdict - 8.5/10

The title line names the show and season; every episode from 1 up is listed once, in order;
the verdict line is optional. Any dash (-, – or —) may separate the parts. Lines that nearly
match an episode or verdict line are errors naming the line, so a typo never silently drops a
score; everything else is prose and is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.scores import Score, ScoreError
from bot.showfile import (
    MAX_EPISODES,
    MAX_NAME,
    ShowFileError,
    decode_upload,
    parse_single_show,
)
from bot.store.models import CRITIC_MAX, VERDICT_MAX, EpisodeSpec, ShowSpec

MAX_SEASON = 100

# Critics and their editors type a hyphen, an en dash or an em dash interchangeably.
_DASH = r"[-–—]"
# After a label ("Review Score", "Verdict") a colon is as common as a dash.
_SEPARATOR = r"[-–—:]"
# List markers a page may put in front of an episode or verdict line when pasted from a web page.
_BULLET = r"(?:[•*·‣◦▪●-]\s*)?"
# A score as critics write it: whole or decimal, no sign or exponent (Score.parse would take "1e0").
_NUMBER = r"\d+(?:\.\d+)?"

# "Run On – Full Season 1 Review". The lazy title stops at the dash right before "Full Season",
# so a title that itself holds a dash ("Run-On", "Love – Again") stays whole.
_TITLE_LINE = re.compile(
    rf"^\s*(?P<title>\S.*?)\s*{_DASH}\s*full\s+season\s+(?P<season>\d+)\s+review\s*$",
    re.IGNORECASE,
)
# "Episode 2 - The Title | Review Score - 4/5". The dash after the number is optional when there
# is no episode title; the title runs to the first "| Review Score", so it may hold "|" itself.
_EPISODE_LINE = re.compile(
    rf"^\s*{_BULLET}episode\s*(?P<number>\d+)(?!\d)\s*(?:{_DASH}\s*)?(?P<title>.*?)\s*"
    rf"\|\s*review\s+score\s*(?:{_SEPARATOR}\s*)?(?P<score>{_NUMBER})\s*/\s*(?P<out_of>\d+)\s*$",
    re.IGNORECASE,
)
# "• Verdict - 8.5/10", "Final verdict: 8.5/10" or, without a separator, "Verdict 8.5/10".
_VERDICT_LINE = re.compile(
    rf"^\s*{_BULLET}(?:final\s+)?verdict\s*(?:{_SEPARATOR}\s*)?(?P<score>{_NUMBER})\s*/\s*(?P<out_of>\d+)\s*$",
    re.IGNORECASE,
)
# A line meant as an episode line that _EPISODE_LINE does not take ("Ep 3 | Review Score 3,5/5"):
# it starts like one and carries the "Review Score" label or the "|" separator. Prose such as
# "Episode 5 is where it turns" has neither and is left alone.
_EPISODE_LIKE = re.compile(
    rf"^\s*{_BULLET}ep(?:isode)?\b\.?\s*(?P<number>\d+)?.*?(?:review\s*score|\|)",
    re.IGNORECASE,
)
# A line meant as a verdict that _VERDICT_LINE does not take ("Verdict: 9 out of 10", "Verdict - 8.5"):
# "Verdict" followed by a number that ends the line or is followed by "/" or "out of".
# "Verdict: two episodes in, I was hooked" is prose.
_VERDICT_LIKE = re.compile(
    rf"^\s*{_BULLET}(?:final\s+)?verdict\b\s*{_SEPARATOR}?\s*[\d.,]+\s*(?:/|out\s+of|$)",
    re.IGNORECASE,
)
# A line that mentions "Full Season" is the likeliest misspelt title when none matched.
_TITLE_LIKE = re.compile(r"full\s*season", re.IGNORECASE)
# Every line ending a page may have been saved with, so line numbers match the admin's editor.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

_EPISODE_EXAMPLE = "Episode {number} – | Review Score – 3.5/5"
_VERDICT_EXAMPLE = "Verdict – 8.5/10"
_TITLE_EXAMPLE = "Run On – Full Season 1 Review"


class ReviewPageError(ShowFileError):
    """A review page that cannot be read; starts with ``line N:`` when one line is at fault."""


@dataclass(frozen=True, slots=True)
class _Title:
    line: int
    title: str
    season: int


@dataclass(frozen=True, slots=True)
class _Verdict:
    line: int
    score: Score


@dataclass(frozen=True, slots=True)
class _EpisodeLine:
    line: int
    episode: EpisodeSpec


def parse_review_page(text: str) -> ShowSpec:
    """Read a review page; raises :class:`ReviewPageError`."""
    lines = _LINE_BREAK.split(text.removeprefix("\ufeff"))
    title = _find_title(lines)
    episodes: list[_EpisodeLine] = []
    verdict: _Verdict | None = None
    for number, line in enumerate(lines, start=1):
        if number == title.line:
            continue
        if (episode := _episode(line, number)) is not None:
            _check_follows(episode, episodes)
            episodes.append(episode)
        elif (found := _verdict(line, number)) is not None:
            if verdict is not None:
                raise _fail(number, f"a second verdict line; the first is on line {verdict.line}")
            verdict = found
    if not episodes:
        raise ReviewPageError(
            f'no episode lines; expected lines such as "{_EPISODE_EXAMPLE.format(number=1)}"'
        )
    return ShowSpec(
        title=title.title,
        season=title.season,
        episode_count=episodes[-1].episode.number,
        verdict=verdict.score if verdict is not None else None,
        episodes=tuple(item.episode for item in episodes),
    )


def looks_like_review_page(text: str) -> bool:
    """Whether an upload is meant as a review page rather than a JSON show file."""
    text = text.removeprefix("\ufeff")
    if text.lstrip().startswith("{"):
        return False
    return any(
        _TITLE_LINE.match(line) or _EPISODE_LINE.match(line) or _EPISODE_LIKE.match(line)
        for line in _LINE_BREAK.split(text)
    )


def parse_upload(data: bytes) -> ShowSpec:
    """An uploaded file as one show: a JSON show file (starting with "{") or a review page.

    Raises :class:`ShowFileError` (or its :class:`ReviewPageError`) with what went wrong.
    """
    text = decode_upload(data)
    if not text.strip():
        raise ShowFileError("the file is empty")
    if text.lstrip().startswith("{"):
        return parse_single_show(text)
    if not looks_like_review_page(text):
        raise ShowFileError(
            'expected a JSON show file (starting with "{", as /show export makes) or a review page '
            f'with a title line such as "{_TITLE_EXAMPLE}" and episode lines such as '
            f'"{_EPISODE_EXAMPLE.format(number=1)}"'
        )
    return parse_review_page(text)


def _find_title(lines: list[str]) -> _Title:
    for number, line in enumerate(lines, start=1):
        if (match := _TITLE_LINE.match(line)) is not None:
            return _title(match, number)
    for number, line in enumerate(lines, start=1):
        if _TITLE_LIKE.search(line):
            raise _fail(number, f'expected a title line such as "{_TITLE_EXAMPLE}"')
    raise ReviewPageError(f'no title line; expected a line such as "{_TITLE_EXAMPLE}" before the episodes')


def _title(match: re.Match[str], line: int) -> _Title:
    title = _squeeze(match["title"])
    if len(title) > MAX_NAME:
        raise _fail(line, f"the title is {len(title)} characters long; at most {MAX_NAME} are allowed")
    season = int(match["season"])
    if not 1 <= season <= MAX_SEASON:
        raise _fail(line, f"season {season} is outside 1–{MAX_SEASON}")
    return _Title(line=line, title=title, season=season)


def _episode(line: str, number: int) -> _EpisodeLine | None:
    """The episode on this line, None for a line that is not an episode line at all."""
    match = _EPISODE_LINE.match(line)
    if match is None:
        near = _EPISODE_LIKE.match(line)
        if near is None:
            return None
        example = _EPISODE_EXAMPLE.format(number=near["number"] or number)
        raise _fail(number, f'expected "{example}"')
    episode = int(match["number"])
    if not 1 <= episode <= MAX_EPISODES:
        raise _fail(number, f"episode {episode} is outside 1–{MAX_EPISODES}")
    title = _squeeze(match["title"]) or None
    if title is not None and len(title) > MAX_NAME:
        raise _fail(
            number, f"the episode title is {len(title)} characters long; at most {MAX_NAME} are allowed"
        )
    score = _score(match, number, CRITIC_MAX, "episode scores are")
    return _EpisodeLine(line=number, episode=EpisodeSpec(number=episode, title=title, critic_score=score))


def _verdict(line: str, number: int) -> _Verdict | None:
    match = _VERDICT_LINE.match(line)
    if match is None:
        if _VERDICT_LIKE.match(line):
            raise _fail(number, f'expected "{_VERDICT_EXAMPLE}"')
        return None
    return _Verdict(line=number, score=_score(match, number, VERDICT_MAX, "the verdict is"))


def _score(match: re.Match[str], line: int, maximum: int, noun: str) -> Score:
    out_of = int(match["out_of"])
    if out_of != maximum:
        raise _fail(line, f"{noun} out of {maximum}, not {out_of}")
    try:
        return Score.parse(match["score"], maximum=maximum)
    except ScoreError as exc:
        raise _fail(line, str(exc)) from None


def _check_follows(current: _EpisodeLine, previous: list[_EpisodeLine]) -> None:
    """A critic page lists every episode once, in order: a repeat or a gap is a mistake.

    ``previous`` is episodes 1, 2, … in order, since each line before was checked the same way.
    """
    number = current.episode.number
    if not previous:
        if number != 1:
            raise _fail(
                current.line, f"the first episode listed is {number}; the list must start at episode 1"
            )
        return
    last = len(previous)
    if number <= last:
        first = previous[number - 1].line
        raise _fail(current.line, f"episode {number} is listed twice; the first is on line {first}")
    if number > last + 1:
        missing = (
            f"episode {last + 1} is missing"
            if number == last + 2
            else f"episodes {last + 1}–{number - 1} are missing"
        )
        raise _fail(current.line, f"episode {number} follows episode {last}; {missing}")


def _squeeze(text: str) -> str:
    """Runs of spaces (pasted pages are full of doubled and non-breaking ones) become one space."""
    return " ".join(text.split())


def _fail(line: int, message: str) -> ReviewPageError:
    return ReviewPageError(f"line {line}: {message}")
