from __future__ import annotations

import pytest

from bot.commands.registry import ACTIONS, COMMANDS
from bot.commands.service import CommandService
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
    service = CommandService(uow_factory=store, clock=clock, commands=COMMANDS, actions=ACTIONS)
    return Buddy(service=service, store=store, clock=clock)
