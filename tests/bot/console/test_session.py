"""The console session and its completion, in process against the real bot (faster than a subprocess)."""

from __future__ import annotations

import io
from pathlib import Path

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
from tests.conftest import Server


def make_session(
    emulator: DiscordEmulator, server: Server, tmp_path: Path
) -> tuple[ConsoleSession, io.StringIO]:
    world = World(emulator, emulator.users[server.guild.owner_id], server.guild, server.alice)
    buffer = io.StringIO()
    out = Console(file=buffer, width=100, color_system=None, highlight=False, markup=False)
    session = ConsoleSession(emulator, world, out, Renderer(names_for(emulator, world), tmp_path / "files"))
    return session, buffer


async def run_lines(session: ConsoleSession, *lines: str) -> int:
    return await session.run(ScriptSource(list(lines), session.out))


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
    assert shows[0].text.startswith("id:") and shows[0].start_position == -2
    by_alias = await complete('/score episode 16 show:"Reon')
    assert [c.display_text for c in by_alias] == ["Run On · 런 온 · 2020"]
    assert by_alias[0].start_position == -len('"Reon')
    members = await complete("/moderate remove-comment member:b")
    assert [c.text for c in members] == ["bob "]
    assert [c.text for c in await complete(":as b")] == ["bob"]
    assert [c.text for c in await complete(":gr")] == ["grant "]


def test_values_with_spaces_are_quoted_for_typing_back() -> None:
    assert quote("Run On") == '"Run On"'
    assert quote('say "hi"') == '"say \\"hi\\""'
    assert quote("id:4") == "id:4"
