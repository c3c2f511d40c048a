"""Half a character over the wire does not cost the bot its connection.

A lone surrogate ("\\ud800" in JSON) is text any member can send: a broken emoji in a nickname, a
server name, or an option value from a modified client. The emulator writes it as Discord does, as a
JSON escape. discord.py decodes every gateway frame with orjson, which refuses such text; the bot
installs a codec that hands those payloads to the standard library (``bot.payloads``), so the member
gets the bot's polite answer and every server stays connected.
"""

from __future__ import annotations

from pathlib import Path

import discord
import discord.utils

from bot.bot import DramaBot
from emulator import DiscordEmulator
from tests.helpers import Server, private_reply, run_bot, settings_for

MANAGE_MESSAGES = discord.Permissions(manage_messages=True).value


async def test_a_comment_with_half_an_emoji_is_refused_politely_and_the_bot_stays_connected(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    assert discord.utils.HAS_ORJSON  # the fast decoder that refuses lone surrogates is in use
    identified, resumed = emulator.gateway.identify_count, emulator.gateway.resume_count

    result = await emulator.invoke(server.alice, "rate", episode=3, score=4, comment="so good \ud83d")

    assert "cannot be stored" in result.message.content
    assert "Nothing was changed" in result.message.content
    assert result.message.ephemeral
    answer = await emulator.invoke(server.bob, "score episode", number=3)
    assert answer.message.embeds  # the bot still answers the server
    assert (emulator.gateway.identify_count, emulator.gateway.resume_count) == (identified, resumed)


async def test_a_member_whose_nickname_is_half_an_emoji_gets_their_score(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    identified, resumed = emulator.gateway.identify_count, emulator.gateway.resume_count
    carol = emulator.add_member(server.guild, emulator.add_user("carol\udfff"), nick="\ud800 carol")

    result = await emulator.invoke(carol, "rate", episode=2, score=4.5)

    assert result.message.content.startswith("Saved your rating")
    assert (emulator.gateway.identify_count, emulator.gateway.resume_count) == (identified, resumed)


async def test_a_server_named_with_half_an_emoji_is_served_from_the_start(
    emulator: DiscordEmulator, database: Path
) -> None:
    guild = emulator.add_guild("Drama \ud83d Club")
    dana = emulator.add_member(guild, emulator.add_user("dana"))

    async with run_bot(emulator, settings_for(emulator, database)) as bot:
        result = await emulator.invoke(dana, "score episode", number=16)

        assert "5/5" in result.message.embeds[0]["description"]
        assert bot.get_guild(guild.id) is not None


async def test_a_reply_naming_a_member_with_half_an_emoji_still_reaches_the_moderator(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    # The reply quotes the nickname: the bot must also encode a lone surrogate it sends back.
    moderator = emulator.add_member(server.guild, emulator.add_user("mod"), permissions=MANAGE_MESSAGES)
    carol = emulator.add_member(server.guild, emulator.add_user("carol"), nick="carol \ud800")

    result = await emulator.invoke(moderator, "moderate remove-comment", member=carol.user, episode=3)

    # Sent as the standard library (and discord.py without orjson) writes it: a JSON escape.
    assert private_reply(result).startswith("carol \ud800 has no comment on **Run On** episode 3")
