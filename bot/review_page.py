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

Pages are uploaded by strangers, so every line is recognised in time linear in its length: a
title may hold dashes and an episode title may hold "|", so each line is first cut at its last
dash or its last "|" (what follows those holds neither), and the pieces are matched by anchored
patterns whose quantifiers are possessive and never meet another that takes the same characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from bot.scores import Score
from bot.showfile import (
    MAX_EPISODES,
    MAX_NAME,
    MAX_NUMBER,
    MAX_UPLOAD,
    Message,
    ShowFileError,
    Upload,
    decode_upload,
    number_too_long,
    read_score,
    read_single_show,
)
from bot.store.models import CRITIC_MAX, VERDICT_MAX, EpisodeSpec, ShowSpec

MAX_SEASON = 100
# decode_upload takes at most MAX_UPLOAD bytes, so no uploaded page has more characters.
MAX_PAGE = MAX_UPLOAD
# Each line costs a few regex calls in Python, whatever its length, so a page of nothing but
# line breaks would cost many times a real one. A real page, even a 500-episode season with a
# paragraph per episode and blank lines between, has a few thousand.
MAX_LINES = 10_000

# Critics and their editors type a hyphen, an en dash or an em dash interchangeably.
_DASH = r"[-–—]"
# After a label ("Review Score", "Verdict") a colon is as common as a dash.
_SEPARATOR = r"[-–—:]"
# List markers a page may put in front of an episode or verdict line when pasted from a web page.
_BULLET = r"(?:[•*·‣◦▪●-]\s*+)?"
# A score as critics write it: whole or decimal, no sign or exponent (Score.parse would take "1e0").
_NUMBER = r"\d++(?:\.\d++)?"
# "out of" a maximum: "/ 5".
_OUT_OF = r"\s*+/\s*+(?P<out_of>\d++)\s*+"

# What follows the last dash of a title line: " Full Season 1 Review".
_TITLE_TAIL = re.compile(r"\s*+full\s++season\s++(?P<season>\d++)\s++review\s*+", re.IGNORECASE)
# What comes before an episode line's title: "• Episode 2 –". The dash after the number is
# optional when there is no episode title.
_EPISODE_HEAD = re.compile(rf"\s*+{_BULLET}episode\s*+(?P<number>\d++)\s*+(?:{_DASH}\s*+)?", re.IGNORECASE)
# What follows the last "|" of an episode line: " Review Score – 4/5".
_EPISODE_TAIL = re.compile(
    rf"\s*+review\s++score\s*+(?:{_SEPARATOR}\s*+)?(?P<score>{_NUMBER}){_OUT_OF}", re.IGNORECASE
)
# "• Verdict - 8.5/10", "Final verdict: 8.5/10" or, without a separator, "Verdict 8.5/10".
_VERDICT_LINE = re.compile(
    rf"\s*+{_BULLET}(?:final\s++)?verdict\s*+(?:{_SEPARATOR}\s*+)?(?P<score>{_NUMBER}){_OUT_OF}",
    re.IGNORECASE,
)
# A line meant as an episode line that is not one ("Ep 3 | Review Score 3,5/5") starts like one
# and goes on to the "Review Score" label or a "|". Prose such as "Episode 5 is where it turns"
# has neither and is left alone. The lazy ".*?" is the one quantifier that gives way, and each
# of its steps only tries "|" or "review" at one place, so a line is read about once.
_EPISODE_LIKE = re.compile(
    rf"\s*+{_BULLET}ep(?:isode)?\b\.?\s*+(?P<number>\d++)?.*?(?:\||review\s*+score)", re.IGNORECASE
)
# A line meant as a verdict that is not one ("Verdict: 9 out of 10", "Verdict - 8.5"): "Verdict"
# followed by a number that ends the line or is followed by "/" or "out of".
# "Verdict: two episodes in, I was hooked" is prose.
_VERDICT_LIKE = re.compile(
    rf"\s*+{_BULLET}(?:final\s++)?verdict\b\s*+(?:{_SEPARATOR}\s*+)?[\d.,]++\s*+(?:/|out\s++of|$)",
    re.IGNORECASE,
)
# The dash before "Full Season 1 Review" and the end of its line: the same test as _TITLE_TAIL,
# made on the whole page at once so that the regex engine, not a Python loop, passes over the
# lines that are not the title. "\n" is the only line break left in a page by then, and [^\S\n]
# is a space that stays on its line.
_TITLE_DASH = re.compile(
    r"[-–—](?=[^\S\n]*+full[^\S\n]++season[^\S\n]++\d++[^\S\n]++review[^\S\n]*+(?:\n|\Z))",
    re.IGNORECASE,
)
# A line that mentions "Full Season" is the likeliest misspelt title when none matched.
_TITLE_LIKE = re.compile(r"full[^\S\n]*+season", re.IGNORECASE)
# How an episode or verdict line starts, near miss or not; any other line is prose, or the title.
_KEYWORD = re.compile(rf"\s*+{_BULLET}(?:(?P<episode>ep)|final|verdict)", re.IGNORECASE)
# A tab is layout in a plain-text page and reads as a space; any other control character in a
# title would be stored with it.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")

_EPISODE_EXAMPLE = "Episode {number} – | Review Score – 3.5/5"
_VERDICT_EXAMPLE = "Verdict – 8.5/10"
_TITLE_EXAMPLE = "Run On – Full Season 1 Review"


class ReviewPageError(ShowFileError):
    """A review page that cannot be read; ``line`` is set when one line is at fault."""


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


@dataclass(frozen=True, slots=True)
class _Page:
    text: str  # without a byte order mark, with "\n" for every line break
    lines: list[str]


def read_review_page(text: str) -> Upload:
    """Read a review page, with what it sets; raises :class:`ReviewPageError`."""
    return _read(_page(text))


def _read(page: _Page) -> Upload:
    lines = page.lines
    title = _find_title(page)
    episodes: list[_EpisodeLine] = []
    verdict: _Verdict | None = None
    for number, line in enumerate(lines, start=1):
        start = _KEYWORD.match(line)
        if start is None or number == title.line:
            continue
        if start["episode"] is not None:
            if (episode := _episode(line, number, len(episodes) + 1)) is not None:
                _check_follows(episode, episodes)
                episodes.append(episode)
        elif (found := _verdict(line, number)) is not None:
            if verdict is not None:
                raise _fail(number, "page.second_verdict", first=verdict.line)
            verdict = found
    if not episodes:
        raise ReviewPageError("page.no_episodes", {"example": _EPISODE_EXAMPLE.format(number=1)})
    spec = ShowSpec(
        title=title.title,
        season=title.season,
        episode_count=episodes[-1].episode.number,
        verdict=verdict.score if verdict is not None else None,
        episodes=tuple(item.episode for item in episodes),
    )
    fields = {"title", "season", "episode_count", "episodes"} | ({"verdict"} if verdict else set())
    episode_fields = {
        item.episode.number: frozenset({"critic_score", "title"} if item.episode.title else {"critic_score"})
        for item in episodes
    }
    return Upload(
        spec=spec,
        fields=frozenset(fields),
        episode_fields=MappingProxyType(episode_fields),
        kind="review_page",
    )


def parse_review_page(text: str) -> ShowSpec:
    """Read a review page; raises :class:`ReviewPageError`."""
    return read_review_page(text).spec


def looks_like_review_page(text: str) -> bool:
    """Whether an upload is meant as a review page rather than a JSON show file."""
    text = text.removeprefix("\ufeff")
    if text.lstrip().startswith("{"):
        return False
    text = _normalise(text)
    return _looks_like(_Page(text, text.split("\n")))


def _looks_like(page: _Page) -> bool:
    if _title_line(page) is not None:
        return True
    for line in page.lines:
        start = _KEYWORD.match(line)
        if start is not None and start["episode"] is not None:
            # "Episode1 | Review Score 3/5" is an episode line that is no near miss ("Episode1" is
            # not the word "episode").
            if _episode_parts(line) is not None or _EPISODE_LIKE.match(line) is not None:
                return True
    return False


def read_upload(data: bytes) -> Upload:
    """An uploaded file as one show, with what it sets: a JSON show file (starting with "{") or a
    review page.

    Raises :class:`ShowFileError` (or its :class:`ReviewPageError`) with what went wrong.
    """
    text = decode_upload(data)
    if not text.strip():
        raise ShowFileError("file.empty")
    if text.lstrip().startswith("{"):
        return read_single_show(text)
    page = _page(text)
    if not _looks_like(page):
        raise ShowFileError(
            "file.unrecognised",
            {"title_example": _TITLE_EXAMPLE, "episode_example": _EPISODE_EXAMPLE.format(number=1)},
        )
    return _read(page)


def parse_upload(data: bytes) -> ShowSpec:
    """An uploaded file as one show; :func:`read_upload` also says which fields it sets."""
    return read_upload(data).spec


# -- recognising lines ----------------------------------------------------------------------


def _page(text: str) -> _Page:
    """The page and its lines; too long a page, or one of too many lines, is refused first."""
    if len(text) > MAX_PAGE:
        raise ReviewPageError("page.too_long", {"count": len(text), "limit_count": MAX_PAGE})
    text = _normalise(text)
    lines = text.count("\n") + 1
    if lines > MAX_LINES:
        raise ReviewPageError("page.too_many_lines", {"count": lines, "limit_count": MAX_LINES})
    return _Page(text, text.split("\n"))


def _normalise(text: str) -> str:
    """One "\n" for every line ending a page may have been saved with (CRLF, old Mac CR, LF),
    so that line numbers match the admin's editor."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _title_line(page: _Page) -> int | None:
    """The number of the first title line, if any."""
    text = page.text
    for dash in _TITLE_DASH.finditer(text):
        start = text.rfind("\n", 0, dash.start()) + 1
        title = text[start : dash.start()]
        if title and not title.isspace():
            return text.count("\n", 0, start) + 1
    return None


def _title_parts(line: str) -> tuple[str, re.Match[str]] | None:
    """The raw title and the "Full Season N Review" match of a title line, None for another line.

    That tail holds no dash, so the title ends at the line's last dash: "Love – Again – Full
    Season 1 Review" is the show "Love – Again".
    """
    cut = max(line.rfind("-"), line.rfind("–"), line.rfind("—"))
    if cut == -1:
        return None
    raw = line[:cut]
    tail = _TITLE_TAIL.fullmatch(line, cut + 1)
    if tail is None or not raw or raw.isspace():
        return None
    return raw, tail


def _episode_parts(line: str) -> tuple[re.Match[str], str, re.Match[str]] | None:
    """The head ("Episode 2 –"), the raw title and the score tail of an episode line, else None.

    The tail ("| Review Score – 4/5") holds no "|", so the title runs to the line's last one and
    may hold "|" itself.
    """
    bar = line.rfind("|")
    if bar == -1:
        return None
    head = _EPISODE_HEAD.match(line, 0, bar)
    if head is None:
        return None
    tail = _EPISODE_TAIL.fullmatch(line, bar + 1)
    if tail is None:
        return None
    return head, line[head.end() : bar], tail


# -- reading lines --------------------------------------------------------------------------


def _find_title(page: _Page) -> _Title:
    number = _title_line(page)
    if number is not None:
        parts = _title_parts(page.lines[number - 1])
        assert parts is not None, "_TITLE_DASH and _title_parts disagree"
        return _title(*parts, number)
    if (near := _TITLE_LIKE.search(page.text)) is not None:
        raise _fail(page.text.count("\n", 0, near.start()) + 1, "page.bad_title", example=_TITLE_EXAMPLE)
    raise ReviewPageError("page.no_title", {"example": _TITLE_EXAMPLE})


def _title(raw: str, tail: re.Match[str], line: int) -> _Title:
    if (control := _CONTROL.search(raw)) is not None:
        raise _fail(line, "page.control_in_title", code=_code(control[0]))
    title = _squeeze(raw)
    if len(title) > MAX_NAME:
        raise _fail(line, "page.title_too_long", count=len(title), limit_count=MAX_NAME)
    season = _whole(tail["season"], line)
    if not 1 <= season <= MAX_SEASON:
        raise _fail(line, "page.season_outside", season=season, maximum=MAX_SEASON)
    return _Title(line=line, title=title, season=season)


def _episode(line: str, number: int, expected: int) -> _EpisodeLine | None:
    """The episode on this line, None for a line that is not an episode line at all.

    ``expected`` is the episode the line should hold, for the example in an error.
    """
    parts = _episode_parts(line)
    if parts is None:
        near = _EPISODE_LIKE.match(line)
        if near is None:
            return None
        digits = near["number"]
        # Only a number that could be an episode is worth repeating in the example.
        shown = int(digits) if digits is not None and len(digits) <= len(str(MAX_EPISODES)) else expected
        raise _fail(number, "page.bad_episode", example=_EPISODE_EXAMPLE.format(number=shown))
    head, raw_title, tail = parts
    episode = _whole(head["number"], number)
    if not 1 <= episode <= MAX_EPISODES:
        raise _fail(number, "page.episode_outside", number=episode, maximum=MAX_EPISODES)
    if (control := _CONTROL.search(raw_title)) is not None:
        raise _fail(number, "page.control_in_episode_title", code=_code(control[0]))
    title = _squeeze(raw_title) or None
    if title is not None and len(title) > MAX_NAME:
        raise _fail(number, "page.episode_title_too_long", count=len(title), limit_count=MAX_NAME)
    score = _score(tail, number, CRITIC_MAX, "page.episode_out_of")
    return _EpisodeLine(line=number, episode=EpisodeSpec(number=episode, title=title, critic_score=score))


def _verdict(line: str, number: int) -> _Verdict | None:
    match = _VERDICT_LINE.fullmatch(line)
    if match is None:
        if _VERDICT_LIKE.match(line):
            raise _fail(number, "page.bad_verdict", example=_VERDICT_EXAMPLE)
        return None
    return _Verdict(line=number, score=_score(match, number, VERDICT_MAX, "page.verdict_out_of"))


def _score(match: re.Match[str], line: int, maximum: int, out_of_message: str) -> Score:
    out_of = _whole(match["out_of"], line)
    if out_of != maximum:
        raise _fail(line, out_of_message, maximum=maximum, out_of=out_of)
    literal = match["score"]
    if len(literal) > MAX_NUMBER:
        raise _refuse(line, number_too_long(literal))
    score = read_score(Decimal(literal), maximum)
    if isinstance(score, Message):
        raise _refuse(line, score)
    return score


def _whole(digits: str, line: int) -> int:
    """Digits as a number; more than MAX_NUMBER of them are refused before int() works on them."""
    if len(digits) > MAX_NUMBER:
        raise _refuse(line, number_too_long(digits))
    return int(digits)


def _check_follows(current: _EpisodeLine, previous: list[_EpisodeLine]) -> None:
    """A critic page lists every episode once, in order: a repeat or a gap is a mistake.

    ``previous`` is episodes 1, 2, … in order, since each line before was checked the same way.
    """
    number = current.episode.number
    if not previous:
        if number != 1:
            raise _fail(current.line, "page.first_episode", number=number)
        return
    last = len(previous)
    if number <= last:
        raise _fail(current.line, "page.episode_twice", number=number, first=previous[number - 1].line)
    if number == last + 2:
        raise _fail(current.line, "page.episode_missing", number=number, last=last, missing=last + 1)
    if number > last + 2:
        raise _fail(
            current.line,
            "page.episodes_missing",
            number=number,
            last=last,
            first_missing=last + 1,
            last_missing=number - 1,
        )


def _squeeze(text: str) -> str:
    """Runs of spaces (pasted pages are full of doubled and non-breaking ones) become one space."""
    return " ".join(text.split())


def _code(character: str) -> str:
    return f"{ord(character):04X}"


def _fail(line: int, message_id: str, **values: object) -> ReviewPageError:
    return ReviewPageError(message_id, values, line=line)


def _refuse(line: int, problem: Message) -> ReviewPageError:
    return ReviewPageError(problem.id, problem.values, line=line)
