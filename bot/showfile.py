"""The JSON show format: the bundled catalog is written in it, and admins import it.

A document is ``{"format": 1, "shows": [ … ]}``; each show is an object whose keys are
described in the README. Scores are JSON numbers in half steps and are read as decimals,
never as binary floats, so 3.5 stays 3.5.

Documents come from strangers (``/show import``), so reading one is bounded: nesting deeper than
:data:`MAX_DEPTH`, number literals longer than :data:`MAX_NUMBER` characters, NaN and Infinity,
control characters and lone surrogates are refused with a :class:`ShowFileError` naming where,
never an uncaught exception, and no message quotes more than :data:`MAX_QUOTE` characters of the file.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation, localcontext
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, Self

from bot.scores import Score, ScoreError
from bot.store.models import CRITIC_MAX, VERDICT_MAX, Episode, EpisodeSpec, Show, ShowSpec
from bot.text import DEFAULT_LOCALE, Message, render

FORMAT_VERSION = 1
MAX_EPISODES = 500
MAX_SUMMARY = 2000
MAX_VERDICT_TEXT = 1000
MAX_NAME = 100
# The format itself nests five deep (document, shows, show, episodes, episode); json.loads
# recurses once per level and overflows the stack somewhere past a few thousand.
MAX_DEPTH = 20
# The longest number a show needs is a score such as 3.5; Python refuses to turn more than 4,300
# digits into an int, and an exponent such as 1e999999 makes a Decimal too big to write out.
MAX_NUMBER = 30
# How much of a value from the file an error may quote.
MAX_QUOTE = 40

_KEY = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
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
# The EpisodeSpec field each episode key sets.
_EPISODE_FIELD = {"title": "title", "score": "critic_score", "summary": "summary"}

# json's own messages, each with the id of its template in bot/text/en/files.py.
_JSON_MESSAGES = {
    "Expecting value": "json.expecting_value",
    "Expecting property name enclosed in double quotes": "json.expecting_name",
    "Expecting ':' delimiter": "json.expecting_colon",
    "Expecting ',' delimiter": "json.expecting_comma",
    "Unterminated string starting at": "json.unterminated_string",
    "Invalid control character at": "json.control_character",
    "Invalid \\escape": "json.bad_escape",
    "Invalid \\uXXXX escape": "json.bad_unicode_escape",
    "Extra data": "json.extra_data",
}
# A string (whose brackets are text, not structure) or a bracket. An unterminated string runs to
# the end of the text and every quantifier is possessive, so the scan never backtracks.
_STRUCTURE = re.compile(r'"(?:[^"\\]++|\\.)*+"?|[\[\]{}]', re.DOTALL)
# Names (titles, aliases, kind, network) are one line of plain text; summaries and verdict text
# may also break lines and hold tabs. A lone surrogate is half of a character that json lets
# through from a "\ud800" escape: it is not text, and it cannot even be printed.
_FORBIDDEN_IN_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_FORBIDDEN_IN_PROSE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


# -- errors -------------------------------------------------------------------------------


class ShowFileError(ValueError):
    """A show document or upload that cannot be read: what went wrong, as data, and where.

    ``message_id`` (a key of :mod:`bot.text.en.files`) and ``values`` say what went wrong; where it
    happened is ``where`` (a path such as ``shows[0].episodes[3].score``; ``""`` is the document
    itself), or ``line`` and ``column``, and ``source`` names the file when it is the catalog.
    ``str(error)`` is the English sentence; :meth:`render` writes it in another locale.
    """

    def __init__(
        self,
        message_id: str,
        values: Mapping[str, object] | None = None,
        *,
        where: str | None = None,
        line: int | None = None,
        column: int | None = None,
        source: str | None = None,
    ) -> None:
        self.message_id = message_id
        self.values: Mapping[str, object] = dict(values or {})
        self.where = where
        self.line = line
        self.column = column
        self.source = source
        super().__init__(message_id, self.values)

    @property
    def message(self) -> tuple[str, Mapping[str, object]]:
        """What went wrong without where: ``(message_id, values)``; a value may be a :class:`Message`."""
        return self.message_id, self.values

    def render(self, locale: str = DEFAULT_LOCALE) -> str:
        """The whole sentence, where first: ``shows[0].title: must not be empty``."""
        text = Message(self.message_id, self.values).render(locale)
        if self.where == "":
            text = render(locale, "file.at_document", {"message": text})
        elif self.where is not None:
            text = render(locale, "file.at_path", {"where": self.where, "message": text})
        elif self.line is not None and self.column is not None:
            text = render(
                locale, "file.at_line_column", {"line": self.line, "column": self.column, "message": text}
            )
        elif self.line is not None:
            text = render(locale, "file.at_line", {"line": self.line, "message": text})
        if self.source is not None:
            text = render(locale, "file.in_source", {"source": self.source, "message": text})
        return text

    def __str__(self) -> str:
        return self.render()

    def in_source(self, source: str) -> Self:
        """The same error, said of the file ``source`` (the catalog's path)."""
        return type(self)(
            self.message_id,
            self.values,
            where=self.where,
            line=self.line,
            column=self.column,
            source=source,
        )


def shorten(text: str, limit: int = MAX_QUOTE) -> str:
    """At most ``limit`` characters of ``text``, an ellipsis marking the cut: errors never quote a file."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def number_too_long(literal: str) -> Message:
    return Message("number.too_long", {"count": len(literal), "limit": MAX_NUMBER})


def score_problem(number: Decimal, maximum: int) -> Message | None:
    """What is wrong with ``number`` as a score from 0 to ``maximum`` in half steps, None if nothing.

    The same checks, in the same order, as :meth:`Score.parse`, but as data, and safe for any
    Decimal: exact (Score.parse rounds to 28 digits, so 0.5000…0001 would pass) and never
    overflowing on an exponent such as 1e999999.
    """
    if not number.is_finite():
        return Message("number.not_a_number", {"value": shorten(str(number))})
    shown = _shown(number)
    if not number.is_zero():
        if number.adjusted() > MAX_NUMBER:
            return Message("score.outside", {"value": shown, "maximum": maximum})
        if number.adjusted() < -MAX_NUMBER:
            return Message("score.not_half_step", {"value": shown})
    with localcontext(prec=4 * MAX_NUMBER):
        doubled = number * 2
        if doubled != doubled.to_integral_value():
            return Message("score.not_half_step", {"value": shown})
    if not 0 <= number <= maximum:
        return Message("score.outside", {"value": shown, "maximum": maximum})
    return None


def read_score(number: Decimal, maximum: int) -> Score | Message:
    """``number`` as a Score, or what is wrong with it."""
    problem = score_problem(number, maximum)
    if problem is not None:
        return problem
    try:
        return Score.parse(number, maximum=maximum)
    except ScoreError:  # score_problem is the stricter; kept so a change to Score.parse is still caught
        return Message("score.invalid", {"value": _shown(number)})


def _shown(number: Decimal) -> str:
    """3.50 → "3.5", as Score writes it; a number too big or small to write out stays as 1E+999999."""
    if number.is_finite() and -MAX_NUMBER <= number.adjusted() <= MAX_NUMBER:
        with localcontext(prec=4 * MAX_NUMBER):
            return shorten(f"{number.normalize():f}")
    return shorten(str(number))


@dataclass(frozen=True, slots=True)
class _Where:
    """Where in the document a value sits, for error messages: ``shows[0].episodes[3].score``."""

    path: str

    def __truediv__(self, part: str | int) -> _Where:
        if isinstance(part, int):
            return _Where(f"{self.path}[{part}]")
        return _Where(f"{self.path}.{part}" if self.path else part)

    def fail(self, message_id: str, **values: object) -> ShowFileError:
        return ShowFileError(message_id, values, where=self.path)

    def refuse(self, problem: Message) -> ShowFileError:
        return ShowFileError(problem.id, problem.values, where=self.path)


# -- what a file sets ---------------------------------------------------------------------

UploadKind = Literal["json", "review_page"]


@dataclass(frozen=True, slots=True)
class Upload:
    """One show read from a file, and which of its fields the file sets.

    An import with ``replace`` writes only those and keeps the rest: a review page carries no
    summary, so replacing from one must not clear the summary.

    ``fields`` holds names of :class:`ShowSpec` fields. For a JSON show they are the keys present
    in the object, even when null (``"year": null`` sets the year to none), except ``verdict``:
    ``"verdict": null`` or an object with both keys or neither sets ``verdict`` and ``verdict_text``,
    an object with only ``score`` sets only ``verdict``, one with only ``text`` only ``verdict_text``.
    ``key`` and ``episodes`` are there when present too. A review page sets ``title``, ``season``,
    ``episode_count`` and ``episodes``, and ``verdict`` when it has a verdict line.

    ``episode_fields`` maps the number of each episode the file lists to the :class:`EpisodeSpec`
    fields it sets: for JSON, ``title``, ``critic_score`` (the ``score`` key) and ``summary`` when
    present, even as null; for a review page ``critic_score``, and ``title`` when the line has one.
    """

    spec: ShowSpec
    fields: frozenset[str]
    episode_fields: Mapping[int, frozenset[str]]
    kind: UploadKind


# -- reading documents --------------------------------------------------------------------


def parse_show_document(text: str) -> list[ShowSpec]:
    """Parse a whole document; raises :class:`ShowFileError`."""
    return [show.spec for show in _read_document(text)]


def read_single_show(text: str) -> Upload:
    """A document that must hold exactly one show, as ``/show import`` takes, with what it sets."""
    shows = _read_document(text)
    if len(shows) != 1:
        raise ShowFileError("file.not_one_show", {"count": len(shows)})
    return shows[0]


def parse_single_show(text: str) -> ShowSpec:
    """A document that must hold exactly one show, as ``/show import`` takes."""
    return read_single_show(text).spec


def load_catalog(path: Path | Traversable) -> list[ShowSpec]:
    """The bundled catalog: every show must carry a ``key`` so reloading updates it in place."""
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ShowFileError(
            "catalog.unreadable", {"path": source, "reason": exc.strerror or type(exc).__name__}
        ) from None
    try:
        specs = parse_show_document(_decode(data))
    except ShowFileError as exc:
        raise exc.in_source(source) from None
    for index, spec in enumerate(specs):
        if spec.key is None:
            raise ShowFileError("catalog.key_required", where=f"shows[{index}].key", source=source)
    return specs


def load_bounded_json(text: str) -> Any:
    """JSON with this module's bounds: at most MAX_DEPTH deep, numbers read without loss (Decimal)
    and none longer than MAX_NUMBER (an unreadable one stays in place, to be refused where it
    stands). Raises :class:`ShowFileError` with the line and column of a syntax error.
    Also reads /mydata export files (bot.memberfile)."""
    _check_depth(text)
    try:
        return json.loads(text, parse_int=_read_int, parse_float=_read_decimal, parse_constant=_Unreadable)
    except json.JSONDecodeError as exc:
        message_id = _JSON_MESSAGES.get(exc.msg)
        values = {} if message_id is not None else {"detail": exc.msg}  # json never quotes the text
        raise ShowFileError(message_id or "json.other", values, line=exc.lineno, column=exc.colno) from None


def _read_document(text: str) -> list[Upload]:
    data = load_bounded_json(text)
    root = _Where("")
    if not isinstance(data, dict):
        raise root.fail("doc.not_an_object")
    version = data.get("format")
    if isinstance(version, bool) or version != FORMAT_VERSION:
        raise (root / "format").fail("doc.wrong_format", version=FORMAT_VERSION)
    shows = data.get("shows")
    if not isinstance(shows, list) or not shows:
        raise (root / "shows").fail("doc.no_shows")
    uploads = [_show(item, root / "shows" / index) for index, item in enumerate(shows)]
    keys = [upload.spec.key for upload in uploads if upload.spec.key is not None]
    if len(keys) != len(set(keys)):
        raise (root / "shows").fail("doc.shared_key")
    return uploads


def _check_depth(text: str) -> None:
    """Refuse a document nested deeper than MAX_DEPTH before json.loads recurses into it."""
    depth = 0
    for token in _STRUCTURE.finditer(text):
        bracket = text[token.start()]
        if bracket in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line, column = _line_and_column(text, token.start())
                raise ShowFileError("doc.too_deep", {"limit": MAX_DEPTH}, line=line, column=column)
        elif bracket in "]}":
            depth -= 1


def _line_and_column(text: str, offset: int) -> tuple[int, int]:
    """Counted as json counts them, so this reads like its syntax errors."""
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


@dataclass(frozen=True, slots=True)
class _Unreadable:
    """A number json would read but a show never holds: too long to convert, an exponent past what
    a Decimal holds (1e99999999999999999999), NaN or Infinity.

    It stays in place of the value, so the error can say where it stands.
    """

    literal: str

    def problem(self) -> Message:
        if len(self.literal) > MAX_NUMBER:
            return number_too_long(self.literal)
        if self.literal in ("NaN", "Infinity", "-Infinity"):
            return Message("number.not_a_number", {"value": self.literal})
        return Message("number.extreme", {"value": self.literal})


def _read_int(literal: str) -> int | _Unreadable:
    return int(literal) if len(literal) <= MAX_NUMBER else _Unreadable(literal)


def _read_decimal(literal: str) -> Decimal | _Unreadable:
    if len(literal) > MAX_NUMBER:
        return _Unreadable(literal)
    try:
        return Decimal(literal)
    except InvalidOperation:  # an exponent past what Decimal holds, such as 1e99999999999999999999
        return _Unreadable(literal)


def _show(data: Any, where: _Where) -> Upload:
    if not isinstance(data, dict):
        raise where.fail("doc.show_not_an_object")
    _no_unknown_keys(data, _SHOW_KEYS, where)
    key = data.get("key")
    if key is not None and (not isinstance(key, str) or not _KEY.fullmatch(key)):
        raise (where / "key").fail("doc.bad_key")
    episode_count = _int(data.get("episode_count"), where / "episode_count", 1, MAX_EPISODES, required=True)
    assert episode_count is not None
    verdict, verdict_text = _verdict(data.get("verdict"), where / "verdict")
    episodes = data.get("episodes", [])
    if not isinstance(episodes, list):
        raise (where / "episodes").fail("doc.episodes_not_a_list")
    read = [_episode(item, where / "episodes" / index, episode_count) for index, item in enumerate(episodes)]
    numbers = [episode.number for episode, _ in read]
    if len(numbers) != len(set(numbers)):
        raise (where / "episodes").fail("doc.episode_twice")
    aliases = data.get("aliases", [])
    if not isinstance(aliases, list):
        raise (where / "aliases").fail("doc.aliases_not_a_list")
    spec = ShowSpec(
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
        summary=_text(data.get("summary"), where / "summary", MAX_SUMMARY, prose=True),
        episodes=tuple(sorted((episode for episode, _ in read), key=lambda episode: episode.number)),
    )
    return Upload(
        spec=spec,
        fields=_fields_set(data),
        episode_fields=MappingProxyType({episode.number: fields for episode, fields in read}),
        kind="json",
    )


def _fields_set(show: dict[str, Any]) -> frozenset[str]:
    fields = set(show) - {"verdict"}
    if "verdict" in show:
        verdict = show["verdict"]
        given = set(verdict) & _VERDICT_KEYS if isinstance(verdict, dict) else set()
        if given == {"score"}:
            fields.add("verdict")
        elif given == {"text"}:
            fields.add("verdict_text")
        else:
            fields |= {"verdict", "verdict_text"}
    return frozenset(fields)


def _episode(data: Any, where: _Where, episode_count: int) -> tuple[EpisodeSpec, frozenset[str]]:
    if not isinstance(data, dict):
        raise where.fail("doc.episode_not_an_object")
    _no_unknown_keys(data, _EPISODE_KEYS, where)
    number = _int(data.get("number"), where / "number", 1, episode_count, required=True)
    assert number is not None
    spec = EpisodeSpec(
        number=number,
        title=_text(data.get("title"), where / "title", MAX_NAME),
        critic_score=_score(data.get("score"), where / "score", CRITIC_MAX),
        summary=_text(data.get("summary"), where / "summary", MAX_SUMMARY, prose=True),
    )
    return spec, frozenset(_EPISODE_FIELD[key] for key in data if key in _EPISODE_FIELD)


def _verdict(data: Any, where: _Where) -> tuple[Score | None, str | None]:
    if data is None:
        return None, None
    if not isinstance(data, dict):
        raise where.fail("doc.verdict_not_an_object")
    _no_unknown_keys(data, _VERDICT_KEYS, where)
    return (
        _score(data.get("score"), where / "score", VERDICT_MAX),
        _text(data.get("text"), where / "text", MAX_VERDICT_TEXT, prose=True),
    )


def _no_unknown_keys(data: dict[str, Any], allowed: set[str], where: _Where) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise where.fail("doc.unknown_key", key=repr(shorten(unknown[0])), allowed=", ".join(sorted(allowed)))


def _text(
    value: Any, where: _Where, limit: int, *, required: bool = False, prose: bool = False
) -> str | None:
    """Text stripped of surrounding spaces, None when empty; ``prose`` may break lines and hold tabs."""
    if value is None:
        if required:
            raise where.fail("doc.required")
        return None
    if not isinstance(value, str):
        raise where.fail("doc.expected_text")
    forbidden = (_FORBIDDEN_IN_PROSE if prose else _FORBIDDEN_IN_NAME).search(value)
    if forbidden is not None:
        character = forbidden[0]
        code = f"{ord(character):04X}"
        position = forbidden.start() + 1
        if "\ud800" <= character <= "\udfff":
            raise where.fail("doc.lone_surrogate", code=code, position=position)
        raise where.fail(
            "doc.control_in_prose" if prose else "doc.control_in_name", code=code, position=position
        )
    text: str = value.strip()
    if not text:
        if required:
            raise where.fail("doc.empty_text")
        return None
    if len(text) > limit:
        raise where.fail("doc.text_too_long", count=len(text), limit_count=limit)
    return text


def _int(value: Any, where: _Where, low: int, high: int, *, required: bool = False) -> int | None:
    if value is None:
        if required:
            raise where.fail("doc.required")
        return None
    if isinstance(value, _Unreadable):
        raise where.refuse(value.problem())
    if isinstance(value, bool) or not isinstance(value, int):
        raise where.fail("doc.expected_whole_number", low=low, high=high)
    if not low <= value <= high:
        raise where.fail("doc.outside", value=value, low=low, high=high)
    return value


def _score(value: Any, where: _Where, maximum: int) -> Score | None:
    if value is None:
        return None
    if isinstance(value, _Unreadable):
        raise where.refuse(value.problem())
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise where.fail("doc.expected_score", maximum=maximum)
    score = read_score(Decimal(value), maximum)
    if isinstance(score, Message):
        raise where.refuse(score)
    return score


# -- uploads ------------------------------------------------------------------------------

MAX_UPLOAD = 256 * 1024

# Every line ending an editor may have saved (CRLF, old Mac CR, LF), so that line numbers in
# messages match what the admin sees in their editor.
_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")


def decode_upload(data: bytes, *, limit: int = MAX_UPLOAD) -> str:
    """The text of an uploaded file: UTF-8 (a byte order mark is dropped), at most ``limit`` bytes.

    Raises :class:`ShowFileError` for a file that is too big, binary, or not UTF-8, naming the
    line and byte offset of the first bad byte.
    """
    if len(data) > limit:
        raise ShowFileError("file.too_big", {"size": _size(len(data), limit), "limit": _size(limit, limit)})
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ShowFileError("file.utf16")
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    nul = data.find(b"\x00", start)
    if nul != -1:
        raise ShowFileError("file.binary", {"line": _line_of(data, nul), "offset": nul})
    return _decode(data)


def _decode(data: bytes) -> str:
    """UTF-8 without its byte order mark; a bad byte is refused with its line and offset."""
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[start:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = start + exc.start
        raise ShowFileError("file.not_utf8", {"line": _line_of(data, offset), "offset": offset}) from None


def _line_of(data: bytes, offset: int) -> int:
    return len(_LINE_BREAK_BYTES.findall(data, 0, offset)) + 1


def _size(count: int, limit: int) -> Message:
    """A size in the unit the limit is given in: bytes below 1 KiB, else KiB rounded up, so that a
    file just over the limit never reads as the limit itself."""
    if limit < 1024:
        return Message("file.size_bytes", {"count": count})
    return Message("file.size_kib", {"count": -(-count // 1024)})


# -- export -------------------------------------------------------------------------------


def spec_from_show(show: Show, episodes: list[Episode]) -> ShowSpec:
    """What a stored show looks like as a show file describes it; the inverse of importing it.

    :meth:`ShowSpec.of` with text stripped and empty text dropped, as the parser does, so
    ``parse_show_document(dump_show_document(s, e))`` gives back exactly this.
    """
    spec = ShowSpec.of(show, episodes)
    cleaned = (
        EpisodeSpec(
            number=episode.number,
            title=_clean(episode.title),
            critic_score=episode.critic_score,
            summary=_clean(episode.summary),
        )
        for episode in spec.episodes
    )
    return replace(
        spec,
        title=spec.title.strip(),
        original_title=_clean(spec.original_title),
        aliases=tuple(alias.strip() for alias in spec.aliases if alias.strip()),
        kind=_clean(spec.kind),
        network=_clean(spec.network),
        verdict_text=_clean(spec.verdict_text),
        summary=_clean(spec.summary),
        episodes=tuple(episode for episode in cleaned if _has_content(episode)),
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


# The field readers, shared with the member-data files of bot.memberfile.
Where = _Where
Unreadable = _Unreadable
read_text = _text
read_int = _int
read_score_value = _score
no_unknown_keys = _no_unknown_keys
