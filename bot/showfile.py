"""The JSON show format: the bundled catalog is written in it, and admins import it.

A document is ``{"format": 1, "shows": [ … ]}``; each show is an object whose keys are
described in the README. Scores are JSON numbers in half steps and are read as decimals,
never as binary floats, so 3.5 stays 3.5.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.scores import Score, ScoreError
from bot.store.models import CRITIC_MAX, VERDICT_MAX, EpisodeSpec, ShowSpec

FORMAT_VERSION = 1
MAX_EPISODES = 500
MAX_SUMMARY = 2000
MAX_VERDICT_TEXT = 1000
MAX_NAME = 100

_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_SHOW_KEYS = {
    "key",
    "title",
    "original_title",
    "aliases",
    "kind",
    "year",
    "network",
    "season",
    "episode_count",
    "verdict",
    "summary",
    "episodes",
}
_EPISODE_KEYS = {"number", "title", "score", "summary"}
_VERDICT_KEYS = {"score", "text"}


class ShowFileError(ValueError):
    """A show document that cannot be read; the message names where and what was expected."""


@dataclass(frozen=True, slots=True)
class _Where:
    """Where in the document a value sits, for error messages: ``shows[0].episodes[3].score``."""

    path: str

    def __truediv__(self, part: str | int) -> _Where:
        if isinstance(part, int):
            return _Where(f"{self.path}[{part}]")
        return _Where(f"{self.path}.{part}" if self.path else part)

    def fail(self, expected: str) -> ShowFileError:
        return ShowFileError(f"{self.path or 'the document'}: {expected}")


def parse_show_document(text: str) -> list[ShowSpec]:
    """Parse a whole document; raises :class:`ShowFileError`."""
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ShowFileError(f"line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    root = _Where("")
    if not isinstance(data, dict):
        raise root.fail('expected an object like {"format": 1, "shows": [...]}')
    if data.get("format") != FORMAT_VERSION:
        raise (root / "format").fail(f"expected {FORMAT_VERSION}, the only format this dramabot reads")
    shows = data.get("shows")
    if not isinstance(shows, list) or not shows:
        raise (root / "shows").fail("expected a non-empty list of shows")
    specs = [_show(item, root / "shows" / index) for index, item in enumerate(shows)]
    keys = [spec.key for spec in specs if spec.key is not None]
    if len(keys) != len(set(keys)):
        raise (root / "shows").fail("two shows share one key")
    return specs


def load_catalog(path: Path) -> list[ShowSpec]:
    """The bundled catalog: every show must carry a ``key`` so reloading updates it in place."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ShowFileError(f"cannot read the catalog {path}: {exc.strerror}") from None
    try:
        specs = parse_show_document(text)
    except ShowFileError as exc:
        raise ShowFileError(f"{path}: {exc}") from None
    for index, spec in enumerate(specs):
        if spec.key is None:
            raise ShowFileError(f'{path}: shows[{index}].key: catalog shows need a key such as "run-on"')
    return specs


def _show(data: Any, where: _Where) -> ShowSpec:
    if not isinstance(data, dict):
        raise where.fail("expected an object describing one show")
    _no_unknown_keys(data, _SHOW_KEYS, where)
    key = data.get("key")
    if key is not None and (not isinstance(key, str) or not _KEY.match(key)):
        raise (where / "key").fail('expected lowercase letters, digits and dashes, such as "run-on"')
    episode_count = _int(data.get("episode_count"), where / "episode_count", 1, MAX_EPISODES, required=True)
    assert episode_count is not None
    verdict, verdict_text = _verdict(data.get("verdict"), where / "verdict")
    episodes = data.get("episodes", [])
    if not isinstance(episodes, list):
        raise (where / "episodes").fail("expected a list of episodes")
    episode_specs = tuple(
        _episode(item, where / "episodes" / index, episode_count) for index, item in enumerate(episodes)
    )
    numbers = [episode.number for episode in episode_specs]
    if len(numbers) != len(set(numbers)):
        raise (where / "episodes").fail("an episode number appears twice")
    aliases = data.get("aliases", [])
    if not isinstance(aliases, list):
        raise (where / "aliases").fail("expected a list of names")
    return ShowSpec(
        key=key,
        title=_text(data.get("title"), where / "title", MAX_NAME, required=True) or "",
        original_title=_text(data.get("original_title"), where / "original_title", MAX_NAME),
        aliases=tuple(
            _text(alias, where / "aliases" / index, MAX_NAME, required=True) or ""
            for index, alias in enumerate(aliases)
        ),
        kind=_text(data.get("kind"), where / "kind", 50),
        year=_int(data.get("year"), where / "year", 1900, 2100),
        network=_text(data.get("network"), where / "network", 50),
        season=_int(data.get("season"), where / "season", 1, 100) or 1,
        episode_count=episode_count,
        verdict=verdict,
        verdict_text=verdict_text,
        summary=_text(data.get("summary"), where / "summary", MAX_SUMMARY),
        episodes=tuple(sorted(episode_specs, key=lambda episode: episode.number)),
    )


def _episode(data: Any, where: _Where, episode_count: int) -> EpisodeSpec:
    if not isinstance(data, dict):
        raise where.fail('expected an object such as {"number": 1, "score": 3.5}')
    _no_unknown_keys(data, _EPISODE_KEYS, where)
    number = _int(data.get("number"), where / "number", 1, episode_count, required=True)
    assert number is not None
    return EpisodeSpec(
        number=number,
        title=_text(data.get("title"), where / "title", MAX_NAME),
        critic_score=_score(data.get("score"), where / "score", CRITIC_MAX),
        summary=_text(data.get("summary"), where / "summary", MAX_SUMMARY),
    )


def _verdict(data: Any, where: _Where) -> tuple[Score | None, str | None]:
    if data is None:
        return None, None
    if not isinstance(data, dict):
        raise where.fail('expected an object such as {"score": 8.5, "text": "…"}')
    _no_unknown_keys(data, _VERDICT_KEYS, where)
    return (
        _score(data.get("score"), where / "score", VERDICT_MAX),
        _text(data.get("text"), where / "text", MAX_VERDICT_TEXT),
    )


def _no_unknown_keys(data: dict[str, Any], allowed: set[str], where: _Where) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise where.fail(f"unknown key {unknown[0]!r}; expected one of {', '.join(sorted(allowed))}")


def _text(value: Any, where: _Where, limit: int, *, required: bool = False) -> str | None:
    if value is None:
        if required:
            raise where.fail("is required")
        return None
    if not isinstance(value, str):
        raise where.fail("expected text")
    value = value.strip()
    if not value:
        if required:
            raise where.fail("must not be empty")
        return None
    if len(value) > limit:
        raise where.fail(f"is {len(value)} characters long; at most {limit} are allowed")
    return value


def _int(value: Any, where: _Where, low: int, high: int, *, required: bool = False) -> int | None:
    if value is None:
        if required:
            raise where.fail("is required")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise where.fail(f"expected a whole number from {low} to {high}")
    if not low <= value <= high:
        raise where.fail(f"{value} is outside {low}–{high}")
    return value


def _score(value: Any, where: _Where, maximum: int) -> Score | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise where.fail(f"expected a number from 0 to {maximum} in half steps")
    try:
        return Score.parse(value, maximum=maximum)
    except ScoreError as exc:
        raise where.fail(str(exc)) from None
