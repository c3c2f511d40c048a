"""Protocol-level checks without discord.py: raw REST calls and a raw gateway client.

These pin down what the emulator rejects (and how), independent of what discord.py happens to send.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from emulator import (
    DiscordEmulator,
    EmuGuild,
    EmulatorError,
    EmuMember,
    InteractionResult,
    InteractionTimeout,
    Unresolved,
    shard_of,
)
from emulator.permissions import MANAGE_GUILD
from emulator.protocol import ApplicationCommandPermissionType, Intent, OptionType
from tests.emulator.openapi_check import OpenAPIChecker

GUILDS_INTENT = Intent.GUILDS


def ping_command(**extra: Any) -> dict[str, Any]:
    return {"name": "ping", "description": "Answers pong", **extra}


def option(name: str = "show", type_: int = 3, **extra: Any) -> dict[str, Any]:
    return {"name": name, "description": "An option", "type": type_, **extra}


@pytest.fixture
async def http(emulator: DiscordEmulator) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(headers={"Authorization": f"Bot {emulator.token}"}) as session:
        yield session


async def call(
    http: aiohttp.ClientSession,
    emulator: DiscordEmulator,
    method: str,
    path: str,
    body: Any = None,
    **params: str,
) -> tuple[int, Any]:
    async with http.request(method, emulator.api_base + path, json=body, params=params or None) as response:
        text = await response.text()
        return response.status, (json.loads(text) if text else None)


class RawGateway:
    """Just enough of a gateway client to drive the handshake by hand."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.seq = 0

    @classmethod
    async def connect(cls, http: aiohttp.ClientSession, emulator: DiscordEmulator) -> RawGateway:
        gateway = cls(
            await http.ws_connect(emulator.gateway_url + "?v=10&encoding=json&compress=zlib-stream")
        )
        hello = await gateway.receive()
        assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] > 0
        return gateway

    async def send(self, op: int, data: Any) -> None:
        await self.ws.send_str(json.dumps({"op": op, "d": data}))

    async def receive(self) -> dict[str, Any]:
        message = await asyncio.wait_for(self.ws.receive(), 2)
        if message.type != aiohttp.WSMsgType.TEXT:
            return {"closed": self.ws.close_code}
        frame = json.loads(message.data)
        if frame.get("s") is not None:
            self.seq = frame["s"]
        return frame

    async def identify(
        self, token: str, intents: int = GUILDS_INTENT, shard: list[int] | None = None
    ) -> dict[str, Any]:
        data: dict[str, Any] = {"token": token, "intents": intents, "properties": {}}
        if shard is not None:
            data["shard"] = shard
        await self.send(2, data)
        return await self.receive()

    async def dispatch(self, event: str) -> dict[str, Any]:
        while True:
            frame = await self.receive()
            if frame.get("t") == event:
                return frame

    async def everything_until_members_of(self, guild: EmuGuild) -> list[dict[str, Any]]:
        """Every dispatch queued so far: a member request is always answered, and answered last."""
        await self.send(8, {"guild_id": str(guild.id), "query": "", "limit": 0})
        frames = []
        while (frame := await self.receive())["t"] != "GUILD_MEMBERS_CHUNK":
            frames.append(frame)
        return frames


@pytest.fixture
def guild(emulator: DiscordEmulator) -> EmuGuild:
    return emulator.add_guild("Drama Club")


@pytest.fixture
def alice(emulator: DiscordEmulator, guild: EmuGuild) -> EmuMember:
    return emulator.add_member(guild, emulator.add_user("alice"))


# -- REST basics ----------------------------------------------------------------------------------


async def test_login_endpoints_and_auth(emulator: DiscordEmulator, http: aiohttp.ClientSession) -> None:
    checker = OpenAPIChecker.shared()
    for path in ("/users/@me", "/oauth2/applications/@me", "/gateway", "/gateway/bot"):
        status, body = await call(http, emulator, "GET", path)
        assert status == 200
        assert checker.response_errors("GET", path, status, body) == []
    async with aiohttp.ClientSession(headers={"Authorization": "Bot wrong"}) as stranger:
        status, body = await call(stranger, emulator, "GET", "/users/@me")
    assert (status, body) == (401, {"message": "401: Unauthorized", "code": 0})


async def test_json_content_type_is_exactly_what_discord_py_parses(
    emulator: DiscordEmulator, http: aiohttp.ClientSession
) -> None:
    async with http.get(emulator.api_base + "/users/@me") as response:
        assert response.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("content_type", "served_as"),
    [
        ("text/plain; charset=utf-8", "text/plain; charset=utf-8"),
        ('text/plain;charset="UTF-8"', "text/plain; charset=utf-8"),
        ("application/json", "application/json"),
        (None, "application/octet-stream"),
        ("garbage", "application/octet-stream"),
    ],
)
async def test_attachments_are_served_with_their_media_type_and_charset(
    emulator: DiscordEmulator, http: aiohttp.ClientSession, content_type: str | None, served_as: str
) -> None:
    attachment = emulator.store_attachment(1, "page.txt", "Episode 1 – 4/5".encode(), content_type)
    async with http.get(attachment.url) as response:
        assert response.status == 200 and response.headers["Content-Type"] == served_as
        assert await response.read() == "Episode 1 – 4/5".encode()


async def test_unknown_endpoint_is_404_and_logged(
    emulator: DiscordEmulator, http: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="emulator"):
        status, body = await call(http, emulator, "GET", "/guilds/1/audit-logs")
    assert (status, body) == (404, {"message": "404: Not Found", "code": 0})
    assert "unhandled request GET /guilds/1/audit-logs" in caplog.text
    assert emulator.requests[-1].status == 404


# -- the world ------------------------------------------------------------------------------------


def test_users_guilds_roles_and_channels_can_keep_the_ids_a_database_knows(emulator: DiscordEmulator) -> None:
    owner = emulator.add_user("owner", id=100000000000000001)
    guild = emulator.add_guild(
        "Drama Club", id=100000000000000002, channel_id=100000000000000003, owner=owner
    )
    assert (guild.id, guild.everyone_role.id, guild.default_channel.id) == (
        100000000000000002,
        100000000000000002,
        100000000000000003,
    )
    curators = emulator.add_role(guild, "Curators", id=100000000000000004)
    news = emulator.add_channel(guild, "news", id=100000000000000005)
    alice = emulator.add_member(guild, emulator.add_user("alice", id=100000000000000006))
    personal = emulator.set_permissions(alice, MANAGE_GUILD, role_id=100000000000000007)
    assert (curators.id, news.id, alice.id, personal.id) == (
        100000000000000004,
        100000000000000005,
        100000000000000006,
        100000000000000007,
    )
    assert emulator.add_user("bob").id not in {owner.id, alice.id}  # the others still get fresh snowflakes

    with pytest.raises(EmulatorError, match="already used by another user"):
        emulator.add_user("alice again", id=alice.id)
    with pytest.raises(EmulatorError, match="already used by another guild"):
        emulator.add_guild("Drama Club again", id=guild.id)
    with pytest.raises(EmulatorError, match="already used by another role"):
        emulator.add_role(guild, "Curators again", id=curators.id)
    with pytest.raises(EmulatorError, match="already used by another channel"):
        emulator.add_channel(guild, "news again", id=news.id)
    with pytest.raises(EmulatorError, match="positive 64-bit"):
        emulator.add_user("carol", id=-5)


# -- command storage and validation ---------------------------------------------------------------


async def test_bulk_overwrite_keeps_ids_and_versions_when_unchanged(
    emulator: DiscordEmulator, http: aiohttp.ClientSession
) -> None:
    path = f"/applications/{emulator.application_id}/commands"
    status, first = await call(http, emulator, "PUT", path, [ping_command()])
    assert status == 200
    _, again = await call(http, emulator, "PUT", path, [ping_command()])
    assert again == first
    _, changed = await call(http, emulator, "PUT", path, [ping_command(description="Answers PONG")])
    assert changed[0]["id"] == first[0]["id"] and changed[0]["version"] != first[0]["version"]
    _, listed = await call(http, emulator, "GET", path)
    assert listed == changed == emulator.registered_commands()
    _, emptied = await call(http, emulator, "PUT", path, [])
    assert emptied == [] and emulator.registered_commands() == []
    assert [w.method for w in emulator.command_writes] == ["PUT", "PUT", "PUT", "PUT"]


async def test_single_command_endpoints_and_guild_scope(
    emulator: DiscordEmulator, http: aiohttp.ClientSession, guild: EmuGuild
) -> None:
    base = f"/applications/{emulator.application_id}/guilds/{guild.id}/commands"
    status, created = await call(http, emulator, "POST", base, ping_command())
    assert status == 201 and created["guild_id"] == str(guild.id) and "dm_permission" not in created
    status, upserted = await call(http, emulator, "POST", base, ping_command(description="Again"))
    assert status == 200 and upserted["id"] == created["id"]
    status, patched = await call(
        http, emulator, "PATCH", f"{base}/{created['id']}", {"default_member_permissions": "32"}
    )
    assert status == 200 and patched["default_member_permissions"] == "32"
    assert emulator.registered_commands(guild.id) == [patched] and emulator.registered_commands() == []
    status, _ = await call(http, emulator, "DELETE", f"{base}/{created['id']}")
    assert status == 204 and emulator.registered_commands(guild.id) == []
    status, body = await call(http, emulator, "GET", f"{base}/{created['id']}")
    assert (status, body["code"]) == (404, 10063)
    status, body = await call(
        http, emulator, "PUT", f"/applications/{emulator.application_id}/guilds/123/commands", []
    )
    assert (status, body["code"]) == (404, 10004)


INVALID_COMMANDS: list[tuple[str, Any, list[str]]] = [
    ("uppercase name", [ping_command(name="Ping")], ["0", "name"]),
    ("space in name", [ping_command(name="score episode")], ["0", "name"]),
    ("name too long", [ping_command(name="p" * 33)], ["0", "name"]),
    ("missing description", [{"name": "ping"}], ["0", "description"]),
    ("description too long", [ping_command(description="d" * 101)], ["0", "description"]),
    ("26 options", [ping_command(options=[option(f"o{i}") for i in range(26)])], ["0", "options"]),
    (
        "26 choices",
        [ping_command(options=[option(choices=[{"name": f"c{i}", "value": f"{i}"} for i in range(26)])])],
        ["0", "options", "0", "choices"],
    ),
    ("duplicate options", [ping_command(options=[option(), option()])], ["0", "options", "1", "name"]),
    (
        "required after optional",
        [ping_command(options=[option("a"), option("b", required=True)])],
        ["0", "options", "1", "required"],
    ),
    (
        "group holding a plain option",
        [ping_command(options=[option("grp", 2, options=[option()])])],
        ["0", "options", "0", "options", "0", "type"],
    ),
    (
        "subcommand mixed with option",
        [ping_command(options=[option("sub", 1), option()])],
        ["0", "options"],
    ),
    (
        "choices with autocomplete",
        [ping_command(options=[option(autocomplete=True, choices=[{"name": "a", "value": "a"}])])],
        ["0", "options", "0", "autocomplete"],
    ),
    (
        "min above max",
        [ping_command(options=[option(type_=4, min_value=5, max_value=1)])],
        ["0", "options", "0"],
    ),
    ("min_length on integer", [ping_command(options=[option(type_=4, min_length=1)])], ["0", "options", "0"]),
    ("option name too long", [ping_command(options=[option("o" * 33)])], ["0", "options", "0", "name"]),
    ("option description empty", [ping_command(options=[option(description="")])], ["0", "options", "0"]),
    (
        "over 8000 characters",
        [
            ping_command(
                options=[
                    option(
                        f"o{i}", description="d" * 100, choices=[{"name": "n" * 100, "value": "v" * 100}] * 25
                    )
                    for i in range(2)
                ]
            )
        ],
        ["0", "_errors"],
    ),
    ("duplicate command names", [ping_command(), ping_command()], ["1", "name"]),
    ("101 commands", [ping_command(name=f"c{i}") for i in range(101)], ["_errors"]),
    ("not a list", {"name": "ping"}, ["_errors"]),
]


@pytest.mark.parametrize(
    ("body", "error_path"), [c[1:] for c in INVALID_COMMANDS], ids=[c[0] for c in INVALID_COMMANDS]
)
async def test_invalid_commands_are_rejected(
    emulator: DiscordEmulator, http: aiohttp.ClientSession, body: Any, error_path: list[str]
) -> None:
    status, response = await call(
        http, emulator, "PUT", f"/applications/{emulator.application_id}/commands", body
    )
    assert status == 400 and response["code"] == 50035 and response["message"] == "Invalid Form Body"
    node = response["errors"]
    for key in error_path:
        node = node[key]
    assert emulator.registered_commands() == []


async def test_valid_nested_command_is_accepted(
    emulator: DiscordEmulator, http: aiohttp.ClientSession
) -> None:
    command = ping_command(
        name="score",
        options=[
            option(
                "season",
                2,
                options=[
                    option("finale", 1, options=[option("number", 4, required=True, min_value=1), option()])
                ],
            ),
            option(
                "episode",
                1,
                options=[option("rating", 10, max_value=10.0), option("show", autocomplete=True)],
            ),
        ],
    )
    status, stored = await call(
        http, emulator, "PUT", f"/applications/{emulator.application_id}/commands", [command]
    )
    assert status == 200 and stored[0]["options"] == command["options"]
    assert OpenAPIChecker.shared().schema_errors("ApplicationCommandResponse", stored[0]) == []


# -- gateway --------------------------------------------------------------------------------------


async def test_identify_ready_guild_create_heartbeat(
    emulator: DiscordEmulator, http: aiohttp.ClientSession, guild: EmuGuild
) -> None:
    gateway = await RawGateway.connect(http, emulator)
    ready = await gateway.identify(emulator.token)
    assert ready["t"] == "READY" and ready["s"] == 1
    assert ready["d"]["guilds"] == [{"id": str(guild.id), "unavailable": True}]
    assert ready["d"]["resume_gateway_url"] == emulator.gateway_url
    assert ready["d"]["application"]["id"] == str(emulator.application_id)
    created = await gateway.dispatch("GUILD_CREATE")
    assert created["s"] == 2 and created["d"]["name"] == "Drama Club" and created["d"]["unavailable"] is False
    await gateway.send(1, gateway.seq)
    assert (await gateway.receive())["op"] == 11
    await emulator.wait_until_ready()
    await gateway.ws.close()


async def test_a_session_gets_only_the_events_its_intents_ask_for(
    emulator: DiscordEmulator, http: aiohttp.ClientSession, guild: EmuGuild, alice: EmuMember
) -> None:
    emulator.privileged_intents = Intent.GUILD_MEMBERS | Intent.MESSAGE_CONTENT
    asked = {
        "nothing": 0,
        "guilds": Intent.GUILDS,
        "messages": Intent.GUILD_MESSAGES | Intent.MESSAGE_CONTENT,
        "messages without content": Intent.GUILD_MESSAGES,
        "typing and reactions": Intent.GUILD_MESSAGE_TYPING | Intent.GUILD_MESSAGE_REACTIONS,
        "members": Intent.GUILD_MEMBERS,
    }
    sessions = {}
    for name, intents in asked.items():
        sessions[name] = await RawGateway.connect(http, emulator)
        assert (await sessions[name].identify(emulator.token, intents))["t"] == "READY"
    await emulator.wait_until_ready()

    bob = emulator.add_member(guild, emulator.add_user("bob"))
    emulator.add_role(guild, "Curators")
    emulator.chatter(guild, messages=2, typing=1, reactions=1, members=[alice, bob])

    heard = {name: await gateway.everything_until_members_of(guild) for name, gateway in sessions.items()}
    events = {name: sorted({f["t"] for f in frames}) for name, frames in heard.items()}
    assert events == {
        "nothing": [],
        "guilds": ["GUILD_CREATE", "GUILD_ROLE_CREATE"],
        "messages": ["MESSAGE_CREATE"],
        "messages without content": ["MESSAGE_CREATE"],
        "typing and reactions": ["MESSAGE_REACTION_ADD", "TYPING_START"],
        "members": ["GUILD_MEMBER_ADD"],
    }
    said = {
        name: [f["d"]["content"] for f in heard[name]] for name in ("messages", "messages without content")
    }
    assert said == {"messages": ["chatter 0", "chatter 1"], "messages without content": ["", ""]}
    for gateway in sessions.values():
        await gateway.ws.close()


@pytest.mark.parametrize(
    ("identify", "close_code"),
    [
        ({"token": "wrong", "intents": 1}, 4004),
        ({"token": None, "intents": 1 << 1}, 4014),  # GUILD_MEMBERS was not granted
        ({"token": None, "intents": 1 << 30}, 4013),
        ({"token": None, "intents": 1, "shard": [1, 1]}, 4010),
        ({"token": None, "intents": 1, "shard": [4, 4]}, 4010),
        ({"token": None, "intents": 1, "shard": [-1, 4]}, 4010),
        ({"token": None, "intents": 1, "shard": [0, 0]}, 4010),
        ({"token": None, "intents": 1, "shard": [0, -2]}, 4010),
        ({"token": None, "intents": 1, "shard": [False, True]}, 4010),
        ({"token": None, "intents": 1, "shard": [0, 2, 1]}, 4010),
        ({"token": None, "intents": 1, "shard": "0,2"}, 4010),
    ],
)
async def test_identify_rejections(
    emulator: DiscordEmulator, http: aiohttp.ClientSession, identify: dict[str, Any], close_code: int
) -> None:
    gateway = await RawGateway.connect(http, emulator)
    await gateway.send(2, {**identify, "token": identify["token"] or emulator.token, "properties": {}})
    assert await gateway.receive() == {"closed": close_code}


async def test_each_shard_is_ready_with_its_own_guilds_and_hears_only_of_them(
    emulator: DiscordEmulator, http: aiohttp.ClientSession
) -> None:
    clubs = [emulator.add_guild(f"Club {n}") for n in range(6)]
    shards = {}
    for shard_id in (0, 1):
        shards[shard_id] = await RawGateway.connect(http, emulator)
        ready = await shards[shard_id].identify(emulator.token, shard=[shard_id, 2])
        assert ready["d"]["shard"] == [shard_id, 2]
        mine = [str(g.id) for g in clubs if shard_of(g.id, 2) == shard_id]
        assert [g["id"] for g in ready["d"]["guilds"]] == mine and mine
        assert [(await shards[shard_id].dispatch("GUILD_CREATE"))["d"]["id"] for _ in mine] == mine

    later = [emulator.add_guild(f"Later {n}") for n in range(2)]
    for guild in later:
        emulator.add_role(guild, "Curators")
    for shard_id, gateway in shards.items():
        heard = await gateway.everything_until_members_of(later[shard_id])
        on_shard = [g for g in later if shard_of(g.id, 2) == shard_id]
        assert [(f["t"], f["d"].get("guild_id") or f["d"]["id"]) for f in heard] == [
            ("GUILD_CREATE", str(g.id)) for g in on_shard
        ] + [("GUILD_ROLE_CREATE", str(g.id)) for g in on_shard]
        await gateway.ws.close()


async def test_a_second_session_for_a_shard_is_accepted_and_both_get_its_events(
    emulator: DiscordEmulator, http: aiohttp.ClientSession
) -> None:
    """Discord documents that sessions may share a [shard_id, num_shards] (see Gateway._identify)."""
    clubs = [emulator.add_guild(f"Club {n}") for n in range(4)]
    first, second = await RawGateway.connect(http, emulator), await RawGateway.connect(http, emulator)
    ready = [(await g.identify(emulator.token, shard=[1, 2]))["d"] for g in (first, second)]
    assert ready[0]["session_id"] != ready[1]["session_id"]
    assert (
        ready[0]["guilds"]
        == ready[1]["guilds"]
        == [{"id": str(g.id), "unavailable": True} for g in clubs if shard_of(g.id, 2) == 1]
    )
    assert emulator.gateway.shards() == [(1, 2), (1, 2)]
    gone = next(g for g in clubs if shard_of(g.id, 2) == 1)
    emulator.remove_guild(gone)
    for gateway in (first, second):
        assert (await gateway.dispatch("GUILD_DELETE"))["d"] == {"id": str(gone.id)}
        await gateway.ws.close()


async def test_gateway_bot_recommends_a_shard_per_thousand_guilds_and_counts_identifies(
    emulator: DiscordEmulator, http: aiohttp.ClientSession
) -> None:
    status, body = await call(http, emulator, "GET", "/gateway/bot")
    assert (status, body) == (
        200,
        {
            "url": emulator.gateway_url,
            "shards": 1,
            "session_start_limit": {
                "total": 1000,
                "remaining": 1000,
                "reset_after": 86_400_000,
                "max_concurrency": 1,
            },
        },
    )
    gateway = await RawGateway.connect(http, emulator)
    await gateway.identify(emulator.token)
    await emulator.wait_until_ready()
    assert (await call(http, emulator, "GET", "/gateway/bot"))[1]["session_start_limit"]["remaining"] == 999
    await gateway.ws.close()

    for n in range(1001):
        emulator.add_guild(f"Club {n}")
    assert (await call(http, emulator, "GET", "/gateway/bot"))[1]["shards"] == 2
    emulator.recommended_shards = 16
    emulator.max_concurrency = 16
    _, body = await call(http, emulator, "GET", "/gateway/bot")
    assert (body["shards"], body["session_start_limit"]["max_concurrency"]) == (16, 16)


@pytest.mark.parametrize(
    "options",
    [{"recommended_shards": 0}, {"recommended_shards": True}, {"max_concurrency": 0}, {"identify_limit": -1}],
)
def test_shard_settings_must_be_whole_numbers_in_range(options: dict[str, Any]) -> None:
    with pytest.raises(EmulatorError, match=next(iter(options))):
        DiscordEmulator(**options)


async def test_payload_before_identify_is_rejected(
    emulator: DiscordEmulator, http: aiohttp.ClientSession
) -> None:
    gateway = await RawGateway.connect(http, emulator)
    await gateway.send(8, {"guild_id": "1"})
    assert await gateway.receive() == {"closed": 4003}


async def test_resume_replays_missed_dispatches(
    emulator: DiscordEmulator, http: aiohttp.ClientSession, guild: EmuGuild
) -> None:
    gateway = await RawGateway.connect(http, emulator)
    session_id = (await gateway.identify(emulator.token))["d"]["session_id"]
    await gateway.dispatch("GUILD_CREATE")
    seq = gateway.seq
    await gateway.ws.close(code=4000)  # an abnormal close keeps the session resumable
    await emulator.wait_until_disconnected()
    later = emulator.add_guild("Missed While Away")

    gateway = await RawGateway.connect(http, emulator)
    await gateway.send(6, {"token": emulator.token, "session_id": session_id, "seq": seq})
    replayed = await gateway.receive()
    assert (replayed["t"], replayed["s"], replayed["d"]["id"]) == ("GUILD_CREATE", seq + 1, str(later.id))
    assert (await gateway.receive())["t"] == "RESUMED"
    await gateway.ws.close()

    gateway = await RawGateway.connect(http, emulator)
    await gateway.send(6, {"token": emulator.token, "session_id": session_id, "seq": seq})
    assert await gateway.receive() == {"op": 9, "d": False, "s": None, "t": None}  # closed with 1000: gone


# -- interaction responses over raw REST ----------------------------------------------------------


async def interaction(
    emulator: DiscordEmulator, http: aiohttp.ClientSession, member: EmuMember, command: str = "ping"
) -> tuple[asyncio.Task[InteractionResult], str]:
    """Start ``invoke`` and return it with the interaction's callback path, as a bot would see it."""
    gateway = await RawGateway.connect(http, emulator)
    await gateway.identify(emulator.token)
    task = asyncio.create_task(emulator.invoke(member, command))
    frame = (await gateway.dispatch("INTERACTION_CREATE"))["d"]
    return task, f"/interactions/{frame['id']}/{frame['token']}/callback"


@pytest.fixture
async def registered(emulator: DiscordEmulator, http: aiohttp.ClientSession) -> None:
    status, _ = await call(
        http, emulator, "PUT", f"/applications/{emulator.application_id}/commands", [ping_command()]
    )
    assert status == 200


@pytest.mark.usefixtures("registered")
async def test_first_response_wins_second_is_rejected(
    emulator: DiscordEmulator, http: aiohttp.ClientSession, alice: EmuMember
) -> None:
    task, callback = await interaction(emulator, http, alice)
    status, body = await call(
        http, emulator, "POST", callback, {"type": 4, "data": {"content": "pong"}}, with_response="1"
    )
    assert status == 200 and body["resource"]["message"]["content"] == "pong"
    assert body["interaction"]["response_message_id"] == body["resource"]["message"]["id"]
    assert OpenAPIChecker.shared().response_errors("POST", callback, 200, body) == []
    status, body = await call(http, emulator, "POST", callback, {"type": 4, "data": {"content": "again"}})
    assert (status, body) == (400, {"code": 40060, "message": "Interaction has already been acknowledged."})
    result = await task
    assert result.message.content == "pong" and result.errors[0].code == 40060


@pytest.mark.usefixtures("registered")
async def test_response_after_deadline_is_unknown_interaction(
    emulator: DiscordEmulator, http: aiohttp.ClientSession, alice: EmuMember
) -> None:
    emulator.response_deadline = 0.1
    task, callback = await interaction(emulator, http, alice)
    await asyncio.sleep(0.15)
    status, body = await call(http, emulator, "POST", callback, {"type": 4, "data": {"content": "pong"}})
    assert (status, body) == (404, {"code": 10062, "message": "Unknown interaction"})
    with pytest.raises(Exception, match="did not respond"):
        await task


async def test_a_modified_client_can_send_what_is_no_snowflake_or_is_not_resolved(
    emulator: DiscordEmulator, http: aiohttp.ClientSession, alice: EmuMember
) -> None:
    entity_types = [OptionType.USER, OptionType.ROLE, OptionType.CHANNEL, OptionType.MENTIONABLE]
    command = {
        "name": "target",
        "description": "Takes anything",
        "options": [option(f"o{t}", t) for t in entity_types],
    }
    status, _ = await call(
        http, emulator, "PUT", f"/applications/{emulator.application_id}/commands", [command]
    )
    assert status == 200
    gateway = await RawGateway.connect(http, emulator)
    await gateway.identify(emulator.token)
    emulator.response_deadline = 0.05
    for value in ("abc", "¹²³", "-5", "99999999999999999999999", Unresolved(alice.id)):
        values = {f"o{t}": value for t in entity_types}
        invoke = asyncio.create_task(emulator.invoke(alice, "target", options=values, validate=False))
        data = (await gateway.dispatch("INTERACTION_CREATE"))["d"]["data"]
        sent = str(alice.id) if isinstance(value, Unresolved) else value
        assert [(o["type"], o["value"]) for o in data["options"]] == [(t, sent) for t in entity_types]
        assert "resolved" not in data
        with pytest.raises(InteractionTimeout):  # nobody answers here; the payload is the point
            await invoke
    await gateway.ws.close()


# -- server settings over REST ----------------------------------------------------------------------


async def test_command_permissions_can_be_read_but_only_an_admin_sets_them(
    emulator: DiscordEmulator, http: aiohttp.ClientSession, guild: EmuGuild
) -> None:
    commands = f"/applications/{emulator.application_id}/guilds/{guild.id}/commands"
    status, [ping] = await call(
        http, emulator, "PUT", commands, [ping_command(default_member_permissions="32")]
    )
    assert status == 200
    assert await call(http, emulator, "GET", f"{commands}/permissions") == (200, [])
    status, body = await call(http, emulator, "GET", f"{commands}/{ping['id']}/permissions")
    assert (status, body["code"]) == (404, 10066)

    curators = emulator.add_role(guild, "Curators")
    stored = emulator.set_command_permissions(
        guild,
        "ping",
        [{"id": str(curators.id), "type": ApplicationCommandPermissionType.ROLE, "permission": True}],
    )
    expected = {
        "id": ping["id"],
        "application_id": str(emulator.application_id),
        "guild_id": str(guild.id),
        "permissions": [{"id": str(curators.id), "type": 1, "permission": True}],
    }
    assert stored == expected
    for path, answer in (
        (f"{commands}/permissions", [expected]),
        (f"{commands}/{ping['id']}/permissions", expected),
    ):
        status, body = await call(http, emulator, "GET", path)
        assert (status, body) == (200, answer)
        assert OpenAPIChecker.shared().response_errors("GET", path, status, body) == []
    status, body = await call(
        http, emulator, "PUT", f"{commands}/{ping['id']}/permissions", {"permissions": []}
    )
    assert (status, body) == (403, {"message": "Bots cannot use this endpoint", "code": 20001})


def embed(**fields: Any) -> dict[str, Any]:
    return {"title": "t", **fields}


MESSAGE_REJECTIONS: list[tuple[str, dict[str, Any], int, int]] = [
    ("empty", {"type": 4, "data": {}}, 400, 50006),
    ("whitespace only", {"type": 4, "data": {"content": "   "}}, 400, 50006),
    ("2001 characters", {"type": 4, "data": {"content": "x" * 2001}}, 400, 50035),
    ("11 embeds", {"type": 4, "data": {"embeds": [embed()] * 11}}, 400, 50035),
    ("title 257", {"type": 4, "data": {"embeds": [embed(title="t" * 257)]}}, 400, 50035),
    ("description 4097", {"type": 4, "data": {"embeds": [embed(description="d" * 4097)]}}, 400, 50035),
    (
        "26 fields",
        {"type": 4, "data": {"embeds": [embed(fields=[{"name": "n", "value": "v"}] * 26)]}},
        400,
        50035,
    ),
    (
        "field value 1025",
        {"type": 4, "data": {"embeds": [embed(fields=[{"name": "n", "value": "v" * 1025}])]}},
        400,
        50035,
    ),
    (
        "field name 257",
        {"type": 4, "data": {"embeds": [embed(fields=[{"name": "n" * 257, "value": "v"}])]}},
        400,
        50035,
    ),
    ("footer 2049", {"type": 4, "data": {"embeds": [embed(footer={"text": "f" * 2049})]}}, 400, 50035),
    ("author 257", {"type": 4, "data": {"embeds": [embed(author={"name": "a" * 257})]}}, 400, 50035),
    ("over 6000 total", {"type": 4, "data": {"embeds": [embed(description="d" * 3500)] * 2}}, 400, 50035),
    ("unknown flag", {"type": 4, "data": {"content": "x", "flags": 1 << 1}}, 400, 50035),
    (
        "button without custom_id",
        {
            "type": 4,
            "data": {"components": [{"type": 1, "components": [{"type": 2, "style": 1, "label": "x"}]}]},
        },
        400,
        50035,
    ),
    ("autocomplete result for a command", {"type": 8, "data": {"choices": []}}, 400, 50035),
    (
        "modal title 46",
        {
            "type": 9,
            "data": {"custom_id": "m", "title": "t" * 46, "components": [{"type": 10, "content": "x"}]},
        },
        400,
        50035,
    ),
    ("pong", {"type": 1}, 400, 50035),
]


@pytest.mark.usefixtures("registered")
@pytest.mark.parametrize(
    ("body", "status", "code"), [c[1:] for c in MESSAGE_REJECTIONS], ids=[c[0] for c in MESSAGE_REJECTIONS]
)
async def test_invalid_responses_are_rejected(
    emulator: DiscordEmulator,
    http: aiohttp.ClientSession,
    alice: EmuMember,
    body: dict[str, Any],
    status: int,
    code: int,
) -> None:
    task, callback = await interaction(emulator, http, alice)
    response_status, response = await call(http, emulator, "POST", callback, body)
    assert (response_status, response["code"]) == (status, code)
    # The rejection does not count as an answer: a valid one still goes through.
    status_ok, _ = await call(http, emulator, "POST", callback, {"type": 4, "data": {"content": "pong"}})
    assert status_ok == 204
    result = await task
    assert result.errors[0].code == code and result.message.content == "pong"


@pytest.mark.usefixtures("registered")
async def test_followups_edits_and_token_lifetime(
    emulator: DiscordEmulator, http: aiohttp.ClientSession, alice: EmuMember
) -> None:
    task, callback = await interaction(emulator, http, alice)
    webhook = f"/webhooks/{emulator.application_id}/{callback.split('/')[3]}"
    status, body = await call(http, emulator, "POST", webhook, {"content": "too early"}, wait="true")
    assert (status, body["code"]) == (404, 10015)
    await call(http, emulator, "POST", callback, {"type": 5, "data": {"flags": 64}})
    status, first = await call(
        http, emulator, "POST", webhook, {"content": "resolved", "flags": 0}, wait="true"
    )
    assert status == 200 and first["flags"] == 64  # the first follow-up keeps the defer's ephemerality
    status, second = await call(http, emulator, "POST", webhook, {"content": "public"}, wait="true")
    assert status == 200 and second["flags"] == 0 and second["id"] != first["id"]
    status, edited = await call(
        http, emulator, "PATCH", f"{webhook}/messages/{second['id']}", {"content": "edited"}
    )
    assert status == 200 and edited["content"] == "edited" and edited["edited_timestamp"] is not None
    status, body = await call(http, emulator, "PATCH", f"{webhook}/messages/@original", {"content": ""})
    assert (status, body["code"]) == (400, 50006)
    status, _ = await call(http, emulator, "DELETE", f"{webhook}/messages/@original")
    assert status == 204
    status, body = await call(http, emulator, "GET", f"{webhook}/messages/@original")
    assert (status, body["code"]) == (404, 10008)
    result = await task
    assert [m.content for m in result.messages] == ["edited"]
    emulator.token_lifetime = 0
    status, body = await call(http, emulator, "POST", webhook, {"content": "too late"})
    assert (status, body["code"]) == (401, 50027)


async def test_openapi_checker_flags_bad_requests() -> None:
    checker = OpenAPIChecker.shared()
    assert checker.template_for("/webhooks/1/abc/messages/@original") == (
        "/webhooks/{webhook_id}/{webhook_token}/messages/@original"
    )
    assert checker.request_errors("PUT", "/applications/1/commands", [ping_command()]) == []
    assert checker.request_errors("PUT", "/applications/1/commands", [{"name": 5}])
    assert checker.request_errors(
        "POST", "/interactions/1/t/callback", {"type": 4, "data": {"content": "x" * 2001}}
    )
    assert checker.request_errors("GET", "/nowhere", None) == ["/nowhere is not in Discord's OpenAPI spec"]
    assert checker.request_errors("POST", "/webhooks/1/t", {"content": "x"}, {"wait": "1", "bogus": "1"}) == [
        "POST /webhooks/{webhook_id}/{webhook_token}: unknown query parameter 'bogus'"
    ]
    # discord.py sends attachment ids as the integer file index; Discord accepts that.
    attachments = {"type": 4, "data": {"attachments": [{"id": 0, "filename": "a.txt"}]}}
    assert checker.request_errors("POST", "/interactions/1/t/callback", attachments) == []


async def test_an_outage_sends_guild_delete_marked_unavailable_and_its_end_the_whole_guild(
    emulator: DiscordEmulator, http: aiohttp.ClientSession
) -> None:
    club = emulator.add_guild("Club")
    gateway = await RawGateway.connect(http, emulator)
    await gateway.identify(emulator.token)
    await gateway.dispatch("GUILD_CREATE")

    emulator.start_outage(club)
    assert (await gateway.dispatch("GUILD_DELETE"))["d"] == {"id": str(club.id), "unavailable": True}
    assert emulator.guilds[club.id] is club  # the bot is still in it
    emulator.end_outage(club)
    back = (await gateway.dispatch("GUILD_CREATE"))["d"]
    assert back["id"] == str(club.id) and back["unavailable"] is False
    # Leaving for good is a GUILD_DELETE without "unavailable".
    emulator.remove_guild(club)
    assert (await gateway.dispatch("GUILD_DELETE"))["d"] == {"id": str(club.id)}
    await gateway.ws.close()
