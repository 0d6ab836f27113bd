"""The ticker: each job in its own transactions, batch after batch, failures contained."""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import datetime, timedelta

import pytest

from bot.commands.jobs import PromiseReminders
from bot.core.ports import UnitOfWork
from bot.scheduler import Ticker
from tests.unit.harness import ALICE, BOB, CAROL, Buddy
from tests.unit.jobs_harness import timeline


class Broken:
    name = "broken"

    def run(self, uow: UnitOfWork, *, now: datetime, limit: int) -> int:
        raise RuntimeError("a bug in one job")


async def test_a_failing_job_is_logged_and_the_others_still_run(
    buddy: Buddy, caplog: pytest.LogCaptureFixture
) -> None:
    buddy.say("promise <@UBOB> the slides in 1 hour")
    ticker = Ticker(uow_factory=buddy.store, clock=buddy.clock, jobs=[Broken(), PromiseReminders()])
    buddy.clock.advance(timedelta(hours=1))
    with caplog.at_level(logging.INFO, logger="bot.scheduler"):
        counts = await ticker.tick()
    assert counts == {"broken": -1, "reminders": 1}
    assert len(buddy.store.dms_to(ALICE)) == 1
    assert "due job broken failed" in caplog.text
    [line] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("tick ")]
    assert line.startswith("tick broken=-1 reminders=1 in ")


async def test_a_backlog_larger_than_a_batch_is_drained_in_one_tick(buddy: Buddy) -> None:
    for member in (ALICE, BOB, CAROL):
        for n in range(3):
            buddy.say(f"promise <@USAM> item {n} in 1 hour", by=member)
    bot = timeline(buddy, batch=2)
    counts = await bot.after(timedelta(hours=1))
    assert counts["reminders"] == 9
    assert len(buddy.store.outbox) == 9
    commits = buddy.store.commits
    await bot.tick()
    assert len(buddy.store.outbox) == 9
    assert buddy.store.commits - commits == 1  # one transaction per tick, however many jobs


async def test_after_down_time_everything_due_is_queued_once_at_the_first_tick(
    buddy: Buddy,
) -> None:
    bot = timeline(buddy)
    buddy.say("settings timezone Europe/Paris")
    buddy.say("promise <@UBOB> the slides in 2 days")
    buddy.say("met <@USAM> at PyCon")
    buddy.say("keep-in-touch <@UCAROL> every week")
    await bot.tick()  # the last tick before the bot went down for nine days
    counts = await bot.after(timedelta(days=9))
    kinds = sorted(row.key.split(":")[0] for row in bot.new_rows())
    # The Monday digest is more than a day stale by then: skipped, not sent late.
    assert kinds == ["follow_up", "keep_in_touch", "reminder"]
    assert counts["digest"] == 1
    await bot.tick()
    assert bot.new_rows() == []


async def test_started_ticker_ticks_at_once_and_stops_on_shutdown(buddy: Buddy) -> None:
    ticked = asyncio.Event()

    async def after_tick() -> None:
        ticked.set()

    ticker = Ticker(
        uow_factory=buddy.store, clock=buddy.clock, jobs=[PromiseReminders()], after_tick=after_tick
    )
    ticker.start(3600)
    try:
        await asyncio.wait_for(ticked.wait(), timeout=5)  # not an hour: a restart catches up
        with pytest.raises(RuntimeError, match="already running"):
            ticker.start(3600)
    finally:
        ticker.shutdown()
    ticker.shutdown()  # twice is harmless


async def test_the_ticker_runs_as_a_background_task_until_cancelled(buddy: Buddy) -> None:
    ticks = 0

    async def after_tick() -> None:
        nonlocal ticks
        ticks += 1

    ticker = Ticker(
        uow_factory=buddy.store, clock=buddy.clock, jobs=[PromiseReminders()], after_tick=after_tick
    )
    task = asyncio.create_task(ticker.run(0.05))
    while ticks < 3:
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    stopped_at = ticks
    await asyncio.sleep(0.3)
    assert ticks <= stopped_at + 1  # at most the tick already under way finishes


class Slow:
    """A job that holds its tick until the test lets it finish."""

    name = "slow"

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.finished = False

    def run(self, uow: UnitOfWork, *, now: datetime, limit: int) -> int:
        self.started.set()
        self.release.wait(timeout=10)
        self.finished = True
        return 0


async def test_stopping_lets_the_tick_under_way_finish_and_logs_no_error(
    buddy: Buddy, caplog: pytest.LogCaptureFixture
) -> None:
    slow = Slow()
    ticker = Ticker(uow_factory=buddy.store, clock=buddy.clock, jobs=[slow])
    ticker.start(3600)
    await asyncio.to_thread(slow.started.wait, 10)
    stopping = asyncio.create_task(ticker.stop())
    await asyncio.sleep(0.05)
    assert not stopping.done()  # waits for the job instead of cancelling it
    slow.release.set()
    with caplog.at_level(logging.INFO):
        await stopping
        await asyncio.sleep(0)
    assert slow.finished
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    await ticker.stop()  # twice is harmless
