"""The Slack adapter: a slack-bolt `AsyncApp` (app.py) rendering core messages as Block Kit."""

from __future__ import annotations

from bot.adapters.slack.app import SlackBot, app_runner, run
from bot.adapters.slack.config import EVENTS_PATH, SlackConfig, SlackPorts
from bot.adapters.slack.messenger import SlackClients, SlackMessenger, web_client

__all__ = [
    "EVENTS_PATH",
    "SlackBot",
    "SlackClients",
    "SlackConfig",
    "SlackMessenger",
    "SlackPorts",
    "app_runner",
    "run",
    "web_client",
]
