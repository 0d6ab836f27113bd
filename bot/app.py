"""The one place that wires concrete pieces together: store, service, delivery, ticker."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine

from bot.commands.registry import ACTIONS, COMMANDS
from bot.commands.service import CommandService
from bot.config import Settings
from bot.core.clock import Clock, SystemClock
from bot.core.identity import Platform
from bot.core.policy import Policy
from bot.core.ports import Messenger
from bot.delivery import Delivery
from bot.store.database import make_engine, make_session_factory, upgrade_to_head
from bot.store.outbox_queue import SqlOutboxQueue
from bot.store.uow import SqlUnitOfWorkFactory

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

    def delivery(self, messengers: Mapping[Platform, Messenger]) -> Delivery:
        return Delivery(queue=self.outbox_queue, messengers=messengers, clock=self.clock)


def policy_from(settings: Settings) -> Policy:
    return Policy(
        follow_up_after=timedelta(days=settings.buddy_follow_up_days),
        give_window=timedelta(days=settings.buddy_give_window_days),
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
    service = CommandService(
        uow_factory=uow_factory, clock=clock, commands=COMMANDS, actions=ACTIONS, policy=policy
    )
    return Buddy(
        settings=settings,
        engine=engine,
        clock=clock,
        policy=policy,
        uow_factory=uow_factory,
        outbox_queue=SqlOutboxQueue(sessions),
        service=service,
    )
