"""Settings from the environment (a `.env` file is read too), checked once at start."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.store.database import DEFAULT_SQLITE_URL, normalise_database_url
from bot.store.secrets import check_keys


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable and what is expected."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    database_url: str = DEFAULT_SQLITE_URL
    buddy_tick_seconds: float = Field(default=30.0, gt=0, le=3600)
    buddy_ticker: bool = True  # off for web-only replicas: workers tick
    buddy_follow_up_days: int = Field(default=3, ge=1, le=60)
    buddy_give_window_days: int = Field(default=30, ge=1, le=365)
    # Sent and dead outbox messages keep their text this many days (an export: until delivered).
    buddy_outbox_retention_days: int = Field(default=14, ge=1, le=3650)
    buddy_console_user: str = Field(default="me", min_length=1, pattern=r"^[\w.\-]+$")
    # Delivery: how long a worker's claim on a message lasts (a dead worker's claims free
    # themselves after it), and how many messages a second each process sends to each platform
    # (0: as fast as the platform's rate-limit answers allow).
    buddy_delivery_lease_seconds: float = Field(default=120.0, ge=10, le=3600)
    buddy_slack_send_rate: float = Field(default=0.0, ge=0, le=1000)
    buddy_discord_send_rate: float = Field(default=0.0, ge=0, le=1000)
    # json: one object per line with the structured fields (and INFO lines: one per command
    # and per delivery); text: readable, warnings only unless `buddy -v`.
    buddy_log_format: Literal["text", "json"] = "text"
    # Fernet keys, comma-separated: the first encrypts stored Slack tokens, every one decrypts
    # (rotation). Required for multi-workspace Slack.
    buddy_secret_key: str = ""

    slack_bot_token: str = ""
    slack_signing_secret: str = ""
    slack_app_token: str = ""
    slack_client_id: str = ""
    slack_client_secret: str = ""
    slack_api_url: str = "https://slack.com/api/"
    port: int = Field(default=3000, ge=1, le=65535)
    # The address the Slack web process binds: every interface by default (containers, PaaS);
    # 127.0.0.1 behind a local reverse proxy.
    buddy_host: str = Field(default="0.0.0.0", min_length=1, pattern=r"^[\w.:\-\[\]]+$")
    # When set, /metrics answers only `Authorization: Bearer <token>` (401 otherwise).
    buddy_metrics_token: str = ""
    # A command answered within this many seconds is answered at once (Slack's ack, Discord's
    # first response); slower work acknowledges at once and answers after. Both wait only 3 s.
    buddy_ack_budget_seconds: float = Field(default=1.5, ge=0, le=2.5)

    # The web pages (`dashboard`, `me`): the address their links start with (default
    # http://localhost:$PORT), and how long a link works.
    buddy_public_url: str = Field(default="", pattern=r"^(https?://\S+)?$")
    buddy_link_hours: float = Field(default=24.0, ge=0.1, le=720)

    discord_token: str = ""
    discord_api_url: str = ""
    discord_gateway_url: str = ""

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        return normalise_database_url(value)

    @field_validator("buddy_secret_key")
    @classmethod
    def _fernet_keys(cls, value: str) -> str:
        return check_keys(value)  # its message never repeats the key


_EXPECTED = {
    "buddy_tick_seconds": "a number of seconds between 0 and 3600, e.g. 30",
    "buddy_ticker": "on or off",
    "buddy_follow_up_days": "a whole number of days between 1 and 60, e.g. 3",
    "buddy_give_window_days": "a whole number of days between 1 and 365, e.g. 30",
    "buddy_outbox_retention_days": "a whole number of days between 1 and 3650, e.g. 14",
    "buddy_console_user": "a short name with letters, digits, '.', '-' or '_', e.g. me",
    "buddy_delivery_lease_seconds": "a number of seconds between 10 and 3600, e.g. 120",
    "buddy_slack_send_rate": "messages a second, between 0 (unpaced) and 1000, e.g. 1",
    "buddy_discord_send_rate": "messages a second, between 0 (unpaced) and 1000, e.g. 5",
    "buddy_log_format": "text or json",
    "port": "a TCP port number, e.g. 3000",
    "buddy_host": "an address to listen on, e.g. 0.0.0.0 or 127.0.0.1",
    "buddy_ack_budget_seconds": "a number of seconds between 0 and 2.5, e.g. 1.5",
    "buddy_public_url": "the pages' address as browsers reach it, e.g. https://buddy.example.org",
    "buddy_link_hours": "hours a private link works, between 0.1 and 720, e.g. 24",
}


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        problems = []
        for issue in error.errors():
            field = str(issue["loc"][0]) if issue["loc"] else "?"
            if field in _EXPECTED:
                got = issue.get("input")
                problems.append(f"{field.upper()}: expected {_EXPECTED[field]} (got {got!r})")
            else:
                problems.append(issue["msg"].removeprefix("Value error, "))
        raise ConfigError("\n".join(problems)) from None
