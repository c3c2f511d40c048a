"""The spoiler guard's private answer and its persistent **Show anyway** button.

A member whose progress on a show is P who asks about an episode past P gets
:func:`send_guard`'s private note instead of the text. The button's ``custom_id`` holds the kind
of text, the member, the show and the episode, so a press works after a restart and in any
process; only that member may press it, and the text is read again from the store and sent to
them alone through the loader the cog registered (:meth:`bot.ui.Buttons.add_reveal`).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.errors import BadValue
from bot.markdown import escape
from bot.replies import send_error, send_private
from bot.store import Show
from bot.text import t
from bot.ui import PREFIX, SentView, buttons_of, custom_id

# Sends the revealed text privately: the press, the show's id and the episode number.
RevealLoader = Callable[[discord.Interaction, int, int], Awaitable[None]]


class RevealButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=(
        rf"{PREFIX}:reveal:(?P<kind>[a-z]{{1,12}}):(?P<owner>[0-9]{{1,20}})"
        r":(?P<show>[0-9]{1,20}):(?P<episode>[0-9]{1,3})"
    ),
):
    """Show anyway, for the member the guard answered only."""

    def __init__(self, kind: str, owner_id: int, show_id: int, episode: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=t("spoiler.show_anyway"),
                style=discord.ButtonStyle.secondary,
                custom_id=custom_id("reveal", kind, owner_id, show_id, episode),
            )
        )
        self.kind = kind
        self.owner_id = owner_id
        self.show_id = show_id
        self.episode = episode

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RevealButton:
        return cls(match["kind"], int(match["owner"]), int(match["show"]), int(match["episode"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        # discord.py only logs what a dynamic item raises: every error gets its private answer here.
        try:
            await self._reveal(interaction)
        except Exception as error:  # noqa: BLE001 - it is reported to the member and logged
            from bot.tree import report_error

            await report_error(interaction, error)

    async def _reveal(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self.owner_id:
            await send_error(interaction, t("spoiler.not_yours"))
            return
        reveal = buttons_of(interaction).reveals.get(self.kind)
        if reveal is None:
            raise BadValue("ui.unknown_button")
        await reveal(interaction, self.show_id, self.episode)


async def send_guard(
    interaction: discord.Interaction, kind: str, show: Show, episode: int, progress: int
) -> None:
    """Answer privately that ``episode`` lies past the member's progress, with Show anyway."""
    title = escape(show.title)
    if progress == 0:
        where = t("spoiler.guard_not_started", title=title, episode=episode)
    else:
        where = t("spoiler.guard", progress=progress, title=title, episode=episode)
    button = RevealButton(kind, interaction.user.id, show.id, episode)
    await send_private(interaction, f"{where}\n{t('spoiler.guard_hint')}", view=SentView(button))
