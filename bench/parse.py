"""How long ``/show import`` takes to read hostile files, against an ordinary file of the same size.

    python bench/parse.py              # best of 7 runs of each file
    python bench/parse.py --repeat 1   # one run each: checks that everything runs

Every file is just under the 256 KiB upload limit. Review pages are compared with an ordinary
review page (a 500-episode season with titles, a verdict and many paragraphs of prose), JSON
documents with an ordinary 500-episode show file. A reader that backtracks on some input shows
up as a ratio in the hundreds; the target is about 3× at most. Timings are never asserted in the
tests: they depend on the machine, so they are read here.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.review_page import MAX_LINES, parse_upload
from bot.showfile import MAX_UPLOAD, ShowFileError

TARGET = 3.0
TITLE = "Tin Roof – Full Season 1 Review\n\n"
PROSE = (
    "Rain on a tin roof, and a family that argues under it: every episode of this invented season "
    "is a little louder than the last.\n"
)
FIRST_EPISODE = "Episode 1 – | Review Score – 3/5\n"


def fill(head: str, unit: str, tail: str = "") -> bytes:
    """``head``, then ``unit`` repeated, then ``tail``: just under the upload limit in UTF-8."""
    room = MAX_UPLOAD - len((head + tail).encode()) - 1
    count = room // len(unit.encode())
    return (head + unit * count + tail).encode()


def lines_of(line: str) -> bytes:
    """As many copies of ``line`` as both the line limit and the size limit allow."""
    head = TITLE + FIRST_EPISODE
    room = (MAX_UPLOAD - len(head.encode()) - 1) // len((line + "\n").encode())
    return fill(head + (line + "\n") * min(room, MAX_LINES - 4), "x")


def ordinary_page() -> bytes:
    episodes = "".join(
        f"Episode {n} – Chapter {n} | Review Score – {(n % 10) / 2 if n % 10 else 4.5}/5\n"
        for n in range(1, 501)
    )
    return fill(TITLE + PROSE * 4 + episodes + "• Verdict - 8.5/10\n\n", PROSE)


def ordinary_document() -> bytes:
    def show(summary: str) -> dict[str, object]:
        return {
            "title": "Tin Roof",
            "episode_count": 500,
            "verdict": {"score": 8.5, "text": "Loud, warm and far too long."},
            "episodes": [
                {"number": n, "score": 3.5, "title": f"Chapter {n}", "summary": summary}
                for n in range(1, 501)
            ],
        }

    low, high = 0, 2000
    while low < high:  # the longest episode summary that keeps the file under the limit
        middle = (low + high + 1) // 2
        size = len(json.dumps({"format": 1, "shows": [show("x" * middle)]}).encode())
        low, high = (middle, high) if size < MAX_UPLOAD else (low, middle - 1)
    return json.dumps({"format": 1, "shows": [show("x" * low)]}).encode()


PAGES: dict[str, Callable[[], bytes]] = {
    "256 KiB of spaces between `Episode 1` and `|`": lambda: fill(TITLE + "Episode 1", " ", "|\n"),
    "the same, then a valid score": lambda: fill(TITLE + "Episode 1", " ", "| Review Score – 3/5\n"),
    "spaces between `Episode 1` and `Review Score`, no `|`": lambda: fill(
        TITLE + "Episode 1", " ", "Review Score – 3/5\n"
    ),
    "lines of 100k spaces": lambda: fill(TITLE + FIRST_EPISODE, " " * 100_000 + "\n"),
    "a title line with a run of spaces before its dash": lambda: fill(
        "Tin Roof", " ", "– Full Season 1 Review\n"
    ),
    "a prose line: a word, spaces, a word": lambda: fill(TITLE + FIRST_EPISODE + "a", " ", "x\n"),
    "a dash followed by spaces and no season": lambda: fill(
        TITLE + FIRST_EPISODE + "a –", " ", "full season\n"
    ),
    "`Verdict`, spaces, no score": lambda: fill(TITLE + FIRST_EPISODE + "Verdict", " ", "x\n"),
    "`Verdict:`, spaces, a number, spaces": lambda: fill(TITLE + FIRST_EPISODE + "Verdict: 8", " ", "x\n"),
    "a run of dashes as an episode title": lambda: fill(TITLE + "Episode 1 ", "-", " | Review Score – 3/5\n"),
    "a run of dashes and spaces": lambda: fill(TITLE + FIRST_EPISODE, "- "),
    "a run of en dashes in the title line": lambda: fill("Tin Roof ", "–", " Full Season 1 Review\n"),
    "a run of bullets": lambda: fill(TITLE + FIRST_EPISODE, "•"),
    "a run of bullets and spaces": lambda: fill(TITLE + FIRST_EPISODE, "• "),
    "a 256 KiB episode number": lambda: fill(TITLE + "Episode ", "1", " – | Review Score – 3/5\n"),
    "a 256 KiB score": lambda: fill(TITLE + "Episode 1 – | Review Score – 3.", "5", "/5\n"),
    "a 256 KiB verdict": lambda: fill(TITLE + FIRST_EPISODE + "Verdict – 8", "0", "/10\n"),
    "`episode episode episode …`": lambda: fill(TITLE + FIRST_EPISODE, "episode "),
    "`episode episode …` ending in `|`": lambda: fill(TITLE + FIRST_EPISODE, "episode ", "|\n"),
    "`review review review …` after `Episode 1 |`": lambda: fill(TITLE + "Episode 1 |", " review"),
    "`full full full …` and no title": lambda: fill("", "full "),
    "prose lines that nearly match, to the size limit": lambda: fill(
        TITLE + FIRST_EPISODE,
        "Episode 2 is where it turns.\nVerdict: two episodes in, hooked.\nRead our Full Season 2 Review.\n",
    ),
    "many near-miss lines": lambda: lines_of("Ep 3 | 3,5/5"),
    "262,000 blank lines (over the line limit)": lambda: fill(TITLE + FIRST_EPISODE, "\n"),
    "262,000 CR line endings (over the line limit)": lambda: fill(TITLE + FIRST_EPISODE, "\r"),
    "10,000 lines, the last one long": lambda: lines_of(""),
    "10,000 lines that start like an episode line": lambda: lines_of("Episode 9 – the rain"),
    "10,000 lines that start like a verdict": lambda: lines_of("Verdict: 9 – not yet"),
    "10,000 lines with a dash and `Full Season`": lambda: lines_of("– Full Season 1 Review"),
    "10,000 lines of `ep`, bullets and dashes": lambda: lines_of("• ep - • ep - • ep"),
}

DOCUMENTS: dict[str, Callable[[], bytes]] = {
    "nested 130,000 levels deep": lambda: fill('{"format": 1, "shows": ', "["),
    "nested deep in objects": lambda: fill('{"format": 1, "shows": ', '{"a":'),
    "a 256 KiB integer": lambda: fill('{"format": 1, "shows": [{"title": "x", "episode_count": ', "9", "}]}"),
    "a 256 KiB decimal score": lambda: fill(
        '{"format": 1, "shows": [{"title": "x", "episode_count": 1, "episodes": [{"number": 1, "score": 3.',
        "5",
        "}]}]}",
    ),
    "a 256 KiB unknown key": lambda: fill('{"format": 1, "shows": [{"', "k", '": 1}]}'),
    "lone surrogates in a summary": lambda: fill(
        '{"format": 1, "shows": [{"title": "x", "episode_count": 1, "summary": "', "\\ud800", '"}]}'
    ),
    "an unterminated string of escaped quotes": lambda: fill('{"format": 1, "shows": ["', '\\"'),
    "a string of brackets": lambda: fill('{"format": 1, "shows": ["', "[{", '"]}'),
    "many integers in a list": lambda: fill('{"format": 1, "shows": [{"aliases": [', "1,", "1]}]}"),
    "many decimals in a list": lambda: fill('{"format": 1, "shows": [{"aliases": [', "1.5,", "1]}]}"),
    "many exponents past what Decimal holds": lambda: fill(
        '{"format": 1, "shows": [{"aliases": [', "1e99999999999999999999,", "1]}]}"
    ),
}


@dataclass(frozen=True, slots=True)
class Timing:
    name: str
    size: int
    seconds: float
    outcome: str


def measure(name: str, data: bytes, repeat: int) -> Timing:
    best = float("inf")
    outcome = ""
    for _ in range(repeat):
        started = time.perf_counter()
        try:
            spec = parse_upload(data)
        except ShowFileError as exc:
            elapsed = time.perf_counter() - started
            outcome = f"refused: {exc}"
        else:
            elapsed = time.perf_counter() - started
            outcome = f"read: {spec.title!r}, {spec.episode_count} episodes"
        best = min(best, elapsed)
    return Timing(name, len(data), best, outcome)


def table(title: str, normal: Timing, others: list[Timing]) -> list[str]:
    rows = [
        f"### {title}",
        "",
        "| File | Bytes | ms | × ordinary | Outcome |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for timing in [normal, *others]:
        ratio = timing.seconds / normal.seconds
        flag = "" if ratio <= TARGET else " (over target)"
        outcome = timing.outcome if len(timing.outcome) <= 90 else timing.outcome[:89] + "…"
        rows.append(
            f"| {timing.name} | {timing.size:,} | {timing.seconds * 1000:.2f} | {ratio:.2f}{flag} | "
            f"{outcome.replace('|', '∣')} |"
        )
    return [*rows, ""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs of each file; the best counts")
    args = parser.parse_args(argv)
    lines: list[str] = []
    worst = 0.0
    for title, ordinary, cases in (
        ("Review pages", ("an ordinary review page", ordinary_page), PAGES),
        ("JSON show files", ("an ordinary show file", ordinary_document), DOCUMENTS),
    ):
        normal = measure(ordinary[0], ordinary[1](), args.repeat)
        others = [measure(name, build(), args.repeat) for name, build in cases.items()]
        worst = max(worst, *(timing.seconds / normal.seconds for timing in others))
        lines += table(title, normal, others)
    lines.append(f"Worst ratio: {worst:.2f}× (target ≤ {TARGET:g}×)")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
