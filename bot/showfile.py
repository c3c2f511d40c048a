"""The JSON show format: the bundled catalog is written in it, and admins import it.

A document is ``{"format": 1, "shows": [ … ]}``; each show is an object whose keys are
described in the README. Scores are JSON numbers in half steps and are read as decimals,
never as binary floats, so 3.5 stays 3.5.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.scores import Score, ScoreError
from bot.store.models import CRITIC_MAX, VERDICT_MAX, Episode, EpisodeSpec, Show, ShowSpec

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


# -- single-show imports and uploads -----------------------------------------------------

MAX_UPLOAD = 256 * 1024

# Every line ending an editor may have saved (CRLF, old Mac CR, LF), so that line numbers in
# messages match what the admin sees in their editor.
_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")


def parse_single_show(text: str) -> ShowSpec:
    """A document that must hold exactly one show, as ``/show import`` takes."""
    specs = parse_show_document(text)
    if len(specs) != 1:
        raise ShowFileError(f"the file holds {len(specs)} shows; import one show at a time")
    return specs[0]


def decode_upload(data: bytes, *, limit: int = MAX_UPLOAD) -> str:
    """The text of an uploaded file: UTF-8 (a byte order mark is dropped), at most ``limit`` bytes.

    Raises :class:`ShowFileError` for a file that is too big, binary, or not UTF-8, naming the
    line and byte offset of the first bad byte.
    """
    if len(data) > limit:
        raise ShowFileError(f"the file is {_size(len(data))}; the limit is {_size(limit)}")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ShowFileError("the file is saved as UTF-16; save it as UTF-8")
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    nul = data.find(b"\x00", start)
    if nul != -1:
        raise ShowFileError(
            f"not text: line {_line_of(data, nul)} has a NUL byte (offset {nul}), so this looks like a "
            "binary file; upload a .json show file or a plain-text review page"
        )
    try:
        return data[start:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = start + exc.start
        raise ShowFileError(
            f"not UTF-8: line {_line_of(data, offset)} has a byte that is not valid UTF-8 "
            f"(offset {offset}); save the file as UTF-8"
        ) from None


def _line_of(data: bytes, offset: int) -> int:
    return len(_LINE_BREAK_BYTES.findall(data, 0, offset)) + 1


def _size(count: int) -> str:
    """300 KiB; rounded up so that a file just over the limit never reads as the limit itself."""
    if count < 1024:
        return f"{count} bytes"
    return f"{-(-count // 1024)} KiB"


# -- export -------------------------------------------------------------------------------


def spec_from_show(show: Show, episodes: list[Episode]) -> ShowSpec:
    """What a stored show looks like as a show file describes it; the inverse of importing it.

    Text is stripped and empty text dropped, as the parser does, and episodes with nothing set
    are left out, so ``parse_show_document(dump_show_document(s, e))`` gives back exactly this.
    Only the catalog's shows keep their ``key``.
    """
    episode_specs = (
        EpisodeSpec(
            number=episode.number,
            title=_clean(episode.title),
            critic_score=episode.critic_score,
            summary=_clean(episode.summary),
        )
        for episode in sorted(episodes, key=lambda episode: episode.number)
    )
    return ShowSpec(
        key=show.catalog_key if show.is_catalog else None,
        title=show.title.strip(),
        original_title=_clean(show.original_title),
        aliases=tuple(alias.strip() for alias in show.aliases if alias.strip()),
        kind=_clean(show.kind),
        year=show.year,
        network=_clean(show.network),
        season=show.season,
        episode_count=show.episode_count,
        verdict=show.verdict,
        verdict_text=_clean(show.verdict_text),
        summary=_clean(show.summary),
        episodes=tuple(spec for spec in episode_specs if _has_content(spec)),
    )


def dump_show_document(show: Show, episodes: list[Episode]) -> str:
    """The show as a ``{"format": 1, "shows": [...]}`` document that ``/show import`` reads back.

    Laid out like ``data/catalog.json``: two-space indents and one episode per line. Scores are
    written from their halves (3.5, 4), never through a binary float.
    """
    return _render(_document(spec_from_show(show, episodes)), 0) + "\n"


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    return text.strip() or None


def _has_content(episode: EpisodeSpec) -> bool:
    return any(value is not None for value in (episode.title, episode.critic_score, episode.summary))


@dataclass(frozen=True, slots=True)
class _OneLine:
    """An object written on a single line, as each episode is."""

    fields: dict[str, Any]


def _document(spec: ShowSpec) -> dict[str, Any]:
    verdict = _present({"score": spec.verdict, "text": spec.verdict_text})
    show = _present(
        {
            "key": spec.key,
            "title": spec.title,
            "original_title": spec.original_title,
            "aliases": list(spec.aliases) or None,
            "kind": spec.kind,
            "year": spec.year,
            "network": spec.network,
            "season": spec.season,
            "episode_count": spec.episode_count,
            "verdict": verdict or None,
            "summary": spec.summary,
            "episodes": [_episode_line(episode) for episode in spec.episodes] or None,
        }
    )
    return {"format": FORMAT_VERSION, "shows": [show]}


def _episode_line(episode: EpisodeSpec) -> _OneLine:
    return _OneLine(
        _present(
            {
                "number": episode.number,
                "score": episode.critic_score,
                "title": episode.title,
                "summary": episode.summary,
            }
        )
    )


def _present(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields that are set: empty optional fields are left out of the file."""
    return {name: value for name, value in fields.items() if value is not None}


def _render(value: Any, depth: int) -> str:
    """JSON text for the few kinds of value a show document holds."""
    if isinstance(value, Score):
        return str(value)  # from whole halves: "3.5", "4", "10"
    if isinstance(value, _OneLine):
        return "{" + ", ".join(f"{_render(k, 0)}: {_render(v, 0)}" for k, v in value.fields.items()) + "}"
    if isinstance(value, dict):
        items = [f"{_render(name, 0)}: {_render(item, depth + 1)}" for name, item in value.items()]
        return _block("{", items, "}", depth)
    if isinstance(value, list):
        return _block("[", [_render(item, depth + 1) for item in value], "]", depth)
    if isinstance(value, bool | int | str):
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(f"cannot write {type(value).__name__} into a show document")


def _block(opening: str, items: list[str], closing: str, depth: int) -> str:
    if not items:
        return opening + closing
    inner = "  " * (depth + 1)
    return f"{opening}\n{inner}" + f",\n{inner}".join(items) + f"\n{'  ' * depth}{closing}"
