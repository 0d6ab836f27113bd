"""Introductions and pairing rounds typed into the console, on a real SQLite file."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from bot.adapters.console import ConsoleMessenger, ConsoleScreen, ConsoleSession
from bot.app import build
from bot.config import Settings
from bot.core.identity import Platform
from bot.scheduler import Ticker
from tests.e2e.calendar_files import ics_files
from tests.fakes import ManualClock

NOW = datetime(2026, 11, 26, 14, 57, tzinfo=UTC)


@dataclass
class Console:
    clock: ManualClock
    out: io.StringIO
    session: ConsoleSession
    ticker: Ticker

    async def script(self, *lines: str) -> str:
        """Type each line (acting as whoever `as @name` says); what the screen showed."""
        start = len(self.out.getvalue())
        for line in lines:
            await self.session.handle_line(line)
        return self.out.getvalue()[start:]

    async def wait(self, delta: timedelta) -> str:
        start = len(self.out.getvalue())
        self.clock.advance(delta)
        await self.ticker.tick()
        return self.out.getvalue()[start:]


@pytest.fixture
def console(tmp_path: Path) -> Iterator[Console]:
    clock = ManualClock(NOW)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'buddy.sqlite3'}")
    buddy = build(settings, clock=clock)
    out = io.StringIO()
    screen = ConsoleScreen(out)
    delivery = buddy.delivery({Platform.CONSOLE: ConsoleMessenger(screen)})
    ticker = buddy.ticker(after_tick=delivery.deliver_due)
    session = ConsoleSession(
        service=buddy.service,
        screen=screen,
        user="carol",
        after_each=delivery.deliver_due,
        clock=clock,
        tick=ticker.tick,
    )
    yield Console(clock, out, session, ticker)
    buddy.engine.dispose()


PROFILES = (
    "as @ana",
    "offer maps and GIS",
    "as @ben",
    "looking-for someone who knows GIS",
    "as @carol",
)


async def test_an_intro_both_accept_opens_a_conversation_for_the_three(console: Console) -> None:
    await console.script(*PROFILES)
    asked = await console.script("intro @ana @ben you both care about maps")
    assert "I'll ask @ana and @ben privately, if they take introductions through me." in asked
    assert "DM to @ana:" in asked and "DM to @ben:" in asked
    assert "@carol would like to introduce you to @ben." in asked
    assert "@ben is looking for: “someone who knows GIS”" in asked
    assert "[Accept] [Decline]" in asked

    first = await console.script("as @ana", "click Accept")
    assert "If @ben accepts too" in first
    made = await console.script("as @ben", "click Accept")

    assert "#group-ana-ben-carol:" in made
    assert "🎉 @ana, meet @ben — introduced by @carol." in made
    assert "Why: “you both care about maps”" in made
    assert "@ana can help with: “maps and GIS”" in made
    people = await console.script("people")
    assert "@ana — met" in people and "introduced by @carol: you both care about maps" in people


async def test_a_declined_intro_reaches_the_introducer_a_week_later_as_not_this_time(
    console: Console,
) -> None:
    await console.script(*PROFILES, "intro @ana @ben you both care about maps")
    after_no = await console.script("as @ana", "click Decline", "as @ben", "click Accept")
    assert "DM to" not in after_no  # nobody hears anything now

    later = await console.wait(timedelta(days=7))
    assert "DM to @carol:" in later
    assert "Your introduction of @ana and @ben didn't happen this time." in later
    assert "DM to @ben" not in later and "DM to @ana" not in later
    assert "📎" not in after_no + later  # no calendar file for anyone either


def _local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def _within_working_hours(start: datetime, end: datetime, zone: str) -> bool:
    begin, finish = _local(start, zone), _local(end, zone)
    return begin.weekday() < 5 and time(9) <= begin.time() and finish.time() <= time(17)


def _invites(out: str) -> dict[str, icalendar.Event]:
    """Each member's invitation from the screen, by whom its DM went to; its file checked
    against RFC 5545's required fields on the way."""
    found = {}
    for block in out.split("DM to @")[1:]:
        if "📎" not in block:
            continue
        who = block.split(":", 1)[0]
        [calendar] = ics_files("DM to @" + block)
        assert calendar["VERSION"] == "2.0" and str(calendar["PRODID"]).startswith("-//")
        assert calendar["METHOD"] == "REQUEST"
        [event] = calendar.walk("VEVENT")
        assert event["UID"] and event.decoded("DTSTAMP") == NOW
        assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=30)
        found[who] = event
    return found


async def test_an_accepted_intro_gives_each_side_an_ics_inside_both_working_hours(
    console: Console,
) -> None:
    await console.script(
        *PROFILES,
        "as @ana",
        "settings timezone Europe/Paris",
        "as @ben",
        "settings timezone America/New_York",
        "as @carol",
        "intro @ana @ben you both care about maps",
        "as @ana",
        "click Accept",
    )
    made = await console.script("as @ben", "click Accept")

    invites = _invites(made)
    assert sorted(invites) == ["ana", "ben"]  # the two sides; @carol is not in the meeting
    assert str(invites["ana"]["SUMMARY"]) == "Meet ben"
    assert str(invites["ben"]["SUMMARY"]) == "Meet ana"
    assert invites["ana"]["UID"] != invites["ben"]["UID"]  # one calendar entry each
    start = invites["ana"].decoded("DTSTART")
    assert start == invites["ben"].decoded("DTSTART") and start > NOW + timedelta(days=1)
    end = invites["ana"].decoded("DTEND")
    for zone in ("Europe/Paris", "America/New_York"):
        assert _within_working_hours(start, end, zone), (zone, _local(start, zone))
    # Each reads the time in their own zone; the group sees both.
    paris, new_york = _local(start, "Europe/Paris"), _local(start, "America/New_York")
    assert (
        f"DM to @ana:\n  🗓️ For your calendar: a time to meet @ben — {paris:%a} {paris.day} " in made
    )
    assert f"{paris:%H:%M} Europe/Paris (tomorrow), for 30 minutes" in made
    assert f"{new_york:%H:%M} America/New_York (tomorrow), for 30 minutes" in made
    assert f"({paris:%H:%M} for @ana, {new_york:%H:%M} for @ben)." in made
    # Again: the same answer makes nothing new.
    assert "📎" not in await console.script("as @ana", "click Accept")


async def test_each_member_of_a_pairing_group_gets_their_own_ics_for_the_groups_time(
    console: Console,
) -> None:
    await console.script("pairing on every 2 weeks groups of 3")
    zones = {"ana": "Asia/Dubai", "ben": "Europe/Berlin", "dee": "Asia/Kolkata"}
    for name, zone in zones.items():
        await console.script(f"as @{name}", f"settings timezone {zone}", "join")
    started = await console.script("as @carol", "pairing now")

    invites = _invites(started)
    assert sorted(invites) == ["ana", "ben", "dee"]
    for name, event in invites.items():  # each names the other two, in the group's order
        others = str(event["SUMMARY"]).removeprefix("Meet ").split(" and ")
        assert sorted(others) == sorted(set(zones) - {name})
    [start] = {event.decoded("DTSTART") for event in invites.values()}
    end = start + timedelta(minutes=30)
    for name, zone in zones.items():
        assert _within_working_hours(start, end, zone), (name, _local(start, zone))
        assert f"{_local(start, zone):%H:%M} {zone}" in started


async def test_a_pairing_round_groups_the_channel_and_checks_in_halfway(console: Console) -> None:
    on = await console.script("pairing on every 2 weeks")
    assert "Pairing is on in #general: every 2 weeks, in pairs" in on
    await console.script(
        *(line for name in ("ana", "ben", "dee") for line in (f"as @{name}", "join"))
    )
    await console.script("as @carol", "join")

    started = await console.script("pairing now")
    assert "Round 1 started: 2 groups" in started
    assert started.count("🍽️ Pairing round 1 in #general:") == 2
    assert "Ice-breaker:" in started and "Suggested time:" in started

    checkin = await console.wait(timedelta(days=7))
    assert checkin.count("👋 Did you meet with @") == 4
    met = await console.script("click Yes")
    assert "It's in your `people` now, “paired in #general”." in met
    assert "paired in #general" in await console.script("people")


async def test_click_label_n_answers_an_older_intro_not_only_the_newest(console: Console) -> None:
    await console.script(*PROFILES, "as @dee", "offer Rust reviews", "as @carol")
    asked = await console.script(
        "intro @ana @ben you both care about maps", "intro @ana @dee you both like Rust"
    )
    to_ana = [block for block in asked.split("DM to ") if block.startswith("@ana:")]
    assert "@ben" in to_ana[0] and "@dee" in to_ana[1]
    # Each message with buttons says its number: `click Accept 1` presses the first one's.
    buttons = re.compile(r"\[Accept\] \[Decline\]   \(press with: click LABEL (\d+)\)")
    older, newer = (buttons.findall(block)[0] for block in to_ana)

    first = await console.script("as @ana", f"click Accept {older}")
    assert "If @ben accepts too" in first
    nothing = await console.script("as @ben", f"click Accept {newer}")
    assert f"No button “Accept” on message {newer} for @ben to press." in nothing
    made = await console.script("click Accept")
    assert "🎉 @ana, meet @ben — introduced by @carol." in made
    assert "@dee" not in made
