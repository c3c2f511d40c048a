"""Members rate and comment; the server's view stands beside the critic's."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bot.bot import DramaBot
from bot.scores import Score
from emulator import DiscordEmulator
from tests.helpers import (
    Server,
    button_ids,
    only_embed,
    private_reply,
    rate,
    run_bot,
    settings_for,
    snapshot,
    sql,
    sql_batch,
)


async def score_line(emulator: DiscordEmulator, who: Any, episode: int) -> str:
    description = only_embed(await emulator.invoke(who, "score episode", number=episode))["description"]
    return description.splitlines()[1]


async def test_two_members_rate_episode_16_and_score_shows_both_views(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    assert await rate(emulator, server.alice, 16, 5) == (
        "Saved your rating of **5/5** for **Run On** episode 16.\nMembers: 5/5 from 1 rating in this server."
    )
    assert (await rate(emulator, server.bob, 16, 4)).endswith("Members: 4.5/5 from 2 ratings in this server.")

    embed = only_embed(await emulator.invoke(server.alice, "score episode", number=16))
    assert embed["description"] == "Critic: **5/5**  ★★★★★\nMembers: 4.5/5 from 2 ratings"
    assert await score_line(emulator, server.alice, 15) == "Members: no member ratings yet"

    other = emulator.add_guild("Another Club")
    stranger = emulator.add_member(other, emulator.add_user("carol"))
    assert await score_line(emulator, stranger, 16) == "Members: no member ratings yet"

    show = only_embed(await emulator.invoke(server.alice, "score show"))
    assert show["description"].splitlines()[15] == "`Ep 16` **5/5**  ★★★★★ · members 4.5 (2)"
    assert show["description"].splitlines()[14] == "`Ep 15` **4.5/5**  ★★★★⯪"
    verdict = only_embed(await emulator.invoke(server.alice, "verdict"))
    assert {f["name"]: f["value"] for f in verdict["fields"]}["Members' average"] == (
        "Members: 4.5/5 from 2 ratings"
    )


async def test_rating_again_replaces_the_earlier_rating_and_says_so(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, database: Path
) -> None:
    await rate(emulator, server.alice, 16, 4, comment="Loved the ending")
    reply = await rate(emulator, server.alice, 16, 4.5)
    assert reply.startswith("Updated your rating for **Run On** episode 16 from 4/5 to **4.5/5**.")
    assert "Your earlier comment is kept." in reply
    assert reply.endswith("Members: 4.5/5 from 1 rating in this server.")
    assert sql(database, "SELECT halves, comment FROM rating") == [(9, "Loved the ending")]


@pytest.mark.parametrize(
    ("options", "reply"),
    [
        ({"episode": 16, "score": 4.3}, "4.3 isn't a score you can give: use 0.5 to 5 in half steps"),
        ({"episode": 17, "score": 4}, "**Run On** has episodes 1–16; there is no episode 17."),
        ({"episode": 1, "score": 4, "show": "Goblin"}, "I don't know a show called “Goblin”"),
    ],
)
async def test_bad_ratings_are_refused_and_nothing_is_written(
    drama: DramaBot,
    emulator: DiscordEmulator,
    server: Server,
    database: Path,
    options: dict[str, Any],
    reply: str,
) -> None:
    before = snapshot(database)
    assert reply in private_reply(await emulator.invoke(server.alice, "rate", **options))
    assert snapshot(database) == before


async def test_a_show_of_another_server_cannot_be_rated(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, database: Path
) -> None:
    [(theirs,)] = sql(
        database,
        "INSERT INTO show (guild_id, title, title_key, episode_count) VALUES (999, 'Theirs', 'theirs', 2)"
        " RETURNING id",
    )
    sql_batch(
        database, [("INSERT INTO episode (show_id, number) VALUES (?, ?)", (theirs, n)) for n in (1, 2)]
    )
    before = snapshot(database)
    for typed in (f"id:{theirs}", "Theirs"):
        reply = private_reply(await emulator.invoke(server.alice, "rate", episode=1, score=4, show=typed))
        assert reply.startswith("I don't know a show called")
    assert (
        await emulator.autocomplete(server.alice, "rate", focused="show", value="thei", episode=1, score=4)
        == []
    )
    assert snapshot(database) == before


async def test_comments_page_newest_first_behind_spoilers_and_never_ping(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    members = [emulator.add_member(server.guild, emulator.add_user(f"fan{n}")) for n in range(7)]
    texts = [f"Comment number {n}" for n in range(6)] + ["@everyone look || escaped? <@&1> **bold**"]
    for member, text in zip(members, texts, strict=True):
        await rate(emulator, member, 16, 4, comment=text)

    result = await emulator.invoke(server.alice, "comments", episode=16)
    assert not result.message.ephemeral
    assert not result.message.pinged
    page = only_embed(result)
    assert page["title"] == "Run On · Episode 16 · Comments"
    assert page["footer"]["text"] == "7 comments from this server, newest first · page 1/2"
    entries = page["description"].split("\n\n")
    assert len(entries) == 5
    newest = entries[0].splitlines()
    assert newest[0].startswith("**fan6** · 4/5 · <t:")
    assert newest[1].startswith("||") and newest[1].endswith("||")
    assert newest[1].count("||") == 2  # the comment's own "||" is escaped
    assert "\\*\\*bold\\*\\*" in newest[1]
    assert [e.splitlines()[0].split(" · ")[0] for e in entries] == [f"**fan{n}**" for n in (6, 5, 4, 3, 2)]

    buttons = {c["label"]: c for row in result.message.components for c in row["components"]}
    refused = await emulator.click(server.bob, result.message, buttons["Next"]["custom_id"])
    assert "Only the member who asked" in private_reply(refused)
    await emulator.click(server.alice, result.message, buttons["Next"]["custom_id"])
    second = result.message.embeds[0]
    assert second["footer"]["text"].endswith("page 2/2")
    assert [e.splitlines()[0].split(" · ")[0] for e in second["description"].split("\n\n")] == [
        "**fan1**",
        "**fan0**",
    ]


async def test_an_episode_without_comments_says_so(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    await rate(emulator, server.alice, 3, 4)  # a score without a comment is not a comment
    reply = private_reply(await emulator.invoke(server.alice, "comments", episode=3))
    assert reply == "No comments on **Run On** episode 3 here yet."


async def test_review_opens_a_prefilled_form_and_saves_like_rate(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    await rate(emulator, server.alice, 16, 4, comment="First thoughts")
    opened = await emulator.invoke(server.alice, "review", episode=16)
    assert opened.modal is not None
    fields = {}
    for row in opened.modal["components"]:
        for component in row.get("components", [row.get("component")]):
            fields[component["custom_id"]] = component
    assert fields["score"]["value"] == "4"
    assert fields["comment"]["value"] == "First thoughts"

    saved = await emulator.submit_modal(
        server.alice, opened, {"score": "4.5", "comment": "The finale pays it all off", "spoilers": ["yes"]}
    )
    reply = private_reply(saved)
    assert reply.startswith("Updated your rating for **Run On** episode 16 from 4/5 to **4.5/5**.")
    assert "Your comment is saved, marked as containing spoilers." in reply
    comments = only_embed(await emulator.invoke(server.alice, "comments", episode=16))
    assert "⚠ spoilers" in comments["description"]
    assert "The finale pays it all off" in comments["description"]

    again = await emulator.invoke(server.alice, "review", episode=16)
    bad = await emulator.submit_modal(server.alice, again, {"score": "4.3", "spoilers": ["no"]})
    assert "4.3 isn't a score you can give" in private_reply(bad)


async def test_myratings_lists_only_my_ratings_in_this_server(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    assert "You haven't rated anything" in private_reply(await emulator.invoke(server.alice, "myratings"))
    await rate(emulator, server.alice, 2, 3.5, comment="Slow start")
    await rate(emulator, server.alice, 1, 4)
    await rate(emulator, server.bob, 3, 5)
    result = await emulator.invoke(server.alice, "myratings")
    assert result.message.ephemeral
    embed = only_embed(result)
    assert embed["description"] == ("**Run On** · Ep 1 · 4/5\n**Run On** · Ep 2 · 3.5/5\n> Slow start")


async def test_unrate_deletes_my_rating_and_the_average_follows(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    await rate(emulator, server.alice, 16, 5, comment="Perfect")
    await rate(emulator, server.bob, 16, 4)
    reply = private_reply(await emulator.invoke(server.alice, "unrate", episode=16))
    assert reply == "Deleted your 5/5 rating and your comment for **Run On** episode 16."
    assert await score_line(emulator, server.alice, 16) == "Members: 4/5 from 1 rating"
    again = private_reply(await emulator.invoke(server.alice, "unrate", episode=16))
    assert again == "You haven't rated **Run On** episode 16, so there was nothing to delete."


async def test_writing_too_fast_is_slowed_down_without_writing(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, database: Path
) -> None:
    for episode in range(1, 6):
        assert (await rate(emulator, server.alice, episode, 4)).startswith("Saved")
    before = snapshot(database)
    reply = await rate(emulator, server.alice, 6, 4)
    assert reply.startswith("You're going a little fast. Try again in ")
    assert snapshot(database) == before
    # Another member has a budget of their own.
    assert (await rate(emulator, server.bob, 6, 4)).startswith("Saved")


async def test_two_hundred_members_rating_at_once_are_all_kept_exactly(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, database: Path
) -> None:
    members = [emulator.add_member(server.guild, emulator.add_user(f"member{n}")) for n in range(200)]
    scores = [0.5 * (1 + n % 10) for n in range(200)]
    replies = await asyncio.gather(
        *(rate(emulator, member, 16, score) for member, score in zip(members, scores, strict=True))
    )
    assert all(reply.startswith("Saved your rating") for reply in replies)
    assert sql(database, "SELECT count(*), sum(halves) FROM rating") == [(200, 1100)]
    # 1100 halves over 200 ratings: exactly 2.75.
    assert await score_line(emulator, server.alice, 16) == "Members: 2.75/5 from 200 ratings"


async def test_a_member_removes_their_own_comment_and_keeps_their_score(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    await rate(emulator, server.alice, 8, 4, comment="Too slow for me")
    reply = private_reply(await emulator.invoke(server.alice, "uncomment", episode=8))
    assert reply == "Removed your comment on **Run On** episode 8. Your score of **4/5** stays."
    assert private_reply(await emulator.invoke(server.bob, "comments", episode=8)) == (
        "No comments on **Run On** episode 8 here yet."
    )
    assert (
        (await emulator.invoke(server.bob, "score episode", number=8))
        .message.embeds[0]["description"]
        .endswith("Members: 4/5 from 1 rating")
    )
    assert private_reply(await emulator.invoke(server.alice, "uncomment", episode=8)) == (
        "You have no comment on **Run On** episode 8, so there was nothing to remove."
    )


async def test_a_review_marked_as_spoilers_needs_a_comment(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, database: Path
) -> None:
    opened = await emulator.invoke(server.alice, "review", episode=3)
    before = snapshot(database)
    refused = await emulator.submit_modal(
        server.alice, opened, {"score": "4", "comment": "", "spoilers": ["yes"]}
    )
    assert private_reply(refused).startswith(
        "You marked your comment as containing spoilers but left it empty."
    )
    assert snapshot(database) == before


async def test_a_server_command_sent_from_a_dm_is_answered_and_changes_nothing(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, database: Path
) -> None:
    before = snapshot(database)
    dm = emulator.dm_channel(server.alice)
    for command, options in (("rate", {"episode": 1, "score": 4}), ("score episode", {"number": 16})):
        result = await emulator.invoke(server.alice, command, validate=False, in_channel=dm, **options)
        assert private_reply(result) == "This command only works inside a server."
    assert snapshot(database) == before


async def test_comment_pages_turn_after_the_bot_restarts_and_only_for_whoever_asked(
    emulator: DiscordEmulator, server: Server, database: Path
) -> None:
    settings = settings_for(emulator, database)
    async with run_bot(emulator, settings):
        for n in range(7):
            fan = emulator.add_member(server.guild, emulator.add_user(f"fan{n}"))
            await rate(emulator, fan, 16, 4, comment=f"Comment number {n}")
        shown = await emulator.invoke(server.alice, "comments", episode=16)
        assert only_embed(shown)["footer"]["text"].endswith("page 1/2")
    # The bot restarts while the page is on screen: its memory of the message is gone.
    async with run_bot(emulator, settings):
        message = shown.message
        refused = await emulator.click(server.bob, message, button_ids(message)["Next"])
        assert private_reply(refused) == (
            "Only the member who asked can turn these pages. Run the command yourself to browse."
        )
        assert message.embeds[0]["footer"]["text"].endswith("page 1/2")

        await emulator.click(server.alice, message, button_ids(message)["Next"])
        second = message.embeds[0]
        assert second["footer"]["text"] == "7 comments from this server, newest first · page 2/2"
        assert [e.splitlines()[0].split(" · ")[0] for e in second["description"].split("\n\n")] == [
            "**fan1**",
            "**fan0**",
        ]
        buttons = {c["label"]: c for row in message.components for c in row["components"]}
        assert buttons["Next"]["disabled"] and not buttons["Prev"]["disabled"]
        assert "2/2" in buttons

        await emulator.click(server.alice, message, button_ids(message)["Prev"])
        assert message.embeds[0]["footer"]["text"].endswith("page 1/2")


async def test_a_page_turn_shows_the_comments_as_they_are_now(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    fans = [emulator.add_member(server.guild, emulator.add_user(f"fan{n}")) for n in range(6)]
    for n, fan in enumerate(fans):
        await rate(emulator, fan, 16, 4, comment=f"Comment number {n}")
    shown = await emulator.invoke(server.alice, "comments", episode=16)
    # Five comments go while the list is open: what is left fits on one page.
    for fan in fans[:5]:
        await emulator.invoke(fan, "uncomment", episode=16)
    await emulator.click(server.alice, shown.message, button_ids(shown.message)["Next"])
    page = shown.message.embeds[0]
    assert page["footer"]["text"] == "1 comment from this server, newest first · page 1/1"
    assert page["description"].startswith("**fan5**")
    assert shown.message.components == []


async def test_my_ratings_turn_pages_for_me_alone(
    drama: DramaBot, emulator: DiscordEmulator, server: Server
) -> None:
    # Eleven ratings, written straight to the store: /rate allows five writes per ten seconds.
    (run_on,) = await drama.store.visible_shows(server.guild.id)
    for episode in range(1, 12):
        await drama.store.save_rating(
            guild_id=server.guild.id,
            show_id=run_on.id,
            episode=episode,
            user_id=server.alice.id,
            author_name="alice",
            score=Score.parse(4, maximum=5),
            comment=None,
            spoiler=False,
        )
    mine = await emulator.invoke(server.alice, "myratings", show="Run On")
    first = only_embed(mine)["description"]
    assert mine.message.ephemeral and first.count("Ep ") == 10
    await emulator.click(server.alice, mine.message, button_ids(mine.message)["Next"])
    second = mine.message.embeds[0]["description"]
    assert second.count("Ep ") == 1 and second not in first
    assert "2/2" in button_ids(mine.message)
