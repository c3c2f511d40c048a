"""The text layer: every string a member (or a host, at start-up) reads, by message id.

Cogs, views, the error handler and the parsers never write English themselves: they call
:func:`t` with a message id and the values to put in. The templates live in one catalog per
locale (:mod:`bot.text.en` today), so a translation is a new catalog, not a rewrite of the cogs.

A template is either a string or, when it depends on a number, a mapping from CLDR plural
category (``one``, ``other``, …; Babel knows each language's rules) to a string; the number that
decides is the ``count`` argument. ``count`` and any argument ending in ``_count`` are written
with the locale's digit grouping (``1,001``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol, runtime_checkable

from babel import Locale
from babel.numbers import format_decimal

from bot.text.en import MESSAGES as ENGLISH

DEFAULT_LOCALE = "en"

Template = str | Mapping[str, str]

CATALOGS: dict[str, Mapping[str, Template]] = {"en": ENGLISH}


class MissingMessage(KeyError):
    """A message id that no catalog defines: a bug in the caller, caught by the tests."""


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(code)


def _template(key: str, locale: str) -> Template:
    for code in (locale, DEFAULT_LOCALE):
        catalog = CATALOGS.get(code)
        if catalog is not None and key in catalog:
            return catalog[key]
    raise MissingMessage(key)


def _is_count(name: str) -> bool:
    return name == "count" or name.endswith("_count")


def t(key: str, /, **args: object) -> str:
    """The message ``key`` in the default locale, with ``args`` put in."""
    return render(DEFAULT_LOCALE, key, args)


def render(locale: str, key: str, args: Mapping[str, object]) -> str:
    """The message ``key`` in ``locale`` (English where the locale's catalog lacks it)."""
    template = _template(key, locale)
    if not isinstance(template, str):
        # The number that decides is ``count``, else the first ``…_count`` argument.
        count = args.get("count", next((v for n, v in args.items() if n.endswith("_count")), None))
        if not isinstance(count, int):
            raise TypeError(f"message {key!r} depends on a number: pass count=<int>")
        form = _locale(locale).plural_form(abs(count))
        template = template.get(form) or template["other"]
    values = {name: _value(name, value, locale) for name, value in args.items()}
    return template.format_map(values)


def _value(name: str, value: object, locale: str) -> object:
    # Exact types first: isinstance against a Protocol walks the class each time (~3% of /rate's
    # profile at concurrency 100), and most values are plain text.
    if type(value) is str:
        return value
    if isinstance(value, Renderable):
        return value.render(locale)
    if _is_count(name) and isinstance(value, int) and not isinstance(value, bool):
        return format_decimal(value, locale=locale)
    return value


@runtime_checkable
class Renderable(Protocol):
    """Anything that puts itself into words in a locale: a Message, an error that carries one."""

    def render(self, locale: str = DEFAULT_LOCALE) -> str: ...


@dataclass(frozen=True, slots=True)
class Message:
    """A message not yet put into words: its id and the values it takes.

    Exceptions and replies carry these, so the words are chosen where the reader's locale is known.
    A value may itself be a Message (a counted noun, a file size), put into words in the same locale.
    """

    id: str
    values: Mapping[str, object] = field(default_factory=dict)

    def render(self, locale: str = DEFAULT_LOCALE) -> str:
        return render(locale, self.id, self.values)


def message(key: str, /, **values: object) -> Message:
    """``Message(key, values)`` written like a call to :func:`t`."""
    return Message(key, values)


def has(key: str, locale: str = DEFAULT_LOCALE) -> bool:
    """Whether ``key`` is defined (in ``locale`` or the default)."""
    try:
        _template(key, locale)
    except MissingMessage:
        return False
    return True
