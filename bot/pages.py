"""Lines into pages, and Prev/Next through them: the one pager behind every long list.

:func:`chunk` cuts lines (or multi-line entries) into pages that fit an embed, using discord.py's
own :class:`commands.Paginator` for the cutting. :func:`send_pages` shows the first page with
Prev/Next buttons that keep working after a restart and in any process: each button's
``custom_id`` holds the kind of list, its owner, the page shown and the list's arguments (a show
id, an episode), and a press re-reads the list from the store through the loader the cog
registered for that kind (:meth:`bot.ui.Buttons.add_pager`), which also re-checks rights.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import discord
from discord.ext import commands

from bot.errors import BadValue
from bot.replies import send_error, update_message
from bot.text import t
from bot.ui import PREFIX, SentView, buttons_of, custom_id

# Discord's limit for an embed description is 4,096 characters; leave room for a heading.
PAGE_CHARS = 3800


def chunk(
    entries: Sequence[str], *, max_chars: int = PAGE_CHARS, per_page: int | None = None, gap: str = "\n"
) -> list[str]:
    """Entries joined by ``gap`` into pages of at most ``max_chars`` and ``per_page`` entries.

    An entry is never split; one longer than a page is cut short (entries are built to fit).
    """
    paginator = commands.Paginator(prefix=None, suffix=None, max_size=max_chars + 2 * len(gap), linesep=gap)
    on_page = 0
    for entry in entries:
        if per_page is not None and on_page == per_page:
            paginator.close_page()
            on_page = 0
        text = entry if len(entry) <= max_chars else entry[: max_chars - 1] + "…"
        before = len(paginator.pages)
        paginator.add_line(text)
        on_page = 1 if len(paginator.pages) > before else on_page + 1
    return [page.strip("\n") for page in paginator.pages] or [""]


# Renders page ``index`` (0-based) of ``count``.
PageRenderer = Callable[[int, int], discord.Embed]


@dataclass(frozen=True)
class Pages:
    """A list cut into ``count`` pages, each embed built only when it is shown."""

    count: int
    render: PageRenderer


# Reads a list again for a press: the interaction (guild, member, rights) and the list's arguments.
PageLoader = Callable[[discord.Interaction, tuple[int, ...]], Awaitable[Pages]]

_PREVIOUS, _POSITION, _NEXT = "p", "i", "n"


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=(
        rf"{PREFIX}:page:(?P<kind>[a-z]{{1,12}}):(?P<owner>[0-9]{{1,20}})"
        r":(?P<move>[pn]|i(?P<page>[0-9]{1,5}))(?P<args>(?::[0-9]{1,20}){0,3})"
    ),
):
    """Prev, the page position, or Next, for the member who asked only.

    Prev and Next keep their custom_id from page to page; the page shown is in the position
    button's (``i3``), read from the message at the press: the message is the state.
    """

    def __init__(
        self,
        kind: str,
        owner_id: int,
        page: int,
        move: str,
        args: tuple[int, ...],
        *,
        label: str = "",
        disabled: bool = False,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                disabled=disabled,
                custom_id=custom_id(
                    "page", kind, owner_id, f"{move}{page}" if move == _POSITION else move, *args
                ),
            )
        )
        self.kind = kind
        self.owner_id = owner_id
        self.page = page
        self.move = move
        self.args = args

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PageButton:
        args = tuple(int(part) for part in match["args"].split(":") if part)
        move = match["move"][0]
        page = int(match["page"]) if match["page"] else _shown_page(interaction.message)
        return cls(match["kind"], int(match["owner"]), page, move, args)

    async def callback(self, interaction: discord.Interaction) -> None:
        # discord.py only logs what a dynamic item raises: every error gets its private answer here.
        try:
            await self._turn(interaction)
        except Exception as error:  # noqa: BLE001 - it is reported to the member and logged
            from bot.tree import report_error

            await report_error(interaction, error)

    async def _turn(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self.owner_id:
            await send_error(interaction, t("ui.pages_not_yours"))
            return
        if self.move == _POSITION:
            await interaction.response.defer()
            return
        load = buttons_of(interaction).pagers.get(self.kind)
        if load is None:
            raise BadValue("ui.unknown_button")
        pages = await load(interaction, self.args)
        # The list may have grown or shrunk since the page was shown: stay within it.
        wanted = self.page + (1 if self.move == _NEXT else -1)
        index = max(0, min(wanted, pages.count - 1))
        await update_message(
            interaction,
            embed=pages.render(index, pages.count),
            view=page_view(self.kind, self.owner_id, self.args, index, pages.count),
        )


def _shown_page(message: discord.Message | None) -> int:
    """The page a message shows, from its position button; the first if it has none."""
    template = PageButton.__discord_ui_compiled_template__
    for row in message.components if message is not None else []:
        for child in getattr(row, "children", []):
            match = template.fullmatch(getattr(child, "custom_id", None) or "")
            if match is not None and match["page"]:
                return int(match["page"])
    return 0


def page_view(kind: str, owner_id: int, args: tuple[int, ...], index: int, count: int) -> SentView | None:
    """Prev, position and Next for page ``index`` of ``count``; no buttons for a single page."""
    if count <= 1:
        return None
    return SentView(
        PageButton(kind, owner_id, index, _PREVIOUS, args, label=t("ui.previous"), disabled=index == 0),
        PageButton(
            kind,
            owner_id,
            index,
            _POSITION,
            args,
            label=t("ui.position", page=index + 1, pages=count),
            disabled=True,
        ),
        PageButton(kind, owner_id, index, _NEXT, args, label=t("ui.next"), disabled=index >= count - 1),
    )


def expect_args(args: tuple[int, ...], count: int) -> tuple[int, ...]:
    """A loader's arguments as it made them; a forged custom_id with others is refused."""
    if len(args) != count:
        raise BadValue("ui.unknown_button")
    return args


async def send_pages(
    interaction: discord.Interaction,
    kind: str,
    args: tuple[int, ...],
    pages: Pages,
    *,
    ephemeral: bool = False,
) -> None:
    """Answer with the first page, and Prev/Next only when there is more than one."""
    first = pages.render(0, pages.count)
    view = page_view(kind, interaction.user.id, args, 0, pages.count)
    buttons = view if view is not None else discord.utils.MISSING
    if interaction.response.is_done():
        await interaction.followup.send(embed=first, ephemeral=ephemeral, view=buttons)
    else:
        await interaction.response.send_message(embed=first, ephemeral=ephemeral, view=buttons)
