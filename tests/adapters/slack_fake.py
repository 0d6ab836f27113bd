"""A local fake of Slack's Web API and `response_url`s on 127.0.0.1, recording every call.

It speaks Slack's wire format: methods at `/api/<method>` taking form, JSON or query arguments
and a bearer token, answering `{"ok": ...}` JSON; it can be told to answer 429 with
`Retry-After`, a 5xx, or a Slack error. Socket Mode too: `apps.connections.open` hands out a
WebSocket on which the fake sends envelopes and records the app's acks. Bot tokens look like
`xoxb-<team id>`, so the fake knows which workspace a call acts for (`xoxb-E…`: an org-wide
installation of Enterprise Grid organisation `E…`); a token in `revoked` is refused.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

BOT_USER = "UBUDDY"


@dataclass(frozen=True)
class Call:
    method: str
    args: dict[str, Any]
    token: str

    @property
    def team(self) -> str:
        return self.token.removeprefix("xoxb-")


@dataclass(frozen=True)
class Response:
    """A post to a `response_url` (how replies to commands and buttons reach the member)."""

    key: str
    body: dict[str, Any]


@dataclass
class _Failure:
    status: int
    error: str
    retry_after: int | None
    times: int


@dataclass
class FakeSlack:
    users: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)
    uploads: dict[str, bytes] = field(default_factory=dict)
    socket_acks: list[dict[str, Any]] = field(default_factory=list)
    revoked: set[str] = field(default_factory=set)  # tokens Slack answers `token_revoked`
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    _failures: dict[str, list[_Failure]] = field(default_factory=dict)
    _runner: web.AppRunner | None = None
    base_url: str = ""
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    # -- set-up --

    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{key}", self._respond)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, key: str) -> str:
        return f"{self.base_url}/respond/{key}"

    def add_user(
        self,
        team: str,
        user: str,
        *,
        name: str,
        tz: str = "Europe/Paris",
        is_admin: bool = False,
    ) -> None:
        self.users[(team, user)] = {
            "id": user,
            "team_id": team,
            "name": name.lower(),
            "real_name": name,
            "tz": tz,
            "is_admin": is_admin,
            "profile": {"display_name": name, "real_name": name},
        }

    def fail(
        self,
        method: str,
        *,
        status: int = 429,
        error: str = "ratelimited",
        retry_after: int | None = 0,
        times: int = 1,
    ) -> None:
        """The next `times` calls to `method` fail this way."""
        self._failures.setdefault(method, []).append(_Failure(status, error, retry_after, times))

    def recover(self) -> None:
        """Forget every failure still to come: Slack is healthy again."""
        self._failures.clear()

    async def send_envelope(self, kind: str, payload: dict[str, Any]) -> str:
        """Send a Socket Mode envelope (`slash_commands`, `events_api`, `interactive`)."""
        envelope_id = f"envelope-{len(self.socket_acks) + len(self.calls)}"
        await self._sockets[-1].send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": kind != "events_api",
                "retry_attempt": 0,
                "retry_reason": "",
            }
        )
        return envelope_id

    @property
    def socket_connected(self) -> bool:
        return any(not socket.closed for socket in self._sockets)

    # -- what happened --

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def replies(self, key: str) -> list[dict[str, Any]]:
        return [response.body for response in self.responses if response.key == key]

    async def wait_until(self, check: Callable[[], Any], *, timeout: float = 5.0) -> Any:
        """Wait for something the app does after it answered (a reply, a Home refresh)."""

        async def ready() -> Any:
            async with self._changed:
                await self._changed.wait_for(check)
                return check()

        return await asyncio.wait_for(ready(), timeout)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # -- the wire --

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            args.update(await request.json())
        elif request.can_read_body:
            args.update(await request.post())
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        token = token or str(args.pop("token", ""))
        call = Call(method, args, token)
        self.calls.append(call)
        await self._notify()
        pending = self._failures.get(method)
        if pending:
            failure = pending[0]
            failure.times -= 1
            if failure.times <= 0:
                pending.pop(0)
            headers = {}
            if failure.retry_after is not None:
                headers["Retry-After"] = str(failure.retry_after)
            return web.json_response(
                {"ok": False, "error": failure.error}, status=failure.status, headers=headers
            )
        return web.json_response(self._answer(call))

    def _answer(self, call: Call) -> dict[str, Any]:
        args, n = call.args, len(self.calls)
        match call.method:
            case "auth.test":
                if not call.token.startswith("xoxb-"):
                    return {"ok": False, "error": "invalid_auth"}
                if call.token in self.revoked:
                    return {"ok": False, "error": "token_revoked"}
                if call.team.startswith("E"):
                    return {
                        "ok": True,
                        "url": "https://example.enterprise.slack.com/",
                        "team": None,
                        "team_id": None,
                        "enterprise_id": call.team,
                        "user": "buddy",
                        "user_id": BOT_USER,
                        "bot_id": "BBUDDY",
                        "is_enterprise_install": True,
                    }
                return {
                    "ok": True,
                    "url": "https://example.slack.com/",
                    "team": f"Team {call.team}",
                    "team_id": call.team,
                    "user": "buddy",
                    "user_id": BOT_USER,
                    "bot_id": "BBUDDY",
                    "is_enterprise_install": False,
                }
            case "users.info":
                user = self.users.get((call.team, str(args.get("user"))))
                return (
                    {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
                )
            case "conversations.open":
                users = sorted(str(args.get("users", "")).split(","))
                channel = f"D{users[0]}" if len(users) == 1 else "G" + "".join(users)
                return {"ok": True, "channel": {"id": channel}}
            case "apps.connections.open":
                if not call.token.startswith("xapp-"):
                    return {"ok": False, "error": "invalid_auth"}
                return {"ok": True, "url": f"{self.base_url.replace('http', 'ws', 1)}/socket"}
            case "chat.postMessage":
                return {"ok": True, "channel": args.get("channel"), "ts": f"{n}.000100"}
            case "chat.update":
                return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}
            case "chat.postEphemeral":
                return {"ok": True, "message_ts": f"{n}.000200"}
            case "views.publish" | "views.open" | "views.update":
                return {"ok": True, "view": {"id": f"V{n}", **_loaded(args.get("view"))}}
            case "files.getUploadURLExternal":
                return {
                    "ok": True,
                    "upload_url": f"{self.base_url}/upload/F{n}",
                    "file_id": f"F{n}",
                }
            case "files.completeUploadExternal":
                files = _loaded(args.get("files"))
                return {"ok": True, "files": [{"id": f["id"], "title": f["title"]} for f in files]}
            case "oauth.v2.access":
                team = "T9"
                return {
                    "ok": True,
                    "app_id": "A1",
                    "authed_user": {"id": "U1"},
                    "scope": str(args.get("scope", "chat:write,commands")),
                    "token_type": "bot",
                    "access_token": f"xoxb-{team}",
                    "bot_user_id": BOT_USER,
                    "team": {"id": team, "name": "Team Nine"},
                    "enterprise": None,
                    "is_enterprise_install": False,
                }
        return {"ok": False, "error": "unknown_method"}

    async def _respond(self, request: web.Request) -> web.Response:
        self.responses.append(Response(request.match_info["key"], await request.json()))
        await self._notify()
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_json({"type": "hello", "num_connections": 1})
        await self._notify()
        async for frame in socket:
            if frame.type == WSMsgType.TEXT:
                self.socket_acks.append(json.loads(frame.data))
                await self._notify()
        return socket

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file_id"]] = await request.read()
        return web.Response(text="OK")


def _loaded(value: Any) -> Any:
    """Arguments sent as form fields arrive as JSON strings."""
    return json.loads(value) if isinstance(value, str) else (value or {})
