"""Drawing replies: Discord markdown, embeds, ephemeral notes, spoilers, buttons and attachments."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console, Group

from bot.console.markdown import Names, plain, relative, render_markdown
from bot.console.render import EPHEMERAL_NOTE, Renderer
from emulator import EmuAttachment, EmuMessage, EmuUser

BOT = EmuUser(1, "dramabot", bot=True)
NAMES = Names(
    user={7: "alice"}.get,
    role={8: "Curators"}.get,
    channel={9: "general"}.get,
    now=lambda: datetime(2024, 1, 1, 12, 0, tzinfo=UTC),
)


def draw(renderable: object, width: int = 80) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False, markup=False)
    console.print(renderable)
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()


def test_markdown_marks_are_read_not_printed() -> None:
    assert plain("Critic: **5/5**  ★★★★★") == "Critic: 5/5  ★★★★★"
    assert plain("*italic* __under__ ~~gone~~ `code`") == "italic under gone code"
    assert plain("***both*** and **bold *inside* bold**") == "both and bold inside bold"
    assert plain("snake_case_names stay") == "snake_case_names stay"
    assert plain("2 * 3 * 4") == "2 * 3 * 4"


def test_escapes_stay_literal() -> None:
    assert plain(r"\*not bold\* \|\|not hidden\|\| 4\.5") == "*not bold* ||not hidden|| 4.5"


def test_mentions_timestamps_quotes_and_links() -> None:
    text = "<@7> removed <@!7>'s comment in <#9> for <@&8> <t:1704153600:R> <t:1704067200:D>"
    assert plain(text, names=NAMES) == (
        "@alice removed @alice's comment in #general for @Curators in 12 hours 01 January 2024"
    )
    assert plain("> quoted\nnot", names=NAMES) == "▎ quoted\nnot"
    assert plain("see [the site](https://example.com)") == "see the site (https://example.com)"
    assert plain("<@999>", names=NAMES) == "@unknown-user"
    assert relative(-90) == "1 minute ago"


def test_spoilers_are_hidden_until_revealed() -> None:
    hidden = render_markdown("Summary: ||Seon-gyeom wins||", reveal=False)
    assert hidden.text.plain == "Summary: " + "█" * len("Seon-gyeom wins")
    assert hidden.hidden_spoilers == 1
    shown = render_markdown("Summary: ||Seon-gyeom wins||", reveal=True)
    assert shown.text.plain == "Summary: Seon-gyeom wins" and shown.hidden_spoilers == 0
    # An escaped bar inside a spoiler cannot end it early.
    assert plain(r"||a \|\| b||") == "a || b"


def score_message() -> EmuMessage:
    return EmuMessage(
        id=100,
        channel_id=9,
        guild_id=5,
        author=BOT,
        embeds=[
            {
                "title": "Run On · Episode 16",
                "description": "Critic: **5/5**  ★★★★★\nMembers: 4.5/5 from 2 ratings",
                "color": 0xE4587A,
                "fields": [
                    {"name": "Average", "value": "**3.81/5**", "inline": False},
                    {"name": "Best", "value": "Episode 16 · 5/5", "inline": True},
                    {"name": "Worst", "value": "Episode 8 · 3/5", "inline": True},
                ],
                "footer": {"text": "Korean drama · JTBC · 2020"},
            }
        ],
    )


def test_an_embed_is_a_framed_block_with_title_description_fields_and_footer(tmp_path: Path) -> None:
    reply = Renderer(NAMES, tmp_path).reply([score_message()])
    text = draw(Group(*reply.parts))
    lines = text.splitlines()
    assert lines[0] == "dramabot"
    assert lines[1].startswith("╭─ Run On · Episode 16 ─")
    assert "│ Critic: 5/5  ★★★★★" in text
    assert "│ Members: 4.5/5 from 2 ratings" in text
    assert "│ Average" in text and "3.81/5" in text
    best = next(line for line in lines if "Best" in line)
    assert "Worst" in best  # inline fields share a row
    assert "│ Korean drama · JTBC · 2020" in text
    assert lines[-1].startswith("╰")
    assert EPHEMERAL_NOTE not in text


def test_ephemeral_replies_say_only_you_can_see_them(tmp_path: Path) -> None:
    message = EmuMessage(id=1, channel_id=9, guild_id=5, author=BOT, content="Saved.", flags=1 << 6)
    text = draw(Group(*Renderer(NAMES, tmp_path).reply([message]).parts))
    assert text.splitlines()[0] == f"dramabot  · {EPHEMERAL_NOTE}"
    assert "Saved." in text


def test_buttons_are_numbered_for_pressing(tmp_path: Path) -> None:
    row = {
        "type": 1,
        "components": [
            {"type": 2, "style": 2, "label": "Prev", "custom_id": "p", "disabled": True},
            {"type": 2, "style": 2, "label": "1/2", "custom_id": "pos", "disabled": True},
            {"type": 2, "style": 2, "label": "Next", "custom_id": "n"},
            {"type": 2, "style": 5, "label": "Docs", "url": "https://example.com"},
        ],
    }
    message = EmuMessage(id=1, channel_id=9, guild_id=5, author=BOT, content="page", components=[row])
    reply = Renderer(NAMES, tmp_path).reply([message])
    text = draw(Group(*reply.parts))
    assert "[1] Prev (disabled)  [2] 1/2 (disabled)  [3] Next  [Docs ↗ https://example.com]" in text
    assert [(p.number, p.custom_id, p.disabled) for p in reply.pressables] == [
        (1, "p", True),
        (2, "pos", True),
        (3, "n", False),
    ]


def test_attachments_are_saved_and_their_path_printed(tmp_path: Path) -> None:
    attachment = EmuAttachment(5, "../run-on.json", b'{"format": 1}', "http://x/run-on.json")
    message = EmuMessage(id=1, channel_id=9, guild_id=5, author=BOT, content="file", attachments=[attachment])
    renderer = Renderer(NAMES, tmp_path / "files")
    first = renderer.reply([message])
    again = renderer.reply([message])
    assert first.saved_files == [tmp_path / "files" / "run-on.json"] == again.saved_files
    assert first.saved_files[0].read_bytes() == b'{"format": 1}'
    text = draw(Group(*first.parts), width=200)
    assert f"📎 run-on.json (13 bytes) saved to {tmp_path / 'files' / 'run-on.json'}" in text
    attachment.data = b"other"
    assert renderer.reply([message]).saved_files == [tmp_path / "files" / "run-on (2).json"]


def test_hidden_spoilers_are_counted_under_the_reply(tmp_path: Path) -> None:
    message = EmuMessage(
        id=1, channel_id=9, guild_id=5, author=BOT, embeds=[{"description": "||one|| and ||two||"}]
    )
    text = draw(Group(*Renderer(NAMES, tmp_path).reply([message]).parts))
    assert "2 spoilers hidden: :reveal shows them" in text
    assert "one" not in text
    revealed = draw(Group(*Renderer(NAMES, tmp_path).reply([message], reveal=True).parts))
    assert "one and two" in revealed
