"""End-to-end: a tiny real discord.py bot against the emulator, driven the way a member would."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Literal

import discord
import pytest
from discord import app_commands

from emulator import (
    ClientRejected,
    CommandNotFound,
    DiscordEmulator,
    EmuFile,
    EmuGuild,
    EmuMember,
    InteractionTimeout,
    Unresolved,
    connect_bot,
    eventually,
)
from emulator.permissions import ADMINISTRATOR, MANAGE_GUILD
from emulator.protocol import Intent
from tests.emulator.openapi_check import OpenAPIChecker

SHOWS = ["Run On", "Running Man", "Reply 1988", "Crash Landing on You", "Signal"]


class ReviewModal(discord.ui.Modal, title="Review"):
    text = discord.ui.TextInput(label="Your review", custom_id="review_text", min_length=3)
    stars = discord.ui.Label(text="Stars", component=discord.ui.TextInput(custom_id="stars", max_length=1))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        stars = self.stars.component.value  # type: ignore[attr-defined]
        await interaction.response.send_message(f"review: {self.text.value} ({stars}*)")


class VoteView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=60)
        self.votes = 0

    @discord.ui.button(label="Up", custom_id="up", style=discord.ButtonStyle.success)
    async def up(self, interaction: discord.Interaction, button: discord.ui.Button[VoteView]) -> None:
        self.votes += 1
        await interaction.response.edit_message(content=f"votes: {self.votes}")

    @discord.ui.button(label="Review", custom_id="open_review")
    async def review(self, interaction: discord.Interaction, button: discord.ui.Button[VoteView]) -> None:
        await interaction.response.send_modal(ReviewModal())

    @discord.ui.button(label="Closed", custom_id="closed", disabled=True)
    async def closed(self, interaction: discord.Interaction, button: discord.ui.Button[VoteView]) -> None:
        await interaction.response.send_message("should never happen")


class PickView(discord.ui.View):
    @discord.ui.select(
        custom_id="pick",
        max_values=2,
        options=[discord.SelectOption(label=x, value=x) for x in ("a", "b", "c")],
    )
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select[PickView]) -> None:
        await interaction.response.edit_message(content=f"picked: {', '.join(select.values)}")


class TinyBot(discord.Client):
    """A bot with one command per emulator feature under test."""

    def __init__(
        self, *, sync: bool = True, intents: discord.Intents | None = None, **options: object
    ) -> None:
        super().__init__(intents=intents or discord.Intents.default(), guild_ready_timeout=0.05, **options)
        self.tree = app_commands.CommandTree(self)
        self.sync_on_start = sync
        self.errors: list[discord.HTTPException] = []
        self.late_delay = 0.0
        self.heard: list[tuple[str, int, str]] = []  # what members did in channels: (event, user id, detail)
        self.permission_updates: list[discord.RawAppCommandPermissionsUpdateEvent] = []
        self._define_commands()

    async def setup_hook(self) -> None:
        if self.sync_on_start:
            await self.tree.sync()

    async def on_message(self, message: discord.Message) -> None:
        if not message.author.bot:
            self.heard.append(("message", message.author.id, message.content))

    async def on_typing(self, channel: discord.abc.Messageable, user: discord.abc.User, when: object) -> None:
        self.heard.append(("typing", user.id, getattr(channel, "name", "")))

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        self.heard.append(("reaction", payload.user_id, str(payload.emoji)))

    async def on_raw_app_command_permissions_update(
        self, payload: discord.RawAppCommandPermissionsUpdateEvent
    ) -> None:
        self.permission_updates.append(payload)

    async def _try(self, action: Callable[[], object]) -> bool:
        try:
            await action()  # type: ignore[misc]
        except discord.HTTPException as exc:
            self.errors.append(exc)
            return False
        return True

    def _define_commands(self) -> None:
        tree = self.tree

        @tree.command(description="Answers pong")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pong")

        @tree.command(description="Thinks first")
        async def slow(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await asyncio.sleep(0.05)
            await interaction.followup.send("done slowly")

        @tree.command(description="Whispers")
        async def secret(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("psst", ephemeral=True)
            await interaction.followup.send("second whisper", ephemeral=True)

        @tree.command(description="Edits itself")
        async def draft(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("draft")
            await interaction.edit_original_response(content="final")
            await interaction.followup.send("extra")

        score = app_commands.Group(name="score", description="Scores")

        @score.command(name="episode", description="Score an episode")
        @app_commands.describe(number="Episode number", show="Which show")
        async def score_episode(
            interaction: discord.Interaction, number: app_commands.Range[int, 1, 100], show: str | None = None
        ) -> None:
            if not isinstance(number, int):
                await interaction.response.send_message("that is not a number", ephemeral=True)
                return
            embed = discord.Embed(title=f"{show or 'Unknown'} episode {number}", description="8/10")
            await interaction.response.send_message(embed=embed)

        @score_episode.autocomplete("show")
        async def show_autocomplete(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=s, value=s) for s in SHOWS if current.lower() in s.lower()]

        tree.add_command(score)

        @tree.command(description="A verdict")
        async def verdict(interaction: discord.Interaction, value: Literal["hit", "miss"]) -> None:
            await interaction.response.send_message(f"verdict: {value}")

        @tree.command(description="Too many suggestions")
        async def flood(interaction: discord.Interaction, item: str) -> None:
            await interaction.response.send_message(item)

        @flood.autocomplete("item")
        async def flood_autocomplete(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=f"item {i}", value=str(i)) for i in range(30)]

        @tree.command(description="Votes")
        async def vote(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("votes: 0", view=VoteView())

        @tree.command(description="Write a review")
        async def review(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(ReviewModal())

        @tree.command(description="Moderators only")
        @app_commands.default_permissions(manage_guild=True)
        @app_commands.checks.has_permissions(manage_guild=True)
        async def mod(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("moderated")

        @mod.error
        async def mod_error(interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
            await interaction.response.send_message(f"denied: {type(error).__name__}", ephemeral=True)

        @tree.command(description="Server only")
        @app_commands.guild_only()
        async def serveronly(interaction: discord.Interaction) -> None:
            if interaction.guild_id is None:  # only a modified client gets here
                await interaction.response.send_message("this only works in a server", ephemeral=True)
                return
            await interaction.response.send_message("in a server")

        @tree.command(description="Who is that")
        async def whois(interaction: discord.Interaction, target: discord.User) -> None:
            await interaction.response.send_message(f"{type(target).__name__} {target.id}")

        @tree.command(description="Responds twice")
        async def twice(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("first")
            # Simulate a second handler answering the same interaction (discord.py would stop it locally).
            interaction.response._response_type = None
            await self._try(lambda: interaction.response.send_message("second"))

        @tree.command(description="Responds late")
        async def late(interaction: discord.Interaction) -> None:
            await asyncio.sleep(self.late_delay)
            await self._try(lambda: interaction.response.send_message("finally"))

        @tree.command(description="Too long")
        async def long(interaction: discord.Interaction) -> None:
            if not await self._try(lambda: interaction.response.send_message("x" * 2001)):
                await interaction.response.send_message("fallback")

        @tree.command(description="Oversized embeds")
        async def bigembed(interaction: discord.Interaction) -> None:
            embeds = [discord.Embed(description="y" * 3500), discord.Embed(description="z" * 3500)]
            if not await self._try(lambda: interaction.response.send_message(embeds=embeds)):
                await interaction.response.send_message("fallback")

        @tree.command(description="Reads an upload")
        async def upload(interaction: discord.Interaction, file: discord.Attachment) -> None:
            data = await file.read()
            reply = discord.File(fp=__import__("io").BytesIO(data.upper()), filename="shout.txt")
            await interaction.response.send_message(f"{file.filename}: {len(data)} bytes", file=reply)

        @tree.command(description="Mentions")
        async def mention(interaction: discord.Interaction, target: discord.Member) -> None:
            await interaction.response.send_message(
                f"hi {target.mention} and @everyone",
                allowed_mentions=discord.AllowedMentions(users=True, everyone=False),
            )

        @tree.command(description="Pick some")
        async def pick(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pick up to two", view=PickView())

        @tree.command(description="DMs only")
        @app_commands.dm_only()
        async def dmonly(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("in a DM")

        @tree.command(description="Posts in the channel")
        async def announce(
            interaction: discord.Interaction, role: discord.Role, where: discord.TextChannel
        ) -> None:
            await where.send(f"{role.mention}: new episode!")
            await interaction.response.send_message(f"announced in #{where.name}", ephemeral=True)

        @tree.command(description="Defers and forgets")
        async def forget(interaction: discord.Interaction) -> None:
            await interaction.response.defer()

        @tree.command(description="Deletes its answer")
        async def vanish(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("now you see me")
            await interaction.delete_original_response()
            await interaction.followup.send("gone")


# -- fixtures -------------------------------------------------------------------------------------


@pytest.fixture
def guild(emulator: DiscordEmulator) -> EmuGuild:
    return emulator.add_guild("Drama Club")


@pytest.fixture
def alice(emulator: DiscordEmulator, guild: EmuGuild) -> EmuMember:
    return emulator.add_member(guild, emulator.add_user("alice"))


@pytest.fixture
async def bot(emulator: DiscordEmulator, guild: EmuGuild, alice: EmuMember) -> AsyncIterator[TinyBot]:
    async with connect_bot(TinyBot(), emulator) as client:
        yield client


# -- connection and commands ----------------------------------------------------------------------


async def test_login_ready_and_guild_create(emulator: DiscordEmulator, guild: EmuGuild, bot: TinyBot) -> None:
    await eventually(lambda: bot.get_guild(guild.id) is not None)
    cached = bot.get_guild(guild.id)
    assert cached is not None and cached.name == "Drama Club"
    assert cached.me is not None and cached.me.id == emulator.bot_user.id
    assert [c.name for c in cached.text_channels] == ["general"]
    assert bot.user is not None and bot.user.id == emulator.application_id
    assert [r.route for r in emulator.requests[:2]] == ["/users/@me", "/oauth2/applications/@me"]


async def test_guild_added_after_connect_is_sent_live(emulator: DiscordEmulator, bot: TinyBot) -> None:
    later = emulator.add_guild("Late Night Club")
    await eventually(lambda: bot.get_guild(later.id) is not None)


async def test_sync_stores_commands_as_discord_returns_them(emulator: DiscordEmulator, bot: TinyBot) -> None:
    stored = {c["name"]: c for c in emulator.registered_commands()}
    assert {"ping", "score", "vote", "mod", "upload"} <= set(stored)
    assert stored["mod"]["default_member_permissions"] == str(MANAGE_GUILD)
    assert stored["serveronly"]["dm_permission"] is False
    assert stored["ping"]["application_id"] == str(emulator.application_id)
    assert stored["ping"]["name_localizations"] is None and stored["ping"]["type"] == 1
    assert stored["score"]["options"][0]["type"] == 1  # the "episode" subcommand
    assert len(emulator.command_writes) == 1 and emulator.command_writes[0].method == "PUT"
    checker = OpenAPIChecker.shared()
    for command in stored.values():
        assert checker.schema_errors("ApplicationCommandResponse", command) == []


async def test_restarted_bot_keeps_commands_and_makes_no_writes(
    emulator: DiscordEmulator, guild: EmuGuild, alice: EmuMember
) -> None:
    async with connect_bot(TinyBot(), emulator):
        assert (await emulator.invoke(alice, "ping")).message.content == "pong"
    assert len(emulator.command_writes) == 1
    async with connect_bot(TinyBot(sync=False), emulator):
        assert (await emulator.invoke(alice, "ping")).message.content == "pong"
    assert len(emulator.command_writes) == 1
    assert emulator.gateway.identify_count == 2


async def test_resume_after_socket_drop_replays_missed_interaction(
    emulator: DiscordEmulator, alice: EmuMember, bot: TinyBot
) -> None:
    first_session = bot.ws.session_id
    await emulator.drop_connection()
    # Dispatched while the bot is disconnected: buffered, then replayed on RESUME.
    result = await emulator.invoke(alice, "ping")
    assert result.message.content == "pong"
    await emulator.wait_until_ready()
    assert emulator.gateway.resume_count == 1 and emulator.gateway.identify_count == 1
    assert bot.ws.session_id == first_session


async def test_privileged_intents_need_to_be_granted(emulator: DiscordEmulator, guild: EmuGuild) -> None:
    intents = discord.Intents.default()
    intents.members = True
    with pytest.raises(discord.PrivilegedIntentsRequired):
        async with connect_bot(TinyBot(intents=intents), emulator):
            pass
    emulator.privileged_intents = Intent.GUILD_MEMBERS
    async with connect_bot(TinyBot(intents=intents), emulator) as client:
        cached = client.get_guild(guild.id)
        assert cached is not None and cached.chunked


async def test_wrong_token_fails_login(emulator: DiscordEmulator) -> None:
    with pytest.raises(discord.LoginFailure):
        async with connect_bot(TinyBot(), emulator, token="not-the-token"):
            pass


# -- slash commands -------------------------------------------------------------------------------


async def test_invoke_returns_message(emulator: DiscordEmulator, alice: EmuMember, bot: TinyBot) -> None:
    result = await emulator.invoke(alice, "ping")
    assert result.response_type == 4 and not result.deferred and not result.ephemeral
    assert result.message.content == "pong"
    assert result.message.author.id == emulator.bot_user.id
    payload = result.message.payload()
    assert payload["type"] == 20 and payload["interaction_metadata"]["user"]["id"] == str(alice.id)
    assert emulator.channel_messages(alice.guild.default_channel) == [result.message]


async def test_subcommand_with_options_and_embed(
    emulator: DiscordEmulator, alice: EmuMember, bot: TinyBot
) -> None:
    result = await emulator.invoke(alice, "score episode", number=16, show="Run On")
    assert result.message.embeds[0]["title"] == "Run On episode 16"
    options = result.payload["data"]["options"]
    assert options == [
        {
            "name": "episode",
            "type": 1,
            "options": [
                {"name": "number", "type": 4, "value": 16},
                {"name": "show", "type": 3, "value": "Run On"},
            ],
        }
    ]


async def test_deferred_then_followup_replaces_thinking(
    emulator: DiscordEmulator, alice: EmuMember, bot: TinyBot
) -> None:
    result = await emulator.invoke(alice, "slow")
    assert result.deferred and result.response_type == 5
    assert [m.content for m in result.messages] == ["done slowly"]
    assert not result.message.loading


async def test_ephemeral_response_and_followup(
    emulator: DiscordEmulator, alice: EmuMember, bot: TinyBot
) -> None:
    result = await emulator.invoke(alice, "secret")
    await result.wait_for_messages(2)
    assert result.ephemeral
    assert [(m.content, m.ephemeral) for m in result.messages] == [("psst", True), ("second whisper", True)]
    assert emulator.channel_messages(alice.guild.default_channel) == []


async def test_edit_original_and_followup(emulator: DiscordEmulator, alice: EmuMember, bot: TinyBot) -> None:
    result = await emulator.invoke(alice, "draft")
    await result.wait_for_messages(2)
    assert [m.content for m in result.messages] == ["final", "extra"]
    assert result.message.edited_timestamp is not None
    assert result.messages[1].payload()["interaction_metadata"]["original_response_message_id"] == str(
        result.message.id
    )


async def test_delete_original(emulator: DiscordEmulator, alice: EmuMember, bot: TinyBot) -> None:
    result = await emulator.invoke(alice, "vanish")
    await eventually(lambda: [m.content for m in result.messages] == ["gone"])
    assert emulator.channel_messages(alice.guild.default_channel)[-1].content == "gone"


async def test_choices_and_attachment_option(
    emulator: DiscordEmulator, alice: EmuMember, bot: TinyBot
) -> None:
    assert (await emulator.invoke(alice, "verdict", value="hit")).message.content == "verdict: hit"
    result = await emulator.invoke(alice, "upload", file=EmuFile("show.json", b'{"title": "Run On"}'))
    assert result.message.content == "show.json: 19 bytes"
    [attachment] = result.message.attachments
    assert attachment.filename == "shout.txt" and attachment.data == b'{"TITLE": "RUN ON"}'


async def test_mentions_respect_allowed_mentions(
    emulator: DiscordEmulator, alice: EmuMember, bot: TinyBot
) -> None:
    result = await emulator.invoke(alice, "mention", target=alice)
    message = result.message
    assert [u.id for u in message.mentions] == [alice.id]
    assert message.pinged.users == {alice.id} and not message.pinged.everyone
    assert not message.mention_everyone


# -- client-side validation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "values", "expected"),
    [
        ("score episode", {"number": 16, "colour": "red"}, "unknown option 'colour'"),
        ("score episode", {"show": "Run On"}, "missing required option 'number'"),
        ("score episode", {"number": "16"}, "must be an integer"),
        ("score episode", {"number": True}, "must be an integer"),
        ("score episode", {"number": 101}, "must be at most 100"),
        ("score episode", {"number": 0}, "must be at least 1"),
        ("verdict", {"value": "meh"}, "not one of the choices"),
        ("mention", {"target": "alice"}, "must be a user"),
    ],
)
async def test_client_rejects_bad_options(
    emulator: DiscordEmulator,
    alice: EmuMember,
    bot: TinyBot,
    command: str,
    values: dict[str, object],
    expected: str,
) -> None:
    with pytest.raises(ClientRejected, match=expected):
        await emulator.invoke(alice, command, **values)


async def test_unknown_commands(emulator: DiscordEmulator, alice: EmuMember, bot: TinyBot) -> None:
    with pytest.raises(CommandNotFound):
        await emulator.invoke(alice, "nope")
    with pytest.raises(CommandNotFound, match="needs a subcommand"):
        await emulator.invoke(alice, "score")
    with pytest.raises(CommandNotFound):
        await emulator.invoke(alice, "score season")


async def test_default_member_permissions(
    emulator: DiscordEmulator, guild: EmuGuild, alice: EmuMember, bot: TinyBot
) -> None:
    with pytest.raises(ClientRejected, match="permission"):
        await emulator.invoke(alice, "mod")
    # A modified client can still send it; the bot's own check has to say no.
    denied = await emulator.invoke(alice, "mod", validate=False)
    assert denied.message.content == "denied: MissingPermissions" and denied.ephemeral
    emulator.set_permissions(alice, MANAGE_GUILD)
    assert (await emulator.invoke(alice, "mod")).message.content == "moderated"
    boss = emulator.add_member(guild, emulator.add_user("boss"), permissions=ADMINISTRATOR)
    assert (await emulator.invoke(boss, "mod")).message.content == "moderated"


async def test_contexts_exclude_dms(emulator: DiscordEmulator, alice: EmuMember, bot: TinyBot) -> None:
    with pytest.raises(ClientRejected, match="not available in DMs"):
        await emulator.invoke(alice.user, "serveronly")
    assert (await emulator.invoke(alice.user, "ping")).message.content == "pong"


async def test_validate_false_sends_invalid_values(
    emulator: DiscordEmulator, alice: EmuMember, bot: TinyBot
) -> None:
    result = await emulator.invoke(alice, "score episode", number="sixteen", validate=False)
    assert result.message.content == "that is not a number"


async def test_a_modified_client_can_name_someone_without_resolving_them(
    emulator: DiscordEmulator, guild: EmuGuild, alice: EmuMember, bot: TinyBot
) -> None:
    assert (await emulator.invoke(alice, "whois", target=alice)).message.content == f"Member {alice.id}"
    with pytest.raises(ClientRejected, match="must be a user"):
        await emulator.invoke(alice, "whois", target=Unresolved(alice.id))
    # Nothing about the id in `resolved`: discord.py can only hand the bot a bare Object.
    unresolved = await emulator.invoke(alice, "whois", target=Unresolved(alice.id), validate=False)
    assert unresolved.message.content == f"Object {alice.id}"
    nobody = await emulator.invoke(alice, "whois", target=Unresolved(1 << 60), validate=False)
    assert nobody.message.content == f"Object {1 << 60}"
    assert "resolved" not in nobody.payload["data"]


async def test_a_modified_client_can_run_a_guild_only_command_in_a_dm(
    emulator: DiscordEmulator, alice: EmuMember, bot: TinyBot
) -> None:
    dm = emulator.dm_channel(alice)
    with pytest.raises(ClientRejected, match="not available in DMs"):
        await emulator.invoke(alice, "serveronly", in_channel=dm)
    for who in (alice, alice.user):
        result = await emulator.invoke(who, "serveronly", in_channel=dm, validate=False)
        assert result.message.content == "this only works in a server"
        assert result.guild is None and result.payload["context"] == 1 and "guild_id" not in result.payload
        assert result.payload["user"]["id"] == str(alice.id)


# -- server-side rejections -----------------------------------------------------------------------


async def test_second_response_is_rejected(emulator: DiscordEmulator, alice: EmuMember, bot: TinyBot) -> None:
    result = await emulator.invoke(alice, "twice")
    assert result.message.content == "first"
    await eventually(lambda: bool(bot.errors))
    assert bot.errors[0].status == 400 and bot.errors[0].code == 40060
    assert result.errors[0].code == 40060


async def test_late_response_is_rejected(emulator: DiscordEmulator, alice: EmuMember, bot: TinyBot) -> None:
    emulator.response_deadline = 0.2
    bot.late_delay = 0.35
    with pytest.raises(InteractionTimeout):
        await emulator.invoke(alice, "late")
    await eventually(lambda: bool(bot.errors))
    assert isinstance(bot.errors[0], discord.NotFound) and bot.errors[0].code == 10062


async def test_oversized_content_and_embeds_are_rejected(
    emulator: DiscordEmulator, alice: EmuMember, bot: TinyBot
) -> None:
    result = await emulator.invoke(alice, "long")
    assert result.message.content == "fallback"
    assert result.errors[0].code == 50035 and "content" in result.errors[0].errors["data"]
    assert "In data.content: Must be 2000 or fewer in length." in bot.errors[0].text
    result = await emulator.invoke(alice, "bigembed")
    assert result.message.content == "fallback"
    assert result.errors[0].errors["data"]["embeds"]["_errors"][0]["code"] == "MAX_EMBED_SIZE_EXCEEDED"


# -- autocomplete, buttons, modals ----------------------------------------------------------------


async def test_autocomplete(emulator: DiscordEmulator, alice: EmuMember, bot: TinyBot) -> None:
    choices = await emulator.autocomplete(alice, "score episode", focused="show", value="run", number=16)
    assert choices == [{"name": "Run On", "value": "Run On"}, {"name": "Running Man", "value": "Running Man"}]
    with pytest.raises(ClientRejected, match="no autocomplete"):
        await emulator.autocomplete(alice, "score episode", focused="number", value="1")


async def test_autocomplete_over_25_choices_is_rejected(
    emulator: DiscordEmulator, alice: EmuMember, bot: TinyBot
) -> None:
    emulator.response_deadline = 0.3
    with pytest.raises(InteractionTimeout) as caught:
        await emulator.autocomplete(alice, "flood", focused="item", value="")
    assert caught.value.errors[0].errors == {
        "data": {
            "choices": {
                "_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 25 or fewer in length."}]
            }
        }
    }


async def test_button_click_updates_message(
    emulator: DiscordEmulator, guild: EmuGuild, alice: EmuMember, bot: TinyBot
) -> None:
    result = await emulator.invoke(alice, "vote")
    message = result.message
    assert message.find_component("up") is not None
    clicked = await emulator.click(alice, message, "up")
    assert clicked.response_type == 7 and clicked.message is message
    assert message.content == "votes: 1"
    bob = emulator.add_member(guild, emulator.add_user("bob"))
    await emulator.click(bob, message, "up")
    assert message.content == "votes: 2"
    with pytest.raises(ClientRejected, match="disabled"):
        await emulator.click(alice, message, "closed")


async def test_modal_roundtrip_from_command_and_button(
    emulator: DiscordEmulator, alice: EmuMember, bot: TinyBot
) -> None:
    opened = await emulator.invoke(alice, "review")
    assert opened.response_type == 9 and opened.modal is not None and opened.modal["title"] == "Review"
    with pytest.raises(ClientRejected, match="required"):
        await emulator.submit_modal(alice, opened, {"stars": "5"})
    with pytest.raises(ClientRejected, match="between 3 and"):
        await emulator.submit_modal(alice, opened, {"review_text": "ok", "stars": "5"})
    submitted = await emulator.submit_modal(alice, opened, {"review_text": "Loved it", "stars": "5"})
    assert submitted.message.content == "review: Loved it (5*)"

    vote = await emulator.invoke(alice, "vote")
    from_button = await emulator.click(alice, vote.message, "open_review")
    assert from_button.modal is not None
    answered = await emulator.submit_modal(alice, from_button, {"review_text": "Great cast", "stars": "4"})
    assert answered.message.content == "review: Great cast (4*)"
    assert answered.payload["message"]["id"] == str(vote.message.id)


async def test_select_menu(emulator: DiscordEmulator, alice: EmuMember, bot: TinyBot) -> None:
    message = (await emulator.invoke(alice, "pick")).message
    with pytest.raises(ClientRejected, match="between 1 and 2"):
        await emulator.click(alice, message, "pick", values=["a", "b", "c"])
    with pytest.raises(ClientRejected, match="no option 'z'"):
        await emulator.click(alice, message, "pick", values=["z"])
    await emulator.click(alice, message, "pick", values=["a", "c"])
    assert message.content == "picked: a, c"


async def test_role_and_channel_options_and_channel_messages(
    emulator: DiscordEmulator, guild: EmuGuild, alice: EmuMember, bot: TinyBot
) -> None:
    critics = emulator.add_role(guild, "critics", mentionable=True)
    news = emulator.add_channel(guild, "news")
    await eventually(lambda: bot.get_channel(news.id) is not None)
    result = await emulator.invoke(alice, "announce", role=critics, where=news)
    assert result.message.content == "announced in #news" and result.ephemeral
    [post] = emulator.channel_messages(news)
    assert post.content == f"<@&{critics.id}>: new episode!" and post.pinged.roles == {critics.id}
    with pytest.raises(ClientRejected, match="must be a role"):
        await emulator.invoke(alice, "announce", role=alice, where=news)


async def test_dm_only_command_in_a_guild(emulator: DiscordEmulator, alice: EmuMember, bot: TinyBot) -> None:
    with pytest.raises(ClientRejected, match="not available in servers"):
        await emulator.invoke(alice, "dmonly")
    assert (await emulator.invoke(alice.user, "dmonly")).message.content == "in a DM"


async def test_defer_without_followup_times_out(
    emulator: DiscordEmulator, alice: EmuMember, bot: TinyBot
) -> None:
    emulator.deferred_timeout = 0.2
    with pytest.raises(InteractionTimeout, match="did not follow up"):
        await emulator.invoke(alice, "forget")


async def test_reconnect_request_resumes(emulator: DiscordEmulator, alice: EmuMember, bot: TinyBot) -> None:
    await emulator.request_reconnect()
    await emulator.wait_until_ready()
    assert emulator.gateway.resume_count == 1 and emulator.gateway.identify_count == 1
    assert (await emulator.invoke(alice, "ping")).message.content == "pong"


# -- server settings ------------------------------------------------------------------------------


async def test_integrations_settings_let_a_role_see_a_command_its_default_permission_hides(
    emulator: DiscordEmulator, guild: EmuGuild, alice: EmuMember, bot: TinyBot
) -> None:
    mods = emulator.add_role(guild, "Mods")
    emulator.assign_role(alice, mods)
    with pytest.raises(ClientRejected, match="You do not have permission to use /mod"):
        await emulator.invoke(alice, "mod")
    emulator.set_command_permission(guild, "mod", mods, True)
    # The client lets her send it now; the bot's own permission check still says no.
    assert (await emulator.invoke(alice, "mod")).message.content == "denied: MissingPermissions"
    await eventually(lambda: len(bot.permission_updates) == 1)
    [update] = bot.permission_updates
    mod = next(c for c in emulator.registered_commands() if c["name"] == "mod")
    assert update.target_id == int(mod["id"]) and update.guild.id == guild.id
    assert [(p.id, p.permission) for p in update.permissions] == [(mods.id, True)]

    emulator.set_command_permission(guild, "mod", alice, False)  # a member's own setting beats her roles'
    with pytest.raises(ClientRejected, match="permission"):
        await emulator.invoke(alice, "mod")
    emulator.set_command_permission(guild, "mod", alice, None)
    emulator.set_command_permission(guild, "mod", guild.default_channel, False)
    with pytest.raises(ClientRejected, match="not available in #general"):
        await emulator.invoke(alice, "mod")


async def test_app_wide_settings_apply_to_every_command_unless_a_command_says_otherwise(
    emulator: DiscordEmulator, guild: EmuGuild, alice: EmuMember, bot: TinyBot
) -> None:
    emulator.set_command_permission(guild, None, guild.everyone_role, False)
    with pytest.raises(ClientRejected, match="You do not have permission to use /ping"):
        await emulator.invoke(alice, "ping")
    emulator.set_command_permission(guild, "ping", guild.everyone_role, True)
    assert (await emulator.invoke(alice, "ping")).message.content == "pong"
    with pytest.raises(ClientRejected):
        await emulator.invoke(alice, "vote")
    boss = emulator.add_member(guild, emulator.add_user("boss"), permissions=ADMINISTRATOR)
    assert (await emulator.invoke(boss, "vote")).message.content == "votes: 0"  # admins cannot be locked out
    assert len(emulator.command_permissions(guild)) == 2


# -- gateway over time ----------------------------------------------------------------------------


async def test_heartbeats_are_acknowledged_after_discord_py_noted_sending_them(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    latencies: list[float] = []
    acknowledge = discord.gateway.KeepAliveHandler.ack

    def measured(handler: discord.gateway.KeepAliveHandler) -> None:
        acknowledge(handler)
        latencies.append(handler.latency)

    monkeypatch.setattr(discord.gateway.KeepAliveHandler, "ack", measured)
    interval = 0.04  # short, so that many heartbeats fit into a few seconds
    async with DiscordEmulator(heartbeat_interval=interval) as emulator:
        emulator.add_guild("Drama Club")
        async with connect_bot(TinyBot(sync=False), emulator):
            await asyncio.sleep(3.0)
    assert len(latencies) >= 40
    # An ACK that beats discord.py's own bookkeeping is measured against the previous heartbeat,
    # a whole interval back; at 41.25 s that is the "Can't keep up, websocket is 41s behind" warning.
    assert max(latencies) < interval * 0.75, latencies
    assert "Can't keep up" not in caplog.text


async def test_members_chatter_reaches_the_bot_as_its_intents_ask(
    emulator: DiscordEmulator, guild: EmuGuild, alice: EmuMember, bot: TinyBot
) -> None:
    bob = emulator.add_member(guild, emulator.add_user("bob"))
    stats = emulator.chatter(guild, messages=2, typing=2, reactions=2, members=[alice, bob])
    assert (stats.messages, stats.typing, stats.reactions, stats.queued) == (2, 2, 2, 6)
    await eventually(lambda: len(bot.heard) == 6)
    assert sorted(bot.heard) == sorted(
        [
            # No MESSAGE_CONTENT intent: Discord blanks what other members wrote.
            ("message", alice.id, ""),
            ("message", bob.id, ""),
            ("typing", alice.id, "general"),
            ("typing", bob.id, "general"),
            ("reaction", alice.id, "👍"),
            ("reaction", bob.id, "👍"),
        ]
    )


async def test_a_bot_without_the_message_intents_hears_no_chatter(
    emulator: DiscordEmulator, guild: EmuGuild, alice: EmuMember
) -> None:
    intents = discord.Intents.default()
    intents.guild_messages = intents.guild_typing = intents.guild_reactions = False
    async with connect_bot(TinyBot(sync=False, intents=intents), emulator) as deaf:
        assert emulator.chatter(guild, messages=3, typing=3, reactions=3).queued == 0
        emulator.add_channel(guild, "news")  # GUILDS is still asked for
        await eventually(lambda: deaf.get_channel(guild.channels[-1].id) is not None)
        assert deaf.heard == []


async def test_a_text_file_is_served_with_its_charset(
    emulator: DiscordEmulator, alice: EmuMember, bot: TinyBot
) -> None:
    upload = EmuFile("run-on.txt", "Episode 1 – 3/5".encode(), "text/plain; charset=utf-8")
    result = await emulator.invoke(alice, "upload", file=upload)
    assert result.message.content == "run-on.txt: 17 bytes"
    assert emulator.internal_errors == []


# -- OpenAPI --------------------------------------------------------------------------------------


async def test_everything_the_bot_sent_matches_the_openapi_spec(
    emulator: DiscordEmulator, alice: EmuMember, bot: TinyBot
) -> None:
    await emulator.invoke(alice, "ping")
    await emulator.invoke(alice, "slow")
    await (await emulator.invoke(alice, "draft")).wait_for_messages(2)
    await emulator.invoke(alice, "upload", file=EmuFile("a.txt", b"abc"))
    vote = await emulator.invoke(alice, "vote")
    await emulator.click(alice, vote.message, "up")
    await emulator.autocomplete(alice, "score episode", focused="show", value="r", number=1)
    await emulator.submit_modal(
        alice, await emulator.invoke(alice, "review"), {"review_text": "nice", "stars": "3"}
    )
    checker = OpenAPIChecker.shared()
    checker.assert_requests_valid(emulator.requests)
    assert {r.route for r in emulator.requests} >= {
        "/applications/{application_id}/commands",
        "/interactions/{interaction_id}/{interaction_token}/callback",
        "/webhooks/{webhook_id}/{webhook_token}",
        "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
    }
    for message in emulator.messages.values():
        assert checker.schema_errors("MessageResponse", message.payload()) == []
    for request in emulator.requests:  # and every answer the emulator gave matches the documented response
        assert checker.response_errors(request.method, request.path, request.status, request.response) == []
