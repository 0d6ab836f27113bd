"""A fake Discord on 127.0.0.1 (REST and gateway, in Discord's wire format) and payload builders.

The fake records what the bot sends: interaction callbacks and follow-ups, channel messages, DMs,
threads and their members, command registrations; it can answer 429 (with Discord's body and
headers) and 403 `50007` for members whose DMs are closed. Its gateway says HELLO, answers
IDENTIFY with READY and the guilds, and pushes whatever events a test sends.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import shutil
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.adapters.discord_bot import BuddyClient, make_client, point_at
from bot.app import Buddy, build
from bot.config import Settings
from bot.core.effects import Effect
from bot.core.identity import Platform
from bot.delivery import DeliveryReport
from bot.plugins.discord_bot import discord_ports
from tests.fakes import ManualClock
from tests.unit.harness import NOW

TOKEN = "fake-bot-token"
APP_ID = 410000000000000001
COMMAND_ID = 420000000000000001
EPHEMERAL = 64
# What Discord computes for a member in a channel (the bits discord.py reads as Permissions).
MEMBER_PERMISSIONS = 0x0000_0000_0000_0C00  # view channel, send messages
ORGANISER_PERMISSIONS = MEMBER_PERMISSIONS | 0x10  # + manage channels
BOT_PERMISSIONS = 0x0000_0050_0000_0C00  # + create private threads, send messages in threads
MANAGE_EVENTS = 1 << 33
CANNOT_DM = {"message": "Cannot send messages to this user", "code": 50007}


@dataclass(frozen=True)
class FakeUser:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False

    @property
    def display_name(self) -> str:
        return self.global_name or self.username

    def json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.username,
            "global_name": self.global_name,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }


@dataclass(frozen=True)
class FakeGuild:
    id: int
    name: str
    channel_id: int  # its #general

    def channel_json(self) -> dict[str, Any]:
        return {
            "id": str(self.channel_id),
            "type": 0,
            "guild_id": str(self.id),
            "name": "general",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }

    def create_event(self, *, manage_events: bool = True) -> dict[str, Any]:
        """GUILD_CREATE as the gateway sends it to a bot with only the `guilds` intent: the bot's
        own member with its role (Manage Events or not) among the members."""
        bot_role = {
            "id": str(self.id + 1),
            "name": "Networking Buddy",
            "permissions": str(BOT_PERMISSIONS | (MANAGE_EVENTS if manage_events else 0)),
            "position": 1,
            "color": 0,
            "hoist": False,
            "managed": True,
            "mentionable": False,
            "flags": 0,
        }
        bot_member = {**_member_json(BOT, BOT_PERMISSIONS), "roles": [bot_role["id"]]}
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "owner_id": str(ALICE.id),
            "features": [],
            "roles": [
                {
                    "id": str(self.id),  # @everyone has the guild's id
                    "name": "@everyone",
                    "permissions": str(MEMBER_PERMISSIONS),
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                    "flags": 0,
                },
                bot_role,
            ],
            "emojis": [],
            "stickers": [],
            "channels": [self.channel_json()],
            "threads": [],
            "members": [bot_member],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "member_count": 4,
            "large": False,
            "unavailable": False,
            "joined_at": "2026-01-01T00:00:00+00:00",
            "preferred_locale": "en-US",
            "premium_tier": 0,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "system_channel_flags": 0,
        }


BOT = FakeUser(APP_ID, "buddy", "Networking Buddy", bot=True)
ALICE = FakeUser(200000000000000001, "alice", "Alice")
BOB = FakeUser(200000000000000002, "bob", "Bob")
CAROL = FakeUser(200000000000000003, "carol", "Carol")
MALLORY = FakeUser(200000000000000004, "mallory", "Mallory")
USERS = (ALICE, BOB, CAROL, MALLORY)
GUILD_A = FakeGuild(300000000000000001, "Rustaceans", 310000000000000001)
GUILD_B = FakeGuild(300000000000000002, "Pythonistas", 310000000000000002)


@dataclass
class Request:
    method: str
    path: str  # after /api/v10
    query: Mapping[str, str]
    body: Any  # the JSON body (or a multipart's payload_json)
    files: dict[str, bytes]
    at: float  # monotonic seconds


@dataclass
class Posted:
    """A message the bot created: in a channel, a DM, a thread, or as an interaction reply."""

    channel_id: int
    body: dict[str, Any]  # what the bot sent: content, allowed_mentions, components, flags
    message: dict[str, Any]  # what Discord answered
    files: dict[str, bytes]

    @property
    def content(self) -> str:
        return str(self.body.get("content") or "")

    @property
    def allowed_mentions(self) -> Any:
        return self.body.get("allowed_mentions")

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [c for row in self.body.get("components", []) for c in row.get("components", [])]

    def button(self, label: str) -> dict[str, Any]:
        return next(b for b in self.buttons if b.get("label") == label)


@dataclass
class _Failure:
    method: str
    path: re.Pattern[str]
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    times: int


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


def _json(
    data: Any, *, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    # Exactly `application/json`, no charset: discord.py parses nothing else as JSON.
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


@dataclass
class FakeDiscord:
    """Discord's REST API and gateway as far as the bot uses them, recording everything."""

    users: dict[int, FakeUser] = field(default_factory=lambda: {u.id: u for u in (BOT, *USERS)})
    guilds: list[FakeGuild] = field(default_factory=lambda: [GUILD_A, GUILD_B])
    dms_closed: set[int] = field(default_factory=set)
    require_sharding: bool = False  # close IDENTIFYs without a shard with 4011

    requests: list[Request] = field(default_factory=list)
    posted: list[Posted] = field(default_factory=list)
    edited: list[Posted] = field(default_factory=list)  # PATCHes of posted messages
    callbacks: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by token
    dm_channels: dict[int, int] = field(default_factory=dict)  # user id -> DM channel id
    threads: dict[int, dict[str, Any]] = field(default_factory=dict)
    thread_members: dict[int, list[int]] = field(default_factory=dict)
    registered: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by scope
    identifies: list[dict[str, Any]] = field(default_factory=list)
    # Guild scheduled events, by id, as Discord keeps them; the bot may make them only while
    # it has Manage Events.
    scheduled_events: dict[str, dict[str, Any]] = field(default_factory=dict)
    manage_events: bool = True

    def __post_init__(self) -> None:
        self._ids = itertools.count(500000000000000001)
        self._failures: list[_Failure] = []
        self._sockets: list[web.WebSocketResponse] = []
        self._seq = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def close(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # --- what tests ask -------------------------------------------------------------------

    def fail(
        self,
        method: str,
        path: str,
        *,
        status: int,
        body: dict[str, Any],
        headers: Mapping[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` matching requests with this error."""
        self._failures.append(
            _Failure(method, re.compile(path), status, body, dict(headers or {}), times)
        )

    def rate_limit(self, method: str, path: str, *, retry_after: float, times: int = 1) -> None:
        """A 429 as Discord sends it: JSON body, Retry-After and X-RateLimit-* headers, Via."""
        self.fail(
            method,
            path,
            status=429,
            body={
                "message": "You are being rate limited.",
                "retry_after": retry_after,
                "global": False,
            },
            headers={
                "Retry-After": str(retry_after),
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
                "X-RateLimit-Reset-After": str(retry_after),
                "X-RateLimit-Bucket": "fake-bucket",
                "X-RateLimit-Scope": "user",
                "Via": "1.1 google",  # discord.py treats a 429 without it as a Cloudflare ban
            },
            times=times,
        )

    async def wait_for(self, check: Callable[[], bool], *, timeout: float = 5.0) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(check), timeout)

    def replies(self, token: str) -> list[Posted]:
        """The replies to one interaction: its immediate response and its follow-ups."""
        return [p for p in self.posted if p.message.get("webhook_token") == token]

    def dms(self, user: FakeUser) -> list[Posted]:
        channel = self.dm_channels.get(user.id)
        return [p for p in self.posted if channel is not None and p.channel_id == channel]

    def in_channel(self, channel_id: int) -> list[Posted]:
        return [p for p in self.posted if p.channel_id == channel_id]

    def calls(self, method: str, path: str) -> list[Request]:
        pattern = re.compile(path)
        return [r for r in self.requests if r.method == method and pattern.fullmatch(r.path)]

    # --- gateway --------------------------------------------------------------------------

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Push an event to every connected gateway session."""
        for socket in list(self._sockets):
            await socket.send_str(
                json.dumps({"op": 0, "t": event, "s": next(self._seq), "d": data})
            )

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
        async for frame in socket:
            if frame.type is not WSMsgType.TEXT:
                break
            payload = json.loads(frame.data)
            if payload["op"] == 1:  # heartbeat
                await socket.send_str(json.dumps({"op": 11}))
            elif payload["op"] == 2:  # identify
                await self._identified(socket, payload["d"])
        if socket in self._sockets:
            self._sockets.remove(socket)
        return socket

    async def _identified(self, socket: web.WebSocketResponse, identify: dict[str, Any]) -> None:
        async with self._changed:
            self.identifies.append(identify)
            self._changed.notify_all()
        if self.require_sharding and "shard" not in identify:
            await socket.close(code=4011, message=b"Sharding required.")
            return
        ready = {
            "v": 10,
            "user": BOT.json() | {"verified": True, "mfa_enabled": False, "flags": 0},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in self.guilds],
            "session_id": "fake-session",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(APP_ID), "flags": 0},
            "private_channels": [],
            "relationships": [],
        }
        if "shard" in identify:
            ready["shard"] = identify["shard"]
        await socket.send_str(json.dumps({"op": 0, "t": "READY", "s": next(self._seq), "d": ready}))
        for guild in self.guilds:
            event = {"op": 0, "t": "GUILD_CREATE", "s": next(self._seq), "d": guild.create_event()}
            await socket.send_str(json.dumps(event))
        async with self._changed:
            self._sockets.append(socket)
            self._changed.notify_all()

    @property
    def sessions(self) -> int:
        """Gateway sessions that are identified and ready for events."""
        return len(self._sockets)

    # --- REST -----------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["tail"]
        body: Any = None
        files: dict[str, bytes] = {}
        if request.content_type == "application/json":
            body = await request.json()
        elif request.content_type.startswith("multipart/"):
            form = await request.post()
            for name, value in form.items():
                if name == "payload_json":
                    body = json.loads(str(value))
                elif isinstance(value, web.FileField):
                    files[value.filename] = value.file.read()
        recorded = Request(request.method, path, dict(request.query), body, files, time.monotonic())
        async with self._changed:
            self.requests.append(recorded)
            response = self._failure(recorded) or self._route(recorded)
            self._changed.notify_all()
        return response

    def _failure(self, request: Request) -> web.Response | None:
        for failure in self._failures:
            if failure.method == request.method and failure.path.fullmatch(request.path):
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                return _json(failure.body, status=failure.status, headers=failure.headers)
        return None

    def _route(self, r: Request) -> web.Response:
        routes: list[tuple[str, str, Callable[..., web.Response]]] = [
            ("GET", r"users/@me", self._me),
            ("GET", r"oauth2/applications/@me", self._application),
            ("GET", r"gateway/bot", self._gateway_bot),
            ("GET", r"users/(\d+)", self._user),
            ("POST", r"users/@me/channels", self._open_dm),
            ("GET", r"channels/(\d+)", self._channel),
            ("POST", r"channels/(\d+)/messages", self._channel_message),
            ("PATCH", r"channels/(\d+)/messages/(\d+)", self._edit_message),
            ("POST", r"channels/(\d+)/threads", self._thread),
            ("PUT", r"channels/(\d+)/thread-members/(\d+)", self._thread_member),
            ("POST", r"interactions/(\d+)/([^/]+)/callback", self._callback),
            ("POST", r"webhooks/(\d+)/([^/]+)", self._followup),
            ("PUT", r"applications/(\d+)/commands", self._register),
            ("PUT", r"applications/(\d+)/guilds/(\d+)/commands", self._register),
            ("POST", r"guilds/(\d+)/scheduled-events", self._create_scheduled),
            ("GET", r"guilds/(\d+)/scheduled-events/(\d+)", self._get_scheduled),
            ("PATCH", r"guilds/(\d+)/scheduled-events/(\d+)", self._edit_scheduled),
        ]
        for method, pattern, handler in routes:
            match = re.fullmatch(pattern, r.path)
            if method == r.method and match:
                return handler(r, *match.groups())
        return _json({"message": "404: Not Found", "code": 0}, status=404)

    def _me(self, r: Request) -> web.Response:
        return _json(BOT.json() | {"verified": True, "mfa_enabled": False, "flags": 0})

    def _application(self, r: Request) -> web.Response:
        return _json(
            {
                "id": str(APP_ID),
                "name": "Networking Buddy",
                "icon": None,
                "description": "",
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": ALICE.json(),
                "verify_key": "0" * 64,
                "flags": 0,
                "summary": "",
            }
        )

    def _gateway_bot(self, r: Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return _json({"url": self.gateway_url, "shards": 1, "session_start_limit": limit})

    def _user(self, r: Request, user_id: str) -> web.Response:
        user = self.users.get(int(user_id))
        if user is None:
            return _json({"message": "Unknown User", "code": 10013}, status=404)
        return _json(user.json())

    def _open_dm(self, r: Request) -> web.Response:
        user = self.users[int(r.body["recipient_id"])]
        channel_id = self.dm_channels.setdefault(user.id, next(self._ids))
        return _json(
            {
                "id": str(channel_id),
                "type": 1,
                "recipients": [user.json()],
                "last_message_id": None,
                "flags": 0,
            }
        )

    def _channel(self, r: Request, channel_id: str) -> web.Response:
        for guild in self.guilds:
            if guild.channel_id == int(channel_id):
                return _json(guild.channel_json())
        if int(channel_id) in self.threads:
            return _json(self.threads[int(channel_id)])
        return _json({"message": "Unknown Channel", "code": 10003}, status=404)

    def _message(self, channel_id: int, body: dict[str, Any], **extra: Any) -> dict[str, Any]:
        files = body.get("attachments", [])
        return {
            "id": str(next(self._ids)),
            "channel_id": str(channel_id),
            "type": 0,
            "content": body.get("content") or "",
            "author": BOT.json(),
            "attachments": [
                {
                    "id": str(next(self._ids)),
                    "filename": f.get("filename", "file"),
                    "size": 1,
                    "url": "https://cdn.invalid/f",
                    "proxy_url": "https://cdn.invalid/f",
                }
                for f in files
            ],
            "embeds": [],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": False,
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "flags": body.get("flags", 0),
            "components": body.get("components", []),
            **extra,
        }

    def _channel_message(self, r: Request, channel_id: str) -> web.Response:
        channel = int(channel_id)
        recipient = next((u for u, c in self.dm_channels.items() if c == channel), None)
        if recipient in self.dms_closed:
            return _json(CANNOT_DM, status=403)
        message = self._message(channel, r.body)
        self.posted.append(Posted(channel, r.body, message, r.files))
        return _json(message)

    def _edit_message(self, r: Request, channel_id: str, message_id: str) -> web.Response:
        original = next((p for p in self.posted if p.message["id"] == message_id), None)
        if original is None or original.channel_id != int(channel_id):
            return _json({"message": "Unknown Message", "code": 10008}, status=404)
        message = {**original.message, **self._message(int(channel_id), r.body), "id": message_id}
        self.edited.append(Posted(int(channel_id), r.body, message, r.files))
        return _json(message)

    def _create_scheduled(self, r: Request, guild_id: str) -> web.Response:
        if not self.manage_events:
            return _json({"message": "Missing Permissions", "code": 50013}, status=403)
        made = {
            "id": str(next(self._ids)),
            "guild_id": guild_id,
            "channel_id": None,
            "creator_id": str(BOT.id),
            "name": r.body["name"],
            "description": r.body.get("description"),
            "scheduled_start_time": r.body["scheduled_start_time"],
            "scheduled_end_time": r.body.get("scheduled_end_time"),
            "privacy_level": r.body["privacy_level"],
            "status": 1,  # scheduled
            "entity_type": r.body["entity_type"],
            "entity_id": None,
            "entity_metadata": r.body.get("entity_metadata"),
            "image": None,
        }
        self.scheduled_events[made["id"]] = made
        return _json(made)

    def _get_scheduled(self, r: Request, guild_id: str, event_id: str) -> web.Response:
        found = self.scheduled_events.get(event_id)
        if found is None or found["guild_id"] != guild_id:
            return _json({"message": "Unknown Guild Scheduled Event", "code": 10070}, status=404)
        return _json(found)

    def _edit_scheduled(self, r: Request, guild_id: str, event_id: str) -> web.Response:
        found = self.scheduled_events.get(event_id)
        if found is None or found["guild_id"] != guild_id:
            return _json({"message": "Unknown Guild Scheduled Event", "code": 10070}, status=404)
        if not self.manage_events:
            return _json({"message": "Missing Permissions", "code": 50013}, status=403)
        found.update(r.body)
        return _json(found)

    def _thread(self, r: Request, channel_id: str) -> web.Response:
        parent = next(g for g in self.guilds if g.channel_id == int(channel_id))
        thread_id = next(self._ids)
        thread = {
            "id": str(thread_id),
            "type": r.body.get("type", 12),
            "guild_id": str(parent.id),
            "parent_id": channel_id,
            "name": r.body["name"],
            "owner_id": str(BOT.id),
            "member_count": 1,
            "message_count": 0,
            "rate_limit_per_user": 0,
            "flags": 0,
            "last_message_id": None,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": r.body.get("auto_archive_duration", 4320),
                "archive_timestamp": _now_iso(),
                "locked": False,
                "invitable": r.body.get("invitable", True),
            },
        }
        self.threads[thread_id] = thread
        self.thread_members[thread_id] = [BOT.id]
        return _json(thread, status=201)

    def _thread_member(self, r: Request, thread_id: str, user_id: str) -> web.Response:
        self.thread_members[int(thread_id)].append(int(user_id))
        return web.Response(status=204)

    def _callback(self, r: Request, interaction_id: str, token: str) -> web.Response:
        self.callbacks.setdefault(token, []).append(r.body)
        flags = (r.body.get("data") or {}).get("flags", 0)
        resource: dict[str, Any] = {"type": r.body["type"]}
        if r.body["type"] == 4:  # CHANNEL_MESSAGE_WITH_SOURCE: the reply is in the response
            message = self._message(0, r.body["data"], webhook_token=token)
            self.posted.append(Posted(0, r.body["data"], message, r.files))
            resource["message"] = {k: v for k, v in message.items() if k != "webhook_token"}
        return _json(
            {
                "interaction": {
                    "id": interaction_id,
                    "type": 2,
                    "response_message_loading": r.body["type"] == 5,
                    "response_message_ephemeral": bool(flags & EPHEMERAL),
                },
                "resource": resource,
            }
        )

    def _followup(self, r: Request, app_id: str, token: str) -> web.Response:
        message = self._message(0, r.body, webhook_id=app_id, webhook_token=token)
        self.posted.append(Posted(0, r.body, message, r.files))
        return _json({k: v for k, v in message.items() if k != "webhook_token"})

    def _register(self, r: Request, app_id: str, guild_id: str | None = None) -> web.Response:
        commands = [
            command
            | {
                "id": str(next(self._ids)),
                "application_id": app_id,
                "version": "1",
                **({"guild_id": guild_id} if guild_id else {}),
            }
            for command in r.body
        ]
        self.registered[guild_id or "global"] = commands
        return _json(commands)


# --- INTERACTION_CREATE payloads, as Discord sends them ------------------------------------

_interaction_ids = itertools.count(600000000000000001)


def _member_json(user: FakeUser, permissions: int) -> dict[str, Any]:
    return {
        "user": user.json(),
        "nick": None,
        "avatar": None,
        "roles": [],
        "joined_at": "2026-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "permissions": str(permissions),
        "communication_disabled_until": None,
    }


def _base(
    user: FakeUser, guild: FakeGuild | None, *, kind: int, permissions: int
) -> dict[str, Any]:
    interaction_id = next(_interaction_ids)
    payload: dict[str, Any] = {
        "id": str(interaction_id),
        "application_id": str(APP_ID),
        "type": kind,
        "token": f"token-{interaction_id}",
        "version": 1,
        "locale": "en-US",
        "entitlements": [],
        "attachment_size_limit": 10 * 1024 * 1024,
        "app_permissions": str(BOT_PERMISSIONS),
    }
    if guild is None:
        payload |= {
            "user": user.json(),
            "context": 1,
            "authorizing_integration_owners": {"0": str(user.id)},
        }
    else:
        payload |= {
            "guild_id": str(guild.id),
            "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
            "guild_locale": "en-US",
            "channel_id": str(guild.channel_id),
            "channel": guild.channel_json(),
            "member": _member_json(user, permissions),
            "context": 0,
            "authorizing_integration_owners": {"0": str(guild.id)},
        }
    return payload


def _options(values: Mapping[str, Any], focused: str | None) -> tuple[list[Any], dict[str, Any]]:
    options: list[dict[str, Any]] = []
    resolved: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, FakeUser):
            option = {"type": 6, "name": name, "value": str(value.id)}
            resolved.setdefault("users", {})[str(value.id)] = value.json()
            member = _member_json(value, MEMBER_PERMISSIONS)
            del member["user"]
            resolved.setdefault("members", {})[str(value.id)] = member
        elif isinstance(value, int):
            option = {"type": 4, "name": name, "value": value}
        else:
            option = {"type": 3, "name": name, "value": value}
        if name == focused:
            option["focused"] = True
        options.append(option)
    return options, resolved


def slash(
    user: FakeUser,
    subcommand: str,
    *,
    guild: FakeGuild | None = GUILD_A,
    permissions: int = MEMBER_PERMISSIONS,
    focused: str | None = None,
    **values: Any,
) -> dict[str, Any]:
    """`/buddy <subcommand> option:value …` (type 2), or its autocomplete (type 4) if `focused`.

    A subcommand in a group is named by its path, e.g. "channel join".
    """
    kind = 4 if focused else 2
    payload = _base(user, guild, kind=kind, permissions=permissions)
    options, resolved = _options(values, focused)
    *groups, name = subcommand.split()
    sub: dict[str, Any] = {"type": 1, "name": name, "options": options}
    for group in reversed(groups):
        sub = {"type": 2, "name": group, "options": [sub]}
    payload["data"] = {
        "id": str(COMMAND_ID),
        "name": "buddy",
        "type": 1,
        "options": [sub],
        **({"resolved": resolved} if resolved else {}),
    }
    return payload


def press(
    user: FakeUser, posted: Posted, label: str, *, guild: FakeGuild | None = GUILD_A
) -> dict[str, Any]:
    """A button of a message the bot sent, pressed (type 3)."""
    payload = _base(user, guild, kind=3, permissions=MEMBER_PERMISSIONS)
    button = posted.button(label)
    message = dict(posted.message)
    message.pop("webhook_token", None)
    if guild is None:  # a DM: the channel is the DM channel the message is in
        payload["channel_id"] = message["channel_id"]
        payload["channel"] = {"id": message["channel_id"], "type": 1}
    else:  # a reply to an earlier command, in the channel it was run in
        message["channel_id"] = str(guild.channel_id)
    payload["message"] = message
    payload["data"] = {"custom_id": button["custom_id"], "component_type": 2}
    return payload


# --- the bot, driven as Discord drives it --------------------------------------------------


def replies_text(posted: list[Posted]) -> str:
    return "\n".join(p.content for p in posted)


@dataclass
class DiscordWorld:
    """A fake Discord, the real bot on a real database, and a real discord.py client logged in
    to the fake. Events go through the client's ConnectionState parsers, as the gateway feeds
    them; every outbound call goes through discord.py's HTTP client to the fake."""

    fake: FakeDiscord
    buddy: Buddy
    clock: ManualClock
    dm_interval: float = 0.0
    client_options: dict[str, Any] = field(default_factory=dict)  # for make_client
    client: BuddyClient = field(init=False)

    def __post_init__(self) -> None:
        self._finished: asyncio.Queue[None] = asyncio.Queue()

    async def start_client(self) -> None:
        """A new client object, as after a restart: nothing carried over but the database."""
        ports = discord_ports(self.buddy, after_each=lambda: self._finished.put_nowait(None))
        self.client = make_client(ports, dm_interval=self.dm_interval, **self.client_options)
        await self.client.login(TOKEN)  # REST only; runs setup_hook
        for guild in self.fake.guilds:
            event = guild.create_event(manage_events=self.fake.manage_events)
            self.client._connection.parsers["GUILD_CREATE"](event)

    async def restart(self) -> None:
        await self.client.close()
        await self.start_client()

    async def interact(self, payload: dict[str, Any]) -> list[Posted]:
        """Dispatch INTERACTION_CREATE and wait until the bot has answered it."""
        self.dispatch(payload)
        return await self.answered(payload)

    def dispatch(self, payload: dict[str, Any]) -> None:
        """INTERACTION_CREATE, as the gateway feeds it; `answered` waits for its end."""
        self.client._connection.parsers["INTERACTION_CREATE"](payload)

    async def answered(self, payload: dict[str, Any]) -> list[Posted]:
        """Wait until the bot has finished with a dispatched interaction; its replies."""
        await asyncio.wait_for(self._finished.get(), timeout=10)
        return self.fake.replies(payload["token"])

    async def slash(self, user: FakeUser, subcommand: str, **options: Any) -> list[Posted]:
        return await self.interact(slash(user, subcommand, **options))

    async def say(self, user: FakeUser, subcommand: str, **options: Any) -> str:
        return replies_text(await self.slash(user, subcommand, **options))

    async def press(
        self, user: FakeUser, posted: Posted, label: str, *, guild: FakeGuild | None = GUILD_A
    ) -> list[Posted]:
        return await self.interact(press(user, posted, label, guild=guild))

    async def autocomplete(
        self, user: FakeUser, subcommand: str, *, focused: str, **options: Any
    ) -> list[dict[str, Any]]:
        payload = slash(user, subcommand, focused=focused, **options)
        self.client._connection.parsers["INTERACTION_CREATE"](payload)
        await self.fake.wait_for(lambda: payload["token"] in self.fake.callbacks)
        [callback] = self.fake.callbacks[payload["token"]]
        assert callback["type"] == 8  # APPLICATION_COMMAND_AUTOCOMPLETE_RESULT
        return list(callback["data"]["choices"])

    async def deliver(self) -> DeliveryReport:
        return await self.buddy.delivery({Platform.DISCORD: self.client.messenger}).deliver_due()

    async def remove_guild(self, guild: FakeGuild) -> None:
        self.client._connection.parsers["GUILD_DELETE"]({"id": str(guild.id)})
        for _ in range(100):  # the handler erases in a worker thread
            await asyncio.sleep(0.01)
            if self.client.get_guild(guild.id) is None and not _pending_tasks("guild_remove"):
                return


def _pending_tasks(name: str) -> bool:
    return any(name in task.get_name() and not task.done() for task in asyncio.all_tasks())


def copy_database(template: Path, directory: Path) -> str:
    path = directory / "buddy.sqlite3"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


@contextlib.asynccontextmanager
async def discord_world(
    database_url: str, *, dm_interval: float = 0.0, **client_options: Any
) -> AsyncIterator[DiscordWorld]:
    fake = FakeDiscord()
    await fake.start()
    saved = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    point_at(api_url=fake.api_url, gateway_url=fake.gateway_url)
    clock = ManualClock(NOW)
    settings = Settings(database_url=database_url)
    buddy = build(settings, clock=clock, migrate=False)
    world = DiscordWorld(fake, buddy, clock, dm_interval=dm_interval, client_options=client_options)
    try:
        await world.start_client()
        yield world
    finally:
        await world.client.close()
        await fake.close()
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved
        buddy.engine.dispose()


def queue(world: DiscordWorld, effect: Effect, *, key: str) -> None:
    """Put an effect in the outbox, as a command, the ticker or a pairing round would."""
    with world.buddy.uow_factory() as uow:
        now = world.clock.now()
        uow.outbox.add(effect, key=key, now=now, not_before=now)
        uow.commit()
