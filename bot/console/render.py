"""What a member would see of the bot's replies, drawn for a terminal with rich.

Embeds become framed blocks (title, description, fields, footer), ephemeral replies say that only
you can see them, spoilers stay blacked out until revealed, attachments are saved to a folder, and
buttons and select menus are numbered so that ``:press N`` can press them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.constrain import Constrain
from rich.panel import Panel
from rich.style import Style
from rich.table import Table
from rich.text import Text

from bot.console.markdown import Names, render_markdown
from emulator import EmuMessage
from emulator.protocol import SELECT_TYPES, ButtonStyle, ComponentType

log = logging.getLogger(__name__)

EMBED_WIDTH = 78  # Discord draws embeds at most ~520 px wide; keep them readable in wide terminals
EPHEMERAL_NOTE = "Only you can see this"
BUTTON_STYLES = {
    ButtonStyle.PRIMARY: "bold white on blue",
    ButtonStyle.SECONDARY: "white on grey30",
    ButtonStyle.SUCCESS: "white on green",
    ButtonStyle.DANGER: "white on red",
}


@dataclass
class Pressable:
    """A button or select menu of a rendered message, by the number it was listed under."""

    number: int
    message: EmuMessage
    component: dict[str, Any]

    @property
    def custom_id(self) -> str:
        return str(self.component.get("custom_id"))

    @property
    def label(self) -> str:
        component = self.component
        if component.get("type") == ComponentType.BUTTON:
            emoji = (component.get("emoji") or {}).get("name") or ""
            return " ".join(part for part in (emoji, component.get("label") or "") if part) or "button"
        return str(component.get("placeholder") or "choose…")

    @property
    def is_select(self) -> bool:
        return self.component.get("type") in SELECT_TYPES

    @property
    def kind(self) -> str:
        """What a member would call it: "button" or "select menu"."""
        return "select menu" if self.is_select else "button"

    @property
    def disabled(self) -> bool:
        return bool(self.component.get("disabled"))


@dataclass
class RenderedReply:
    """Everything drawn for one interaction's messages."""

    parts: list[RenderableType] = field(default_factory=list)
    pressables: list[Pressable] = field(default_factory=list)
    saved_files: list[Path] = field(default_factory=list)
    hidden_spoilers: int = 0


class Renderer:
    def __init__(self, names: Names, files_dir: Path, *, reveal: bool = False) -> None:
        self.names = names
        self.files_dir = files_dir
        self.reveal = reveal

    def reply(
        self, messages: list[EmuMessage], *, reveal: bool | None = None, save: bool = True
    ) -> RenderedReply:
        """Draw ``messages`` (one interaction's), numbering their buttons from 1."""
        reveal = self.reveal if reveal is None else reveal
        rendered = RenderedReply()
        for message in messages:
            self._message(message, rendered, reveal, save)
        if rendered.hidden_spoilers:
            count = rendered.hidden_spoilers
            noun = "spoiler" if count == 1 else "spoilers"
            rendered.parts.append(Text(f"{count} {noun} hidden: :reveal shows them", style="grey50"))
        return rendered

    def markdown(self, source: str, reveal: bool, rendered: RenderedReply) -> Text:
        result = render_markdown(source, names=self.names, reveal=reveal)
        rendered.hidden_spoilers += result.hidden_spoilers
        return result.text

    def _message(self, message: EmuMessage, rendered: RenderedReply, reveal: bool, save: bool) -> None:
        header = Text(message.author.name, style="bold")
        if message.ephemeral:
            header.append(f"  · {EPHEMERAL_NOTE}", style="italic grey62")
        if message.edited_timestamp is not None:
            header.append("  (edited)", style="grey50")
        if message.loading:
            header.append("  is thinking…", style="grey50")
        rendered.parts.append(header)
        if message.content:
            rendered.parts.append(self.markdown(message.content, reveal, rendered))
        for embed in message.embeds:
            rendered.parts.append(self.embed(embed, reveal, rendered))
        for item in self._components(message, message.components, reveal, rendered):
            rendered.parts.append(item)
        for attachment in message.attachments:
            line = Text(f"📎 {Path(attachment.filename).name} ({_size(attachment.size)})")
            if save:
                path = self._save(message, attachment.filename, attachment.data)
                rendered.saved_files.append(path)
                line.append(f" saved to {path}", style="grey62")
            rendered.parts.append(line)

    def embed(self, embed: dict[str, Any], reveal: bool, rendered: RenderedReply) -> RenderableType:
        body: list[RenderableType] = []
        author = embed.get("author") or {}
        if author.get("name"):
            body.append(Text(author["name"], style="bold"))
        if embed.get("description"):
            body.append(self.markdown(embed["description"], reveal, rendered))
        fields = embed.get("fields") or []
        for row in _field_rows(fields):
            if body:
                body.append(Text(""))
            if len(row) == 1:
                body.append(self._field(row[0], reveal, rendered))
                continue
            grid = Table.grid(padding=(0, 3))
            for _ in row:
                grid.add_column()
            grid.add_row(*(self._field(f, reveal, rendered) for f in row))
            body.append(grid)
        for key in ("image", "thumbnail", "video"):
            url = (embed.get(key) or {}).get("url")
            if url:
                body.append(Text(f"{key}: {url}", style="grey62"))
        footer_parts = []
        if (embed.get("footer") or {}).get("text"):
            footer_parts.append(embed["footer"]["text"])
        if embed.get("timestamp"):
            footer_parts.append(_when(embed["timestamp"]))
        if footer_parts:
            if body:
                body.append(Text(""))
            body.append(Text(" · ".join(footer_parts), style="grey62"))
        title: Text | None = None
        if embed.get("title"):
            title = self.markdown(embed["title"], reveal, rendered)
            title.stylize("bold")
            if embed.get("url"):
                title.append(f" ({embed['url']})", style="grey62")
        colour = embed.get("color")
        border = (
            Style(color=f"#{colour:06x}") if isinstance(colour, int) and colour else Style(color="grey50")
        )
        panel = Panel(
            Group(*body) if body else Text(""),
            title=title,
            title_align="left",
            box=box.ROUNDED,
            border_style=border,
            expand=False,
            padding=(0, 1),
        )
        return Constrain(panel, EMBED_WIDTH)

    def _field(self, embed_field: dict[str, Any], reveal: bool, rendered: RenderedReply) -> Text:
        text = self.markdown(str(embed_field.get("name", "")), reveal, rendered)
        text.stylize("bold")
        text.append("\n")
        text.append_text(self.markdown(str(embed_field.get("value", "")), reveal, rendered))
        return text

    def _components(
        self, message: EmuMessage, components: list[dict[str, Any]], reveal: bool, rendered: RenderedReply
    ) -> Iterator[RenderableType]:
        for component in components:
            kind = component.get("type")
            if kind == ComponentType.ACTION_ROW:  # buttons side by side, or one select menu
                line = Text()
                for child in component.get("components") or []:
                    if line:
                        line.append("  ")
                    line.append_text(self._control(message, child, rendered))
                yield line
            elif kind == ComponentType.TEXT_DISPLAY:
                yield self.markdown(str(component.get("content", "")), reveal, rendered)
            elif kind in (ComponentType.SECTION, ComponentType.CONTAINER):
                children = list(component.get("components") or [])
                if isinstance(component.get("accessory"), dict):
                    accessory_row = {"type": ComponentType.ACTION_ROW, "components": [component["accessory"]]}
                    children.append(accessory_row)
                inner = list(self._components(message, children, reveal, rendered))
                if kind == ComponentType.CONTAINER:
                    yield Panel(Group(*inner), box=box.SQUARE, expand=False)
                else:
                    yield Group(*inner)
            elif kind == ComponentType.SEPARATOR:
                yield Text("─" * 20, style="grey50")
            elif kind == ComponentType.BUTTON or kind in SELECT_TYPES:
                yield self._control(message, component, rendered)

    def _control(self, message: EmuMessage, component: dict[str, Any], rendered: RenderedReply) -> Text:
        is_button = component.get("type") == ComponentType.BUTTON
        style = component.get("style") or ButtonStyle.SECONDARY
        if is_button and style == ButtonStyle.LINK:  # opens a URL, nothing to press
            return Text(f"[{component.get('label') or 'link'} ↗ {component.get('url')}]", style="bright_blue")
        if is_button and style == ButtonStyle.PREMIUM:
            return Text(f"[{component.get('label') or 'premium'}]", style="grey50")
        pressable = Pressable(len(rendered.pressables) + 1, message, component)
        rendered.pressables.append(pressable)
        if is_button:
            text = Text(f"[{pressable.number}] ", style="bold")
            colour = "grey50" if pressable.disabled else BUTTON_STYLES.get(style, "")
            text.append(pressable.label, style=colour)
        else:
            options = component.get("options") or []
            listed = " / ".join(str(o.get("label")) for o in options) if options else "pick from the server"
            text = Text(f"[{pressable.number}] ", style="bold")
            text.append(f"▾ {pressable.label}: {listed}", style="grey50" if pressable.disabled else "")
        if pressable.disabled:
            text.append(" (disabled)", style="grey50")
        return text

    def _save(self, message: EmuMessage, filename: str, data: bytes) -> Path:
        self.files_dir.mkdir(parents=True, exist_ok=True)
        # Only the last path part, so a bot-chosen name can never write outside the folder.
        safe = re.sub(r"[^\w.\- ]", "_", Path(filename).name).strip(". ") or "file"
        path = self.files_dir / safe
        stem, suffix = path.stem, path.suffix
        number = 1
        # Like a browser's downloads: never overwrite, an identical file is kept once.
        while path.exists() and path.read_bytes() != data:
            number += 1
            path = self.files_dir / f"{stem} ({number}){suffix}"
        path.write_bytes(data)
        return path


def _field_rows(fields: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """Consecutive inline fields share a row, up to three, as Discord lays them out."""
    row: list[dict[str, Any]] = []
    for embed_field in fields:
        if embed_field.get("inline") and len(row) < 3:
            row.append(embed_field)
            continue
        if row:
            yield row
            row = []
        if embed_field.get("inline"):
            row = [embed_field]
        else:
            yield [embed_field]
    if row:
        yield row


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _when(iso: str) -> str:
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    return moment.astimezone().strftime("%d %B %Y %H:%M")
