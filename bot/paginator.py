"""Paging through embeds with Prev/Next buttons that only the member who asked can press."""

from __future__ import annotations

import logging

import discord

from bot.tree import report_error

log = logging.getLogger(__name__)


class Paginator(discord.ui.View):
    """Shows one embed of ``pages`` at a time; the buttons disable themselves on timeout."""

    def __init__(self, pages: list[discord.Embed], owner_id: int, *, timeout: float = 180.0) -> None:
        super().__init__(timeout=timeout)
        self.pages = pages
        self.owner_id = owner_id
        self.index = 0
        self.message: discord.InteractionMessage | None = None
        self._refresh()

    @classmethod
    async def send(
        cls, interaction: discord.Interaction, pages: list[discord.Embed], *, ephemeral: bool = False
    ) -> None:
        """Answer ``interaction`` with the first page, and buttons only when there is more than one."""
        if len(pages) == 1:
            await interaction.response.send_message(embed=pages[0], ephemeral=ephemeral)
            return
        view = cls(pages, interaction.user.id)
        await interaction.response.send_message(embed=pages[0], view=view, ephemeral=ephemeral)
        view.message = await interaction.original_response()

    def _refresh(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index == len(self.pages) - 1
        self.position.label = f"{self.index + 1}/{len(self.pages)}"

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            "Only the member who asked can turn these pages. Run the command yourself to browse.",
            ephemeral=True,
        )
        return False

    async def _show(self, interaction: discord.Interaction, index: int) -> None:
        self.index = index
        self._refresh()
        await interaction.response.edit_message(embed=self.pages[index], view=self)

    @discord.ui.button(label="Prev", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, button: discord.ui.Button[Paginator]) -> None:
        await self._show(interaction, max(self.index - 1, 0))

    @discord.ui.button(label="1/1", style=discord.ButtonStyle.secondary, disabled=True)
    async def position(self, interaction: discord.Interaction, button: discord.ui.Button[Paginator]) -> None:
        await interaction.response.defer()

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button[Paginator]) -> None:
        await self._show(interaction, min(self.index + 1, len(self.pages) - 1))

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Paginator]
    ) -> None:
        await report_error(interaction, error)

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        if self.message is not None:
            try:
                await self.message.edit(view=self)
            except discord.HTTPException as exc:
                log.info("Could not disable paging buttons on message %s: %s", self.message.id, exc)
