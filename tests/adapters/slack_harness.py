"""The real Slack app served over HTTP on 127.0.0.1, driven by signed requests as Slack sends them.

Its Web API points at `FakeSlack`; `response_url`s too. Requests are signed with the real time
(Bolt checks it), while the bot's own clock is a `ManualClock` the tests move.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import re
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, parse_qsl, urlencode, urlparse

import aiohttp
from aiohttp import web
from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.slack import EVENTS_PATH, SlackBot, app_runner
from bot.adapters.slack.installations import EncryptedInstallationStore
from bot.app import Buddy, build
from bot.config import Settings
from bot.core.identity import Platform
from bot.delivery import Delivery, RetryPolicy
from bot.plugins.slack import build_slack, serve_slack
from bot.store.secrets import SecretBox, parse_keys
from bot.store.slack import async_engine_for
from tests.adapters.slack_fake import BOT_USER, FakeSlack
from tests.fakes import ManualClock

_REQUEST_NUMBERS = itertools.count(1)
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
CLIENT_ID = "1111.2222"
SECRET_KEY = Fernet.generate_key().decode()  # BUDDY_SECRET_KEY: multi-workspace needs one
START = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # a Thursday
FORM = "application/x-www-form-urlencoded"


@contextlib.contextmanager
def clean_environment() -> Iterator[None]:
    """Bolt reads SLACK_* variables by itself: a developer's own must not leak into a test."""
    with mock.patch.dict(os.environ):
        for name in list(os.environ):
            if name.upper().startswith(("SLACK_", "BUDDY_", "DATABASE_URL", "PORT")):
                del os.environ[name]
        yield


@dataclass
class SlackHarness:
    fake: FakeSlack
    buddy: Buddy
    bot: SlackBot
    delivery: Delivery
    clock: ManualClock
    url: str
    http: aiohttp.ClientSession
    # Shared by every harness in the process: like Slack's, no two requests are ever the same,
    # so one bot restarted on the same database never takes a new request for a replay.
    _keys: Iterator[int] = field(default_factory=lambda: _REQUEST_NUMBERS)
    # The answers that came in acknowledgements, by the key of the command's response_url.
    acked: dict[str, dict[str, Any]] = field(default_factory=dict)

    async def settle(self) -> None:
        """Wait until the app has finished what it does after answering: Bolt's event listeners
        (run after the ack, in tasks of its listener runner) and the adapter's own tasks."""
        while True:
            pending = [
                task
                for task in asyncio.all_tasks()
                if "run_ack_function_asynchronously" in task.get_coro().__qualname__  # type: ignore[union-attr]
                and not task.done()
            ]
            if not pending and not self.bot.busy:
                return
            await asyncio.gather(*pending, self.bot.settle(), return_exceptions=True)

    # -- the raw request, signed as Slack signs it --

    async def post(
        self,
        body: str,
        *,
        content_type: str,
        timestamp: int | None = None,
        signature: str | None = "sign",
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        sent = {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp, **(headers or {})}
        if signature == "sign":
            signature = SignatureVerifier(SIGNING_SECRET).generate_signature(
                timestamp=stamp, body=body
            )
        if signature is not None:
            sent["X-Slack-Signature"] = signature
        async with self.http.post(self.url + EVENTS_PATH, data=body, headers=sent) as response:
            status, text = response.status, await response.text()
        fields = dict(parse_qsl(body)) if content_type == FORM else {}
        if status == 200 and text and fields.get("command") and fields.get("response_url"):
            # A command answered in its acknowledgement: `reply` finds it by its response_url.
            self.acked[fields["response_url"].rsplit("/", 1)[-1]] = json.loads(text)
        return status, text

    # -- slash commands --

    def command_body(
        self,
        text: str,
        *,
        user: str = "U1",
        team: str = "T1",
        channel: str = "C1",
        channel_name: str = "general",
        key: str = "",
    ) -> str:
        return urlencode(
            {
                "token": "legacy-verification-token",
                "team_id": team,
                "team_domain": f"team-{team.lower()}",
                "channel_id": channel,
                "channel_name": channel_name,
                "user_id": user,
                "user_name": user.lower(),
                "command": "/buddy",
                "text": text,
                "api_app_id": "A1",
                "is_enterprise_install": "false",
                "response_url": self.fake.response_url(key),
                "trigger_id": f"trigger-{key}",
            }
        )

    async def command(self, text: str, **where: str) -> str:
        """Send `/buddy <text>`; returns the key of its response_url."""
        key = f"r{next(self._keys)}"
        status, _ = await self.post(self.command_body(text, key=key, **where), content_type=FORM)
        assert status == 200
        return key

    async def reply(self, key: str) -> dict[str, Any]:
        """The one reply: in the command's acknowledgement, else posted to its response_url."""
        if key in self.acked:
            await self.settle()
            assert self.fake.replies(key) == [], "answered twice"
            return self.acked[key]
        await self.fake.wait_until(lambda: self.fake.replies(key))
        await self.settle()
        replies = self.fake.replies(key)
        assert len(replies) == 1, replies
        return replies[0]

    async def install_through_oauth(self, *, code: str = "one-time-code") -> None:
        """The OAuth flow, as a workspace admin's browser goes through it (the fake grants T9)."""
        async with self.http.get(self.url + "/slack/install") as page:
            html = await page.text()
            cookie = page.headers["Set-Cookie"].split(";", 1)[0]
        link = re.search(r'href="(https://slack.com/oauth/v2/authorize\?[^"]+)"', html)
        assert link is not None
        state = parse_qs(urlparse(link.group(1).replace("&amp;", "&")).query)["state"][0]
        redirect = f"/slack/oauth_redirect?code={code}&state={state}"
        async with self.http.get(self.url + redirect, headers={"Cookie": cookie}) as done:
            assert done.status == 200

    async def ask(self, text: str, **where: str) -> dict[str, Any]:
        return await self.reply(await self.command(text, **where))

    # -- buttons --

    async def press(
        self,
        button: dict[str, Any],
        *,
        user: str = "U1",
        team: str = "T1",
        channel: str = "C1",
        home: bool = False,
    ) -> str:
        key = f"r{next(self._keys)}"
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team},
            "api_app_id": "A1",
            "token": "legacy-verification-token",
            "trigger_id": f"trigger-{key}",
            "team": {"id": team, "domain": f"team-{team.lower()}"},
            "is_enterprise_install": False,
            "actions": [
                {
                    "type": "button",
                    "action_id": button["action_id"],
                    "block_id": "b1",
                    "text": button["text"],
                    "value": button.get("value", ""),
                    "action_ts": str(time.time()),
                }
            ],
        }
        if home:
            payload["container"] = {"type": "view", "view_id": "V1"}
            payload["view"] = {"id": "V1", "type": "home", "team_id": team, "blocks": []}
        else:
            payload["container"] = {"type": "message", "channel_id": channel, "is_ephemeral": True}
            payload["channel"] = {"id": channel, "name": "general"}
            payload["response_url"] = self.fake.response_url(key)
        status, _ = await self.post(
            urlencode({"payload": json.dumps(payload)}),
            content_type="application/x-www-form-urlencoded",
        )
        assert status == 200
        return key

    # -- events --

    async def event(
        self,
        event: dict[str, Any],
        *,
        team: str = "T1",
        event_id: str = "Ev1",
        retry: int | None = None,
    ) -> int:
        body = {
            "token": "legacy-verification-token",
            "team_id": team,
            "api_app_id": "A1",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": team, "user_id": BOT_USER, "is_bot": True}],
        }
        headers = {}
        if retry is not None:
            headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        status, _ = await self.post(
            json.dumps(body), content_type="application/json", headers=headers
        )
        await self.settle()
        return status

    async def submit_view(
        self, view: dict[str, Any], values: dict[str, Any], *, user: str = "U1"
    ) -> tuple[int, str]:
        """A form (modal) the bot opened, submitted with `values` (a view_submission)."""
        payload = {
            "type": "view_submission",
            "team": {"id": "T1", "domain": "team-t1"},
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T1"},
            "api_app_id": "A1",
            "token": "legacy-verification-token",
            "trigger_id": "t2",
            "view": {**view, "id": "V7", "team_id": "T1", "state": {"values": values}},
            "response_urls": [],
            "is_enterprise_install": False,
        }
        return await self.post(
            urlencode({"payload": json.dumps(payload)}),
            content_type="application/x-www-form-urlencoded",
        )


def buttons(blocks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The buttons of a message or view, by label."""
    return {
        element["text"]["text"]: element
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
    }


def all_text(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(block["text"]["text"] for block in blocks if block["type"] == "section")


async def install(
    engine: AsyncEngine, team: str, *, secret_key: str = SECRET_KEY, org_wide: bool = False
) -> None:
    """Record an installation as the OAuth flow would, with the bot token `xoxb-<team>`
    (`org_wide`: `team` is an Enterprise Grid organisation's id, installed org-wide)."""
    store = EncryptedInstallationStore(
        client_id=CLIENT_ID, engine=engine, secrets=SecretBox(parse_keys(secret_key))
    )
    await store.create_tables()  # type: ignore[no-untyped-call]
    await store.async_save(
        Installation(
            app_id="A1",
            enterprise_id=team if org_wide else None,
            team_id=None if org_wide else team,
            team_name=None if org_wide else f"Team {team}",
            is_enterprise_install=org_wide,
            bot_token=f"xoxb-{team}",
            bot_id="BBUDDY",
            bot_user_id=BOT_USER,
            bot_scopes=["chat:write", "commands"],
            user_id="UADMIN",
            installed_at=time.time(),
        )
    )


@contextlib.asynccontextmanager
async def running_slack(
    database_url: str,
    *,
    multi_workspace: bool = False,
    teams: tuple[str, ...] = ("T1",),
    extra_settings: dict[str, Any] | None = None,
    secret_key: str = SECRET_KEY,
    fake: FakeSlack | None = None,
) -> AsyncIterator[SlackHarness]:
    """The whole bot with its Slack adapter served on a free port, and its fake Slack (a new
    one, or `fake` if given, already started: it then outlives the bot)."""
    async with contextlib.AsyncExitStack() as stack:
        stack.enter_context(clean_environment())
        if fake is None:
            fake = await FakeSlack().start()
            stack.push_async_callback(fake.stop)
        clock = ManualClock(START)
        settings = Settings(
            database_url=database_url,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=fake.api_url,
            slack_bot_token="" if multi_workspace else "xoxb-T1",
            slack_client_id=CLIENT_ID if multi_workspace else "",
            slack_client_secret="client-secret" if multi_workspace else "",
            **{"buddy_secret_key": secret_key if multi_workspace else "", **(extra_settings or {})},
        )
        buddy = build(settings, clock=clock)
        stack.callback(buddy.engine.dispose)
        oauth_engine = async_engine_for(database_url) if multi_workspace else None
        if oauth_engine is not None:
            stack.push_async_callback(oauth_engine.dispose)
            for team in teams:
                await install(oauth_engine, team, secret_key=secret_key)
        bot = await build_slack(buddy, oauth_engine=oauth_engine)
        stack.push_async_callback(bot.close)
        runner = app_runner(bot)  # as served: its access log leaves out query strings
        await runner.setup()
        stack.push_async_callback(runner.cleanup)
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        http = await stack.enter_async_context(aiohttp.ClientSession())
        # Tests count from here: not the start's calls (auth.test for each token), nor the
        # replies to an earlier bot on the same fake (its response_url keys start over).
        fake.calls.clear()
        fake.responses.clear()
        yield SlackHarness(
            fake=fake,
            buddy=buddy,
            bot=bot,
            delivery=Delivery(
                queue=buddy.outbox_queue,
                messengers={Platform.SLACK: bot.messenger},
                clock=clock,
                retry=RetryPolicy(base_delay=1.0),
            ),
            clock=clock,
            url=f"http://127.0.0.1:{port}",
            http=http,
        )


@contextlib.asynccontextmanager
async def serving_in_socket_mode(
    database_url: str, *, tick: bool | None = None, extra_settings: dict[str, Any] | None = None
) -> AsyncIterator[FakeSlack]:
    """`buddy slack` with an app token, connected to a fake Slack that knows Ann (U1 in T1);
    the fake keeps what it saw after the bot has stopped."""
    fake = await FakeSlack().start()
    fake.add_user("T1", "U1", name="Ann")
    with clean_environment():
        settings = Settings(
            database_url=database_url,
            slack_app_token="xapp-1-A1-secret",
            slack_bot_token="xoxb-T1",
            slack_api_url=fake.api_url,
            **(extra_settings or {}),
        )
        buddy = build(settings)
        served = asyncio.create_task(serve_slack(buddy, tick=tick))
        try:
            await fake.wait_until(lambda: fake.socket_connected)
            yield fake
        finally:
            served.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await served
            await fake.stop()
            buddy.engine.dispose()
