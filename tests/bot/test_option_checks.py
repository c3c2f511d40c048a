"""Values Discord's client refuses are refused by the bot too, when a modified client sends them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.bot import DramaBot
from emulator import ClientRejected, DiscordEmulator
from tests.helpers import Server, private_reply, snapshot

REFUSED_BY_BOTH = [
    ("score episode", {"number": 0}, "at least 1", "`number` must be from 1 to 500; 0 is outside that."),
    ("score episode", {"number": -1}, "at least 1", "`number` must be from 1 to 500; -1 is outside that."),
    ("score episode", {"number": 501}, "at most 500", "`number` must be from 1 to 500; 501 is outside that."),
    (
        "score episode",
        {"number": 1, "show": "x" * 101},
        "100",
        "`show` is 101 characters long; the limit is 100.",
    ),
    (
        "rate",
        {"episode": 1, "score": 0},
        "at least 0.5",
        "0 isn't a score you can give: use 0.5 to 5 in half steps",
    ),
    (
        "rate",
        {"episode": 1, "score": 5.5},
        "at most 5",
        "5.5 isn't a score you can give: use 0.5 to 5 in half steps",
    ),
    (
        "rate",
        {"episode": 1, "score": 3, "comment": "x" * 1001},
        "1000",
        "`comment` is 1,001 characters long; the limit is 1,000.",
    ),
    ("show add", {"title": "Mine", "episodes": 0}, "at least 1", "`episodes` must be from 1 to 500"),
    (
        "show add",
        {"title": "Mine", "episodes": 3, "year": 1800},
        "at least 1900",
        "`year` must be from 1900 to 2100",
    ),
    (
        "show add",
        {"title": "Mine", "episodes": 3, "season": 101},
        "at most 100",
        "`season` must be from 1 to 100",
    ),
    ("show add", {"title": "x" * 101, "episodes": 3}, "100", "`title` is 101 characters long"),
    (
        "show verdict",
        {"show": "Run On", "score": 10.5},
        "at most 10",
        "10.5 isn't a score you can give: use 0 to 10",
    ),
    (
        "moderate remove-comment",
        {"member": "alice", "episode": 0},
        "at least 1",
        "`episode` must be from 1 to 500",
    ),
]


@pytest.mark.parametrize(
    ("command", "options", "client_says", "bot_says"),
    REFUSED_BY_BOTH,
    ids=[f"{command} {sorted(options)}" for command, options, *_ in REFUSED_BY_BOTH],
)
async def test_a_value_the_client_refuses_is_refused_by_the_bot_too(
    drama: DramaBot,
    emulator: DiscordEmulator,
    server: Server,
    database: Path,
    command: str,
    options: dict[str, Any],
    client_says: str,
    bot_says: str,
) -> None:
    emulator.set_permissions(server.alice, 0x20 | 0x2000)  # Manage Server and Manage Messages
    values = {k: server.bob.user if v == "alice" else v for k, v in options.items()}
    before = snapshot(database)
    with pytest.raises(ClientRejected, match=client_says):
        await emulator.invoke(server.alice, command, **values)
    reply = private_reply(await emulator.invoke(server.alice, command, validate=False, **values))
    assert bot_says in reply
    assert "Nothing was changed" in reply or "isn't a score" in reply
    assert snapshot(database) == before
