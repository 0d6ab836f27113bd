"""Event reminders on the real store: due times in the events table, each reminder queued
exactly once, across a restart too, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.app import build
from bot.commands.base import ActionInput, CommandInput
from bot.commands.event_posts import ACTION_GOING
from bot.config import Settings
from bot.core.identity import Channel, Member, Platform
from bot.store.models import OutboxRow
from tests.fakes import ManualClock

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # a Thursday
ANA = Member(Platform.SLACK, "T1", "U_ANA")
CARL = Member(Platform.SLACK, "T1", "U_CARL")
RUST = Channel(Platform.SLACK, "T1", "C_RUST")


def _reminder_keys(database_url: str, clock: ManualClock) -> list[str]:
    buddy = build(Settings(database_url=database_url), clock=clock)
    try:
        with buddy.engine.connect() as connection:
            keys = connection.scalars(select(OutboxRow.idempotency_key)).all()
        return sorted(k for k in keys if k.startswith("event_reminder:"))
    finally:
        buddy.engine.dispose()


async def test_each_reminder_is_queued_once_even_when_a_restarted_worker_ticks_again(
    database_url: str,
) -> None:
    clock = ManualClock(NOW)
    settings = Settings(database_url=database_url)
    buddy = build(settings, clock=clock)
    buddy.service.run(
        CommandInput(text='event "Rust night" friday 6pm', invoker=CARL, channel=RUST)
    )
    with buddy.uow_factory() as uow:
        [event] = uow.events.upcoming(RUST, now=NOW)
    buddy.service.press(ActionInput(ACTION_GOING, str(event.id), invoker=ANA, channel=RUST))
    clock.advance(timedelta(hours=4))  # past Thu 18:00, the day before
    await buddy.ticker().tick()
    await buddy.ticker().tick()
    buddy.engine.dispose()

    restarted = build(settings, clock=clock)  # a new process on the same database
    await restarted.ticker().tick()
    clock.advance(timedelta(days=1))  # past Fri 17:00, an hour before
    await restarted.ticker().tick()
    await restarted.ticker().tick()
    restarted.engine.dispose()

    assert _reminder_keys(database_url, clock) == [
        f"event_reminder:{event.id}:day_before:0:U_ANA",
        f"event_reminder:{event.id}:hour_before:0:U_ANA",
    ]
