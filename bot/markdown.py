"""Putting stored text in front of members without it being read as Discord markdown."""

from __future__ import annotations

import discord


def escape(text: str) -> str:
    """Escape every markdown character, links included.

    discord.py leaves URLs alone by default, and a URL may contain ``||``: that would end a
    spoiler early, so links are escaped too.
    """
    return discord.utils.escape_markdown(text, ignore_links=False)


def spoiler(text: str) -> str:
    """Text hidden behind one spoiler tag that nothing inside can close or reopen."""
    return f"||{escape(text)}||"


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
