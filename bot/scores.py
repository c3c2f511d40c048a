"""Exact scores in half-point steps.

Critic scores (0–5), verdicts (0–10) and member ratings are all given in half points.
They are stored as whole numbers of halves so that 3.5 stays 3.5: no binary
floating-point value ever reaches the database or an average.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

FULL_STAR = "★"
HALF_STAR = "⯪"
EMPTY_STAR = "☆"


class ScoreError(ValueError):
    """A value that is not a half step inside the allowed range."""


@dataclass(frozen=True, order=True, slots=True)
class Score:
    """A score counted in halves: ``Score(7)`` is 3.5."""

    halves: int

    @classmethod
    def parse(cls, value: object, *, maximum: int) -> Score:
        """Read ``value`` (int, float, str or Decimal) as a half step between 0 and ``maximum``.

        Raises :class:`ScoreError` with a message a member can read.
        """
        if isinstance(value, bool):
            raise ScoreError(f"{value!r} is not a score")
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            raise ScoreError(f"“{value}” is not a number") from None
        if not number.is_finite():
            raise ScoreError(f"“{value}” is not a number")
        doubled = number * 2
        if doubled != doubled.to_integral_value():
            raise ScoreError(f"{_plain(number)} is not a half step (use whole or .5 values such as 3 or 3.5)")
        if not 0 <= number <= maximum:
            raise ScoreError(f"{_plain(number)} is outside 0–{maximum}")
        return cls(int(doubled))

    @property
    def value(self) -> Decimal:
        return Decimal(self.halves) / 2

    def __str__(self) -> str:
        return _plain(self.value)

    def out_of(self, maximum: int) -> str:
        """``"3.5/5"``: how a score is shown everywhere."""
        return f"{self}/{maximum}"


def _plain(number: Decimal) -> str:
    """3.50 → "3.5", 4.0 → "4"."""
    text = f"{number.normalize():f}"
    return text


def star_bar(score: Score, *, stars: int = 5) -> str:
    """Five stars for a 0–5 score, with a half star for .5: 3.5 → ★★★⯪☆."""
    full, half = divmod(score.halves, 2)
    return FULL_STAR * full + HALF_STAR * half + EMPTY_STAR * (stars - full - half)


def format_average(average: Fraction) -> str:
    """An exact average rounded half-up to two places, trailing zeros dropped: 61/16 → "3.81"."""
    rounded = (Decimal(average.numerator) / Decimal(average.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    return _plain(rounded)


def average(scores: list[Score]) -> Fraction | None:
    """The exact mean of ``scores`` in points, or None for no scores."""
    if not scores:
        return None
    return Fraction(sum(score.halves for score in scores), 2 * len(scores))
