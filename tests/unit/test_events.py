"""The event line's grammar and the waiting-list rules, as plain functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.commands.base import ParseEnv
from bot.commands.event_parsing import parse_event
from bot.core import events
from bot.core.errors import UserError
from bot.core.events import Answer, Event, Rsvp
from bot.core.identity import Channel, Member, Platform

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # a Thursday
ME = Member(Platform.CONSOLE, "local", "carol")
ENV = ParseEnv(now=NOW, timezone="UTC", invoker=ME)
FRIDAY_6PM = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("line", "when", "duration", "place", "limit"),
    [
        ('"Rust night" friday 6pm for 2 hours at Café Lisboa limit 20', FRIDAY_6PM,
         timedelta(hours=2), "Café Lisboa", 20),
        ('"Rust night" friday at 6pm at Room 101', FRIDAY_6PM, None, "Room 101", None),
        ('"Rust night" friday 6pm at 42 Main St for coders', FRIDAY_6PM, None,
         "42 Main St for coders", None),
        ('"Rust night" friday 6pm for 90 minutes', FRIDAY_6PM, timedelta(minutes=90), None, None),
        ('"Rust night" friday 6pm at https://meet.example/rust', FRIDAY_6PM, None,
         "https://meet.example/rust", None),
    ],
)  # fmt: skip
def test_an_event_line_reads_its_title_time_length_place_and_limit(
    line: str, when: datetime, duration: timedelta | None, place: str | None, limit: int | None
) -> None:
    request = parse_event(line, ENV)
    details = request.details
    assert (request.action, details.title) == ("new", "Rust night")
    assert (details.starts_at, details.duration, details.place, details.limit) == (
        when, duration, place, limit,
    )  # fmt: skip


def test_edit_and_cancel_name_the_event_by_number() -> None:
    assert parse_event("cancel 3", ENV).number == 3
    edit = parse_event("edit 3 limit none", ENV)
    assert (edit.action, edit.number, edit.details.no_limit) == ("edit", 3, True)
    assert parse_event('edit 3 title "Rust night II"', ENV).details.title == "Rust night II"
    with pytest.raises(UserError, match="Tell me what to change"):
        parse_event("edit 3", ENV)


EVENT = Event(
    id=1,
    number=1,
    channel=Channel(Platform.CONSOLE, "local", "rust"),
    creator=ME,
    title="Rust night",
    starts_at=FRIDAY_6PM,
    ends_at=FRIDAY_6PM + timedelta(hours=2),
    place="",
    limit=2,
    timezone="UTC",
    created_at=NOW,
)


def _member(name: str) -> Member:
    return Member(Platform.CONSOLE, "local", name)


def test_going_on_a_full_event_waits_and_a_seat_goes_to_the_first_waiting() -> None:
    ana, ben, dan, eve = (_member(n) for n in ("ana", "ben", "dan", "eve"))
    rsvps = [Rsvp(1, ana, Answer.GOING, NOW), Rsvp(1, ben, Answer.GOING, NOW)]
    dans = events.answered(EVENT, rsvps, dan, Answer.GOING, now=NOW + timedelta(minutes=1))
    eves = events.answered(EVENT, rsvps, eve, Answer.GOING, now=NOW + timedelta(minutes=2))
    assert dans.answer is eves.answer is Answer.WAITING
    ana_out = events.answered(EVENT, rsvps, ana, Answer.NO, now=NOW + timedelta(minutes=3))
    after = [ana_out, rsvps[1], eves, dans]
    [moved] = events.move_up(EVENT, after, now=NOW + timedelta(minutes=3))
    assert (moved.member, moved.answer) == (dan, Answer.GOING)
    # Going again from the waiting list keeps one's place.
    assert events.answered(EVENT, after, eve, Answer.GOING, now=NOW + timedelta(hours=1)) == eves


def test_reminders_are_set_only_while_ahead_and_never_for_a_cancelled_event() -> None:
    armed = events.with_reminders(EVENT, now=NOW)
    assert armed.day_before_at == FRIDAY_6PM - timedelta(days=1)
    assert armed.hour_before_at == FRIDAY_6PM - timedelta(hours=1)
    late = events.with_reminders(EVENT, now=FRIDAY_6PM - timedelta(hours=3))
    assert (late.day_before_at, late.hour_before_at) == (None, FRIDAY_6PM - timedelta(hours=1))
    gone = events.with_reminders(armed.__class__(**{**vars(armed), "cancelled": True}), now=NOW)
    assert (gone.day_before_at, gone.hour_before_at) == (None, None)


def test_a_missing_event_number_says_how_to_find_it() -> None:
    with pytest.raises(UserError, match="I need an event's number") as refused:
        parse_event("cancel soon", ENV)
    assert "events" in str(refused.value.hint)
