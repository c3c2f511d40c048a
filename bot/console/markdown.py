"""Discord's message markdown, read into rich ``Text`` for the terminal.

Discord's dialect differs from CommonMark where it matters here (``||spoilers||``, ``__underline__``,
backslash escapes of every markdown character, ``<@id>`` mentions, ``<t:…>`` timestamps), so rich's
own Markdown renderer does not fit; this is a small parser for the inline rules the bot uses, plus
block quotes, headings and code blocks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from rich.style import Style
from rich.text import Text

# Discord lets a backslash escape any ASCII punctuation.
_ESCAPABLE = frozenset(r"""!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~""")
_INLINE_DELIMITERS = (
    ("||", "spoiler"),
    ("**", "bold"),
    ("__", "underline"),
    ("~~", "strike"),
    ("*", "italic"),
    ("_", "italic"),
)
_ANGLE = re.compile(r"<(@!?|@&|#)(\d+)>|<t:(-?\d+)(?::([tTdDfFR]))?>|<a?:(\w+):\d+>")
_LINK = re.compile(r"\[([^\]\n]+)\]\((<?)(https?://[^)\s>]+)>?\)")
_HEADING = re.compile(r"^(#{1,3}) (.+)$")

STYLES = {
    "bold": Style(bold=True),
    "italic": Style(italic=True),
    "underline": Style(underline=True),
    "strike": Style(strike=True),
    "code": Style(color="cyan"),
    "mention": Style(color="bright_blue"),
    "quote": Style(color="grey50"),
    "link": Style(color="bright_blue", underline=True),
    "spoiler_hidden": Style(color="grey35"),
    "spoiler_shown": Style(bgcolor="grey23"),
}
SPOILER_BLOCK = "█"


@dataclass
class Names:
    """How to show ids inside mentions; each returns None for an id it does not know."""

    user: Callable[[int], str | None] = lambda _id: None
    role: Callable[[int], str | None] = lambda _id: None
    channel: Callable[[int], str | None] = lambda _id: None
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))


@dataclass
class _Node:
    kind: str  # "text", "code", "spoiler", "bold", … ; "text" and "code" hold ``text``
    text: str = ""
    children: list[_Node] = field(default_factory=list)
    style: str | None = None


@dataclass
class Rendered:
    """A rendered piece of markdown and how many spoilers it hid."""

    text: Text
    hidden_spoilers: int = 0


def render_markdown(source: str, *, names: Names | None = None, reveal: bool = False) -> Rendered:
    """Discord markdown to rich Text; spoilers are blacked out unless ``reveal``."""
    names = names or Names()
    nodes = _parse_blocks(source, names)
    out = Text()
    counter = [0]
    _emit(nodes, out, Style(), reveal, counter)
    return Rendered(out, counter[0])


def plain(source: str, *, names: Names | None = None, reveal: bool = True) -> str:
    return render_markdown(source, names=names, reveal=reveal).text.plain


# -- parsing ---------------------------------------------------------------------------------------


def _parse_blocks(source: str, names: Names) -> list[_Node]:
    """Code blocks first (nothing inside them is markdown), then quotes/headings per line, then inline."""
    nodes: list[_Node] = []
    pos = 0
    for match in re.finditer(r"```(?:[\w+-]*\n)?(.*?)```", source, flags=re.DOTALL):
        nodes += _parse_inline(_lines(source[pos : match.start()]), names)
        nodes.append(_Node("code", match.group(1).strip("\n")))
        pos = match.end()
    nodes += _parse_inline(_lines(source[pos:]), names)
    return nodes


def _lines(text: str) -> str:
    """Block syntax per line: ``> quote`` gets a bar, ``# heading`` turns bold, ``-# note`` stays small."""
    lines = []
    quote_rest = False
    for line in text.split("\n"):
        if quote_rest or line.startswith(">>> "):
            if line.startswith(">>> "):
                line = line[4:]
                quote_rest = True
            lines.append("\x00" + line)
        elif line.startswith("> ") or line == ">":
            lines.append("\x00" + line[2:])
        elif line.startswith("-# "):
            lines.append(line[3:])
        elif (heading := _HEADING.match(line)) is not None:
            lines.append(f"**{heading.group(2)}**")
        else:
            lines.append(line)
    return "\n".join(lines)


def _parse_inline(text: str, names: Names) -> list[_Node]:
    nodes, _, _ = _inline(text, 0, None, names)
    return nodes


def _inline(text: str, pos: int, stop: str | None, names: Names) -> tuple[list[_Node], int, bool]:
    """Parse from ``pos`` until ``stop`` closes the current span; returns (nodes, new pos, closed)."""
    nodes: list[_Node] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            nodes.append(_Node("text", "".join(buffer)))
            buffer.clear()

    while pos < len(text):
        char = text[pos]
        if char == "\\" and pos + 1 < len(text) and text[pos + 1] in _ESCAPABLE:
            buffer.append(text[pos + 1])
            pos += 2
            continue
        if char == "\x00":  # a quoted line
            flush()
            nodes.append(_Node("text", "▎ ", style="quote"))
            pos += 1
            continue
        if char == "`":
            ticks = 2 if text.startswith("``", pos) else 1
            close = text.find("`" * ticks, pos + ticks)
            if close > pos + ticks - 1 and "\n\n" not in text[pos:close]:
                flush()
                nodes.append(
                    _Node("code", text[pos + ticks : close].strip() if ticks == 2 else text[pos + 1 : close])
                )
                pos = close + ticks
                continue
        if stop is not None and text.startswith(stop, pos) and _can_close(text, pos, stop):
            # Closing wins where it can: "***both***" is bold around italic, and "*a **b** c*" still
            # opens the inner bold because a "*" right after a space cannot close.
            flush()
            return nodes, pos + len(stop), True
        opened = None
        for delimiter, kind in _INLINE_DELIMITERS:
            if text.startswith(delimiter, pos) and delimiter != stop and _can_open(text, pos, delimiter):
                opened = _try_open(text, pos, delimiter, names, kind)
                if opened is not None:
                    break
        if opened is not None:
            flush()
            node, pos = opened
            nodes.append(node)
            continue
        if char == "<" and (match := _ANGLE.match(text, pos)) is not None:
            flush()
            nodes.append(_angle(match, names))
            pos = match.end()
            continue
        if char == "[" and (match := _LINK.match(text, pos)) is not None:
            flush()
            label, _, _ = _inline(match.group(1), 0, None, names)
            nodes.append(_Node("link", children=label, text=match.group(3)))
            pos = match.end()
            continue
        buffer.append(char)
        pos += 1
    flush()
    return nodes, pos, False


def _try_open(
    text: str, pos: int, delimiter: str, names: Names, kind: str | None = None
) -> tuple[_Node, int] | None:
    kind = kind or dict(_INLINE_DELIMITERS)[delimiter]
    children, after, closed = _inline(text, pos + len(delimiter), delimiter, names)
    if not closed or not children:
        return None
    return _Node(kind, children=children), after


def _can_open(text: str, pos: int, delimiter: str) -> bool:
    after = text[pos + len(delimiter) : pos + len(delimiter) + 1]
    if not after or (after.isspace() and delimiter in ("*", "_")):
        return False
    if delimiter == "_":
        # snake_case_words are not italic: "_" opens only at the start of a word.
        return pos == 0 or not text[pos - 1].isalnum()
    return True


def _can_close(text: str, pos: int, delimiter: str) -> bool:
    if delimiter == "_":
        end = pos + 1
        return end >= len(text) or not text[end].isalnum()
    if delimiter == "*":
        return pos > 0 and not text[pos - 1].isspace()
    return True


def _angle(match: re.Match[str], names: Names) -> _Node:
    sigil, ident, stamp, stamp_style, emoji = match.groups()
    if emoji is not None:
        return _Node("text", f":{emoji}:")
    if stamp is not None:
        return _Node("text", timestamp(int(stamp), stamp_style or "f", names.now()), style="mention")
    number = int(ident)
    if sigil == "@&":
        name = names.role(number)
        return _Node("text", f"@{name}" if name else "@unknown-role", style="mention")
    if sigil == "#":
        name = names.channel(number)
        return _Node("text", f"#{name}" if name else "#unknown", style="mention")
    name = names.user(number)
    return _Node("text", f"@{name}" if name else "@unknown-user", style="mention")


def timestamp(unix: int, style: str, now: datetime) -> str:
    """Discord's timestamp styles, in the console's local time zone."""
    moment = datetime.fromtimestamp(unix, UTC).astimezone()
    if style == "R":
        seconds = (moment - now.astimezone()).total_seconds()
        return relative(seconds)
    formats = {
        "t": "%H:%M",
        "T": "%H:%M:%S",
        "d": "%d/%m/%Y",
        "D": "%d %B %Y",
        "f": "%d %B %Y %H:%M",
        "F": "%A, %d %B %Y %H:%M",
    }
    return moment.strftime(formats.get(style, formats["f"]))


def relative(seconds: float) -> str:
    ago = seconds < 0
    amount = abs(seconds)
    for unit, size in (
        ("year", 31536000),
        ("month", 2592000),
        ("day", 86400),
        ("hour", 3600),
        ("minute", 60),
    ):
        if amount >= size:
            count = int(amount // size)
            words = f"{count} {unit}{'s' if count != 1 else ''}"
            return f"{words} ago" if ago else f"in {words}"
    return "just now" if amount < 45 or ago else "in a few seconds"


# -- output ----------------------------------------------------------------------------------------


def _emit(nodes: list[_Node], out: Text, style: Style, reveal: bool, counter: list[int]) -> None:
    for node in nodes:
        own = style + STYLES[node.style] if node.style else style
        if node.kind == "text":
            out.append(node.text, own)
        elif node.kind == "code":
            out.append(node.text, own + STYLES["code"])
        elif node.kind == "spoiler":
            if reveal:
                _emit(node.children, out, own + STYLES["spoiler_shown"], reveal, counter)
            else:
                counter[0] += 1
                inner = Text()
                _emit(node.children, inner, Style(), True, [0])
                width = max(3, min(len(inner.plain.strip()), 30))
                out.append(SPOILER_BLOCK * width, STYLES["spoiler_hidden"])
        elif node.kind == "link":
            _emit(node.children, out, own + STYLES["link"], reveal, counter)
            out.append(f" ({node.text})", own + Style(dim=True))
        else:
            _emit(node.children, out, own + STYLES[node.kind], reveal, counter)
