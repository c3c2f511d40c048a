"""Lines into pages, and Prev/Next through them: the one pager behind every long list.

:func:`chunk` cuts lines (or multi-line entries) into pages that fit an embed, using discord.py's
own :class:`commands.Paginator` for the cutting. :class:`Pager` shows one page at a time and
builds each embed only when it is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import discord
from discord.ext import commands

from bot.replies import update_message
from bot.text import t
from bot.ui import OwnedView

# Discord's limit for an embed description is 4,096 characters; leave room for a heading.
PAGE_CHARS = 3800


def chunk(
    entries: Sequence[str], *, max_chars: int = PAGE_CHARS, per_page: int | None = None, gap: str = "\n"
) -> list[str]:
    """Entries joined by ``gap`` into pages of at most ``max_chars`` and ``per_page`` entries.

    An entry is never split; one longer than a page is cut short (entries are built to fit).
    """
    paginator = commands.Paginator(prefix=None, suffix=None, max_size=max_chars + 2 * len(gap), linesep=gap)
    on_page = 0
    for entry in entries:
        if per_page is not None and on_page == per_page:
            paginator.close_page()
            on_page = 0
        text = entry if len(entry) <= max_chars else entry[: max_chars - 1] + "…"
        before = len(paginator.pages)
        paginator.add_line(text)
        on_page = 1 if len(paginator.pages) > before else on_page + 1
    return [page.strip("\n") for page in paginator.pages] or [""]


# Renders page ``index`` (0-based) of ``count``.
PageRenderer = Callable[[int, int], discord.Embed]


class Pager(OwnedView):
    """One embed at a time, Prev/Next for the member who asked; the buttons switch off on timeout."""

    def __init__(self, count: int, render: PageRenderer, owner_id: int, *, timeout: float = 180.0) -> None:
        super().__init__(owner_id, timeout=timeout, not_yours="ui.pages_not_yours")
        self.count = count
        self.render = render
        self.index = 0
        self.previous.label = t("ui.previous")
        self.next.label = t("ui.next")
        self._update_buttons()

    @classmethod
    async def send(
        cls,
        interaction: discord.Interaction,
        count: int,
        render: PageRenderer,
        *,
        ephemeral: bool = False,
    ) -> None:
        """Answer with the first page, and buttons only when there is more than one."""
        first = render(0, count)
        if count <= 1:
            await _send(interaction, embed=first, ephemeral=ephemeral)
            return
        view = cls(count, render, interaction.user.id)
        view.message = await _send(interaction, embed=first, view=view, ephemeral=ephemeral)

    def _update_buttons(self) -> None:
        # Not named _refresh: discord.py's View._refresh(components) is called on MESSAGE_UPDATE.
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= self.count - 1
        self.position.label = t("ui.position", page=self.index + 1, pages=self.count)

    async def _turn(self, interaction: discord.Interaction, index: int) -> None:
        self.index = max(0, min(index, self.count - 1))
        self._update_buttons()
        await update_message(interaction, embed=self.render(self.index, self.count), view=self)

    @discord.ui.button(label="Prev", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, button: discord.ui.Button[Pager]) -> None:
        await self._turn(interaction, self.index - 1)

    @discord.ui.button(label="1/1", style=discord.ButtonStyle.secondary, disabled=True)
    async def position(self, interaction: discord.Interaction, button: discord.ui.Button[Pager]) -> None:
        await interaction.response.defer()

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button[Pager]) -> None:
        await self._turn(interaction, self.index + 1)


async def _send(
    interaction: discord.Interaction,
    *,
    embed: discord.Embed,
    ephemeral: bool,
    view: discord.ui.View | None = None,
) -> discord.InteractionMessage | discord.WebhookMessage | None:
    buttons = view if view is not None else discord.utils.MISSING
    if interaction.response.is_done():
        return await interaction.followup.send(embed=embed, ephemeral=ephemeral, wait=True, view=buttons)
    await interaction.response.send_message(embed=embed, ephemeral=ephemeral, view=buttons)
    return await interaction.original_response() if view is not None else None
