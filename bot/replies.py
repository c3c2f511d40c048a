"""Answering an interaction, whatever state it is in: unanswered, deferred, or a button press.

Discord wants a first response within 3 seconds. Work that might take longer (a write while
another process holds the database, say) goes through :func:`in_time`, which defers the
interaction just before that deadline so that the final answer can follow as an edit.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

import discord

log = logging.getLogger(__name__)

T = TypeVar("T")

# Discord allows 3 s for the first response; the request itself needs some of them.
DEFER_AFTER = 1.5
# Discord's limit for a message's content.
MAX_CONTENT = 2000


def clip(text: str, limit: int = MAX_CONTENT) -> str:
    """Never send more than Discord takes, whatever a reply quotes."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def send_private(interaction: discord.Interaction, content: str | None = None, **kwargs: Any) -> None:
    """Reply privately, whether the interaction is still unanswered or was deferred."""
    if content is not None:
        content = clip(content)
    if interaction.response.is_done():
        await interaction.followup.send(
            content if content is not None else discord.utils.MISSING, ephemeral=True, **kwargs
        )
    else:
        await interaction.response.send_message(content, ephemeral=True, **kwargs)


async def send_error(interaction: discord.Interaction, content: str) -> None:
    """The error reply: as :func:`send_private`, but a failure is only logged (nothing is left to tell)."""
    try:
        if interaction.type is discord.InteractionType.autocomplete:
            if not interaction.response.is_done():
                await interaction.response.autocomplete([])
            return
        if interaction.type is discord.InteractionType.component and interaction.response.type is (
            discord.InteractionResponseType.deferred_message_update
        ):
            # A deferred button press: the private answer goes in a follow-up, the message stays.
            await interaction.followup.send(clip(content), ephemeral=True)
            return
        await send_private(interaction, content)
    except discord.HTTPException as exc:
        log.warning("Could not send the error reply for interaction %s: %s", interaction.id, exc)


async def update_message(interaction: discord.Interaction, **fields: Any) -> None:
    """Edit the message a button sits on, as the press's answer or after deferring it."""
    if "content" in fields and fields["content"] is not None:
        fields["content"] = clip(fields["content"])
    if interaction.response.is_done():
        await interaction.edit_original_response(**fields)
    else:
        await interaction.response.edit_message(**fields)


async def in_time(
    interaction: discord.Interaction, work: Awaitable[T], *, defer_now: bool = False, update: bool = False
) -> T:
    """Run ``work``; if it is still going near Discord's deadline (or ``defer_now``), defer first.

    ``update`` defers a button press as an update of its message (the answer edits it); otherwise
    the interaction is deferred as a private "thinking…" reply that the answer replaces. The work
    always runs to its end: deferring only buys time for its true outcome to be told.
    """
    task = asyncio.ensure_future(work)
    if not defer_now:
        try:
            return await asyncio.wait_for(asyncio.shield(task), DEFER_AFTER)
        except TimeoutError:
            pass
    if not interaction.response.is_done():
        try:
            if update:
                await interaction.response.defer()
            else:
                await interaction.response.defer(ephemeral=True, thinking=True)
        except discord.HTTPException as exc:
            log.warning("Could not defer interaction %s: %s", interaction.id, exc)
    return await task
