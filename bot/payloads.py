"""discord.py's JSON codec, made as forgiving as the standard library's while orjson does the work.

discord.py decodes every gateway frame and REST response with ``discord.utils._from_json`` and
encodes every payload with ``discord.utils._to_json``, which are orjson's when orjson is importable
(it is one of dramabot's dependencies: several times faster). orjson is stricter than the standard
library: it refuses lone surrogates ("\\ud800" escapes, which any member can put in a message or a
modified client in an option value), NaN, integers beyond 64 bits and non-string keys. A refusal
inside discord.py's gateway reader is an exception that closes the connection, so one hostile
payload would disconnect the bot from every server on its shard. ``install`` wraps both functions:
orjson first, and the standard library for the rare payload orjson refuses, which then decodes (or
fails) exactly as it would on a bot without orjson.
"""

from __future__ import annotations

import json
from typing import Any

import discord.utils

try:
    import orjson
except ImportError:  # pragma: no cover - orjson is a dependency; a bot without it just runs slower
    orjson = None  # type: ignore[assignment]


def loads(data: bytes | bytearray | memoryview | str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(bytes(data) if isinstance(data, memoryview) else data)


def dumps(obj: Any) -> str:
    try:
        return orjson.dumps(obj).decode("utf-8")
    except TypeError:  # orjson.JSONEncodeError: a lone surrogate in a reply, a non-string key
        # What discord.py itself writes without orjson.
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=True)


def install() -> None:
    """Put the forgiving codec in discord.py (idempotent; nothing to do without orjson)."""
    if orjson is None or not discord.utils.HAS_ORJSON:
        return
    discord.utils._from_json = loads
    discord.utils._to_json = dumps
