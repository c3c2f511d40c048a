"""Exact half-point scores and how they are written."""

from __future__ import annotations

from fractions import Fraction

import pytest

from bot.scores import Score, ScoreError, average, format_average, star_bar


@pytest.mark.parametrize(
    ("typed", "halves"), [("3.5", 7), (4, 8), ("0", 0), ("5.0", 10), (" 4.5 ", 9), ("2.50", 5)]
)
def test_half_steps_are_read_exactly(typed: object, halves: int) -> None:
    assert Score.parse(typed, maximum=5) == Score(halves)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("4.3", "not a half step"),
        ("-0.5", "outside 0–5"),
        ("5.5", "outside 0–5"),
        ("four", "not a number"),
        ("nan", "not a number"),
        (True, "not a score"),
    ],
)
def test_anything_else_is_refused_with_a_reason(typed: object, message: str) -> None:
    with pytest.raises(ScoreError, match=message):
        Score.parse(typed, maximum=5)


def test_scores_print_without_float_noise() -> None:
    assert [str(Score(h)) for h in (0, 1, 7, 8, 17, 20)] == ["0", "0.5", "3.5", "4", "8.5", "10"]
    assert Score(10).out_of(5) == "5/5"
    assert Score(17).out_of(10) == "8.5/10"


def test_star_bar_has_five_stars_and_a_half_star_for_point_five() -> None:
    assert star_bar(Score(10)) == "★★★★★"
    assert star_bar(Score(7)) == "★★★⯪☆"
    assert star_bar(Score(0)) == "☆☆☆☆☆"
    assert all(len(star_bar(Score(h))) == 5 for h in range(11))


def test_averages_are_exact_and_rounded_half_up() -> None:
    run_on = [7, 8, 7, 7, 8, 8, 7, 6, 7, 8, 8, 7, 7, 8, 9, 10]
    mean = average([Score(h) for h in run_on])
    assert mean == Fraction(61, 16)
    assert format_average(mean) == "3.81"
    assert format_average(Fraction(9, 2)) == "4.5"
    assert format_average(Fraction(1, 8)) == "0.13"
    assert average([]) is None
