"""The console session and its completion, in process against the real bot (faster than a subprocess)."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Iterator
from pathlib import Path

import discord
import pytest
from prompt_toolkit.completion import CompleteEvent, Completion
from prompt_toolkit.document import Document
from rich.console import Console

from bot.bot import DramaBot
from bot.console.app import ScriptSource, names_for
from bot.console.complete import ConsoleCompleter, quote
from bot.console.render import Renderer
from bot.console.session import ConsoleSession
from bot.console.world import World, stable_id
from emulator import DiscordEmulator
from emulator.protocol import InteractionType
from tests.helpers import Server

REVIEWS = Path(__file__).resolve().parents[2] / "fixtures" / "reviews"


def make_session(
    emulator: DiscordEmulator, server: Server, tmp_path: Path
) -> tuple[ConsoleSession, io.StringIO]:
    world = World(emulator, emulator.users[server.guild.owner_id], server.guild, server.alice)
    buffer = io.StringIO()
    out = Console(file=buffer, width=100, color_system=None, highlight=False, markup=False)
    session = ConsoleSession(emulator, world, out, Renderer(names_for(emulator, world), tmp_path / "files"))
    return session, buffer


async def run_lines(session: ConsoleSession, *lines: str) -> int:
    """Run ``lines`` as a script; returns how many of them failed."""
    before = session.failures
    return await session.run(ScriptSource(list(lines), session.out)) - before


def after(out: io.StringIO, line: str) -> str:
    """What the console printed for the last time ``line`` ran."""
    return out.getvalue().rsplit(f"› {line}\n", 1)[1]


def last_command_options(emulator: DiscordEmulator) -> dict[str, object]:
    """The leaf options of the last slash command the console sent, by name, as the bot got them."""
    sent = [r for r in emulator.interactions.values() if r.type == InteractionType.APPLICATION_COMMAND]
    options = sent[-1].payload["data"]["options"]
    while options and "options" in options[0]:
        options = options[0]["options"]
    return {o["name"]: o["value"] for o in options}


@pytest.fixture
def completer(session: ConsoleSession) -> ConsoleCompleter:
    return ConsoleCompleter(session)


async def complete(completer: ConsoleCompleter, text: str) -> list[Completion]:
    event = CompleteEvent(completion_requested=True)
    return [c async for c in completer.get_completions_async(Document(text), event)]


@pytest.fixture
def session_and_out(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, tmp_path: Path
) -> Iterator[tuple[ConsoleSession, io.StringIO]]:
    session, out = make_session(emulator, server, tmp_path)
    # As `dramabot console` does: any error the process logs counts against the line.
    logging.getLogger().addHandler(session.error_watch)
    try:
        yield session, out
    finally:
        logging.getLogger().removeHandler(session.error_watch)


@pytest.fixture
def session(session_and_out: tuple[ConsoleSession, io.StringIO]) -> ConsoleSession:
    return session_and_out[0]


@pytest.fixture
def out(session_and_out: tuple[ConsoleSession, io.StringIO]) -> io.StringIO:
    return session_and_out[1]


async def test_buttons_can_be_pressed_and_only_by_who_asked(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, tmp_path: Path
) -> None:
    session, out = make_session(emulator, server, tmp_path)
    lines = []
    for n in range(6):
        lines += [f":as member{n}", f"/rate 16 4 comment:comment number {n}"]
    assert await run_lines(session, *lines, ":as alice", "/comments 16") == 0
    page_one = out.getvalue().rsplit("› /comments 16", 1)[1]
    assert "page 1/2" in page_one
    assert "[1] Prev (disabled)  [2] 1/2 (disabled)  [3] Next" in page_one
    assert await run_lines(session, ":press 1") == 1
    assert '✗ button [1] "Prev" is disabled' in after(out, ":press 1")
    assert await run_lines(session, ":press 3") == 0
    assert "page 2/2" in out.getvalue().rsplit("› :press 3", 1)[1]
    assert await run_lines(session, ":as bob", ":press Prev") == 0
    assert "Only the member who asked can turn these pages" in out.getvalue().rsplit("› :press Prev", 1)[1]
    assert await run_lines(session, ":press 9") == 1
    assert "no button '9'" in out.getvalue()


async def test_roles_permissions_and_servers_change_who_the_console_is(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, tmp_path: Path
) -> None:
    session, out = make_session(emulator, server, tmp_path)
    world = session.world
    assert await run_lines(session, ":grant manage-server", ":role Curators", ":whoami") == 0
    assert "You are alice in Drama Club · permissions: Manage Server · roles: @Curators" in out.getvalue()
    assert world.member.permissions & 0x20
    assert await run_lines(session, ":revoke manage-server", ":unrole Curators", ":whoami") == 0
    assert not world.member.permissions & 0x20
    assert out.getvalue().rstrip().endswith("permissions: a plain member · roles: none")
    assert await run_lines(session, ":server Another Club", "/score episode 16") == 0
    assert world.server.name == "Another Club" and world.member.user is server.alice.user
    assert world.server.id == stable_id("guild", "Another Club", 0)
    assert await run_lines(session, ":grant flying", ":unrole Nobody", ":nope") == 3


def test_the_worlds_ids_come_from_names_so_a_restarted_console_meets_its_database_again() -> None:
    first, second = DiscordEmulator(), DiscordEmulator()
    worlds = [World.build(first), World.build(second)]
    for world in worlds:
        world.give_role("Curators")
        world.grant("manage-server")
    ids = [
        (
            w.server.id,
            w.server.default_channel.id,
            w.member.id,
            w.owner.id,
            w.find_role("Curators").id,  # type: ignore[union-attr]
            w.find_role("alice permissions").id,  # type: ignore[union-attr]
        )
        for w in worlds
    ]
    guild = stable_id("guild", "Drama Club", 0)
    expected = (
        guild,
        stable_id("guild", "Drama Club", 2),
        stable_id("user", "alice", 0),
        stable_id("user", "owner", 0),
        stable_id("role", guild, "Curators", 0),
        stable_id("role", guild, "permissions", "alice", 0),
    )
    assert ids == [expected, expected]


async def test_completion_from_the_schema_and_the_bots_autocomplete(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, tmp_path: Path
) -> None:
    session, _ = make_session(emulator, server, tmp_path)
    completer = ConsoleCompleter(session)

    async def complete(text: str) -> list[Completion]:
        event = CompleteEvent(completion_requested=True)
        return [c async for c in completer.get_completions_async(Document(text), event)]

    assert [c.text for c in await complete("/sc")] == ["score "]
    assert [c.text for c in await complete("/score ")] == ["episode ", "show "]
    assert [c.text for c in await complete("/score ep")] == ["episode "]
    assert [c.text for c in await complete("/score episode 16 ")] == ["show:"]
    assert [c.text for c in await complete("/rate ")] == ["episode:", "score:", "comment:", "show:"]
    shows = await complete("/score episode 16 show:Ru")
    assert [c.display_text for c in shows] == ["Run On · 런 온 · 2020"]
    assert shows[0].text == '"Run On · 런 온 · 2020" ' and shows[0].start_position == -2
    by_alias = await complete('/score episode 16 show:"Reon')
    assert [c.display_text for c in by_alias] == ["Run On · 런 온 · 2020"]
    assert by_alias[0].start_position == -len('"Reon')
    members = await complete("/moderate remove-comment member:b")
    assert [c.text for c in members] == ["bob "]
    assert [c.text for c in await complete(":as b")] == ["bob"]
    assert [c.text for c in await complete(":allow @ev")] == ["@everyone"]
    assert [c.text for c in await complete(":allow Curators /sh")] == ["show", "shows"]
    assert [c.text for c in await complete(":gr")] == ["grant "]


async def test_a_picked_suggestion_shows_its_name_and_sends_its_value(
    session: ConsoleSession, completer: ConsoleCompleter, emulator: DiscordEmulator, out: io.StringIO
) -> None:
    [picked] = await complete(completer, "/score episode 16 show:Ru")
    line = "/score episode 16 show:" + picked.text.strip()
    assert line == '/score episode 16 show:"Run On · 런 온 · 2020"'
    assert await run_lines(session, line) == 0
    assert "Run On · Episode 16" in after(out, line)
    sent = last_command_options(emulator)["show"]
    assert isinstance(sent, str) and sent.startswith("id:")  # what the bot asked to get for that name
    # Text autocomplete never offered is sent as it was typed, as Discord's client does.
    assert await run_lines(session, "/score episode 16 show:Run On") == 0
    assert last_command_options(emulator)["show"] == "Run On"
    # Names are remembered per option: the same text in another option stays text.
    assert await run_lines(session, '/rate 16 4 comment:"Run On · 런 온 · 2020"') == 0
    assert last_command_options(emulator)["comment"] == "Run On · 런 온 · 2020"


async def test_a_review_page_imports_from_a_text_file(session: ConsoleSession, out: io.StringIO) -> None:
    page = REVIEWS / "harbour-lights.txt"
    lines = [":grant manage-server", f"/show import file:{page}", ":press Confirm", "/shows"]
    assert await run_lines(session, *lines) == 0
    assert "Import preview: Harbour Lights" in after(out, f"/show import file:{page}")
    assert "Imported Harbour Lights" in after(out, ":press Confirm")
    assert "Harbour Lights (season 2) · 6 episodes" in after(out, "/shows")


async def test_a_curator_can_manage_shows_once_the_server_allows_the_role_to_see_them(
    session: ConsoleSession, out: io.StringIO
) -> None:
    admin_sets_up = [":grant manage-server", ":role Curators", "/settings curator-role role:Curators"]
    assert await run_lines(session, *admin_sets_up) == 0
    add = "/show add title:Cora's Pick episodes:2"
    assert await run_lines(session, ":as cora", ":role Curators", add) == 1
    assert "✗ You do not have permission to use /show" in after(out, add)

    assert await run_lines(session, ":allow Curators /show", ":allow") == 0
    assert "allowed: @Curators for /show" in after(out, ":allow Curators /show")
    assert "Drama Club › Integrations › /show: @Curators ✓" in after(out, ":allow")
    assert await run_lines(session, add) == 0
    assert "Added Cora's Pick" in after(out, add)

    # /settings stays Manage Server only: allowing /show did not open it.
    assert await run_lines(session, "/settings curator-role") == 1
    assert await run_lines(session, ":disallow Curators /show", "/show add title:Another episodes:2") == 1
    assert await run_lines(session, ":default Curators /show", ":allow Nobody /show") == 1
    assert "has no role or member 'Nobody'" in after(out, ":allow Nobody /show")


async def test_an_error_the_bot_logs_after_its_answer_still_fails_the_line(
    drama: DramaBot, session: ConsoleSession, out: io.StringIO
) -> None:
    async def grumble(interaction: discord.Interaction) -> None:
        await asyncio.sleep(0.05)  # well after the answer went out
        logging.getLogger("bot.test").error("something the bot did not expect")

    drama.add_listener(grumble, "on_interaction")
    try:
        assert await run_lines(session, "/verdict") == 1
    finally:
        drama.remove_listener(grumble, "on_interaction")
    assert "✗ the bot logged an error while handling this" in after(out, "/verdict")
    assert await run_lines(session, "/verdict") == 0


def test_values_with_spaces_are_quoted_for_typing_back() -> None:
    assert quote("Run On") == '"Run On"'
    assert quote('say "hi"') == '"say \\"hi\\""'
    assert quote("plain") == "plain"
    assert quote("id:4") == '"id:4"'  # unquoted, a value of its own would read as an option "id"


async def test_the_console_sets_progress_and_presses_show_anyway(
    drama: DramaBot, emulator: DiscordEmulator, server: Server, tmp_path: Path
) -> None:
    session, out = make_session(emulator, server, tmp_path)
    script = [":as bob", "/rate 12 4 comment:the twist", ":as alice", "/progress 6", "/comments 12"]
    assert await run_lines(session, *script) == 0
    assert "Run On · watching · 6/16" in after(out, "/progress 6")
    guarded = after(out, "/comments 12")
    assert "You're at episode 6 of Run On; this is episode 12." in guarded
    assert "the twist" not in guarded
    assert "[1] Show anyway" in guarded
    assert await run_lines(session, ":press 1") == 0
    revealed = after(out, ":press 1")
    assert "Only you can see this" in revealed and "Run On · Episode 12 · Comments" in revealed
    # Still behind its spoiler tag, as in Discord.
    assert "the twist" not in revealed and "1 spoiler hidden" in revealed
    assert await run_lines(session, ":reveal") == 0
    assert "the twist" in after(out, ":reveal")
