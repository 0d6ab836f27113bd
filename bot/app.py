"""The one place that wires concrete pieces together: store, service, delivery, ticker.

Each platform's own wiring is its plugin (bot/plugins), which this loops over."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
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
from bot.plugins import plugins
from bot.scheduler import Ticker
from bot.store.database import make_engine, make_session_factory, upgrade_to_head
from bot.store.outbox_queue import SqlOutboxQueue
from bot.store.secrets import parse_keys
from bot.store.uow import SqlUnitOfWorkFactory
from bot.web.links import SignedLinks

if TYPE_CHECKING:  # imported where used: jinja2 and pygal load only where pages are served
    from bot.web.server import WebPages

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
    links: SignedLinks | None = None  # None without BUDDY_SECRET_KEY: no web pages

    def delivery(self, messengers: Mapping[Platform, Messenger]) -> Delivery:
        s = self.settings
        lease = timedelta(seconds=s.buddy_delivery_lease_seconds)
        rates = {plugin.platform: plugin.send_rate(s) for plugin in plugins()}
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

    def web_pages(self) -> WebPages | None:
        """The dashboard and member pages, to serve on an aiohttp app (None without a key)."""
        if self.links is None:
            return None
        from bot.store.dashboard import SqlDashboardStats
        from bot.web.server import WebPages

        return WebPages(
            links=self.links,
            uow_factory=self.uow_factory,
            stats=SqlDashboardStats(make_session_factory(self.engine)),
            clock=self.clock,
            policy=self.policy,
        )


def public_url(settings: Settings) -> str:
    """Where browsers reach the web pages: BUDDY_PUBLIC_URL, else this machine's $PORT."""
    return settings.buddy_public_url or f"http://localhost:{settings.port}"


def policy_from(settings: Settings) -> Policy:
    return Policy(
        follow_up_after=timedelta(days=settings.buddy_follow_up_days),
        give_window=timedelta(days=settings.buddy_give_window_days),
        outbox_retention=timedelta(days=settings.buddy_outbox_retention_days),
    )


def build(
    settings: Settings,
    *,
    clock: Clock | None = None,
    migrate: bool = True,
    link_keys: Sequence[str] = (),
) -> Buddy:
    """Open the database (migrating it to the newest schema) and wire the services.

    Links to the web pages are signed with `link_keys`, by default BUDDY_SECRET_KEY's."""
    engine = make_engine(settings.database_url)
    if migrate:
        upgrade_to_head(engine)
    sessions = make_session_factory(engine)
    uow_factory = SqlUnitOfWorkFactory(sessions)
    clock = clock or SystemClock()
    policy = policy_from(settings)
    metrics = PrometheusMetrics()
    keys = list(link_keys) or parse_keys(settings.buddy_secret_key)
    links = None
    if keys:
        links = SignedLinks(
            keys=keys,
            base_url=public_url(settings),
            lifetime=timedelta(hours=settings.buddy_link_hours),
            revocations=uow_factory,
        )
    service = CommandService(
        uow_factory=uow_factory,
        clock=clock,
        commands=COMMANDS,
        actions=ACTIONS,
        policy=policy,
        metrics=metrics,
        links=links,
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
        links=links,
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
            await ticker.stop()


# --- Worker: the ticker and delivery, no chat adapter -----------------------------------------

WORKER_POLL_SECONDS = 1.0  # delivery looks for due messages this often, and after each tick


async def worker_messengers(
    buddy: Buddy, stack: contextlib.AsyncExitStack
) -> dict[Platform, Messenger]:
    """A messenger for each platform whose credentials are set; none needs a chat gateway."""
    return {
        plugin.platform: await plugin.worker_messenger(buddy, stack)
        for plugin in plugins()
        if plugin.configured(buddy.settings)
    }


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
