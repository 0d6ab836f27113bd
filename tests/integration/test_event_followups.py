"""Around an event on the real store (SQLite and PostgreSQL): suggestions and "who did you
meet?" each queued exactly once, across a restart too, and held past quiet hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.app import build
from bot.commands.base import ActionInput, CommandInput
from bot.commands.event_posts import ACTION_GOING, ACTION_SUGGEST
from bot.config import Settings
from bot.core.identity import Channel, Member, Platform
from bot.store.models import OutboxRow
from tests.fakes import ManualClock

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # a Thursday; the event is Friday 18:00-20:00
ANA = Member(Platform.SLACK, "T1", "U_ANA")
BEN = Member(Platform.SLACK, "T1", "U_BEN")
CARL = Member(Platform.SLACK, "T1", "U_CARL")
RUST = Channel(Platform.SLACK, "T1", "C_RUST")


def _queued(database_url: str, clock: ManualClock) -> dict[str, datetime]:
    buddy = build(Settings(database_url=database_url), clock=clock)
    try:
        with buddy.engine.connect() as connection:
            rows = connection.execute(select(OutboxRow.idempotency_key, OutboxRow.next_attempt_at))
            return {
                key: at.replace(tzinfo=UTC) if at.tzinfo is None else at
                for key, at in rows
                if key.startswith(("event_met:", "event_suggest:"))
            }
    finally:
        buddy.engine.dispose()


async def test_suggestions_and_who_did_you_meet_are_queued_once_across_a_restart(
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
    for member in (ANA, BEN, CARL):
        buddy.service.press(ActionInput(ACTION_GOING, str(event.id), invoker=member, channel=RUST))
    # Ben keeps quiet hours until 23:00 UTC: his "who did you meet?" waits for them to end.
    buddy.service.run(CommandInput(text="settings quiet 19:00-23:00", invoker=BEN))
    for member in (ANA, BEN):  # Carl does not ask for suggestions
        buddy.service.press(ActionInput(ACTION_SUGGEST, str(event.id), invoker=member))
    clock.advance(timedelta(hours=24, minutes=30))  # Fri 15:30: within three hours of the start
    await buddy.ticker().tick()
    await buddy.ticker().tick()
    buddy.engine.dispose()

    restarted = build(settings, clock=clock)  # a new process on the same database
    await restarted.ticker().tick()
    clock.advance(timedelta(hours=5))  # Fri 20:30: over
    await restarted.ticker().tick()
    await restarted.ticker().tick()
    restarted.engine.dispose()
    again = build(settings, clock=clock)
    clock.advance(timedelta(hours=1))
    await again.ticker().tick()
    again.engine.dispose()

    queued = _queued(database_url, clock)
    assert sorted(queued) == [
        f"event_met:{event.id}:U_ANA",
        f"event_met:{event.id}:U_BEN",
        f"event_met:{event.id}:U_CARL",
        f"event_suggest:{event.id}:U_ANA:U_BEN",
        f"event_suggest:{event.id}:U_BEN:U_ANA",
    ]
    assert queued[f"event_met:{event.id}:U_BEN"] == datetime(2026, 11, 27, 23, tzinfo=UTC)
    assert queued[f"event_met:{event.id}:U_ANA"] == datetime(2026, 11, 27, 20, 30, tzinfo=UTC)
