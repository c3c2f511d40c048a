"""Moderators remove comments; the removal is recorded; plain members cannot."""

from __future__ import annotations

from pathlib import Path

import discord
import pytest

from bot.bot import DramaBot
from emulator import ClientRejected, DiscordEmulator
from tests.helpers import Server, button_ids, only_embed, private_reply, rate, run_bot, settings_for, snapshot

MANAGE_MESSAGES = discord.Permissions(manage_messages=True).value


async def test_a_moderator_removes_a_comment_and_the_removal_is_logged(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    moderator = emulator.add_member(server.guild, emulator.add_user("mod"), permissions=MANAGE_MESSAGES)
    await rate(emulator, server.alice, 16, 5, comment="rude words here")

    result = await emulator.invoke(
        moderator, "moderate remove-comment", member=server.alice.user, episode=16, reason="Be kind"
    )
    assert private_reply(result).startswith(
        "Removed alice's comment on **Run On** episode 16; their score stays. Recorded as removal #1"
    )
    reply = private_reply(await emulator.invoke(server.bob, "comments", episode=16))
    assert reply == "No comments on **Run On** episode 16 here yet."
    line = only_embed(await emulator.invoke(server.bob, "score episode", number=16))["description"]
    assert line.endswith("Members: 5/5 from 1 rating")

    log = only_embed(await emulator.invoke(moderator, "moderate log"))
    assert "#1" in log["description"] and "Be kind" in log["description"]
    assert "rude words here" in log["description"]


async def test_a_plain_member_neither_sees_nor_can_use_moderation(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, database: Path
) -> None:
    (command,) = [c for c in emulator.registered_commands() if c["name"] == "moderate"]
    assert command["default_member_permissions"] == str(MANAGE_MESSAGES)
    await rate(emulator, server.alice, 16, 5, comment="keep me")
    before = snapshot(database)
    with pytest.raises(ClientRejected):
        await emulator.invoke(server.bob, "moderate remove-comment", member=server.alice.user, episode=16)
    # A client that sends it anyway is refused by the bot's own check.
    result = await emulator.invoke(
        server.bob, "moderate remove-comment", member=server.alice.user, episode=16, validate=False
    )
    assert private_reply(result) == "You need the Manage Messages permission to moderate comments."
    assert snapshot(database) == before


async def test_removing_a_comment_that_is_not_there_says_so(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    moderator = emulator.add_member(server.guild, emulator.add_user("mod"), permissions=MANAGE_MESSAGES)
    result = await emulator.invoke(moderator, "moderate remove-comment", member=server.bob.user, episode=2)
    assert private_reply(result) == "bob has no comment on **Run On** episode 2; nothing was removed."


async def test_the_moderation_log_pages_whole_entries_and_says_when_each_removal_happened(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    moderator = emulator.add_member(server.guild, emulator.add_user("mod"), permissions=MANAGE_MESSAGES)
    members = [emulator.add_member(server.guild, emulator.add_user(f"m{n}")) for n in range(12)]
    for member in members:
        await rate(emulator, member, 3, 4, comment="x" * 900)
        await emulator.invoke(
            moderator, "moderate remove-comment", member=member.user, episode=3, reason="long"
        )
    result = await emulator.invoke(moderator, "moderate log")
    first = only_embed(result)
    assert first["footer"]["text"] == "12 removals in all, newest first · page 1/2"
    entries = first["description"].split("\n#")
    assert len(entries) == 10 and all("<t:" in entry and ":R>" in entry for entry in entries)
    assert first["description"].startswith("#12 · <t:")
    buttons = {c["label"]: c for row in result.message.components for c in row["components"]}
    await emulator.click(moderator, result.message, buttons["Next"]["custom_id"])
    second = result.message.embeds[0]
    assert second["description"].startswith("#2 · ") and second["description"].count("\n#") == 1


async def test_the_log_turns_pages_after_a_restart_only_while_the_moderator_keeps_the_right(
    emulator: DiscordEmulator, server: Server, database: Path
) -> None:
    settings = settings_for(emulator, database)
    moderator = emulator.add_member(server.guild, emulator.add_user("mod"), permissions=MANAGE_MESSAGES)
    async with run_bot(emulator, settings):
        for n in range(12):
            member = emulator.add_member(server.guild, emulator.add_user(f"m{n}"))
            await rate(emulator, member, 3, 4, comment="spam")
            await emulator.invoke(moderator, "moderate remove-comment", member=member.user, episode=3)
        shown = await emulator.invoke(moderator, "moderate log")
        assert only_embed(shown)["footer"]["text"].endswith("page 1/2")
    async with run_bot(emulator, settings):
        # The server takes Manage Messages away while the log is still open.
        emulator.set_permissions(moderator, 0)
        refused = await emulator.click(moderator, shown.message, button_ids(shown.message)["Next"])
        assert private_reply(refused) == "You need the Manage Messages permission to moderate comments."
        assert shown.message.embeds[0]["footer"]["text"].endswith("page 1/2")

        emulator.set_permissions(moderator, MANAGE_MESSAGES)
        await emulator.click(moderator, shown.message, button_ids(shown.message)["Next"])
        assert shown.message.embeds[0]["footer"]["text"] == "12 removals in all, newest first · page 2/2"
