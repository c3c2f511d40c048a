"""English, the default catalog: one module per area, merged here into one mapping of message ids.

Each area's module defines ``MESSAGES``; an id defined twice is a mistake caught at import.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType

from bot.text.en import (
    about,
    admin,
    common,
    community,
    files,
    host,
    moderation,
    mydata,
    replies,
    scores,
    watch,
)


def _merge(*areas: ModuleType) -> dict[str, str | Mapping[str, str]]:
    merged: dict[str, str | Mapping[str, str]] = {}
    for area in areas:
        for key, template in area.MESSAGES.items():
            if key in merged:
                raise ValueError(f"message id {key!r} is defined twice (again in {area.__name__})")
            merged[key] = template
    return merged


MESSAGES = _merge(common, replies, scores, community, admin, moderation, mydata, files, host, about, watch)
