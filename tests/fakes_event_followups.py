"""The in-memory repository of who attendees met and suggested pairs, proven equal to the SQL
one by tests/contracts/event_followups.py."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.core.event_followups import Attendance, Suggestion, pair_key
from bot.core.events import Answer, Event
from bot.core.identity import Channel, Member, Workspace

if TYPE_CHECKING:
    from tests.fakes import InMemoryUnitOfWork, StoreState


class InMemoryEventFollowUps:
    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    @property
    def _state(self) -> StoreState:
        return self._uow.state

    def ended_unasked(self, *, now: datetime, since: datetime, limit: int) -> Sequence[Event]:
        asked = {(a.event_id, a.member) for a in self._state.attendance.values()}
        going = {
            r.event_id
            for r in self._state.rsvps.values()
            if r.answer is Answer.GOING and (r.event_id, r.member) not in asked
        }
        ended = [
            e
            for e in self._state.events.values()
            if not e.cancelled and since < e.ends_at <= now and e.id in going
        ]
        return sorted(ended, key=lambda e: (e.ends_at, e.id))[:limit]

    def ask(self, event: Event, member: Member, *, now: datetime) -> Attendance:
        if any(a.event_id == event.id and a.member == member for a in self._rows()):
            raise ValueError("asked already")  # as the unique constraint refuses it
        attendance = Attendance(event.id, member, now)
        self._state.attendance[self._state.next_id("attendance")] = attendance
        return self._state.attendance[max(self._state.attendance)]  # type: ignore[no-any-return]

    def _rows(self) -> list[Attendance]:
        return [a for _, a in sorted(self._state.attendance.items())]

    def attendance(self, event: Event) -> Sequence[Attendance]:
        workspace = event.channel.workspace
        return [
            a for a in self._rows() if a.event_id == event.id and a.member.workspace == workspace
        ]

    def save(self, attendance: Attendance) -> None:
        for row_id, a in self._state.attendance.items():
            if a.event_id == attendance.event_id and a.member == attendance.member:
                self._state.attendance[row_id] = replace(
                    a,
                    answered_at=attendance.answered_at,
                    met=attendance.met,
                    outside=attendance.outside,
                )
                return
        raise LookupError("that member was not asked about that event")

    def starting(self, *, now: datetime, within: timedelta) -> Sequence[Event]:
        soon = [
            e
            for e in self._state.events.values()
            if not e.cancelled and now < e.starts_at <= now + within
        ]
        return sorted(soon, key=lambda e: (e.starts_at, e.id))

    def since(self, channel: Channel, *, since: datetime) -> Sequence[Event]:
        found = [
            e
            for e in self._state.events.values()
            if e.channel == channel and not e.cancelled and e.starts_at >= since
        ]
        return sorted(found, key=lambda e: (e.starts_at, e.number))

    def suggestions(self, event: Event) -> Sequence[Suggestion]:
        workspace = event.channel.workspace
        return [
            s
            for _, s in sorted(self._state.suggestions.items())
            if s.event_id == event.id and s.a.workspace == workspace
        ]

    def suggest(self, event: Event, a: Member, b: Member, *, now: datetime) -> Suggestion:
        first, second = pair_key(a, b)
        if any(
            s.event_id == event.id and (s.a, s.b) == (first, second)
            for s in self._state.suggestions.values()
        ):
            raise ValueError("suggested already")
        row_id = self._state.next_id("suggestions")
        self._state.suggestions[row_id] = Suggestion(event.id, first, second, now)
        return self._state.suggestions[row_id]  # type: ignore[no-any-return]

    def attendance_of(self, member: Member) -> Sequence[tuple[Event, Attendance]]:
        pairs = [(self._state.events[a.event_id], a) for a in self._rows() if a.member == member]
        return sorted(pairs, key=lambda pair: (pair[0].starts_at, pair[0].number))

    def suggestions_of(self, member: Member) -> Sequence[tuple[Event, Suggestion]]:
        pairs = [
            (self._state.events[s.event_id], s)
            for _, s in sorted(self._state.suggestions.items())
            if member in (s.a, s.b)
        ]
        return sorted(pairs, key=lambda pair: (pair[0].starts_at, pair[0].number))


def erase_member(state: StoreState, member: Member) -> None:
    created = {e.id for e in state.events.values() if e.creator == member}
    for row_id, a in list(state.attendance.items()):
        if a.member == member or a.event_id in created:
            del state.attendance[row_id]
        elif a.member.workspace == member.workspace and member.user_id in a.met:
            state.attendance[row_id] = replace(
                a, met=tuple(m for m in a.met if m != member.user_id)
            )
    for row_id, s in list(state.suggestions.items()):
        if member in (s.a, s.b) or s.event_id in created:
            del state.suggestions[row_id]


def erase_workspace(state: StoreState, workspace: Workspace) -> None:
    for row_id in [i for i, a in state.attendance.items() if a.member.workspace == workspace]:
        del state.attendance[row_id]
    for row_id in [i for i, s in state.suggestions.items() if s.a.workspace == workspace]:
        del state.suggestions[row_id]


def records_of(state: StoreState, member: Member) -> Iterator[Any]:
    yield from (a for a in state.attendance.values() if a.member == member)
    yield from (s for s in state.suggestions.values() if member in (s.a, s.b))
