"""Events members choose to attend: the records, their limits, and who is going or waiting."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from bot.core.identity import Channel, Member

MAX_TITLE = 120  # characters in an event's title: it heads a post and a calendar entry
MAX_PLACE = 300  # a place or a link
CHANNEL_NAME_LENGTH = 100  # characters of the channel's name kept with an event
MAX_DURATION = timedelta(days=7)
MAX_LIMIT = 10_000  # seats: more is no limit at all
DEFAULT_DURATION = timedelta(hours=2)  # when none is given: for the calendar entry's end


class Answer(StrEnum):
    """A member's answer to an event, as stored; WAITING: said Going when it was full."""

    GOING = "going"
    MAYBE = "maybe"
    NO = "no"
    WAITING = "waiting"


@dataclass(frozen=True)
class Event:
    """An event announced in `channel`; `number` is stable and unique in its workspace."""

    id: int
    number: int
    channel: Channel
    creator: Member
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    limit: int | None
    timezone: str  # the creator's, for showing its time in the channel
    created_at: datetime
    sequence: int = 0  # grows with each change, as calendar invitations need
    cancelled: bool = False
    # When the reminders to those going are due (None: sent, or too late to send).
    day_before_at: datetime | None = None
    hour_before_at: datetime | None = None
    # As the platform named the channel when the event was announced or last edited there
    # ("" if it never said): the dashboard shows it, never the channel's id.
    channel_name: str = ""


@dataclass(frozen=True)
class Rsvp:
    """One member's answer to one event (one row per member and event)."""

    event_id: int
    member: Member
    answer: Answer
    answered_at: datetime  # for WAITING: when they joined the waiting list, so the order holds
    suggest: bool = False  # pressed "Suggest people to meet there" on a reminder


@dataclass(frozen=True)
class Counts:
    going: int
    maybe: int
    no: int
    waiting: int


def counts(rsvps: Sequence[Rsvp]) -> Counts:
    def n(answer: Answer) -> int:
        return sum(1 for r in rsvps if r.answer is answer)

    return Counts(n(Answer.GOING), n(Answer.MAYBE), n(Answer.NO), n(Answer.WAITING))


def is_full(event: Event, rsvps: Sequence[Rsvp], *, besides: Member | None = None) -> bool:
    """Whether every seat is taken by someone other than `besides`."""
    if event.limit is None:
        return False
    going = sum(1 for r in rsvps if r.answer is Answer.GOING and r.member != besides)
    return going >= event.limit


def move_up(event: Event, rsvps: Sequence[Rsvp], *, now: datetime) -> list[Rsvp]:
    """Those waiting who now have a seat (someone dropped out, or the limit grew), first come
    first served, as their new answers."""
    if event.limit is None:
        free = len(rsvps)
    else:
        free = event.limit - sum(1 for r in rsvps if r.answer is Answer.GOING)
    waiting = sorted(
        (r for r in rsvps if r.answer is Answer.WAITING),
        key=lambda r: (r.answered_at, r.member),
    )
    return [replace(r, answer=Answer.GOING, answered_at=now) for r in waiting[: max(free, 0)]]


def answered(
    event: Event, rsvps: Sequence[Rsvp], member: Member, wanted: Answer, *, now: datetime
) -> Rsvp:
    """The member's answer as recorded: Going on a full event is a place on the waiting list;
    answering again what they answered keeps their place."""
    mine = next((r for r in rsvps if r.member == member), None)
    if wanted is Answer.GOING and (mine is None or mine.answer is not Answer.GOING):
        if mine is not None and mine.answer is Answer.WAITING:
            return mine
        if is_full(event, rsvps, besides=member):
            wanted = Answer.WAITING
    if mine is not None and mine.answer is wanted:
        return mine
    if mine is not None:
        return replace(mine, answer=wanted, answered_at=now)
    return Rsvp(event.id, member, wanted, now)


def with_reminders(event: Event, *, now: datetime) -> Event:
    """The event with its reminders due the day before and an hour before it starts, each only
    while still ahead; none once it is cancelled."""
    if event.cancelled:
        return replace(event, day_before_at=None, hour_before_at=None)
    day, hour = event.starts_at - timedelta(days=1), event.starts_at - timedelta(hours=1)
    return replace(
        event, day_before_at=day if day > now else None, hour_before_at=hour if hour > now else None
    )


def may_manage(event: Event, member: Member, *, is_organiser: bool) -> bool:
    """Editing or cancelling: the creator and the workspace's organisers."""
    return is_organiser or event.creator == member


def may_see_attendees(
    event: Event, rsvps: Sequence[Rsvp], member: Member, *, is_organiser: bool
) -> bool:
    """Who is going is for those going, the creator and organisers; not the whole channel."""
    going = any(r.member == member and r.answer is Answer.GOING for r in rsvps)
    return going or may_manage(event, member, is_organiser=is_organiser)
