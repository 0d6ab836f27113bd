"""The Slack adapter's settings and ports: what it is given, and the paths it serves."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from aiohttp import web
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from bot.adapters.slack.edge import RequestLog
from bot.adapters.slack.workspaces import SlackTeams
from bot.commands.service import CommandService

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
DEFAULT_API_URL = "https://slack.com/api/"
# A command whose answer is ready this soon is answered in its ack (Slack waits 3 s for it).
ACK_BUDGET = 1.5

# Exactly what the code below calls; slack/manifest.yml lists the same.
SCOPES = (
    "chat:write",  # chat.postMessage: DMs and group DMs
    "commands",  # /buddy
    "files:write",  # files_upload_v2: the `export` file
    "im:write",  # conversations.open with one member
    "mpim:write",  # conversations.open with several: introductions
    "users:read",  # users.info: names and time zones
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
    ack_budget: float = ACK_BUDGET  # seconds a command's answer may take to ride in its ack

    @property
    def multi_workspace(self) -> bool:
        return bool(self.client_id and self.client_secret)

    @property
    def single_token(self) -> str:
        """The bot token of a single-workspace app; "" when each installation brings its own."""
        return "" if self.multi_workspace else self.bot_token


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
    # Adds the web pages (dashboard, member page) to the HTTP app, where they are served.
    add_pages: Callable[[web.Application], None] | None = None
