"""The parts every button row and form shares: who may press, what happens on timeout, where errors go.

:class:`OwnedView` answers only the member who asked and re-checks their rights on every press
(a curator whose role was taken away meanwhile is refused at the press, not when the view was
made); :class:`Form` checks every text field as the boundary checks options and re-checks rights
on submit; :class:`Confirm` runs a write once, after a preview, only on Confirm.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.errors import BadValue
from bot.option_checks import text_problem
from bot.replies import in_time, send_error, update_message
from bot.text import Message, t

log = logging.getLogger(__name__)

# A rights check run at press time; raises a UserFacingError (or returns False) to refuse.
RightsCheck = Callable[[discord.Interaction], Awaitable[object]]


async def _report(interaction: discord.Interaction, error: BaseException) -> None:
    # Imported here: the tree module imports this one's users, and a view's error goes the same way.
    from bot.tree import report_error

    await report_error(interaction, error)


class OwnedView(discord.ui.View):
    """Buttons only ``owner_id`` may press; ``rights``, if given, is checked again on every press."""

    def __init__(
        self,
        owner_id: int,
        *,
        rights: RightsCheck | None = None,
        timeout: float = 180.0,
        not_yours: str = "ui.not_yours",
    ) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.rights = rights
        self.not_yours = not_yours
        self.message: discord.Message | discord.InteractionMessage | discord.WebhookMessage | None = None

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await send_error(interaction, t(self.not_yours))
            return False
        if self.rights is not None and await self.rights(interaction) is False:
            return False
        return True

    def disable_all(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button | discord.ui.Select):
                item.disabled = True

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await _report(interaction, error)

    async def on_timeout(self) -> None:
        self.disable_all()
        await self.show_expired()

    async def show_expired(self, **fields: Any) -> None:
        """Leave the message with its buttons switched off once nobody can press them any more."""
        if self.message is None:
            return
        try:
            await self.message.edit(view=self, **fields)
        except discord.HTTPException as exc:
            log.info("Could not switch off the buttons on message %s: %s", self.message.id, exc)


class Confirm(OwnedView):
    """Runs ``on_confirm`` once, if and only if the member who asked presses Confirm in time.

    Cancel, a timeout or any other member's press writes nothing. The rights check runs again at
    the press. The buttons switch off when the question is settled either way.
    """

    def __init__(
        self,
        owner_id: int,
        on_confirm: Callable[[discord.Interaction], Awaitable[str]],
        *,
        cancelled: str,
        expired: str,
        rights: RightsCheck | None = None,
        timeout: float = 180.0,
        confirm_label: str = "ui.confirm",
    ) -> None:
        super().__init__(owner_id, rights=rights, timeout=timeout, not_yours="ui.confirm_not_yours")
        self.on_confirm = on_confirm
        self.cancelled = cancelled
        self.expired = expired
        self.confirm.label = t(confirm_label)
        self.cancel.label = t("ui.cancel")

    def _settle(self) -> None:
        self.disable_all()
        self.stop()

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button[Confirm]) -> None:
        # Settled before the write: a second press can no longer reach this view.
        self._settle()
        try:
            outcome = await in_time(interaction, self.on_confirm(interaction), update=True)
        except Exception:
            # The question is settled: the buttons go off and the error says what happened.
            await update_message(interaction, view=self)
            raise
        await update_message(interaction, content=outcome, embeds=[], view=self)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, button: discord.ui.Button[Confirm]) -> None:
        self._settle()
        await update_message(interaction, content=self.cancelled, embeds=[], view=self)

    async def on_timeout(self) -> None:
        self.disable_all()
        await self.show_expired(content=self.expired, embeds=[])


class Form(discord.ui.Modal):
    """A modal whose text fields are checked like options, and whose rights are checked on submit."""

    def __init__(self, *, title: str, rights: RightsCheck | None = None, timeout: float = 900.0) -> None:
        super().__init__(title=title, timeout=timeout)
        self.rights = rights
        self._names: dict[int, str] = {}

    def add_field(self, label: str, item: discord.ui.TextInput[Any] | discord.ui.Select[Any]) -> None:
        """A field with its label above it; the label also names the field in a refusal."""
        self._names[id(item)] = label
        self.add_item(discord.ui.Label(text=label, component=item))

    def name_of(self, item: discord.ui.Item[Any]) -> str:
        return self._names.get(id(item), getattr(item, "custom_id", "") or "")

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        for child in self.walk_children():
            if isinstance(child, discord.ui.TextInput):
                value = child.value
                if not isinstance(value, str):
                    raise BadValue("form.malformed")
                problem = text_problem(value, multiline=child.style is discord.TextStyle.paragraph)
                if problem:
                    raise BadValue(f"option.text.{problem}", name=self.name_of(child))
                if child.max_length is not None and len(value) > child.max_length:
                    raise BadValue(
                        "option.too_long",
                        name=self.name_of(child),
                        length_count=len(value),
                        limit_count=child.max_length,
                    )
        if self.rights is not None and await self.rights(interaction) is False:
            return False
        return True

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:  # type: ignore[override]
        await _report(interaction, error)


def label(key: str, /, **values: object) -> str:
    """A button or form label from the text layer."""
    return Message(key, values).render()
