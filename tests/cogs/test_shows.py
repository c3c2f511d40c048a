"""Admins and curators manage shows; members see the results; nothing leaks between servers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.bot import DramaBot
from emulator import ClientRejected, DiscordEmulator, EmuFile, EmuMember
from tests.helpers import (
    Server,
    fields,
    only_embed,
    private_reply,
    rate,
    run_bot,
    settings_for,
    snapshot,
    sql,
)

MANAGE_SERVER = discord.Permissions(manage_guild=True).value
REVIEWS = Path(__file__).resolve().parent.parent / "fixtures" / "reviews"

MOVING_PAGE = """Moving – Full Season 1 Review

Invented prose about a family with secrets.

Episode 1 – | Review Score – 4/5
Episode 2 - The Jump | Review Score - 4.5/5
Episode 3 — | Review Score — 3.5/5

• Verdict - 9/10
"""


@pytest.fixture
def admin(emulator: DiscordEmulator, server: Server) -> EmuMember:
    return emulator.add_member(server.guild, emulator.add_user("admin"), permissions=MANAGE_SERVER)


def buttons(message: Any) -> dict[str, dict[str, Any]]:
    return {c["label"]: c for row in message.components for c in row["components"]}


async def import_file(emulator: DiscordEmulator, who: Any, name: str, data: bytes, **options: Any) -> Any:
    return await emulator.invoke(who, "show import", file=EmuFile(name, data), **options)


async def test_an_admin_builds_a_show_and_members_score_it_by_default(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, admin: EmuMember
) -> None:
    reply = private_reply(await emulator.invoke(admin, "show add", title="Moving", episodes=20, year=2023))
    assert reply.startswith("Added **Moving** (2023 · 20 episodes).")
    for number, score in ((1, 4), (2, 4.5)):
        reply = private_reply(
            await emulator.invoke(admin, "episode set", show="Moving", number=number, score=score)
        )
        assert reply == f"**Moving** episode {number}: {score:g}/5."
    reply = private_reply(
        await emulator.invoke(admin, "show verdict", show="Moving", score=9, text="Superheroes with heart.")
    )
    assert reply == "Verdict for **Moving** set to **9/10**."
    assert private_reply(await emulator.invoke(admin, "show default", show="Moving")) == (
        "**Moving** is now this server's default show."
    )

    embed = only_embed(await emulator.invoke(server.alice, "score episode", number=2))
    assert embed["title"] == "Moving · Episode 2"
    assert embed["description"].startswith("Critic: **4.5/5**  ★★★★⯪")
    verdict = only_embed(await emulator.invoke(server.alice, "verdict"))
    assert verdict["description"] == "**9/10**\n\nSuperheroes with heart."
    listing = only_embed(await emulator.invoke(server.alice, "shows"))
    assert listing["description"].splitlines() == [
        "**Moving** · 20 episodes · critic 4.25/5 · verdict 9/10 · this server · default",
        "**Run On** · 16 episodes · critic 3.81/5 · verdict 8.5/10 · catalog",
    ]


async def test_a_plain_member_cannot_see_or_use_admin_commands(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, database: Path
) -> None:
    registered = {c["name"]: c for c in emulator.registered_commands()}
    for name in ("show", "episode", "settings"):
        assert registered[name]["default_member_permissions"] == str(MANAGE_SERVER)
    assert registered["shows"]["default_member_permissions"] is None
    before = snapshot(database)
    with pytest.raises(ClientRejected):
        await emulator.invoke(server.alice, "show add", title="Mine", episodes=3)
    result = await emulator.invoke(server.alice, "show add", title="Mine", episodes=3, validate=False)
    assert private_reply(result).startswith("Only members with Manage Server or this server's curator role")
    result = await emulator.invoke(server.alice, "settings curator-role", validate=False)
    assert private_reply(result) == (
        "Only members with Manage Server can change dramabot's settings. Nothing was changed."
    )
    assert snapshot(database) == before


async def test_a_curator_may_manage_shows_but_not_settings(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, admin: EmuMember
) -> None:
    curators = emulator.add_role(server.guild, "Curators")
    curator = emulator.add_member(server.guild, emulator.add_user("cora"), roles=[curators])
    reply = private_reply(await emulator.invoke(admin, "settings curator-role", role=curators))
    assert reply.startswith(f"Members with <@&{curators.id}> can now manage shows.")
    # Discord shows the commands to the role once the server allows it under Integrations.
    with pytest.raises(ClientRejected):
        await emulator.invoke(curator, "show add", title="Cora's Pick", episodes=2)
    emulator.set_command_permission(server.guild, "show", curators, True)
    result = await emulator.invoke(curator, "show add", title="Cora's Pick", episodes=2)
    assert private_reply(result).startswith("Added **Cora's Pick**")
    result = await emulator.invoke(curator, "settings curator-role", validate=False)
    assert private_reply(result).startswith("Only members with Manage Server can change dramabot's settings.")


async def test_titles_are_unique_in_a_server_whatever_the_case(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, admin: EmuMember, database: Path
) -> None:
    await emulator.invoke(admin, "show add", title="Moving", episodes=20)
    before = snapshot(database)
    reply = private_reply(await emulator.invoke(admin, "show add", title="MOVING", episodes=3))
    assert "already has a show called" in reply
    assert snapshot(database) == before


async def test_catalog_shows_are_read_only_until_copied(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, admin: EmuMember
) -> None:
    reply = private_reply(await emulator.invoke(admin, "episode set", show="Run On", number=1, score=1))
    assert "part of the bundled catalog" in reply and "/show copy" in reply
    asked = await emulator.invoke(admin, "show copy", show="Run On")
    assert asked.message.content.startswith(
        "Copy **Run On** into this server? Your copy replaces the catalog's"
    )
    await emulator.click(admin, asked.message, buttons(asked.message)["Confirm"]["custom_id"])
    assert asked.message.content.startswith("**Run On** is now this server's own show")
    await emulator.invoke(admin, "episode set", show="Run On", number=1, score=1)
    embed = only_embed(await emulator.invoke(server.alice, "score episode", number=1, show="Run On"))
    assert embed["description"].startswith("Critic: **1/5**")


async def test_shrinking_below_rated_episodes_is_refused_with_the_count(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, admin: EmuMember, database: Path
) -> None:
    await emulator.invoke(admin, "show add", title="Moving", episodes=20)
    await rate(emulator, server.alice, 20, 4, show="Moving")
    await rate(emulator, server.bob, 19, 3, show="Moving")
    before = snapshot(database)
    reply = private_reply(await emulator.invoke(admin, "show edit", show="Moving", episodes=10))
    assert reply == "Shortening the show would delete 2 member ratings on 2 episodes. Nothing was changed."
    assert snapshot(database) == before
    reply = private_reply(
        await emulator.invoke(admin, "show edit", show="Moving", episodes=25, network="Disney+")
    )
    assert reply == "Updated **Moving** (Disney+ · 25 episodes)."


async def test_importing_a_review_page_previews_and_writes_only_on_confirm(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, admin: EmuMember, database: Path
) -> None:
    before = snapshot(database)
    preview = await import_file(emulator, admin, "moving.txt", MOVING_PAGE.encode())
    message = preview.message
    assert message.ephemeral
    embed = message.embeds[0]
    assert embed["title"] == "Import preview: Moving"
    assert "3 episodes" in embed["description"] and "Verdict: **9/10**" in embed["description"]
    assert fields(embed)["Episode scores (out of 5)"] == "1: 4, 2: 4.5, 3: 3.5"
    assert snapshot(database) == before

    await emulator.click(admin, message, buttons(message)["Cancel"]["custom_id"])
    assert message.content == "Import cancelled; nothing was written."
    assert snapshot(database) == before

    preview = await import_file(emulator, admin, "moving.txt", MOVING_PAGE.encode())
    # The preview is ephemeral: nobody but the admin can even see, let alone press, its buttons.
    with pytest.raises(ClientRejected, match="only the member who triggered it"):
        await emulator.click(server.alice, preview.message, buttons(preview.message)["Confirm"]["custom_id"])
    assert snapshot(database) == before
    await emulator.click(admin, preview.message, buttons(preview.message)["Confirm"]["custom_id"])
    assert preview.message.content == "Imported **Moving** (3 episodes)."
    embed = only_embed(await emulator.invoke(server.alice, "score show", show="Moving"))
    assert fields(embed)["Average"] == "**4/5** over 3 scored episodes"


async def test_broken_files_are_refused_with_the_line_and_nothing_is_written(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, admin: EmuMember, database: Path
) -> None:
    before = snapshot(database)
    broken = MOVING_PAGE.replace("4.5/5", "4.3/5")
    reply = private_reply(await import_file(emulator, admin, "moving.txt", broken.encode()))
    assert "line 6" in reply and "4.3" in reply
    reply = private_reply(await import_file(emulator, admin, "show.json", b'{"format": 1,\n "shows": [}'))
    assert "line 2" in reply
    reply = private_reply(await import_file(emulator, admin, "latin1.txt", "Caf\xe9".encode("latin-1")))
    assert "UTF-8" in reply
    assert snapshot(database) == before


async def test_export_then_import_gives_the_same_show_in_another_server(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, admin: EmuMember
) -> None:
    preview = await import_file(emulator, admin, "moving.txt", MOVING_PAGE.encode())
    await emulator.click(admin, preview.message, buttons(preview.message)["Confirm"]["custom_id"])
    exported = await emulator.invoke(admin, "show export", show="Moving")
    (attachment,) = exported.message.attachments
    assert attachment.filename == "moving.json"
    assert json.loads(attachment.data)["shows"][0]["title"] == "Moving"

    other = emulator.add_guild("Second Club")
    other_admin = emulator.add_member(other, emulator.add_user("admin2"), permissions=MANAGE_SERVER)
    preview = await import_file(emulator, other_admin, "moving.json", attachment.data)
    await emulator.click(other_admin, preview.message, buttons(preview.message)["Confirm"]["custom_id"])
    here = only_embed(await emulator.invoke(admin, "score show", show="Moving"))
    there = only_embed(await emulator.invoke(other_admin, "score show", show="Moving"))
    assert here["description"] == there["description"]
    again = await emulator.invoke(other_admin, "show export", show="Moving")
    assert again.message.attachments[0].data == attachment.data


async def test_replacing_an_imported_show_keeps_ratings_of_kept_episodes(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, admin: EmuMember
) -> None:
    preview = await import_file(emulator, admin, "moving.txt", MOVING_PAGE.encode())
    await emulator.click(admin, preview.message, buttons(preview.message)["Confirm"]["custom_id"])
    await rate(emulator, server.alice, 1, 5, show="Moving")
    await rate(emulator, server.alice, 3, 2, show="Moving")

    reply = private_reply(await import_file(emulator, admin, "moving.txt", MOVING_PAGE.encode()))
    assert "replace:True" in reply
    shorter = MOVING_PAGE.replace("Episode 3 — | Review Score — 3.5/5\n", "")
    preview = await import_file(emulator, admin, "moving.txt", shorter.encode(), replace=True)
    assert preview.message.embeds[0]["description"].splitlines()[3:] == [
        "Episodes: 3 → 2",
        "⚠ This deletes 1 member rating, 1 critic score.",
        "Everything the file does not set is kept.",
    ]
    # A member rates a doomed episode while the admin reads the preview: the confirm refuses.
    await rate(emulator, server.bob, 3, 4, show="Moving")
    await emulator.click(admin, preview.message, buttons(preview.message)["Confirm"]["custom_id"])
    assert preview.message.content.startswith("Members rated episodes that this import would delete")
    preview = await import_file(emulator, admin, "moving.txt", shorter.encode(), replace=True)
    assert "2 member ratings" in preview.message.embeds[0]["description"]
    await emulator.click(admin, preview.message, buttons(preview.message)["Confirm"]["custom_id"])
    assert preview.message.content == "Updated **Moving** (2 episodes)."
    line = only_embed(await emulator.invoke(server.alice, "score episode", number=1, show="Moving"))
    assert line["description"].endswith("Members: 5/5 from 1 rating")


async def test_removing_a_show_asks_first_and_takes_its_ratings(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, admin: EmuMember, database: Path
) -> None:
    await emulator.invoke(admin, "show add", title="Moving", episodes=20)
    await rate(emulator, server.alice, 1, 5, show="Moving", comment="great")
    asked = await emulator.invoke(admin, "show remove", show="Moving")
    assert asked.message.content.startswith(
        "Delete **Moving** (20 episodes) with its 1 member rating and 1 comment?"
    )
    await emulator.click(admin, asked.message, buttons(asked.message)["Cancel"]["custom_id"])
    assert asked.message.content == "Kept **Moving**; nothing was deleted."

    asked = await emulator.invoke(admin, "show remove", show="Moving")
    await emulator.click(admin, asked.message, buttons(asked.message)["Confirm"]["custom_id"])
    assert asked.message.content == "Deleted **Moving** with 1 rating and 1 comment."
    assert sql(database, "SELECT count(*) FROM rating") == [(0,)]
    assert sql(database, "SELECT count(*) FROM show WHERE guild_id IS NOT NULL") == [(0,)]
    reply = private_reply(await emulator.invoke(server.alice, "score episode", number=1, show="Moving"))
    assert reply.startswith("I don't know a show called")


async def test_one_servers_shows_never_appear_in_another(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, admin: EmuMember
) -> None:
    await emulator.invoke(admin, "show add", title="Secret Garden Club", episodes=4)
    other = emulator.add_guild("Elsewhere")
    stranger = emulator.add_member(other, emulator.add_user("dana"))
    choices = await emulator.autocomplete(stranger, "verdict", focused="show", value="secret")
    assert choices == []
    listing = only_embed(await emulator.invoke(stranger, "shows"))
    assert "Secret" not in listing["description"]
    reply = private_reply(
        await emulator.invoke(stranger, "score episode", number=1, show="Secret Garden Club")
    )
    assert reply.startswith("I don't know a show called")


async def test_verdict_text_and_summaries_come_from_forms(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, admin: EmuMember
) -> None:
    await emulator.invoke(admin, "show add", title="Moving", episodes=20)
    opened = await emulator.invoke(admin, "show verdict", show="Moving", score=8.5)
    assert opened.modal is not None
    saved = await emulator.submit_modal(admin, opened, {"text": "Big, warm and earnest."})
    assert private_reply(saved) == "Verdict for **Moving** set to **8.5/10**."
    opened = await emulator.invoke(admin, "episode summary", show="Moving", number=3)
    saved = await emulator.submit_modal(admin, opened, {"summary": "The || twist || arrives."})
    assert private_reply(saved) == "Summary for **Moving** episode 3 saved."
    embed = only_embed(await emulator.invoke(server.alice, "summary", show="Moving", episode=3))
    assert embed["description"] == "||The \\|\\| twist \\|\\| arrives.||"
    reply = private_reply(await emulator.invoke(admin, "show verdict", show="Moving", score=8.3))
    assert "8.3 isn't a score you can give: use 0 to 10 in half steps" in reply


async def test_the_show_list_pages_past_ten(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, admin: EmuMember
) -> None:
    for n in range(12):
        await emulator.invoke(admin, "show add", title=f"Drama {n:02}", episodes=1)
    listing = await emulator.invoke(server.alice, "shows")
    assert len(listing.message.embeds[0]["description"].splitlines()) == 10
    await emulator.click(server.alice, listing.message, buttons(listing.message)["Next"]["custom_id"])
    assert len(listing.message.embeds[0]["description"].splitlines()) == 3


# -- admin actions never lose or hide data silently ---------------------------------------------


async def test_a_servers_title_must_differ_from_the_catalog_shows_it_sees_but_a_second_season_is_its_own(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, admin: EmuMember, database: Path
) -> None:
    before = snapshot(database)
    reply = private_reply(await emulator.invoke(admin, "show add", title="run on", episodes=16))
    assert reply.startswith("The catalog's “run on” (season 1) is already in this server.")
    assert "/show copy" in reply and "Nothing was changed." in reply
    assert snapshot(database) == before
    # Typing "Run On" still finds the one Run On.
    embed = only_embed(await emulator.invoke(server.alice, "score episode", number=16, show="Run On"))
    assert embed["title"] == "Run On · Episode 16"

    added = private_reply(await emulator.invoke(admin, "show add", title="Run On", episodes=12, season=2))
    assert added.startswith("Added **Run On** (season 2 · 12 episodes).")
    choices = await emulator.autocomplete(server.alice, "score episode", focused="show", value="run")
    assert [choice["name"] for choice in choices] == ["Run On · 런 온 · 2020", "Run On · S2"]
    # Editing a show into the catalog's identity is refused as well.
    season_two = next(choice["value"] for choice in choices if choice["name"].endswith("S2"))
    reply = private_reply(await emulator.invoke(admin, "show edit", show=season_two, season=1))
    assert reply.startswith("The catalog's “Run On” (season 1) is already in this server.")


async def test_copying_a_catalog_show_moves_the_servers_ratings_and_the_default_to_the_copy(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, admin: EmuMember, database: Path
) -> None:
    await rate(emulator, server.alice, 16, 5, comment="The best ending")
    await rate(emulator, server.bob, 16, 4)
    asked = await emulator.invoke(admin, "show copy", show="Run On")
    assert asked.message.content.splitlines()[1:] == [
        "This server's 2 member ratings and 1 comment on it move to the copy.",
        "The copy also becomes this server's default show.",
    ]
    assert snapshot(database)["guild_hidden_show"] == []  # nothing before Confirm
    await emulator.click(admin, asked.message, buttons(asked.message)["Confirm"]["custom_id"])

    # Members see one Run On, the server's own, with their ratings on it (and, as they rated its
    # last episode, the two of them completed it).
    listing = only_embed(await emulator.invoke(server.alice, "shows"))
    assert listing["description"].splitlines() == [
        "**Run On** · 16 episodes · critic 3.81/5 · verdict 8.5/10 · 2 completed · this server · default"
    ]
    embed = only_embed(await emulator.invoke(server.alice, "score episode", number=16))
    assert embed["description"].endswith("Members: 4.5/5 from 2 ratings")
    mine = only_embed(await emulator.invoke(server.alice, "myratings"))
    assert mine["description"].startswith("**Run On** · Ep 16 · 5/5")
    assert private_reply(await emulator.invoke(server.alice, "unrate", episode=16)) == (
        "Deleted your 5/5 rating and your comment for **Run On** episode 16."
    )
    # Other servers keep seeing the catalog's Run On.
    other = emulator.add_guild("Elsewhere")
    stranger = emulator.add_member(other, emulator.add_user("dana"))
    listing = only_embed(await emulator.invoke(stranger, "shows"))
    assert listing["description"].endswith("· catalog")


async def test_a_server_hides_and_unhides_a_catalog_show_it_does_not_follow(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, admin: EmuMember
) -> None:
    await rate(emulator, server.alice, 3, 4)
    reply = private_reply(await emulator.invoke(admin, "show hide", show="Run On"))
    assert reply == (
        "Hid **Run On** in this server: members no longer see it or rate it. Its 1 member rating here is "
        "kept and comes back with `/show unhide`."
    )
    assert private_reply(await emulator.invoke(server.alice, "shows")) == "This server has no shows yet."
    assert private_reply(await emulator.invoke(server.alice, "score episode", number=3)) == (
        "This server has no shows yet."
    )
    choices = await emulator.autocomplete(admin, "show unhide", focused="show", value="")
    assert [choice["name"] for choice in choices] == ["Run On"]
    assert private_reply(await emulator.invoke(admin, "show unhide", show=choices[0]["value"])) == (
        "**Run On** is visible in this server again, with its ratings."
    )
    embed = only_embed(await emulator.invoke(server.alice, "score episode", number=3))
    assert embed["description"].endswith("Members: 4/5 from 1 rating")


async def test_import_with_replace_keeps_what_the_file_cannot_carry_and_previews_every_change(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, admin: EmuMember
) -> None:
    preview = await import_file(emulator, admin, "moving.txt", MOVING_PAGE.encode())
    await emulator.click(admin, preview.message, buttons(preview.message)["Confirm"]["custom_id"])
    await emulator.invoke(admin, "show edit", show="Moving", network="Disney+", year=2023, aliases="Mu-bing")
    await emulator.invoke(admin, "episode set", show="Moving", number=2, title="The Leap")
    opened = await emulator.invoke(admin, "show summary", show="Moving")
    await emulator.submit_modal(admin, opened, {"summary": "Teenagers with powers."})

    changed = MOVING_PAGE.replace("Episode 1 – | Review Score – 4/5", "Episode 1 – | Review Score – 3/5")
    preview = await import_file(emulator, admin, "moving.txt", changed.encode(), replace=True)
    lines = preview.message.embeds[0]["description"].splitlines()
    assert lines[2:] == [
        "Replaces this server's **Moving** (3 episodes).",
        "1 episode's critic score changes.",
        "1 episode title changes.",
        "No member rating, comment or critic score is deleted.",
        "Everything the file does not set is kept.",
    ]
    await emulator.click(admin, preview.message, buttons(preview.message)["Confirm"]["custom_id"])
    exported = await emulator.invoke(admin, "show export", show="Moving")
    document = json.loads(exported.message.attachments[0].data)
    show = document["shows"][0]
    assert (show["network"], show["year"], show["aliases"], show["summary"]) == (
        "Disney+",
        2023,
        ["Mu-bing"],
        "Teenagers with powers.",
    )
    assert show["episodes"][:2] == [
        {"number": 1, "score": 3},
        {"number": 2, "score": 4.5, "title": "The Jump"},
    ]


async def test_shortening_a_show_that_would_delete_critic_scores_asks_first(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, admin: EmuMember, database: Path
) -> None:
    await emulator.invoke(admin, "show add", title="Moving", episodes=5)
    for number in (4, 5):
        await emulator.invoke(admin, "episode set", show="Moving", number=number, score=4)
    before = snapshot(database)
    asked = await emulator.invoke(admin, "show edit", show="Moving", episodes=3)
    assert asked.message.content == (
        "Shortening **Moving** to 3 episodes deletes 2 critic scores (episodes 4–5). "
        "Member ratings are not affected. Shorten it?"
    )
    assert snapshot(database) == before
    await emulator.click(admin, asked.message, buttons(asked.message)["Cancel"]["custom_id"])
    assert snapshot(database) == before
    asked = await emulator.invoke(admin, "show edit", show="Moving", episodes=3)
    await emulator.click(admin, asked.message, buttons(asked.message)["Confirm"]["custom_id"])
    assert asked.message.content == "Updated **Moving** (3 episodes)."


async def test_an_admin_clears_one_episodes_critic_score(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, admin: EmuMember
) -> None:
    await emulator.invoke(admin, "show add", title="Moving", episodes=5)
    await emulator.invoke(admin, "episode set", show="Moving", number=2, score=4.5)
    assert private_reply(await emulator.invoke(admin, "episode clear-score", show="Moving", number=2)) == (
        "Cleared the critic score of **Moving** episode 2 (it was 4.5/5)."
    )
    assert private_reply(await emulator.invoke(admin, "episode clear-score", show="Moving", number=2)) == (
        "**Moving** episode 2 has no critic score to clear."
    )


async def test_adding_a_second_show_says_members_must_now_name_it_and_offers_a_default(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, admin: EmuMember
) -> None:
    added = await emulator.invoke(admin, "show add", title="Moving", episodes=20)
    assert added.message.content.splitlines()[1] == (
        "This server now has 2 shows and no default, so members must name the show in every command. "
        "Pick a default with `/show default`, or press the button."
    )
    assert (await emulator.invoke(server.alice, "score episode", number=1)).message.content.startswith(
        "This server follows several shows"
    )
    press = await emulator.click(
        admin, added.message, buttons(added.message)["Make “Moving” the default"]["custom_id"]
    )
    assert "**Moving** is now this server's default show." in [m.content for m in press.messages]
    reply = private_reply(await emulator.invoke(server.alice, "score episode", number=1))
    assert reply == "Episode 1 of **Moving** has no critic score yet."


async def test_a_confirm_button_checks_the_pressers_rights_when_pressed(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, admin: EmuMember, database: Path
) -> None:
    curators = emulator.add_role(server.guild, "Curators")
    cora = emulator.add_member(server.guild, emulator.add_user("cora"), roles=[curators])
    await emulator.invoke(admin, "settings curator-role", role=curators)
    emulator.set_command_permission(server.guild, "show", curators, True)
    await emulator.invoke(cora, "show add", title="Moving", episodes=20)
    asked = await emulator.invoke(cora, "show remove", show="Moving")
    emulator.remove_role(cora, curators)  # the admins take the role away while she reads
    before = snapshot(database)
    press = await emulator.click(cora, asked.message, buttons(asked.message)["Confirm"]["custom_id"])
    assert [m.content for m in press.messages if m.ephemeral][-1].startswith(
        "Only members with Manage Server or this server's curator role can manage shows."
    )
    assert snapshot(database) == before


async def test_an_import_preview_confirmed_after_a_restart_has_expired_and_writes_nothing(
    emulator: DiscordEmulator, server: Server, admin: EmuMember, database: Path
) -> None:
    settings = settings_for(emulator, database)
    async with run_bot(emulator, settings):
        preview = await import_file(emulator, admin, "moving.txt", MOVING_PAGE.encode())
        assert preview.message.embeds[0]["title"] == "Import preview: Moving"
    before = snapshot(database)
    # The parsed file lived in the old process's memory only.
    async with run_bot(emulator, settings):
        press = await emulator.click(admin, preview.message, buttons(preview.message)["Confirm"]["custom_id"])
        assert (
            private_reply(press) == "This preview has expired; run `/show import` again. Nothing was written."
        )
        assert preview.message.components == [] and preview.message.embeds == []
        assert snapshot(database) == before
        reply = private_reply(await emulator.invoke(server.alice, "score show", show="Moving"))
        assert reply.startswith("I don't know a show called")


async def test_a_removal_confirmed_after_a_restart_deletes_the_show_if_the_admin_still_may(
    emulator: DiscordEmulator, server: Server, admin: EmuMember, database: Path
) -> None:
    settings = settings_for(emulator, database)
    curators = emulator.add_role(server.guild, "Curators")
    cora = emulator.add_member(server.guild, emulator.add_user("cora"), roles=[curators])
    async with run_bot(emulator, settings):
        await emulator.invoke(admin, "settings curator-role", role=curators)
        emulator.set_command_permission(server.guild, "show", curators, True)
        await emulator.invoke(cora, "show add", title="Moving", episodes=20)
        await rate(emulator, server.alice, 1, 5, show="Moving", comment="great")
        cora_asks = await emulator.invoke(cora, "show remove", show="Moving")
        admin_asks = await emulator.invoke(admin, "show remove", show="Moving")
    async with run_bot(emulator, settings):
        # Cora lost the curator role while the bot was down: her Confirm is refused.
        emulator.remove_role(cora, curators)
        before = snapshot(database)
        press = await emulator.click(
            cora, cora_asks.message, buttons(cora_asks.message)["Confirm"]["custom_id"]
        )
        assert [m.content for m in press.messages if m.ephemeral][-1].startswith(
            "Only members with Manage Server or this server's curator role can manage shows."
        )
        assert snapshot(database) == before

        await emulator.click(admin, admin_asks.message, buttons(admin_asks.message)["Confirm"]["custom_id"])
        assert admin_asks.message.content == "Deleted **Moving** with 1 rating and 1 comment."
        assert admin_asks.message.components == []
        reply = private_reply(await emulator.invoke(server.alice, "score episode", number=1, show="Moving"))
        assert reply.startswith("I don't know a show called")


async def test_a_copy_and_a_make_default_button_work_after_a_restart(
    emulator: DiscordEmulator, server: Server, admin: EmuMember, database: Path
) -> None:
    settings = settings_for(emulator, database)
    async with run_bot(emulator, settings):
        added = await emulator.invoke(admin, "show add", title="Moving", episodes=20)
        asked = await emulator.invoke(admin, "show copy", show="Run On")
    async with run_bot(emulator, settings):
        press = await emulator.click(
            admin, added.message, buttons(added.message)["Make “Moving” the default"]["custom_id"]
        )
        assert private_reply(press) == "**Moving** is now this server's default show."
        await emulator.click(admin, asked.message, buttons(asked.message)["Confirm"]["custom_id"])
        assert asked.message.content.startswith("**Run On** is now this server's own show")
        reply = private_reply(await emulator.invoke(server.alice, "score episode", number=1))
        assert reply == "Episode 1 of **Moving** has no critic score yet."
