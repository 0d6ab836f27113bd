"""The Slack app: slack-bolt `AsyncApp` handlers over Socket Mode or HTTP, and its messenger."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from aiohttp import ClientError, ClientSession, web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.listener.async_builtins import AsyncTokenRevocationListeners
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.edge import (
    PathOnlyAccessLogger,
    RequestLog,
    library_logger,
    replay_key,
    signed_by_slack,
    well_formed,
)
from bot.adapters.slack.render import (
    ACTION_ID,
    FILE_COMMENT_LIMIT,
    PROMISE_FORM,
    CommandText,
    fallback_text,
    form_command,
    home_view,
    promise_form,
    read_command_text,
    render,
    result_modal,
)
from bot.adapters.slack.workspaces import CHECK_EVERY, SlackTeams, WorkspaceGuard
from bot.commands.base import ActionInput, CommandInput
from bot.commands.parsing import input_refusal
from bot.commands.service import CommandService
from bot.core.errors import PermanentDeliveryError, RateLimited, TransientDeliveryError
from bot.core.identity import Channel, Member, Platform, Workspace
from bot.core.message import Message, text_message

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
ACK_SENT = "buddy_ack_sent"  # in a request's Bolt context: set once the HTTP answer is written
REPLAY_KEY = "buddy_replay_key"  # in a signed request's Bolt context: what identifies a replay
DEFAULT_API_URL = "https://slack.com/api/"

# Exactly what the code below calls; slack/manifest.yml lists the same.
SCOPES = (
    "chat:write",  # chat.postMessage: DMs and group DMs
    "commands",  # /buddy
    "files:write",  # files_upload_v2: the `export` file
    "im:write",  # conversations.open with one member
    "mpim:write",  # conversations.open with several: introductions
    "users:read",  # users.info: names and time zones
)

# The answer to a command from a workspace this app doesn't serve (or naming none).
NOT_HERE = (
    "⚠️ This app isn't set up for this Slack workspace, so I can't help here. Nothing was kept."
)

# The App Home shows the replies of these commands, so its rules stay in the core.
HOME_COMMANDS = ("promises", "follow-ups", "stats", "settings")

# Slack's errors that retrying can never fix (the rest are retried by the outbox, then dropped).
PERMANENT_ERRORS = frozenset(
    {
        "account_inactive",
        "cannot_dm_bot",
        "channel_not_found",
        "invalid_auth",
        "invalid_blocks",
        "is_archived",
        "messages_tab_disabled",
        "missing_scope",
        "msg_too_long",
        "no_permission",
        "not_authed",
        "not_in_channel",
        "restricted_action",
        "team_access_not_granted",
        "token_expired",
        "token_revoked",
        "user_disabled",
        "user_not_found",
        "users_not_found",
    }
)


@dataclass(frozen=True)
class SlackConfig:
    """Single workspace with `bot_token`; multi-workspace install with `client_id`/`secret`."""

    signing_secret: str = ""
    api_url: str = DEFAULT_API_URL
    bot_token: str = ""
    client_id: str = ""
    client_secret: str = ""
    metrics_token: str = ""  # when set, /metrics wants `Authorization: Bearer <token>`

    @property
    def multi_workspace(self) -> bool:
        return bool(self.client_id and self.client_secret)


class EventLog(Protocol):
    def first_seen(self, event_id: str, *, workspace_id: str) -> bool:
        """True the first time an Events API `event_id` is offered, False for Slack's retries."""
        ...


@dataclass(frozen=True)
class SlackPorts:
    """What the adapter needs from the rest of the bot; storage calls are synchronous."""

    service: CommandService
    events: EventLog
    workspaces: SlackTeams
    # Multi-workspace only; also lists its installations (`InstalledBots`) for the daily check.
    installations: AsyncInstallationStore | None = None
    oauth_states: AsyncOAuthStateStore | None = None
    after_change: Callable[[], Awaitable[object]] | None = None  # e.g. wake the delivery loop
    metrics_page: Callable[[], tuple[bytes, str]] | None = None  # served at /metrics: body, type
    requests: RequestLog | None = None  # signed requests seen: a replay runs nothing


def web_client(
    *, api_url: str, token: str | None = None, session: ClientSession | None = None
) -> AsyncWebClient:
    """A Web API client that waits out one 429 itself; the outbox retries beyond that.

    With a `session`, calls reuse its connections instead of a new one (and TLS handshake) each.
    """
    return AsyncWebClient(
        token=token,
        base_url=api_url,
        session=session,
        logger=library_logger(),
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(),
            AsyncRateLimitErrorRetryHandler(max_retry_count=1),
        ],
    )


def _workspace(context: AsyncBoltContext) -> Workspace:
    """The workspace a request comes from (an org-wide install has only an enterprise id)."""
    return Workspace(Platform.SLACK, context.team_id or context.enterprise_id or "")


def _member(context: AsyncBoltContext, user_id: str) -> Member:
    return Member(Platform.SLACK, _workspace(context).workspace_id, user_id)


# --- people: names and time zones from users.info, cached ------------------------------------


@dataclass(frozen=True)
class SlackPerson:
    name: str
    timezone: str | None = None
    is_admin: bool = False


K = TypeVar("K")
V = TypeVar("V")


class Expiring(Generic[K, V]):
    """A bounded map whose entries expire: the least recently used go first when full."""

    def __init__(self, *, ttl: float, size: int = 10_000) -> None:
        self._ttl = ttl
        self._size = size
        self._items: OrderedDict[K, tuple[float, V]] = OrderedDict()

    def get(self, key: K) -> V | None:
        item = self._items.get(key)
        if item is None or item[0] <= time.monotonic():
            return None
        self._items.move_to_end(key)
        return item[1]

    def put(self, key: K, value: V) -> None:
        self._items[key] = (time.monotonic() + self._ttl, value)
        self._items.move_to_end(key)
        if len(self._items) > self._size:
            self._items.popitem(last=False)

    def forget(self, keep: Callable[[K], bool]) -> None:
        for key in [key for key in self._items if not keep(key)]:
            del self._items[key]


class People:
    """users.info answers, kept an hour: a command needs the invoker's zone and mentioned names."""

    def __init__(self) -> None:
        self._known: Expiring[Member, SlackPerson] = Expiring(ttl=3600.0)

    async def get(
        self, client: AsyncWebClient, member: Member, *, fallback: str = ""
    ) -> SlackPerson:
        known = self._known.get(member)
        if known is not None:
            return known
        try:
            response = await client.users_info(user=member.user_id)
        except (SlackClientError, ClientError, TimeoutError) as error:
            log.warning("users.info failed: %s", error, extra={"workspace": member.workspace_id})
            return SlackPerson(fallback or member.user_id)  # not kept: asked again next time
        user = response.get("user") or {}
        profile = user.get("profile") or {}
        name = (
            profile.get("display_name")
            or profile.get("real_name")
            or user.get("real_name")
            or user.get("name")
            or fallback
            or member.user_id
        )
        person = SlackPerson(
            name=name,
            timezone=user.get("tz") or None,
            is_admin=bool(user.get("is_admin") or user.get("is_owner")),
        )
        self._known.put(member, person)
        return person

    def forget_workspace(self, workspace_id: str) -> None:
        self._known.forget(lambda member: member.workspace_id != workspace_id)


# --- outbound: the messenger -----------------------------------------------------------------


class SlackClients:
    """The Web API client for a workspace: the one bot token, or its installation's token."""

    def __init__(
        self,
        *,
        api_url: str,
        session: ClientSession,
        bot_token: str = "",
        installations: AsyncInstallationStore | None,
    ) -> None:
        self._api_url = api_url
        self._session = session
        self._single = (
            web_client(api_url=api_url, token=bot_token, session=session) if bot_token else None
        )
        self._installations = installations
        self._by_token: dict[str, AsyncWebClient] = {}

    async def for_workspace(self, workspace_id: str) -> AsyncWebClient:
        if self._single is not None:
            return self._single
        bot = None
        if self._installations is not None:
            bot = await self._installations.async_find_bot(enterprise_id=None, team_id=workspace_id)
        if bot is None or not bot.bot_token:
            raise PermanentDeliveryError(f"the app is not installed in workspace {workspace_id}")
        client = self._by_token.get(bot.bot_token)
        if client is None:
            client = self._by_token[bot.bot_token] = web_client(
                api_url=self._api_url, token=bot.bot_token, session=self._session
            )
        return client


def _header(response: Any, name: str) -> str | None:
    for key, value in (getattr(response, "headers", None) or {}).items():
        if key.lower() == name:
            return str(value[0] if isinstance(value, list | tuple) else value)
    return None


@contextlib.asynccontextmanager
async def delivery_errors() -> AsyncIterator[None]:
    """Slack's failures as the outbox's words: rate limited, transient, or permanent."""
    try:
        yield
    except SlackApiError as error:
        response = error.response
        status = getattr(response, "status_code", 0)
        code = str(response.get("error", "")) if response is not None else ""
        if status == 429 or code == "ratelimited":
            retry_after = _header(response, "retry-after")
            raise RateLimited(float(retry_after) if retry_after else 1.0) from error
        if code in PERMANENT_ERRORS:
            raise PermanentDeliveryError(code) from error
        raise TransientDeliveryError(f"HTTP {status} {code}".strip()) from error
    except (SlackClientError, ClientError, TimeoutError) as error:
        raise TransientDeliveryError(f"{type(error).__name__}: {error}") from error


class SlackMessenger:
    """DMs via conversations.open + chat.postMessage; introductions in a group DM."""

    def __init__(self, clients: SlackClients) -> None:
        self._clients = clients

    async def send_dm(self, member: Member, message: Message) -> None:
        async with delivery_errors():
            client = await self._clients.for_workspace(member.workspace_id)
            opened = await client.conversations_open(users=member.user_id)
            await self._post(client, opened["channel"]["id"], message)

    async def post(self, channel: Channel, message: Message) -> None:
        async with delivery_errors():
            client = await self._clients.for_workspace(channel.workspace_id)
            await self._post(client, channel.channel_id, message)

    async def open_group(
        self, members: Sequence[Member], *, near: Channel | None
    ) -> Channel | None:
        workspace_id = members[0].workspace_id
        users = sorted({member.user_id for member in members})
        async with delivery_errors():
            client = await self._clients.for_workspace(workspace_id)
            opened = await client.conversations_open(users=",".join(users))
        return Channel(Platform.SLACK, workspace_id, opened["channel"]["id"])

    @staticmethod
    async def _post(client: AsyncWebClient, channel_id: str, message: Message) -> None:
        if message.attachment is None:
            await client.chat_postMessage(
                channel=channel_id,
                unfurl_links=False,
                unfurl_media=False,
                **render(message).as_kwargs(),
            )
            return
        # The file carries the message as its comment: one call, so a retry never posts twice.
        await client.files_upload_v2(
            channel=channel_id,
            filename=message.attachment.filename,
            title=message.attachment.filename,
            content=message.attachment.content,
            initial_comment=fallback_text(message, limit=FILE_COMMENT_LIMIT),
        )


# --- inbound: the Bolt app -------------------------------------------------------------------


class SlackBot:
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
            bot_token="" if config.multi_workspace else config.bot_token,
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
                bot_token="" if config.multi_workspace else config.bot_token,
                installations=ports.installations,
            )
        )
        self.app.middleware(self._readable)
        self.app.middleware(self._note_team)
        self.app.middleware(self._once_per_event)
        self.app.command("/buddy")(self._on_command)
        self.app.action(ACTION_ID)(self._on_press)
        self.app.view(PROMISE_FORM)(self._on_promise_form)
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

    async def _on_home_opened(
        self, event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        await _ack_sent(context)
        if event.get("tab", "home") == "home" and isinstance(event.get("user"), str):
            await self.publish_home(client, _member(context, event["user"]))

    async def _on_uninstalled(self, context: AsyncBoltContext) -> None:
        await self.guard.uninstalled(context)
        if self._revocations is not None:
            await self._revocations.handle_app_uninstalled_events(context)

    async def _on_tokens_revoked(self, event: dict[str, Any], context: AsyncBoltContext) -> None:
        if event.get("tokens", {}).get("bot"):  # the bot can no longer act there: as uninstalled
            await self.guard.uninstalled(context)
        if self._revocations is not None:
            await self._revocations.handle_tokens_revoked_events(event, context)

    async def _erase_workspace(self, workspace: Workspace) -> None:
        await asyncio.to_thread(self._ports.workspaces.erase, workspace)
        self.people.forget_workspace(workspace.workspace_id)
        self._home_viewers.forget(lambda member: member.workspace_id != workspace.workspace_id)
        log.info("erased an uninstalled workspace", extra={"workspace": workspace.workspace_id})

    # -- /buddy: acknowledged at once, answered through response_url --

    async def _on_command(
        self,
        ack: Callable[..., Awaitable[Any]],
        body: dict[str, Any],
        respond: Callable[..., Awaitable[Any]],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        await ack()
        await _ack_sent(context)
        if await self._replayed(context):
            return
        member = _member(context, body["user_id"])
        channel_id = str(body.get("channel_id", ""))
        if body.get("text", "").strip().lower() == "promise" and body.get("trigger_id"):
            await client.views_open(
                trigger_id=body["trigger_id"], view=promise_form(channel_id=channel_id)
            )
            return
        line = read_command_text(body.get("text", ""))
        reply = await self._run(client, member, channel_id, line, body)
        await self._changed(client, member, reply=respond(**_private(reply)))

    async def _run(
        self,
        client: AsyncWebClient,
        member: Member,
        channel_id: str,
        line: CommandText,
        body: dict[str, Any],
    ) -> Message:
        person = await self.people.get(client, member, fallback=str(body.get("user_name", "")))
        names = dict(line.names)
        # A line the service will refuse anyway (too long, too many people) costs no lookups.
        unnamed = line.unnamed if input_refusal(line.text) is None else ()
        for user_id in unnamed:
            mentioned = Member(Platform.SLACK, member.workspace_id, user_id)
            names[user_id] = (await self.people.get(client, mentioned)).name
        command = CommandInput(
            text=line.text,
            invoker=member,
            channel=_channel(member, channel_id),
            invoker_name=person.name,
            mention_names=names,
            platform_timezone=person.timezone,
            is_organiser=person.is_admin,
        )
        return await asyncio.to_thread(self._service.run, command)

    async def _on_promise_form(
        self,
        ack: Callable[..., Awaitable[Any]],
        body: dict[str, Any],
        view: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        await ack(response_action="update", view=result_modal(text_message("Saving…")))
        await _ack_sent(context)
        if await self._replayed(context):
            return
        member = _member(context, body["user"]["id"])
        line = form_command(view["state"]["values"])
        reply = await self._run(client, member, view.get("private_metadata", ""), line, body)
        await self._changed(
            client, member, reply=client.views_update(view_id=view["id"], view=result_modal(reply))
        )

    # -- buttons: every core choice, routed by its action id --

    async def _on_press(
        self,
        ack: Callable[..., Awaitable[Any]],
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Callable[..., Awaitable[Any]],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        await ack()
        await _ack_sent(context)
        if await self._replayed(context):
            return
        match = ACTION_ID.match(action.get("action_id", ""))
        if match is None:
            return
        member = _member(context, body["user"]["id"])
        person = await self.people.get(client, member, fallback=body["user"].get("name", ""))
        press = ActionInput(
            action=match.group("action"),
            payload=str(action.get("value", "")),
            invoker=member,
            channel=_channel(member, str((body.get("channel") or {}).get("id", ""))),
            invoker_name=person.name,
            platform_timezone=person.timezone,
        )
        reply = await asyncio.to_thread(self._service.press, press)
        if (body.get("view") or {}).get("type") == "home":  # no response_url: the Home shows it
            await self._changed(
                client, member, reply=self.publish_home(client, member, notice=reply), home=False
            )
            return
        await self._changed(
            client, member, reply=respond(replace_original=False, **_private(reply))
        )

    # -- App Home --

    async def publish_home(
        self, client: AsyncWebClient, member: Member, *, notice: Message | None = None
    ) -> None:
        person = await self.people.get(client, member)
        sections = [
            await asyncio.to_thread(
                self._service.run,
                CommandInput(
                    text=command,
                    invoker=member,
                    invoker_name=person.name,
                    platform_timezone=person.timezone,
                ),
            )
            for command in HOME_COMMANDS
        ]
        await client.views_publish(user_id=member.user_id, view=home_view(sections, notice=notice))
        self._home_viewers.put(member, True)

    async def _changed(
        self, client: AsyncWebClient, member: Member, *, reply: Awaitable[Any], home: bool = True
    ) -> None:
        """Send the reply; refresh the member's Home tab and deliver what the work queued."""
        if home and self._home_viewers.get(member):
            # Started first, so it is under way (and awaited by `settle`) by the reply.
            self._in_background(self.publish_home(client, member))
        await reply
        if self._ports.after_change is not None:
            await self._ports.after_change()

    def _in_background(self, work: Awaitable[None]) -> None:
        async def guarded() -> None:
            try:
                await work
            except Exception:
                log.exception("Slack background work failed")

        task = asyncio.create_task(guarded())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    async def settle(self) -> None:
        """Wait for background work (Home refreshes); for tests and shutdown."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def close(self) -> None:
        await self.settle()
        await self._http.close()

    # -- serving --

    def web_app(self) -> web.Application:
        """Slack's requests at /slack/events, health at /healthz, metrics at /metrics, and the
        OAuth install pages."""
        application = web.Application()
        application.router.add_post(EVENTS_PATH, self._slack_request)
        application.router.add_get(HEALTH_PATH, _healthz)
        if self._ports.metrics_page is not None:
            application.router.add_get(METRICS_PATH, self._metrics)
        flow = self.app.oauth_flow
        if flow is not None:
            application.router.add_get(flow.install_path, self._oauth_page)
            application.router.add_get(flow.redirect_uri_path, self._oauth_page)
        return application

    async def _slack_request(self, request: web.Request) -> web.StreamResponse:
        """Bolt's answer (the ack) is written out before the work after the ack may start:
        that work competes for the interpreter, and Slack waits only 3 s for the ack.

        Nothing is parsed before the signature is checked (401), a signed body the listeners
        can't read is a 400, and a replayed signed request is answered but runs nothing.
        """
        raw = await request.read()
        if not signed_by_slack(raw, request.headers, secret=self.config.signing_secret):
            return web.json_response({"error": "invalid request"}, status=401)
        sent = asyncio.Event()
        try:
            bolt_request = AsyncBoltRequest(
                body=raw.decode("utf-8"),
                query=request.query_string,
                headers=request.headers,  # type: ignore[arg-type]
                context={ACK_SENT: sent, REPLAY_KEY: replay_key(request.headers)},
            )
            readable = well_formed(bolt_request.body)
        except Exception:  # what Slack signed but no listener could read: never a traceback
            readable = False
        if not readable:
            log.warning("refused a malformed signed Slack request")
            return web.json_response({"error": "malformed request"}, status=400)
        try:
            response = await to_aiohttp_response(await self.app.async_dispatch(bolt_request))
            await response.prepare(request)
            await response.write_eof()
            return response
        finally:
            sent.set()

    async def _replayed(self, context: AsyncBoltContext) -> bool:
        """Whether this signed command or press ran before: asked after the ack, so a slow
        database never delays it, and answered like any other, so a replay learns nothing."""
        key = context.get(REPLAY_KEY)
        if self._ports.requests is None or key is None:
            return False  # Socket Mode: Slack's own connection, nothing to replay
        digest, signed_at = key
        first = await asyncio.to_thread(
            self._ports.requests.first_seen, digest, signed_at=signed_at
        )
        if not first:
            log.info("dropped a replayed Slack request")
        return not first

    async def _metrics(self, request: web.Request) -> web.Response:
        assert self._ports.metrics_page is not None  # the route exists only with a page
        token = self.config.metrics_token
        if token:
            given = request.headers.get("Authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                return web.Response(
                    status=401, text="unauthorized", headers={"WWW-Authenticate": "Bearer"}
                )
        body, content_type = self._ports.metrics_page()
        response = web.Response(body=body)
        response.headers["Content-Type"] = content_type  # with its version parameter
        return response

    async def _oauth_page(self, request: web.Request) -> web.Response:
        flow = self.app.oauth_flow
        assert flow is not None  # the route exists only with a flow
        bolt_request = await to_bolt_request(request)
        if request.path == flow.install_path:
            return await to_aiohttp_response(await flow.handle_installation(bolt_request))
        return await to_aiohttp_response(await flow.handle_callback(bolt_request))


async def _healthz(request: web.Request) -> web.Response:
    return web.Response(text="ok")


async def _ack_sent(context: AsyncBoltContext) -> None:
    """Wait until Slack has its ack (over Socket Mode the handler sends it; nothing to wait for)."""
    sent = context.get(ACK_SENT)
    if isinstance(sent, asyncio.Event):
        await sent.wait()


def _private(reply: Message) -> dict[str, Any]:
    return {"response_type": "ephemeral", **render(reply).as_kwargs()}


def _channel(member: Member, channel_id: str) -> Channel | None:
    """A conversation the command came from; a DM with the bot ("D…") is no channel."""
    if not channel_id or channel_id.startswith("D"):
        return None
    return Channel(Platform.SLACK, member.workspace_id, channel_id)


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
