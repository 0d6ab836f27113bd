"""The one place that wires concrete pieces together: store, service, delivery, ticker."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from bot.commands.jobs import default_jobs
from bot.commands.registry import ACTIONS, COMMANDS
from bot.commands.service import CommandService
from bot.config import Settings
from bot.core.clock import Clock, SystemClock
from bot.core.identity import Platform
from bot.core.policy import Policy
from bot.core.ports import Messenger
from bot.delivery import Delivery, Pace, RetryPolicy, run_delivery
from bot.observability import PrometheusMetrics
from bot.scheduler import Ticker
from bot.store.database import make_engine, make_session_factory, upgrade_to_head
from bot.store.outbox_queue import SqlOutboxQueue
from bot.store.uow import SqlUnitOfWorkFactory

if TYPE_CHECKING:  # imported where used, so `buddy console` never loads slack-bolt
    from sqlalchemy.ext.asyncio import AsyncEngine

    from bot.adapters.discord_bot import DiscordPorts
    from bot.adapters.slack import SlackBot
    from bot.store.secrets import SecretBox

log = logging.getLogger(__name__)


@dataclass
class Buddy:
    """The wired application, shared by every adapter in one process."""

    settings: Settings
    engine: Engine
    clock: Clock
    policy: Policy
    uow_factory: SqlUnitOfWorkFactory
    outbox_queue: SqlOutboxQueue
    service: CommandService
    metrics: PrometheusMetrics  # served at /metrics by the Slack web process

    def delivery(self, messengers: Mapping[Platform, Messenger]) -> Delivery:
        s = self.settings
        lease = timedelta(seconds=s.buddy_delivery_lease_seconds)
        rates = {
            Platform.SLACK: s.buddy_slack_send_rate,
            Platform.DISCORD: s.buddy_discord_send_rate,
        }
        return Delivery(
            queue=self.outbox_queue,
            messengers=messengers,
            clock=self.clock,
            retry=RetryPolicy(lease=lease, send_timeout=min(30.0, lease.total_seconds() / 4)),
            pacing={platform: Pace(rate=rate or None) for platform, rate in rates.items()},
            metrics=self.metrics,
        )

    def ticker(self, *, after_tick: Callable[[], Awaitable[object]] | None = None) -> Ticker:
        """The due jobs over this store; `after_tick` (e.g. delivery) runs after each tick."""
        return Ticker(
            uow_factory=self.uow_factory,
            clock=self.clock,
            jobs=default_jobs(self.policy),
            after_tick=after_tick,
            metrics=self.metrics,
        )


def policy_from(settings: Settings) -> Policy:
    return Policy(
        follow_up_after=timedelta(days=settings.buddy_follow_up_days),
        give_window=timedelta(days=settings.buddy_give_window_days),
        outbox_retention=timedelta(days=settings.buddy_outbox_retention_days),
    )


def build(settings: Settings, *, clock: Clock | None = None, migrate: bool = True) -> Buddy:
    """Open the database (migrating it to the newest schema) and wire the services."""
    engine = make_engine(settings.database_url)
    if migrate:
        upgrade_to_head(engine)
    sessions = make_session_factory(engine)
    uow_factory = SqlUnitOfWorkFactory(sessions)
    clock = clock or SystemClock()
    policy = policy_from(settings)
    metrics = PrometheusMetrics()
    service = CommandService(
        uow_factory=uow_factory,
        clock=clock,
        commands=COMMANDS,
        actions=ACTIONS,
        policy=policy,
        metrics=metrics,
    )
    return Buddy(
        settings=settings,
        engine=engine,
        clock=clock,
        policy=policy,
        uow_factory=uow_factory,
        outbox_queue=SqlOutboxQueue(sessions),
        service=service,
        metrics=metrics,
    )


# --- Delivery and the ticker, beside an adapter on one event loop -----------------------

# Delivery looks for due messages at least this often, besides right after each command.
DELIVERY_POLL_SECONDS = 5.0


async def deliver_and_tick(
    buddy: Buddy,
    messengers: Mapping[Platform, Messenger],
    *,
    wake: asyncio.Event,
    tick: bool,
    interval: float,
    stop: asyncio.Event | None = None,
) -> None:
    """Deliver through `messengers` every `interval` seconds and whenever `wake` is set, and
    run the ticker if `tick`, until `stop` is set or the task is cancelled; either way the
    sends under way finish and the messages claimed but not sent are released."""
    stop = stop or asyncio.Event()

    async def after_tick() -> None:
        wake.set()

    ticker = buddy.ticker(after_tick=after_tick) if tick else None
    if ticker is not None:
        ticker.start(buddy.settings.buddy_tick_seconds)
    delivering = asyncio.ensure_future(
        run_delivery(buddy.delivery(messengers), interval=interval, stop=stop, wake=wake)
    )
    try:
        await asyncio.shield(delivering)
    except asyncio.CancelledError:
        stop.set()
        await delivering
        raise
    finally:
        if ticker is not None:
            ticker.shutdown()


# --- Slack ------------------------------------------------------------------------------------


def secret_box(settings: Settings) -> SecretBox:
    """BUDDY_SECRET_KEY, which encrypts the stored Slack tokens (ValueError when unset)."""
    from bot.store.secrets import SecretBox, parse_keys

    return SecretBox(parse_keys(settings.buddy_secret_key))


async def rotate_secrets(buddy: Buddy) -> int:
    """`buddy rotate-secrets`: every stored Slack token encrypted under the first key of
    BUDDY_SECRET_KEY (plaintext from before encryption too); how many rows changed."""
    from bot.store.slack import async_engine_for
    from bot.store.slack_installations import EncryptedInstallationStore

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
    from bot.adapters.slack import SlackBot, SlackConfig, SlackPorts
    from bot.store.slack import (
        SqlSlackEvents,
        SqlSlackRequests,
        SqlSlackWorkspaces,
        slack_oauth_stores,
    )

    s = buddy.settings
    config = SlackConfig(
        signing_secret=s.slack_signing_secret,
        api_url=s.slack_api_url,
        bot_token=s.slack_bot_token,
        client_id=s.slack_client_id,
        client_secret=s.slack_client_secret,
        metrics_token=s.buddy_metrics_token,
    )
    installations = states = None
    if config.multi_workspace:
        if oauth_engine is None:
            raise ValueError("a multi-workspace Slack app needs the OAuth stores' engine")
        installations, states = await slack_oauth_stores(
            oauth_engine, client_id=config.client_id, secrets=secret_box(s)
        )
    ports = SlackPorts(
        service=buddy.service,
        events=SqlSlackEvents(make_session_factory(buddy.engine), clock=buddy.clock),
        workspaces=SqlSlackWorkspaces(buddy.uow_factory, clock=buddy.clock),
        installations=installations,
        oauth_states=states,
        after_change=after_change,
        metrics_page=buddy.metrics.exposition,
        requests=SqlSlackRequests(make_session_factory(buddy.engine)),
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

    multi = bool(s.slack_client_id and s.slack_client_secret)
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


# --- Discord ----------------------------------------------------------------------------------


def discord_ports(buddy: Buddy, *, after_each: Callable[[], None] = lambda: None) -> DiscordPorts:
    """The storage the Discord adapter needs, as plain callables over this bot's unit of work."""
    from bot.adapters.discord_bot import DiscordPorts
    from bot.core.identity import Member, Workspace
    from bot.store.workspaces import stored_workspace_ids

    def erase_workspace(workspace: Workspace) -> None:
        with buddy.uow_factory() as uow:
            uow.erase_workspace(workspace)
            uow.commit()

    def open_promises(member: Member) -> list[tuple[int, str]]:
        with buddy.uow_factory() as uow:
            # Bounded: autocomplete shows 25 at most, and open promises are capped anyway.
            listed = uow.promises.list_open(member, limit=buddy.policy.max_open_promises)
            return [(p.number, p.what) for p in listed]

    def stored_guilds() -> set[str]:
        with buddy.uow_factory() as uow:
            return stored_workspace_ids(uow.session, Platform.DISCORD)

    return DiscordPorts(
        service=buddy.service,
        erase_workspace=erase_workspace,
        open_promises=open_promises,
        after_each=after_each,
        stored_guilds=stored_guilds,
    )


async def serve_discord(
    buddy: Buddy, *, tick: bool | None = None, sharded: bool = False, **options: object
) -> None:
    """`buddy discord`: the gateway client, delivery through its messenger, and the ticker
    unless `tick` is False (default: BUDDY_TICKER).

    `options` go to discord.py's client (tests shorten its wait for guilds, for one).
    """
    from bot.adapters import discord_bot

    s = buddy.settings
    discord_bot.point_at(api_url=s.discord_api_url, gateway_url=s.discord_gateway_url)
    wake = asyncio.Event()

    async def background(messenger: Messenger) -> None:
        await deliver_and_tick(
            buddy,
            {Platform.DISCORD: messenger},
            wake=wake,
            tick=s.buddy_ticker if tick is None else tick,
            interval=min(s.buddy_tick_seconds, DELIVERY_POLL_SECONDS),
        )

    await discord_bot.run_bot(
        discord_ports(buddy, after_each=wake.set),
        token=s.discord_token,
        sharded=sharded,
        background=background,
        **options,
    )


async def sync_discord(buddy: Buddy, *, guild_id: int | None = None) -> int:
    """`buddy discord sync`: register `/buddy`; the number of subcommands registered."""
    from bot.adapters import discord_bot

    s = buddy.settings
    discord_bot.point_at(api_url=s.discord_api_url, gateway_url=s.discord_gateway_url)
    return await discord_bot.sync_commands(
        discord_ports(buddy), token=s.discord_token, guild_id=guild_id
    )


# --- Worker: the ticker and delivery, no chat adapter -----------------------------------------

WORKER_POLL_SECONDS = 1.0  # delivery looks for due messages this often, and after each tick


async def worker_messengers(
    buddy: Buddy, stack: contextlib.AsyncExitStack
) -> dict[Platform, Messenger]:
    """A messenger for each platform whose credentials are set; none needs a chat gateway.

    Slack's goes through the Web API (the one bot token, or each workspace's installation);
    Discord's through the REST API with a client that logs in but never connects.
    """
    s = buddy.settings
    messengers: dict[Platform, Messenger] = {}
    multi_workspace = bool(s.slack_client_id and s.slack_client_secret)
    if s.slack_bot_token or multi_workspace:
        from aiohttp import ClientSession

        from bot.adapters.slack import SlackClients, SlackMessenger
        from bot.store.slack import async_engine_for, slack_oauth_stores

        installations = None
        if multi_workspace:
            oauth_engine = async_engine_for(s.database_url)
            stack.push_async_callback(oauth_engine.dispose)
            installations, _ = await slack_oauth_stores(
                oauth_engine, client_id=s.slack_client_id, secrets=secret_box(s)
            )
        session = await stack.enter_async_context(ClientSession())
        clients = SlackClients(
            api_url=s.slack_api_url,
            session=session,
            bot_token="" if multi_workspace else s.slack_bot_token,
            installations=installations,
        )
        messengers[Platform.SLACK] = SlackMessenger(clients)
    if s.discord_token:
        import discord

        from bot.adapters import discord_bot
        from bot.adapters.discord_bot.messenger import DiscordMessenger, Pacer

        discord_bot.point_at(api_url=s.discord_api_url)
        client = await stack.enter_async_context(discord.Client(intents=discord.Intents.none()))
        await client.login(s.discord_token)
        messengers[Platform.DISCORD] = DiscordMessenger(client, pacer=Pacer(1.0))
    return messengers


async def serve_worker(
    buddy: Buddy, messengers: Mapping[Platform, Messenger], *, stop: asyncio.Event
) -> None:
    """`buddy worker`: tick, and deliver through `messengers`, until `stop` is set.

    Stopping lets the sends under way finish and releases the messages claimed but not yet
    sent, so another worker takes them at once. Any number of workers may run on PostgreSQL.
    """
    await deliver_and_tick(
        buddy,
        messengers,
        wake=asyncio.Event(),
        tick=True,
        interval=WORKER_POLL_SECONDS,
        stop=stop,
    )
