"""Option types shared by the cogs: the ``show`` option, episode numbers, and half-step scores.

Each turns what Discord sent into what a command works with (a :class:`Show`, a :class:`Score`)
or refuses it with a :class:`UserFacingError` that the tree answers; the same parsers serve forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import discord
from discord import app_commands

from bot.context import guild_id
from bot.errors import BadValue, ShowNeeded, UnknownEpisode, UnknownShow
from bot.markdown import escape, shorten
from bot.option_checks import quote, text_problem
from bot.scores import Score, ScoreError
from bot.store import Show, Store
from bot.store.models import CRITIC_MAX, VERDICT_MAX

MAX_NAME = 100
# Autocomplete answers carry the show's id, so the pick survives two shows of similar names.
_PICKED = re.compile(r"id:([1-9][0-9]{0,17})", re.ASCII)


def _store(interaction: discord.Interaction) -> Store:
    store: Store = interaction.client.store  # type: ignore[attr-defined]
    return store


# -- the show option -------------------------------------------------------------------------------


def choice_label(show: Show) -> str:
    """Label a choice like "Run On · 런 온 · 2020": enough to tell two shows of the same name apart."""
    parts = [show.title]
    if show.original_title and show.original_title != show.title:
        parts.append(show.original_title)
    if show.season > 1:
        parts.append(f"S{show.season}")
    if show.year:
        parts.append(str(show.year))
    return shorten(" · ".join(parts), 100)


class ShowTransformer(app_commands.Transformer):
    """Turns what the member typed or picked into a :class:`Show` this server can see.

    ``own_only`` offers only the server's own shows: for commands that change a show, which
    cannot change the catalog's.
    """

    def __init__(self, *, own_only: bool = False) -> None:
        self.own_only = own_only

    @property
    def max_value(self) -> int:
        # max_length for a string option: Discord's client refuses longer names outright.
        return MAX_NAME

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction, value: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        shows = await _store(interaction).search_shows(
            interaction.guild_id, value[:MAX_NAME], limit=25, own_only=self.own_only
        )
        return [app_commands.Choice(name=choice_label(show), value=f"id:{show.id}") for show in shows]

    async def transform(self, interaction: discord.Interaction, value: str) -> Show:
        return await find_show(_store(interaction), guild_id(interaction), value)


async def find_show(store: Store, guild: int, value: str) -> Show:
    """The show a member means by ``value``: a picked choice, an exact name, or one unique match."""
    value = value.strip()
    if len(value) > MAX_NAME:
        raise UnknownShow("show.name_too_long", limit_count=MAX_NAME)
    if not value:
        raise UnknownShow("show.name_empty")
    picked = _PICKED.fullmatch(value)
    if picked:
        show = await store.visible_show(guild, int(picked.group(1)))
        if show is not None:
            return show
    exact = await store.find_show_by_name(guild, value)
    if exact:
        return exact[0]
    close = await store.search_shows(guild, value, limit=4)
    if len(close) == 1:
        return close[0]
    if close:
        names = ", ".join(f"**{escape(show.title)}**" for show in close[:3])
        raise UnknownShow("show.ambiguous", value=escape(shorten(value, 60)), names=names)
    raise UnknownShow("show.unknown", value=escape(shorten(value, 60)))


async def show_or_default(store: Store, guild: int, show: Show | None) -> Show:
    """The given show, else the server's default (``/show default``), else the only show it can see."""
    if show is not None:
        return show
    default = await store.default_show(guild)
    if default.show is not None:
        return default.show
    if default.visible == 0:
        raise ShowNeeded("show.none_yet")
    raise ShowNeeded("show.several")


def check_episode(show: Show, number: int) -> None:
    """Refuse an episode number outside the show (Discord's client only knows the 1–500 bound)."""
    if not 1 <= number <= show.episode_count:
        raise UnknownEpisode(
            "episode.outside", title=escape(show.title), last=show.episode_count, number=quote(number)
        )


ShowOption = app_commands.Transform[Show, ShowTransformer]
OwnShowOption = app_commands.Transform[Show, ShowTransformer(own_only=True)]
# 500 is the longest show the store accepts; the show's own length is checked by check_episode.
EpisodeNumber = app_commands.Range[int, 1, 500]


# -- scores ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScoreKind:
    """Which scores a kind of score allows: members rate 0.5–5, critics 0–5, verdicts 0–10."""

    lowest: int  # in halves
    maximum: int  # in points
    example: str  # "4 or 4.5"


MEMBER = ScoreKind(lowest=1, maximum=CRITIC_MAX, example="4 or 4.5")
CRITIC = ScoreKind(lowest=0, maximum=CRITIC_MAX, example="3 or 3.5")
VERDICT = ScoreKind(lowest=0, maximum=VERDICT_MAX, example="8 or 8.5")


def parse_score(value: object, kind: ScoreKind) -> Score:
    """A half-step score of ``kind`` from an option or a form field; one wording for every refusal."""
    shown: Any = value
    if isinstance(value, float):
        shown = repr(value).removesuffix(".0") if value.is_integer() else repr(value)
    elif isinstance(value, str):
        shown = value.strip()
    score: Score | None
    try:
        score = Score.parse(shown, maximum=kind.maximum)
    except (ScoreError, ArithmeticError, ValueError):
        score = None
    if score is None or score.halves < kind.lowest:
        raise BadValue(
            "score.refused",
            value=escape(str(quote(shown))) if not isinstance(shown, int) else quote(shown),
            low=Score(kind.lowest),
            high=kind.maximum,
            example=kind.example,
        )
    return score


class ScoreTransformer(app_commands.Transformer):
    """A NUMBER option that arrives as an exact :class:`Score` of the given kind."""

    def __init__(self, kind: ScoreKind) -> None:
        self.kind = kind

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.number

    @property
    def min_value(self) -> float:
        return self.kind.lowest / 2

    @property
    def max_value(self) -> float:
        return float(self.kind.maximum)

    async def transform(self, interaction: discord.Interaction, value: Any) -> Score:
        return parse_score(value, self.kind)


MemberScore = app_commands.Transform[Score, ScoreTransformer(MEMBER)]
CriticScore = app_commands.Transform[Score, ScoreTransformer(CRITIC)]
VerdictScore = app_commands.Transform[Score, ScoreTransformer(VERDICT)]


# -- text ------------------------------------------------------------------------------------------


def one_line(value: str, *, name: str, limit: int) -> str | None:
    """An option's text with runs of space squeezed; None when nothing is left.

    Refuses what cannot be kept (control characters, lone surrogates, too long).
    """
    _check_text(value, name=name, multiline=False)
    squeezed = " ".join(value.split())
    if len(squeezed) > limit:
        raise BadValue("option.too_long", name=name, length_count=len(squeezed), limit_count=limit)
    return squeezed or None


def paragraph(value: str, *, name: str, limit: int) -> str | None:
    """A form's long text, stripped; None when empty. Line breaks stay."""
    _check_text(value, name=name, multiline=True)
    stripped = value.strip()
    if len(stripped) > limit:
        raise BadValue("option.too_long", name=name, length_count=len(stripped), limit_count=limit)
    return stripped or None


def _check_text(value: str, *, name: str, multiline: bool) -> None:
    problem = text_problem(value, multiline=multiline)
    if problem:
        raise BadValue(f"option.text.{problem}", name=name)
