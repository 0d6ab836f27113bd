"""The in-memory event repository, proven equal to the SQL one by tests/contracts/events.py."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.core.events import Event, Rsvp
from bot.core.identity import Channel, Member, Workspace

if TYPE_CHECKING:
    from tests.fakes import InMemoryUnitOfWork, StoreState


class InMemoryEvents:
    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    @property
    def _state(self) -> StoreState:
        return self._uow.state

    def add(
        self,
        *,
        channel: Channel,
        creator: Member,
        title: str,
        starts_at: datetime,
        ends_at: datetime,
        place: str,
        limit: int | None,
        timezone: str,
        now: datetime,
    ) -> Event:
        numbers = [
            e.number
            for e in self._state.events.values()
            if e.channel.workspace == channel.workspace
        ]
        event = Event(
            id=self._state.next_id("events"),
            number=max(numbers, default=0) + 1,
            channel=channel,
            creator=creator,
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place,
            limit=limit,
            timezone=timezone,
            created_at=now,
        )
        self._state.events[event.id] = event
        return self._state.events[event.id]  # type: ignore[no-any-return]

    def get(self, workspace: Workspace, number: int) -> Event | None:
        return next(
            (
                e
                for e in self._state.events.values()
                if e.channel.workspace == workspace and e.number == number
            ),
            None,
        )

    def get_by_id(self, workspace: Workspace, event_id: int) -> Event | None:
        event: Event | None = self._state.events.get(event_id)
        return event if event is not None and event.channel.workspace == workspace else None

    def save(self, event: Event) -> None:
        if self.get_by_id(event.channel.workspace, event.id) is None:
            raise LookupError(f"no event {event.id} in that workspace")
        self._state.events[event.id] = event

    def due_reminders(self, *, now: datetime, limit: int) -> Sequence[Event]:
        due = [
            e
            for e in self._state.events.values()
            if any(at is not None and at <= now for at in (e.day_before_at, e.hour_before_at))
        ]
        return sorted(due, key=lambda e: (e.starts_at, e.id))[:limit]

    def upcoming(self, channel: Channel, *, now: datetime) -> Sequence[Event]:
        coming = [
            e
            for e in self._state.events.values()
            if e.channel == channel and not e.cancelled and e.ends_at > now
        ]
        return sorted(coming, key=lambda e: (e.starts_at, e.number))

    def answers(self, event: Event) -> Sequence[Rsvp]:
        rows = [
            (row_id, r)
            for row_id, r in self._state.rsvps.items()
            if r.event_id == event.id and r.member.workspace == event.channel.workspace
        ]
        return [r for _, r in sorted(rows, key=lambda pair: (pair[1].answered_at, pair[0]))]

    def answer(self, rsvp: Rsvp) -> None:
        for row_id, r in self._state.rsvps.items():
            if r.event_id == rsvp.event_id and r.member == rsvp.member:
                self._state.rsvps[row_id] = rsvp
                return
        self._state.rsvps[self._state.next_id("rsvps")] = rsvp

    def created_by(self, member: Member) -> Sequence[Event]:
        return sorted(
            (e for e in self._state.events.values() if e.creator == member), key=lambda e: e.number
        )

    def answers_of(self, member: Member) -> Sequence[tuple[Event, Rsvp]]:
        pairs = [
            (self._state.events[r.event_id], r)
            for r in self._state.rsvps.values()
            if r.member == member
        ]
        return sorted(pairs, key=lambda pair: (pair[0].starts_at, pair[0].number))


def erase_member(state: StoreState, member: Member) -> None:
    created = {e.id for e in state.events.values() if e.creator == member}
    for row_id in [
        i for i, r in state.rsvps.items() if r.member == member or r.event_id in created
    ]:
        del state.rsvps[row_id]
    for event_id in created:
        del state.events[event_id]


def erase_workspace(state: StoreState, workspace: Workspace) -> None:
    for row_id in [i for i, r in state.rsvps.items() if r.member.workspace == workspace]:
        del state.rsvps[row_id]
    for event_id in [i for i, e in state.events.items() if e.channel.workspace == workspace]:
        del state.events[event_id]


def records_of(state: StoreState, member: Member) -> Iterator[Any]:
    yield from (e for e in state.events.values() if e.creator == member)
    yield from (r for r in state.rsvps.values() if r.member == member)
