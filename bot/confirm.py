"""Confirm/Cancel buttons for a write that must not happen by accident."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import discord

from bot.tree import report_error

log = logging.getLogger(__name__)


class Confirm(discord.ui.View):
    """Runs ``on_confirm`` once, if and only if the member who asked presses Confirm in time.

    Cancel, a timeout or any other member's press writes nothing. The buttons disable
    themselves when the question is settled either way.
    """

    def __init__(
        self,
        owner_id: int,
        on_confirm: Callable[[discord.Interaction], Awaitable[str]],
        *,
        cancelled: str,
        expired: str,
        timeout: float = 180.0,
    ) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.on_confirm = on_confirm
        self.cancelled = cancelled
        self.expired = expired
        self.message: discord.Message | discord.InteractionMessage | None = None

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message("Only the admin who asked can answer this.", ephemeral=True)
        return False

    def _settle(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        self.stop()

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button[Confirm]) -> None:
        # Settled before the write: a second press can no longer reach this view.
        self._settle()
        # Show and import writes are one transaction of at most 500 episodes: milliseconds, well
        # inside Discord's 3 seconds, so the answer is a single edit of the question.
        outcome = await self.on_confirm(interaction)
        await interaction.response.edit_message(content=outcome, embeds=[], view=self)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, button: discord.ui.Button[Confirm]) -> None:
        self._settle()
        await interaction.response.edit_message(content=self.cancelled, embeds=[], view=self)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Confirm]
    ) -> None:
        await report_error(interaction, error)

    async def on_timeout(self) -> None:
        self._settle()
        if self.message is not None:
            try:
                await self.message.edit(content=self.expired, embeds=[], view=self)
            except discord.HTTPException as exc:
                log.info("Could not mark confirmation %s as expired: %s", self.message.id, exc)
