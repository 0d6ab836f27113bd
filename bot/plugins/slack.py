"""Slack plugged in: its settings, the app over Socket Mode or HTTP, its worker messenger."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any

from bot.app import DELIVERY_POLL_SECONDS, Buddy, build, deliver_and_tick
from bot.config import Settings
from bot.core.identity import Platform
from bot.core.ports import Messenger
from bot.plugins import MissingSetting, Plugin, require
from bot.store.database import make_session_factory
from bot.store.secrets import MAKE_A_KEY, parse_keys

if TYPE_CHECKING:  # imported where used, so no other process loads slack-bolt
    from sqlalchemy.ext.asyncio import AsyncEngine

    from bot.adapters.slack import SlackBot, SlackConfig
    from bot.store.secrets import SecretBox

SLACK_HELP = "Create a Slack app (README, “Create the Slack app”) and copy it from its settings."
SECRET_KEY_HELP = (
    "BUDDY_SECRET_KEY not set: with SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (many workspaces) "
    "each workspace's bot token is stored encrypted with it. Make one with\n"
    f"  {MAKE_A_KEY}\n"
    "and set BUDDY_SECRET_KEY to it in every process (keep it safe: the stored tokens "
    "cannot be read without it)."
)


def slack_config(settings: Settings) -> SlackConfig:
    """The adapter's settings, read here alone (`multi_workspace` then says which install)."""
    from bot.adapters.slack import SlackConfig

    return SlackConfig(
        signing_secret=settings.slack_signing_secret,
        api_url=settings.slack_api_url,
        bot_token=settings.slack_bot_token,
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        metrics_token=settings.buddy_metrics_token,
        ack_budget=settings.buddy_ack_budget_seconds,
    )


def secret_box(settings: Settings) -> SecretBox:
    """BUDDY_SECRET_KEY, which encrypts the stored Slack tokens (ValueError when unset)."""
    from bot.store.secrets import SecretBox, parse_keys

    return SecretBox(parse_keys(settings.buddy_secret_key))


async def rotate_secrets(buddy: Buddy) -> int:
    """`buddy rotate-secrets`: every stored Slack token encrypted under the first key of
    BUDDY_SECRET_KEY (plaintext from before encryption too); how many rows changed."""
    from bot.adapters.slack.installations import EncryptedInstallationStore
    from bot.store.slack import async_engine_for

    secrets = secret_box(buddy.settings)
    engine = async_engine_for(buddy.settings.database_url)
    try:
        store = EncryptedInstallationStore(
            client_id=buddy.settings.slack_client_id, engine=engine, secrets=secrets
        )
        await store.create_tables()  # type: ignore[no-untyped-call]
        return await store.async_reseal()
    finally:
        await engine.dispose()


async def build_slack(
    buddy: Buddy,
    *,
    oauth_engine: AsyncEngine | None = None,
    after_change: Callable[[], Awaitable[object]] | None = None,
) -> SlackBot:
    """The Slack app on this bot's services; `oauth_engine` holds slack-sdk's install tables."""
    from bot.adapters.slack import SlackBot, SlackPorts
    from bot.store.slack import SqlSlackEvents, SqlSlackRequests, SqlSlackWorkspaces

    s = buddy.settings
    config = slack_config(s)
    installations = states = None
    if config.multi_workspace:  # slack-sdk's OAuth stores load only here
        from bot.adapters.slack.installations import slack_oauth_stores

        if oauth_engine is None:
            raise ValueError("a multi-workspace Slack app needs the OAuth stores' engine")
        installations, states = await slack_oauth_stores(
            oauth_engine, client_id=config.client_id, secrets=secret_box(s)
        )
    add_pages = None
    if buddy.links is not None:  # the pages' code loads when one is first opened
        from bot.web.routes import LazyPages

        add_pages = LazyPages(buddy.web_pages).add_routes
    ports = SlackPorts(
        service=buddy.service,
        events=SqlSlackEvents(make_session_factory(buddy.engine), clock=buddy.clock),
        workspaces=SqlSlackWorkspaces(buddy.uow_factory, clock=buddy.clock),
        installations=installations,
        oauth_states=states,
        after_change=after_change,
        metrics_page=buddy.metrics.exposition,
        requests=SqlSlackRequests(make_session_factory(buddy.engine)),
        add_pages=add_pages,
    )
    bot = SlackBot(config, ports)
    try:
        await bot.check_workspaces(starting=True)  # an uninstall missed while down is honoured
    except BaseException:
        await bot.close()
        raise
    return bot


async def serve_slack(buddy: Buddy, *, tick: bool | None = None) -> None:
    """`buddy slack`: the adapter, delivery through its messenger, and the ticker unless
    `tick` is False (default: BUDDY_TICKER; web-only replicas turn it off)."""
    from bot.adapters import slack
    from bot.store.slack import async_engine_for

    s = buddy.settings
    wake = asyncio.Event()

    async def wake_delivery() -> None:
        wake.set()

    multi = slack_config(s).multi_workspace
    oauth_engine = async_engine_for(s.database_url) if multi else None
    try:
        bot = await build_slack(buddy, oauth_engine=oauth_engine, after_change=wake_delivery)

        async def background() -> None:
            await deliver_and_tick(
                buddy,
                {Platform.SLACK: bot.messenger},
                wake=wake,
                tick=s.buddy_ticker if tick is None else tick,
                interval=min(s.buddy_tick_seconds, DELIVERY_POLL_SECONDS),
            )

        await slack.run(
            bot,
            app_token=s.slack_app_token,
            host=s.buddy_host,
            port=s.port,
            background=background,
        )
    finally:
        if oauth_engine is not None:
            await oauth_engine.dispose()


def _check_secret_key(settings: Settings) -> None:
    if slack_config(settings).multi_workspace and not parse_keys(settings.buddy_secret_key):
        raise MissingSetting(SECRET_KEY_HELP)


def _check_slack(settings: Settings) -> None:
    if not slack_config(settings).multi_workspace:
        require(settings, "slack_bot_token", where=SLACK_HELP)
    _check_secret_key(settings)
    if not settings.slack_app_token:  # HTTP mode: Slack's requests must be verified
        require(settings, "slack_signing_secret", where=SLACK_HELP)


def _check_worker(settings: Settings) -> None:
    if settings.slack_client_id and not settings.slack_client_secret:
        require(settings, "slack_client_secret", where=SLACK_HELP)
    _check_secret_key(settings)


async def serve(buddy: Buddy, *, tick: bool | None = None) -> None:
    """`buddy slack`, and Slack's part of `buddy run`: a refused token reads clearly."""
    with _slack_refusals():
        await serve_slack(buddy, tick=tick)


def cmd_slack(settings: Settings, args: argparse.Namespace) -> None:
    _check_slack(settings)
    asyncio.run(serve(build(settings)))


@contextlib.contextmanager
def _slack_refusals() -> Iterator[None]:
    """Slack refusing the bot's token at start, as a clear message (also from a task group)."""
    from bot.adapters.slack.workspaces import SlackTokenGone

    try:
        yield
    except* SlackTokenGone as refused:
        first = refused.exceptions[0]
        code = first.code if isinstance(first, SlackTokenGone) else "refused"
        raise MissingSetting(
            f"Slack refused SLACK_BOT_TOKEN ({code}): the app was uninstalled or its token "
            f"revoked, so the data of its workspace has been erased. {SLACK_HELP}"
        ) from None


def cmd_rotate_secrets(settings: Settings, args: argparse.Namespace) -> None:
    if not parse_keys(settings.buddy_secret_key):
        raise MissingSetting(SECRET_KEY_HELP)
    changed = asyncio.run(rotate_secrets(build(settings)))
    print(
        f"{changed} stored Slack installation rows re-encrypted with the first key of "
        "BUDDY_SECRET_KEY; every token now opens with that key alone."
    )


async def worker_messenger(buddy: Buddy, stack: contextlib.AsyncExitStack) -> Messenger:
    """Through the Web API: the one bot token, or each workspace's installation."""
    from aiohttp import ClientSession

    from bot.adapters.slack import SlackClients, SlackMessenger

    s = buddy.settings
    config = slack_config(s)
    installations = None
    if config.multi_workspace:
        from bot.adapters.slack.installations import slack_oauth_stores
        from bot.store.slack import async_engine_for

        oauth_engine = async_engine_for(s.database_url)
        stack.push_async_callback(oauth_engine.dispose)
        installations, _ = await slack_oauth_stores(
            oauth_engine, client_id=config.client_id, secrets=secret_box(s)
        )
    session = await stack.enter_async_context(ClientSession())
    clients = SlackClients(
        api_url=config.api_url,
        session=session,
        bot_token=config.single_token,
        installations=installations,
    )
    return SlackMessenger(clients)


def add_commands(commands: argparse._SubParsersAction[Any]) -> None:
    commands.add_parser("slack", help="run on Slack (Socket Mode or HTTP)").set_defaults(
        run=cmd_slack
    )
    commands.add_parser(
        "rotate-secrets",
        help="re-encrypt stored Slack tokens with the first key of BUDDY_SECRET_KEY",
    ).set_defaults(run=cmd_rotate_secrets)


PLUGIN = Plugin(
    platform=Platform.SLACK,
    name="Slack",
    credentials="SLACK_BOT_TOKEN (or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET)",
    configured=lambda settings: bool(settings.slack_bot_token or settings.slack_client_id),
    check_serve=_check_slack,
    check_worker=_check_worker,
    send_rate=lambda settings: settings.buddy_slack_send_rate,
    serve=serve,
    worker_messenger=worker_messenger,
    add_commands=add_commands,
)
