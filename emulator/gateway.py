"""The gateway: HELLO/IDENTIFY/READY, heartbeats, dispatches with sequence numbers, RESUME.

Frames are queued per session with their sequence number assigned synchronously, and a writer task
drains the queue to whichever socket the session currently has. That keeps dispatch order equal to
call order (GUILD_CREATE before the INTERACTION_CREATE that follows it) and makes RESUME a matter of
rewinding the writer to the client's last sequence number.

A session is only sent the events its IDENTIFY intents asked for (``protocol.receives``), and
without MESSAGE_CONTENT it gets other members' guild messages with their content blanked, as
Discord does.

Sharding follows Discord's rules: a session that IDENTIFYs with ``shard: [shard_id, num_shards]``
gets READY, GUILD_CREATE and every later event (interactions included) only for the guilds where
``(guild_id >> 22) % num_shards == shard_id``; events without a guild (DMs) go to shard 0 only. An
unsharded session is shard 0 of 1. Each session applies the formula on its own, so sessions may
overlap (see ``Gateway._identify``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from emulator.protocol import (
    ALL_INTENTS,
    PRIVILEGED_INTENTS,
    GatewayCloseCode,
    GatewayOpcode,
    Intent,
    receives,
)

if TYPE_CHECKING:
    from emulator.server import DiscordEmulator

log = logging.getLogger(__name__)

REPLAY_BUFFER = 2000  # already-sent dispatches kept per session for RESUME (unsent ones are never dropped)
CONTENT_EVENTS = frozenset({"MESSAGE_CREATE", "MESSAGE_UPDATE"})
CONTENT_FIELDS = ("content", "embeds", "attachments", "components", "poll")


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard that receives ``guild_id``'s events when a bot runs ``shard_count`` shards."""
    return (guild_id >> 22) % shard_count


def _valid_shard(shard: Any) -> bool:
    return (
        isinstance(shard, list)
        and len(shard) == 2
        and all(isinstance(x, int) and not isinstance(x, bool) for x in shard)
        and 0 <= shard[0] < shard[1]
    )


def _frame(op: int, data: Any = None, *, event: str | None = None, seq: int | None = None) -> str:
    return json.dumps({"op": op, "d": data, "s": seq, "t": event})


def _without_content(data: dict[str, Any], bot_id: int) -> dict[str, Any]:
    """A message as an app without MESSAGE_CONTENT sees it, unless it wrote it or is mentioned in it."""
    author = (data.get("author") or {}).get("id")
    mentioned = any(str(u.get("id")) == str(bot_id) for u in data.get("mentions") or [])
    if author == str(bot_id) or mentioned or not any(data.get(key) for key in CONTENT_FIELDS):
        return data
    blanked = {key: value for key, value in data.items() if key != "poll"}
    blanked.update(content="", embeds=[], attachments=[], components=[])
    return blanked


class GatewaySession:
    """One IDENTIFYed session: survives socket drops until the client closes it or RESUME fails."""

    def __init__(
        self, session_id: str, intents: int, shard: tuple[int, int] | None, *, bot_id: int = 0
    ) -> None:
        self.session_id = session_id
        self.intents = intents
        self.shard = shard
        self.bot_id = bot_id
        self.seq = 0
        self.sent = 0
        self.buffer: deque[dict[str, Any]] = deque()
        self.ws: web.WebSocketResponse | None = None
        self.invalidated = False
        self._wakeup = asyncio.Event()
        self._flushed = asyncio.Event()
        self._flushed.set()
        self._writer: asyncio.Task[None] | None = None

    @property
    def connected(self) -> bool:
        return self.ws is not None and not self.ws.closed

    def covers(self, guild_id: int | None) -> bool:
        """Whether this session is sent the events of ``guild_id`` (None: events without a guild)."""
        if self.shard is None:
            return True
        shard_id, shard_count = self.shard
        if guild_id is None:
            return shard_id == 0
        return shard_of(guild_id, shard_count) == shard_id

    def wants(self, event: str, *, dm: bool = False) -> bool:
        """Whether this session's intents ask for ``event`` (from a guild, or from a DM when ``dm``)."""
        return receives(self.intents, event, in_guild=not dm)

    def dispatch(self, event: str, data: dict[str, Any], *, dm: bool = False) -> int | None:
        """Queue a dispatch if the session's intents ask for it; it reaches the socket (now or after
        RESUME) in call order. Returns its sequence number, or None when the intents filtered it out.
        """
        if not self.wants(event, dm=dm):
            return None
        if event in CONTENT_EVENTS and not dm and not self.intents & Intent.MESSAGE_CONTENT:
            data = _without_content(data, self.bot_id)
        self.seq += 1
        self.buffer.append({"op": GatewayOpcode.DISPATCH, "d": data, "s": self.seq, "t": event})
        self._flushed.clear()
        self._wakeup.set()
        return self.seq

    def attach(self, ws: web.WebSocketResponse, after_seq: int) -> bool:
        """Point the writer at ``ws`` and replay everything after ``after_seq``; False if too old."""
        oldest = self.buffer[0]["s"] if self.buffer else self.seq + 1
        if after_seq < oldest - 1 or after_seq > self.seq:
            return False
        self.ws = ws
        self.sent = after_seq
        if self._writer is not None:
            self._writer.cancel()
        self._writer = asyncio.create_task(self._write(ws), name=f"emulator-gateway-writer-{self.session_id}")
        self._wakeup.set()
        return True

    def detach(self, ws: web.WebSocketResponse) -> None:
        if self.ws is ws:
            self.ws = None
            if self._writer is not None:
                self._writer.cancel()
                self._writer = None

    async def wait_flushed(self) -> None:
        await self._flushed.wait()

    async def _write(self, ws: web.WebSocketResponse) -> None:
        try:
            while self.ws is ws and not ws.closed:
                while self.sent < self.seq and self.ws is ws:
                    frame = self.buffer[self.sent + 1 - self.buffer[0]["s"]]
                    await ws.send_str(json.dumps(frame))
                    self.sent = frame["s"]
                    while len(self.buffer) > REPLAY_BUFFER and self.buffer[0]["s"] <= self.sent:
                        self.buffer.popleft()
                self._flushed.set()
                self._wakeup.clear()
                await self._wakeup.wait()
        except (ConnectionError, RuntimeError) as exc:
            log.debug("gateway writer for %s stopped: %s", self.session_id, exc)
        finally:
            # Nothing more goes out on this socket; never leave IDENTIFY/RESUME waiting for it
            # (unless a newer writer has taken over and owns the flushed state now).
            if self._writer is None or self._writer is asyncio.current_task():
                self._flushed.set()


class Gateway:
    """Accepts websocket connections at /gateway and routes dispatches to sessions."""

    def __init__(self, emu: DiscordEmulator) -> None:
        self.emu = emu
        self.sessions: dict[str, GatewaySession] = {}
        self._sockets: set[web.WebSocketResponse] = set()
        self._dropped: set[web.WebSocketResponse] = set()  # sockets the emulator closed on purpose
        self.ready = asyncio.Event()
        self.idle = asyncio.Event()  # no socket connected
        self.idle.set()
        self.identify_count = 0  # READYs sent (counted once every GUILD_CREATE went out)
        self.resume_count = 0
        self._changed = asyncio.Event()

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for(self, predicate: Callable[[], bool]) -> None:
        """Wait until ``predicate()`` holds; re-checked after every session state change."""
        while not predicate():
            await self._changed.wait()

    # -- routing ---------------------------------------------------------------------------------

    def live_sessions(self) -> list[GatewaySession]:
        return [s for s in self.sessions.values() if not s.invalidated]

    def sessions_for(self, guild_id: int | None) -> list[GatewaySession]:
        """Every live session that receives the events of ``guild_id`` (None: a DM), oldest first."""
        return [s for s in self.live_sessions() if s.covers(guild_id)]

    def broadcast(self, event: str, data: dict[str, Any], *, guild_id: int | None) -> int:
        """Dispatch to every live session that covers the guild (None: a DM, shard 0 only) and whose
        intents ask for the event. Returns how many sessions it was queued for."""
        queued = 0
        for session in self.sessions_for(guild_id):
            if session.dispatch(event, data, dm=guild_id is None) is not None:
                queued += 1
        return queued

    def shards(self) -> list[tuple[int, int] | None]:
        """The ``[shard_id, num_shards]`` of every live session (None: unsharded), oldest first."""
        return [s.shard for s in self.live_sessions()]

    async def wait_flushed(self) -> None:
        """Wait until every connected session has written out everything queued for it."""
        for session in self.live_sessions():
            if session.connected:
                await session.wait_flushed()

    # -- connection handling ---------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        version = request.query.get("v", "10")
        if version != "10":
            await ws.close(code=GatewayCloseCode.INVALID_API_VERSION, message=b"Invalid API version")
            return ws
        if request.query.get("encoding", "json") != "json":
            await ws.close(code=GatewayCloseCode.DECODE_ERROR, message=b"Only encoding=json is emulated")
            return ws
        self._sockets.add(ws)
        self.idle.clear()
        session: GatewaySession | None = None
        interval_ms = int(self.emu.heartbeat_interval * 1000)
        acks: set[asyncio.Task[None]] = set()
        try:
            hello = {"heartbeat_interval": interval_ms, "_trace": ["emulator"]}
            await ws.send_str(_frame(GatewayOpcode.HELLO, hello))
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    await ws.close(code=GatewayCloseCode.DECODE_ERROR, message=b"Decode error")
                    break
                try:
                    payload = json.loads(message.data)
                    op, data = payload["op"], payload.get("d")
                except (ValueError, KeyError, TypeError):
                    await ws.close(code=GatewayCloseCode.DECODE_ERROR, message=b"Decode error")
                    break
                if op == GatewayOpcode.HEARTBEAT:
                    ack = asyncio.create_task(self._acknowledge(ws), name="emulator-gateway-heartbeat-ack")
                    acks.add(ack)
                    ack.add_done_callback(acks.discard)
                elif op in (GatewayOpcode.IDENTIFY, GatewayOpcode.RESUME):
                    if session is not None:
                        await ws.close(
                            code=GatewayCloseCode.ALREADY_AUTHENTICATED, message=b"Already authenticated"
                        )
                        break
                    if op == GatewayOpcode.IDENTIFY:
                        session = await self._identify(ws, data)
                    else:
                        session = await self._resume(ws, data)
                    if ws.closed:
                        break
                elif session is None:
                    await ws.close(code=GatewayCloseCode.NOT_AUTHENTICATED, message=b"Not authenticated")
                    break
                elif op in (GatewayOpcode.PRESENCE_UPDATE, GatewayOpcode.VOICE_STATE_UPDATE):
                    continue
                elif op == GatewayOpcode.REQUEST_GUILD_MEMBERS:
                    self._request_members(session, data)
                else:
                    await ws.close(code=GatewayCloseCode.UNKNOWN_OPCODE, message=b"Unknown opcode")
                    break
        finally:
            for ack in list(acks):
                ack.cancel()
            self._sockets.discard(ws)
            dropped_by_us = ws in self._dropped
            self._dropped.discard(ws)
            if session is not None:
                session.detach(ws)
                if not dropped_by_us and ws.close_code in (1000, 1001) and session.ws is None:
                    # A clean close by the client ends the session (Discord forgets it too).
                    session.invalidated = True
                    log.debug("gateway session %s closed by client (%s)", session.session_id, ws.close_code)
            if not any(s.connected for s in self.sessions.values()):
                self.ready.clear()
            if not self._sockets:
                self.idle.set()
            self._notify()
        return ws

    async def _acknowledge(self, ws: web.WebSocketResponse) -> None:
        """Answer a heartbeat a moment later, as a network round trip would.

        discord.py's keep-alive thread notes when it sent a heartbeat only after the send returned;
        an ACK that arrives before that is measured against the previous heartbeat, and it warns
        "Can't keep up, websocket is 41s behind". Real Discord is never that quick.
        """
        await asyncio.sleep(min(self.emu.heartbeat_ack_delay, self.emu.heartbeat_interval / 4))
        if not ws.closed:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await ws.send_str(_frame(GatewayOpcode.HEARTBEAT_ACK))

    async def _identify(self, ws: web.WebSocketResponse, data: Any) -> GatewaySession | None:
        emu = self.emu
        if not isinstance(data, dict) or data.get("token") != emu.token:
            await ws.close(code=GatewayCloseCode.AUTHENTICATION_FAILED, message=b"Authentication failed")
            return None
        intents = data.get("intents")
        if not isinstance(intents, int) or intents < 0 or intents & ~ALL_INTENTS:
            await ws.close(code=GatewayCloseCode.INVALID_INTENTS, message=b"Invalid intent(s)")
            return None
        if intents & PRIVILEGED_INTENTS & ~emu.privileged_intents:
            await ws.close(code=GatewayCloseCode.DISALLOWED_INTENTS, message=b"Disallowed intent(s)")
            return None
        shard = data.get("shard")
        if shard is not None and not _valid_shard(shard):
            await ws.close(code=GatewayCloseCode.INVALID_SHARD, message=b"Invalid shard")
            return None
        # A second IDENTIFY for a [shard_id, num_shards] that already has a live session is accepted,
        # and both sessions then get that shard's events, interactions included. Discord documents
        # exactly this ("You can establish multiple sessions with the same [shard_id, num_shards], or
        # sessions with different num_shards values", Gateway › Sharding, used for zero-downtime
        # hand-overs), and two processes of one bot both receiving every interaction is what
        # developers report (KBVE/kbve#7329, HuyaneMatsu/hata#80): the first callback wins and the
        # other gets 40060 "Interaction has already been acknowledged". ``shards()`` shows overlaps.
        session = GatewaySession(
            secrets.token_hex(16),
            intents,
            (shard[0], shard[1]) if shard is not None else None,
            bot_id=emu.bot_user.id,
        )
        self.sessions[session.session_id] = session
        session.attach(ws, 0)
        guilds = [g for g in emu.guilds.values() if session.covers(g.id)]
        ready: dict[str, Any] = {
            "v": 10,
            "user": emu.bot_user_payload(),
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": emu.gateway_url,
            "application": {"id": str(emu.application_id), "flags": emu.application_flags},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "user_settings": {},
            "auth": {},
            "geo_ordered_rtc_regions": ["emulator"],
            "_trace": ["emulator"],
        }
        if session.shard is not None:
            ready["shard"] = list(session.shard)
        session.dispatch("READY", ready)
        if session.wants("GUILD_CREATE"):
            for guild in guilds:
                session.dispatch("GUILD_CREATE", guild.payload())
        await session.wait_flushed()
        log.info(
            "gateway session %s identified (intents=%s, shard=%s, %d guilds)",
            session.session_id,
            intents,
            session.shard,
            len(guilds),
        )
        self.identify_count += 1
        self.ready.set()
        self._notify()
        return session

    async def _resume(self, ws: web.WebSocketResponse, data: Any) -> GatewaySession | None:
        data = data if isinstance(data, dict) else {}
        session = self.sessions.get(str(data.get("session_id")))
        seq = data.get("seq") or 0
        if session is None or session.invalidated or data.get("token") != self.emu.token:
            session = None
        elif not isinstance(seq, int) or not session.attach(ws, seq):
            # A RESUME from a sequence the session cannot replay ends it, as on Discord: the client
            # IDENTIFYs afresh, and the old session must not go on collecting its shard's events.
            session.invalidated = True
            session = None
        if session is None:
            log.info("gateway RESUME refused for session %s", data.get("session_id"))
            await ws.send_str(_frame(GatewayOpcode.INVALID_SESSION, False))
            return None
        self.resume_count += 1
        session.dispatch("RESUMED", {"_trace": ["emulator"]})
        await session.wait_flushed()
        log.info("gateway session %s resumed after seq %s", session.session_id, seq)
        self.ready.set()
        self._notify()
        return session

    def _request_members(self, session: GatewaySession, data: Any) -> None:
        data = data if isinstance(data, dict) else {}
        guild = self.emu.guilds.get(int(data.get("guild_id") or 0))
        if guild is None:
            return
        query = (data.get("query") or "").lower()
        user_ids = {int(u) for u in data.get("user_ids") or []}
        members = [
            m
            for m in guild.members.values()
            if (not user_ids or m.id in user_ids) and m.user.name.lower().startswith(query)
        ]
        limit = data.get("limit") or 0
        if limit:
            members = members[:limit]
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": [m.payload() for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        session.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    # -- test controls ---------------------------------------------------------------------------

    async def drop(
        self, code: int = GatewayCloseCode.UNKNOWN_ERROR, *, shard: tuple[int, int] | None = None
    ) -> None:
        """Close every socket without ending sessions, as a network hiccup would; with ``shard``, only
        the sockets of the sessions IDENTIFYed as that ``(shard_id, num_shards)``."""
        if shard is None:
            self.ready.clear()
            sockets = list(self._sockets)
        else:
            sockets = [s.ws for s in self.live_sessions() if s.shard == shard and s.ws is not None]
        for ws in sockets:
            self._dropped.add(ws)
            with contextlib.suppress(ConnectionError):
                await ws.close(code=code, message=b"Emulated connection drop")

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT; the client then resumes on a new socket."""
        self.ready.clear()
        for ws in list(self._sockets):
            with contextlib.suppress(ConnectionError):
                await ws.send_str(_frame(GatewayOpcode.RECONNECT))

    async def close(self) -> None:
        for session in self.sessions.values():
            session.invalidated = True
        for ws in list(self._sockets):
            with contextlib.suppress(ConnectionError):
                await ws.close(code=1001, message=b"Emulator shutting down")
