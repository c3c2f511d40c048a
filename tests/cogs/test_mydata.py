"""Members own their data: they see it, take it to another server, and erase it (/mydata)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

from bot.bot import DramaBot
from bot.scores import format_average
from emulator import DiscordEmulator, EmuFile, EmuMember, eventually
from tests.helpers import (
    Server,
    button_ids,
    eventually_stored,
    mentions_of,
    only_embed,
    private_reply,
    rate,
    snapshot,
)


def average(*scores: float) -> str:
    return format_average(Fraction(sum(Fraction(s) for s in scores)) / len(scores))


def members_line(result: Any) -> str:
    return only_embed(result)["description"].splitlines()[-1]


async def forget(emulator: DiscordEmulator, who: EmuMember, mode: str) -> Any:
    return await emulator.invoke(who, "mydata forget", mode=mode)


async def press(emulator: DiscordEmulator, who: EmuMember, question: Any, label: str) -> Any:
    return await emulator.click(who, question.message, button_ids(question.message)[label])


async def export(emulator: DiscordEmulator, who: EmuMember) -> bytes:
    result = await emulator.invoke(who, "mydata export")
    files = {attachment.filename: attachment.data for attachment in result.message.attachments}
    assert sorted(files) == ["dramabot-my-data.json", "dramabot-my-ratings.csv"]
    return files["dramabot-my-data.json"]


async def test_a_member_sees_everything_held_about_them(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    assert private_reply(await emulator.invoke(server.alice, "mydata show")) == (
        "dramabot holds nothing about you in this server."
    )
    await rate(emulator, server.alice, 8, 4, comment="Great")
    await rate(emulator, server.alice, 9, 3.5)
    await emulator.invoke(server.alice, "mydata hide-from-rankings", choice="on")

    reply = private_reply(await emulator.invoke(server.alice, "mydata show"))

    today = datetime.now(UTC).strftime("%Y-%m-%d")
    assert reply.splitlines()[:5] == [
        "**What dramabot holds about you in this server**",
        f"Ratings: 2 (1 with a comment), on {today}",
        f"Watch status and progress: 1 show, on {today}",
        "Hidden from rankings: yes",
        "",
    ]


async def test_forget_by_delete_changes_the_averages_exactly_as_previewed(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, database: Path
) -> None:
    carol = emulator.add_member(server.guild, emulator.add_user("carol"))
    await rate(emulator, server.alice, 8, 4, comment="Loved it")
    await rate(emulator, server.bob, 8, 3.5)
    await rate(emulator, carol, 8, 4.5)
    await rate(emulator, server.alice, 9, 2)
    assert members_line(await emulator.invoke(carol, "score episode", number=8)).startswith(
        f"Members: {average(4, 3.5, 4.5)}/5 from 3 ratings"
    )

    question = await forget(emulator, server.alice, "delete")

    preview = private_reply(question)
    assert f"**Run On** episode 8 average moves from {average(4, 3.5, 4.5)} to {average(3.5, 4.5)}" in preview
    assert "**Run On** episode 9 loses its only rating (was 2)" in preview
    assert "Your 2 ratings go (1 with a comment)" in preview
    assert "Your watch status and progress on 1 show go." in preview
    done = await press(emulator, server.alice, question, "Confirm")
    assert done.message.content == "Done: you are forgotten in this server. 2 ratings were deleted."
    assert members_line(await emulator.invoke(carol, "score episode", number=8)).startswith(
        f"Members: {average(3.5, 4.5)}/5 from 2 ratings"
    )
    assert await mentions_of(drama.store, server.alice.user.id) == {}


async def test_forget_by_anonymising_keeps_every_average_and_no_trace_of_the_member(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    moderator = emulator.add_member(server.guild, emulator.add_user("mod"), permissions=1 << 13)
    await rate(emulator, server.alice, 8, 4, comment="Loved it")
    await rate(emulator, server.bob, 8, 3.5, comment="rude words")
    await rate(emulator, server.bob, 9, 5, comment="also rude")
    await emulator.invoke(moderator, "moderate remove-comment", member=server.alice.user, episode=8)
    await emulator.invoke(server.alice, "mydata hide-from-rankings", choice="on")
    await emulator.invoke(moderator, "moderate remove-comment", member=server.bob.user, episode=9)
    before = members_line(await emulator.invoke(server.bob, "score episode", number=8))

    # The moderator asks to be forgotten too: the removal records stay, naming nobody.
    question = await forget(emulator, moderator, "anonymise")
    assert "2 removals you made as a moderator stay on record, without your name." in private_reply(question)
    await press(emulator, moderator, question, "Confirm")
    assert await mentions_of(drama.store, moderator.user.id) == {}
    another = emulator.add_member(server.guild, emulator.add_user("mod2"), permissions=1 << 13)
    log = only_embed(await emulator.invoke(another, "moderate log"))["description"]
    assert log.count("a former moderator removed") == 2
    question = await forget(emulator, server.alice, "anonymise")
    preview = private_reply(question)
    assert "Your 1 score stays in the averages, linked to nobody; your comments go (0)" in preview
    assert "1 record of a moderator removing your comment goes." in preview
    assert "average moves" not in preview
    done = await press(emulator, server.alice, question, "Confirm")

    assert done.message.content.startswith("Done: you are forgotten in this server. 1 score stays")
    assert members_line(await emulator.invoke(server.bob, "score episode", number=8)) == before
    assert await mentions_of(drama.store, server.alice.user.id) == {}


async def test_pressing_confirm_twice_forgets_once_and_says_so(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, database: Path
) -> None:
    await rate(emulator, server.alice, 8, 4)
    question = await forget(emulator, server.alice, "delete")
    confirm = button_ids(question.message)["Confirm"]

    # A double click: the second press leaves before the first one's answer removed the buttons.
    first, second = await asyncio.gather(
        emulator.click(server.alice, question.message, confirm),
        emulator.click(server.alice, question.message, confirm),
    )

    answers = sorted(said_to(emulator, result) for result in (first, second))
    assert answers == [
        "Done: you are forgotten in this server. 1 rating was deleted.",
        "This question has expired or was already answered; nothing more was erased.",
    ]
    assert await drama.store.member_data(
        server.guild.id, server.alice.user.id
    ) == await drama.store.member_data(server.guild.id, server.bob.user.id)


async def test_nothing_happens_without_confirm(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, database: Path
) -> None:
    assert private_reply(await forget(emulator, server.bob, "delete")) == (
        "Nothing to forget: dramabot holds nothing about you in this server."
    )
    await rate(emulator, server.alice, 8, 4)
    before = snapshot(database)
    question = await forget(emulator, server.alice, "anonymise")
    # Bob cannot even see Alice's private question; a modified client pressing anyway is refused.
    ids = button_ids(question.message)
    refused = await emulator.click(server.bob, question.message, ids["Confirm"], validate=False)
    assert refused.message.ephemeral and snapshot(database) == before
    cancelled = await press(emulator, server.alice, question, "Cancel")
    assert cancelled.message.content == "Cancelled; nothing was erased."
    assert snapshot(database) == before


async def test_export_forget_and_import_into_another_server_restores_the_ratings(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    await rate(emulator, server.alice, 8, 4, comment="Loved it")
    await rate(emulator, server.alice, 9, 2.5)
    await emulator.invoke(server.alice, "progress", episode=12)
    mine = private_reply(await emulator.invoke(server.alice, "myratings"))
    data = await export(emulator, server.alice)
    await press(emulator, server.alice, await forget(emulator, server.alice, "delete"), "Confirm")

    other = emulator.add_guild("Second Club")
    alice_there = emulator.add_member(other, server.alice.user)
    question = await emulator.invoke(
        alice_there, "mydata import", file=EmuFile("dramabot-my-data.json", data)
    )
    assert private_reply(question).startswith(
        "Import **dramabot-my-data.json**: 2 ratings and 1 watch entry into this server."
    )
    done = await press(emulator, alice_there, question, "Confirm")

    assert done.message.content == "Imported 2 ratings and 1 watch entry."
    assert private_reply(await emulator.invoke(alice_there, "myratings")) == mine
    assert members_line(await emulator.invoke(alice_there, "score episode", number=8)).startswith(
        "Members: 4/5 from 1 rating"
    )
    watchlist = await emulator.invoke(alice_there, "mywatchlist")
    assert "8/16" not in str(watchlist.message.embeds) and "12/16" in str(watchlist.message.embeds)


async def test_an_import_of_an_edited_file_names_the_field_and_writes_nothing(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, database: Path
) -> None:
    await rate(emulator, server.alice, 8, 4)
    document = json.loads(await export(emulator, server.alice))
    before = snapshot(database)
    broken = [
        ({**document, "ratings": [{**document["ratings"][0], "score": 7}]}, "ratings[0].score"),
        ({**document, "ratings": [{**document["ratings"][0], "episode": 99}]}, "ratings[0].episode"),
        ({**document, "ratings": [{**document["ratings"][0], "show": "Nope"}]}, "ratings[0].show"),
        (
            {**document, "ratings": [{**document["ratings"][0], "updated_at": "yesterday"}]},
            "ratings[0].updated_at",
        ),
        ({**document, "format": "something"}, "format"),
        ({**document, "member_id": "12"}, "another member"),
    ]
    for edited, named in broken:
        data = json.dumps(edited).encode()
        reply = private_reply(
            await emulator.invoke(server.alice, "mydata import", file=EmuFile("mine.json", data))
        )
        assert named in reply and "Nothing was written." in reply, reply
    reply = private_reply(
        await emulator.invoke(server.alice, "mydata import", file=EmuFile("x.json", b"{nope"))
    )
    assert "line 1" in reply
    assert snapshot(database) == before


async def test_an_import_over_newer_ratings_says_which_and_needs_confirm(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, database: Path
) -> None:
    await rate(emulator, server.alice, 8, 4)
    await rate(emulator, server.alice, 9, 3)
    data = await export(emulator, server.alice)
    await rate(emulator, server.alice, 8, 2)
    before = snapshot(database)

    question = await emulator.invoke(server.alice, "mydata import", file=EmuFile("mine.json", data))

    lines = private_reply(question).splitlines()
    assert lines[1] == "⚠ It overwrites 1 rating of yours that is newer than the file's:"
    assert lines[2].startswith("• **Run On** episode 8: your 2/5 of ")
    assert snapshot(database) == before
    await press(emulator, server.alice, question, "Confirm")
    assert members_line(await emulator.invoke(server.bob, "score episode", number=8)).startswith(
        "Members: 4/5 from 1 rating"
    )


async def test_data_of_a_server_that_removed_the_bot_is_kept_for_the_retention_period(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    drama.clock = lambda: now
    await rate(emulator, server.alice, 8, 4, comment="Loved it")
    guild_id = server.guild.id

    # An outage is not a removal: nothing is scheduled for deletion.
    emulator.start_outage(server.guild)
    emulator.end_outage(server.guild)
    emulator.remove_guild(server.guild)
    await eventually(lambda: drama.get_guild(guild_id) is None)
    await eventually_stored(lambda: departed(drama, guild_id))

    now += timedelta(days=29)
    assert await drama.purge_departed_guilds() == []
    assert (await drama.store.member_data(guild_id, server.alice.user.id)).ratings
    now += timedelta(days=2)
    [report] = await drama.purge_departed_guilds()
    assert report.guild_id == guild_id and report.rows["rating"] == 1 and report.rows["watch"] == 1
    assert (await drama.store.member_data(guild_id, server.alice.user.id)).empty


async def test_a_server_that_was_only_unavailable_keeps_everything(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    drama.clock = lambda: now
    await rate(emulator, server.alice, 8, 4)
    guild_id = server.guild.id

    emulator.start_outage(server.guild)
    await eventually(lambda: (g := drama.get_guild(guild_id)) is not None and g.unavailable)
    now += timedelta(days=400)

    assert await drama.purge_departed_guilds() == []
    assert await drama.store.departed_guilds(now) == []
    emulator.end_outage(server.guild)
    await eventually(lambda: (g := drama.get_guild(guild_id)) is not None and not g.unavailable)
    assert members_line(await emulator.invoke(server.bob, "score episode", number=8)).startswith(
        "Members: 4/5 from 1 rating"
    )


async def test_a_server_that_adds_the_bot_back_in_time_finds_everything(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    drama.clock = lambda: now
    await rate(emulator, server.alice, 8, 4)
    guild_id = server.guild.id
    emulator.remove_guild(server.guild)
    await eventually_stored(lambda: departed(drama, guild_id))

    now += timedelta(days=10)
    back = emulator.add_guild("Club again", id=guild_id)
    await eventually(lambda: drama.get_guild(guild_id) is not None)
    alice = emulator.add_member(back, server.alice.user)
    now += timedelta(days=100)

    assert await drama.purge_departed_guilds() == []
    assert members_line(await emulator.invoke(alice, "score episode", number=8)).startswith(
        "Members: 4/5 from 1 rating"
    )


async def departed(drama: DramaBot, guild_id: int) -> bool:
    return guild_id in {
        gid for gid, _ in await drama.store.departed_guilds(drama.clock() + timedelta(seconds=1))
    }


def said_to(emulator: DiscordEmulator, pressed: Any) -> str:
    """The last text the bot answered a button press with (its callback or a later edit by its token)."""
    texts = [
        body["content"]
        for request in emulator.requests
        if pressed.token in request.path
        and isinstance(body := (request.json or {}).get("data", request.json), dict)
        and "content" in body
    ]
    return texts[-1]


async def test_rating_between_the_preview_and_confirm_erases_nothing(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    await rate(emulator, server.alice, 8, 4)
    question = await forget(emulator, server.alice, "delete")
    await rate(emulator, server.alice, 9, 3)

    answer = await press(emulator, server.alice, question, "Confirm")

    assert answer.message.content.endswith("Nothing was erased.")
    assert len((await drama.store.member_data(server.guild.id, server.alice.user.id)).ratings) == 2
