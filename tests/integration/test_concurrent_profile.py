"""Two commands of one member at once, on PostgreSQL: `settings` and `offer` both persist, with
no lock in any adapter (each save writes only the fields its command changed)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.commands.base import CommandInput
from bot.commands.registry import ACTIONS, COMMANDS
from bot.commands.service import CommandService
from bot.core.identity import Member, Platform
from bot.store.uow import SqlUnitOfWork, SqlUnitOfWorkFactory
from tests.fakes import ManualClock

ANN = Member(Platform.SLACK, "T1", "UANN")
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


class _MeanwhileFactory:
    """Units of work from the real store; the first one, right after reading the member's
    profile, lets `meanwhile` run a whole other command in its own session."""

    def __init__(self, real: SqlUnitOfWorkFactory) -> None:
        self._real = real
        self.meanwhile: Any = None

    def __call__(self) -> SqlUnitOfWork:
        uow = self._real()
        read = uow.profiles.get

        def get(member: Member) -> Any:
            found = read(member)
            if self.meanwhile is not None:
                other, self.meanwhile = self.meanwhile, None
                other()
            return found

        uow.profiles.get = get  # type: ignore[method-assign]
        return uow


def test_settings_and_offer_at_the_same_time_both_persist(
    engine: Engine, uow_factory: SqlUnitOfWorkFactory
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite takes one writer at a time: its commands cannot overlap")
    factory = _MeanwhileFactory(uow_factory)
    service = CommandService(
        uow_factory=factory, clock=ManualClock(NOW), commands=COMMANDS, actions=ACTIONS
    )

    def run(text: str) -> str:
        return service.run(CommandInput(text=text, invoker=ANN, invoker_name="Ann")).plain_text()

    run("settings")  # Ann has a profile, as anyone who has used the bot
    factory.meanwhile = lambda: run("offer code reviews for Python projects")
    run("settings timezone Europe/Lisbon")

    with uow_factory() as uow:
        profile = uow.profiles.get(ANN)
    assert profile is not None
    assert (profile.timezone, profile.offer) == (
        "Europe/Lisbon",
        "code reviews for Python projects",
    )
