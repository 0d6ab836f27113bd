"""The console shows what the bot sends by itself: a promise reminder arrives, with buttons."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleMessenger, ConsoleScreen, ConsoleSession
from bot.app import Buddy, build
from bot.config import Settings
from bot.core.identity import Platform
from bot.delivery import Delivery
from bot.scheduler import Ticker
from tests.fakes import ManualClock


@dataclass
class Console:
    """`buddy console` in-process: the same session, ticker and delivery, on a clock we move."""

    buddy: Buddy
    clock: ManualClock
    out: io.StringIO
    session: ConsoleSession
    ticker: Ticker
    delivery: Delivery

    async def type(self, line: str) -> str:
        return await self._screen_after(self.session.handle_line(line))

    async def wait(self, delta: timedelta) -> str:
        """Let time pass, then one tick (the ticker runs every BUDDY_TICK_SECONDS)."""
        self.clock.advance(delta)
        return await self._screen_after(self.ticker.tick())

    async def _screen_after(self, step: Awaitable[object]) -> str:
        start = len(self.out.getvalue())
        await step
        return self.out.getvalue()[start:]


@pytest.fixture
def console(tmp_path: Path) -> Iterator[Console]:
    clock = ManualClock(datetime(2026, 11, 26, 14, 57, tzinfo=UTC))
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'buddy.sqlite3'}")
    buddy = build(settings, clock=clock)
    out = io.StringIO()
    screen = ConsoleScreen(out)
    delivery = buddy.delivery({Platform.CONSOLE: ConsoleMessenger(screen)})
    ticker = buddy.ticker(after_tick=delivery.deliver_due)
    session = ConsoleSession(
        service=buddy.service,
        screen=screen,
        user="me",
        after_each=delivery.deliver_due,
        clock=clock,
        tick=ticker.tick,
    )
    yield Console(buddy, clock, out, session, ticker, delivery)
    buddy.engine.dispose()


async def test_a_promise_reminder_shows_up_in_the_console_and_its_done_button_works(
    console: Console,
) -> None:
    await console.type("promise @sam the slides in 1 minute")
    assert await console.wait(timedelta(seconds=30)) == ""

    shown = await console.wait(timedelta(seconds=30))
    assert shown.splitlines() == [
        "DM to @me:",
        "  ⏰ Reminder — promise #1: send @sam “the slides”",
        "  Due now.",
        "    [Done #1] [Snooze a day] [Snooze a week]   (press with: click LABEL 1)",
    ]

    reply = await console.type("click Done #1")
    assert "Kept on time: “the slides” for @sam." in reply
    assert await console.wait(timedelta(days=8)) == ""


async def test_a_follow_up_nudge_in_the_console_offers_to_log_a_promise(console: Console) -> None:
    await console.type("met @sam at PyCon — talked about Rust")
    shown = await console.wait(timedelta(days=3))
    assert "  👋 You met @sam on Thursday at PyCon — talked about Rust." in shown.splitlines()
    reply = await console.type("click Log a promise")
    assert "promise @sam [what you'll send] by [when]" in reply


async def test_the_console_says_times_are_read_in_utc_until_a_zone_is_chosen(
    console: Console,
) -> None:
    first = await console.type("promise @sam the slides by friday")
    await console.type("settings timezone Europe/Lisbon")
    second = await console.type("promise @sam the notes by friday")

    assert first.splitlines()[-1].strip() == (
        "🕑 I read times in UTC until you choose your time zone: "
        "`settings timezone Europe/Paris` (any city's zone)."
    )
    assert "Due Fri 27 Nov 2026, 09:00 Europe/Lisbon" in second
    assert "I read times in UTC" not in second
