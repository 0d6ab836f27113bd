from __future__ import annotations

from datetime import timedelta

import pytest

from bot.commands.registry import ACTIONS, COMMANDS
from bot.commands.service import CommandService
from bot.web.links import SignedLinks
from tests.fakes import InMemoryStore, ManualClock
from tests.unit.harness import NOW, Buddy


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
def store() -> InMemoryStore:
    return InMemoryStore()


@pytest.fixture
def buddy(store: InMemoryStore, clock: ManualClock) -> Buddy:
    # With web pages on (`dashboard`, `me`), as with BUDDY_SECRET_KEY set.
    links = SignedLinks(
        keys=["unit-tests"], base_url="https://buddy.test", lifetime=timedelta(hours=24),
        revocations=store,
    )  # fmt: skip
    service = CommandService(
        uow_factory=store, clock=clock, commands=COMMANDS, actions=ACTIONS, links=links
    )
    return Buddy(service=service, store=store, clock=clock)
