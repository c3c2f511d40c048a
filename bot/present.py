"""How the models look in replies: score lines, episode labels, footers, times. Words from bot.text."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

import discord

from bot.markdown import escape
from bot.scores import Score, format_average, star_bar
from bot.store import Episode, Show, Tally, WatchCounts
from bot.store.models import CRITIC_MAX
from bot.text import t

COLOUR_SCORES = discord.Colour(0xE4587A)
COLOUR_COMMUNITY = discord.Colour(0x5B8DEF)
COLOUR_ADMIN = discord.Colour(0xF2A541)


def episode_label(episode: Episode) -> str:
    if episode.title:
        return t("present.episode_titled", number=episode.number, title=escape(episode.title))
    return t("present.episode", number=episode.number)


def footer(show: Show) -> str:
    """``Korean drama · JTBC · 2020``: what kind of show, where and when."""
    parts = [show.kind, show.network, str(show.year) if show.year else None]
    if show.season > 1:
        parts.append(t("present.season", season=show.season))
    return " · ".join(part for part in parts if part)


def critic_line(score: Score) -> str:
    return f"**{score.out_of(CRITIC_MAX)}**  {star_bar(score)}"


def members_line(tally: Tally) -> str:
    """``Members: 4.5/5 from 2 ratings``: how a server's own view is shown beside the critic's."""
    mean = tally.average()
    if mean is None:
        return t("present.members_none")
    return t("present.members", average=format_average(mean), count=tally.ratings)


def member_note(tally: Tally | None) -> str:
    """`` · members 4.5 (2)`` after an episode's critic score in a list."""
    mean = tally.average() if tally else None
    if tally is None or mean is None:
        return ""
    return t("present.member_note", average=format_average(mean), count=tally.ratings)


def critic_average(mean: Fraction, scored: int) -> str:
    return t("present.critic_average", average=format_average(mean), count=scored)


def when(timestamp: str) -> str:
    """A stored UTC timestamp as a Discord timestamp each member sees in their own time zone."""
    moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    return discord.utils.format_dt(moment, "R")


def describe_show(show: Show) -> str:
    """``JTBC · 2020 · 16 episodes``, for admins' confirmations."""
    facts = [show.kind, show.network, str(show.year) if show.year else None]
    if show.season > 1:
        facts.append(t("present.season_lower", season=show.season))
    facts.append(t("n.episodes", count=show.episode_count))
    return " · ".join(fact for fact in facts if fact)


def watch_counts(counts: WatchCounts | None) -> str | None:
    """``3 watching · 5 completed`` (a part that is zero is left out); None when nobody follows the show."""
    if counts is None:
        return None
    parts = []
    if counts.watching:
        parts.append(t("watch.counts_watching", watching=counts.watching))
    if counts.completed:
        parts.append(t("watch.counts_completed", completed=counts.completed))
    return " · ".join(parts) or None
