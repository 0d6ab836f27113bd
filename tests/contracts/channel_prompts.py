"""The channel prompt repository's contract: one per channel, due in order."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.core.identity import Channel, Platform
from bot.core.ports import UnitOfWorkFactory
from tests.integration.people import NOW

HOUR = timedelta(hours=1)
GENERAL = Channel(Platform.SLACK, "T1", "C_GENERAL")


def channel_prompts_are_put_found_due_and_erased_with_the_workspace(
    uow_factory: UnitOfWorkFactory,
) -> None:
    other = Channel(Platform.SLACK, "T2", "C_OTHER")
    with uow_factory() as uow:
        uow.channel_prompts.put(
            GENERAL, weekday=2, timezone="UTC", next_post_at=NOW + HOUR, now=NOW
        )
        first = uow.channel_prompts.put(
            GENERAL, weekday=0, timezone="Europe/Paris", next_post_at=NOW, now=NOW
        )
        uow.channel_prompts.put(other, weekday=0, timezone="UTC", next_post_at=NOW, now=NOW)
        uow.commit()
    with uow_factory() as uow:
        assert uow.channel_prompts.get(GENERAL) == first
        assert (first.weekday, first.timezone, first.next_post_at) == (0, "Europe/Paris", NOW)
        assert [p.channel for p in uow.channel_prompts.due(now=NOW, limit=10)] == [GENERAL, other]
        uow.channel_prompts.save(replace(first, next_post_at=NOW + HOUR))
        uow.erase_workspace(other.workspace)
        uow.commit()
    with uow_factory() as uow:
        assert uow.channel_prompts.due(now=NOW, limit=10) == []
        uow.channel_prompts.delete(GENERAL)
        assert uow.channel_prompts.get(GENERAL) is None
