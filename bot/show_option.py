"""The ``show`` option: autocomplete from what this server can see, then typed name → row."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.errors import ShowNeeded, UnknownEpisode, UnknownShow
from bot.markdown import escape, shorten
from bot.store import Show, Store

if TYPE_CHECKING:
    from bot.bot import DramaBot

MAX_NAME = 100
_ID_PREFIX = "id:"


def _store(interaction: discord.Interaction) -> Store:
    client: DramaBot = interaction.client  # type: ignore[assignment]
    return client.store


def choice_label(show: Show) -> str:
    """Label a choice like "Run On · 런 온 · 2020": enough to tell two shows of the same name apart."""
    parts = [show.title]
    if show.original_title and show.original_title != show.title:
        parts.append(show.original_title)
    if show.season > 1:
        parts.append(f"season {show.season}")
    if show.year:
        parts.append(str(show.year))
    return shorten(" · ".join(parts), 100)


class ShowTransformer(app_commands.Transformer):
    """Turns what the member typed or picked into a :class:`Show` this server can see."""

    @property
    def max_value(self) -> int:
        # max_length for a string option: Discord's client refuses longer names outright.
        return MAX_NAME

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction, value: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        shows = await _store(interaction).search_shows(interaction.guild_id, value[:MAX_NAME], limit=25)
        labels = [choice_label(show) for show in shows]
        # A server's own copy of a catalog show has the same label: say which is which.
        twins = {label for label in labels if labels.count(label) > 1}
        return [
            app_commands.Choice(
                name=shorten(label + (" · catalog" if show.is_catalog else " · this server"), 100)
                if label in twins
                else label,
                value=f"{_ID_PREFIX}{show.id}",
            )
            for label, show in zip(labels, shows, strict=True)
        ]

    async def transform(self, interaction: discord.Interaction, value: str) -> Show:  # type: ignore[override]
        assert interaction.guild_id is not None  # every command is guild-only
        return await find_show(_store(interaction), interaction.guild_id, value)


async def find_show(store: Store, guild_id: int, value: str) -> Show:
    """The show a member means by ``value``: a picked choice, an exact name, or one unique match."""
    value = value.strip()
    if len(value) > MAX_NAME:
        raise UnknownShow(f"No show has a name that long: titles are at most {MAX_NAME} characters.")
    if not value:
        raise UnknownShow("Type a show name, or pick one from the list.")
    if value.startswith(_ID_PREFIX) and value[len(_ID_PREFIX) :].isdigit():
        show = await store.visible_show(guild_id, int(value[len(_ID_PREFIX) :]))
        if show is not None:
            return show
    exact = await store.find_show_by_name(guild_id, value)
    if exact:
        return exact[0]
    close = await store.search_shows(guild_id, value, limit=4)
    if len(close) == 1:
        return close[0]
    if close:
        names = ", ".join(f"**{escape(show.title)}**" for show in close[:3])
        raise UnknownShow(f"Several shows match “{escape(value)}”: {names}. Pick one from the list.")
    raise UnknownShow(
        f"I don't know a show called “{escape(shorten(value, 60))}” in this server. "
        "Start typing in the `show` option and pick one from the list."
    )


async def show_or_default(store: Store, guild_id: int, show: Show | None) -> Show:
    """The given show, else the server's default (``/show default``), else the only show it can see."""
    if show is not None:
        return show
    settings = await store.guild_settings(guild_id)
    if settings.default_show_id is not None:
        default = await store.visible_show(guild_id, settings.default_show_id)
        if default is not None:
            return default
    visible = await store.visible_shows(guild_id)
    if len(visible) == 1:
        return visible[0]
    if not visible:
        raise ShowNeeded("This server has no shows yet.")
    raise ShowNeeded(
        "This server follows several shows: say which one with the `show` option "
        "(admins can pick a default with `/show default`)."
    )


def check_episode(show: Show, number: int) -> None:
    """Refuse an episode number outside the show (Discord's client only knows the 1–500 bound)."""
    if not 1 <= number <= show.episode_count:
        raise UnknownEpisode(
            f"**{escape(show.title)}** has episodes 1–{show.episode_count}; there is no episode {number}."
        )


ShowOption = app_commands.Transform[Show, ShowTransformer]
# 500 is the longest show the store accepts; the show's own length is checked by check_episode.
EpisodeNumber = app_commands.Range[int, 1, 500]
