"""The Slack app: slack-bolt's `AsyncApp`, its install settings and middlewares, and serving."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import ClientSession, web
from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.listener.async_builtins import AsyncTokenRevocationListeners
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse

from bot.adapters.slack.config import EVENTS_PATH, SCOPES, SlackConfig, SlackPorts
from bot.adapters.slack.edge import PathOnlyAccessLogger, library_logger, well_formed
from bot.adapters.slack.forms import FORM
from bot.adapters.slack.listeners import Listeners
from bot.adapters.slack.messenger import SlackClients, SlackMessenger, web_client
from bot.adapters.slack.people import Expiring, People
from bot.adapters.slack.render import ACTION_ID
from bot.adapters.slack.workspaces import CHECK_EVERY, WorkspaceGuard
from bot.core.identity import Member

log = logging.getLogger(__name__)

# The answer to a command from a workspace this app doesn't serve (or naming none).
NOT_HERE = (
    "⚠️ This app isn't set up for this Slack workspace, so I can't help here. Nothing was kept."
)


class SlackBot(Listeners):
    """The Bolt app and its listeners, the messenger, and the aiohttp app that serves them."""

    def __init__(self, config: SlackConfig, ports: SlackPorts) -> None:
        """Build it inside the running event loop (its HTTP session belongs to that loop)."""
        self.config = config
        self._http = ClientSession()
        self._ports = ports
        self._service = ports.service
        self.people = People()
        # Members who looked at their Home tab lately: their Home is kept current after changes
        # (anyone else's is rebuilt when they open it: Slack sends app_home_opened each time).
        self._home_viewers: Expiring[Member, bool] = Expiring(ttl=3600.0)
        self._tasks: set[asyncio.Task[None]] = set()
        self.guard = WorkspaceGuard(
            teams=ports.workspaces,
            erase=self._erase_workspace,
            web=lambda token: web_client(api_url=config.api_url, token=token, session=self._http),
            bot_token=config.single_token,
            installations=ports.installations,
        )
        self.app = self._bolt_app()
        self._revocations = (
            AsyncTokenRevocationListeners(ports.installations) if ports.installations else None
        )
        self.messenger = SlackMessenger(
            SlackClients(
                api_url=config.api_url,
                session=self._http,
                bot_token=config.single_token,
                installations=ports.installations,
            )
        )
        self.app.middleware(self._readable)
        self.app.middleware(self._note_team)
        self.app.middleware(self._once_per_event)
        self.app.command("/buddy")(self._on_command)
        self.app.action(ACTION_ID)(self._on_press)
        self.app.view(FORM)(self._on_form)
        self.app.event("app_home_opened")(self._on_home_opened)
        self.app.event("app_uninstalled")(self._on_uninstalled)
        self.app.event("tokens_revoked")(self._on_tokens_revoked)

    def _bolt_app(self) -> AsyncApp:
        config, ports = self.config, self._ports
        if not config.multi_workspace:
            return AsyncApp(
                signing_secret=config.signing_secret,
                logger=library_logger(),
                client=web_client(
                    api_url=config.api_url, token=config.bot_token, session=self._http
                ),
                before_authorize=self._own_workspaces_only,
            )
        if ports.installations is None or ports.oauth_states is None:
            raise ValueError("a multi-workspace Slack app needs installation and state stores")
        client = web_client(api_url=config.api_url, session=self._http)
        return AsyncApp(
            signing_secret=config.signing_secret,
            logger=library_logger(),
            client=client,
            before_authorize=self._own_workspaces_only,
            installation_store_bot_only=True,
            # Bolt takes an AsyncAuthorize here too, though its hint names only plain callables.
            authorize=AsyncInstallationStoreAuthorize(  # type: ignore[arg-type]
                logger=library_logger(),
                installation_store=ports.installations,
                client_id=config.client_id,
                client_secret=config.client_secret,
                bot_only=True,
                cache_enabled=True,  # auth.test once per token, not per request
                client=client,
            ),
            oauth_settings=AsyncOAuthSettings(
                client_id=config.client_id,
                client_secret=config.client_secret,
                scopes=list(SCOPES),
                installation_store=ports.installations,
                installation_store_bot_only=True,
                state_store=ports.oauth_states,
            ),
        )

    async def _readable(
        self, body: dict[str, Any], next_: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        """A payload no listener could read (no member, say) is refused, over Socket Mode too."""
        if not well_formed(body):
            log.warning("refused a malformed Slack payload")
            return BoltResponse(status=400, body="")
        await next_()
        return None

    # -- workspaces: only those the bot is installed in --

    async def _own_workspaces_only(
        self,
        body: dict[str, Any],
        context: AsyncBoltContext,
        next_: Callable[[], Awaitable[None]],
    ) -> BoltResponse | None:
        """Before authorization: a request from a workspace the bot doesn't serve (or naming
        none) is answered politely, and nothing of it is stored."""
        if not await self.guard.admits(body, context):
            log.warning("refused a request from a workspace this app doesn't serve")
            if body.get("command"):
                return BoltResponse(
                    status=200,
                    body=json.dumps({"response_type": "ephemeral", "text": NOT_HERE}),
                    headers={"content-type": "application/json"},
                )
            return BoltResponse(status=200, body="")
        await next_()
        return None

    async def _note_team(
        self, context: AsyncBoltContext, next_: Callable[[], Awaitable[None]]
    ) -> None:
        # In the background: a slow database never delays the ack.
        if self.guard.noteworthy(context):
            self._in_background(self.guard.note(context))
        await next_()

    async def check_workspaces(self, *, starting: bool = False) -> None:
        """Erase workspaces whose token Slack says is gone (at start, then daily)."""
        await self.guard.check(starting=starting)

    # -- events: each applied once, however often Slack retries it --

    async def _once_per_event(
        self, body: dict[str, Any], next_: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id:
            first = await asyncio.to_thread(
                self._ports.events.first_seen,
                str(event_id),
                workspace_id=str(body.get("team_id", "")),
            )
            if not first:
                log.info("dropped a retried event", extra={"event_id": event_id})
                return BoltResponse(status=200, body="")
        await next_()
        return None

    async def close(self) -> None:
        await self.settle()
        await self._http.close()


def app_runner(bot: SlackBot) -> web.AppRunner:
    """The web app's runner; its access log leaves out query strings (an OAuth `code`)."""
    return web.AppRunner(bot.web_app(), access_log_class=PathOnlyAccessLogger)


async def run(
    bot: SlackBot,
    *,
    app_token: str = "",
    host: str = "0.0.0.0",
    port: int = 3000,
    background: Callable[[], Awaitable[None]] | None = None,
    check_every: float = CHECK_EVERY,
) -> None:
    """Serve until cancelled: Socket Mode with an app token, else HTTP on `port`.

    `background` (the ticker and the delivery loop) runs on the same event loop, and so does
    the check, every `check_every` seconds, that each workspace's token still works.
    """
    async with contextlib.AsyncExitStack() as stack:
        stack.push_async_callback(bot.close)  # last, once nothing arrives any more
        watching = asyncio.create_task(bot.guard.watch(every=check_every))
        stack.callback(watching.cancel)
        if app_token:
            # Socket Mode's client (and Bolt's sync handlers beside it) only when it is used.
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            handler = AsyncSocketModeHandler(bot.app, app_token)
            await handler.connect_async()  # type: ignore[no-untyped-call]
            stack.push_async_callback(handler.close_async)
            log.info("Slack: connected in Socket Mode")
        else:
            runner = app_runner(bot)
            await runner.setup()
            stack.push_async_callback(runner.cleanup)
            await web.TCPSite(runner, host, port).start()
            log.info("Slack: listening on http://%s:%d%s", host, port, EVENTS_PATH)
        if background is not None:
            await background()
        await asyncio.Event().wait()  # until cancelled (Ctrl-C)
