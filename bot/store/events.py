"""The SQL event repository, erasure of events for a member or a workspace, and anchored posts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session

from bot.core.events import Answer, Event, Rsvp
from bot.core.identity import Channel, Member, Platform, Workspace
from bot.store.event_models import AnchoredPostRow, EventRow, RsvpRow
from bot.store.repositories import in_workspace


def _event(row: EventRow) -> Event:
    platform = Platform(row.platform)
    return Event(
        id=row.id,
        number=row.number,
        channel=Channel(platform, row.workspace_id, row.channel_id),
        creator=Member(platform, row.workspace_id, row.creator_id),
        title=row.title,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        place=row.place,
        limit=row.seats,
        timezone=row.timezone,
        created_at=row.created_at,
        sequence=row.sequence,
        cancelled=row.cancelled,
        day_before_at=row.day_before_at,
        hour_before_at=row.hour_before_at,
        channel_name=row.channel_name,
    )


def _rsvp(row: RsvpRow) -> Rsvp:
    member = Member(Platform(row.platform), row.workspace_id, row.member_id)
    return Rsvp(row.event_id, member, Answer(row.answer), row.answered_at, row.suggest)


class SqlEventRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

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
        last = self._session.scalar(
            select(func.max(EventRow.number)).where(in_workspace(EventRow, channel.workspace))
        )
        row = EventRow(
            platform=channel.platform.value,
            workspace_id=channel.workspace_id,
            number=(last or 0) + 1,
            channel_id=channel.channel_id,
            creator_id=creator.user_id,
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place,
            seats=limit,
            timezone=timezone,
            sequence=0,
            cancelled=False,
            created_at=now,
        )
        self._session.add(row)
        self._session.flush()
        return _event(row)

    def get(self, workspace: Workspace, number: int) -> Event | None:
        row = self._session.scalar(
            select(EventRow).where(in_workspace(EventRow, workspace), EventRow.number == number)
        )
        return None if row is None else _event(row)

    def get_by_id(self, workspace: Workspace, event_id: int) -> Event | None:
        row = self._session.scalar(
            select(EventRow).where(in_workspace(EventRow, workspace), EventRow.id == event_id)
        )
        return None if row is None else _event(row)

    def save(self, event: Event) -> None:
        row = self._session.get(EventRow, event.id)
        if row is None or in_workspace_of(row) != event.channel.workspace:
            raise LookupError(f"no event {event.id} in that workspace")
        row.title, row.place, row.seats = event.title, event.place, event.limit
        row.starts_at, row.ends_at = event.starts_at, event.ends_at
        row.sequence, row.cancelled = event.sequence, event.cancelled
        row.day_before_at, row.hour_before_at = event.day_before_at, event.hour_before_at
        row.channel_name = event.channel_name

    def due_reminders(self, *, now: datetime, limit: int) -> Sequence[Event]:
        rows = self._session.scalars(
            select(EventRow)
            .where(
                or_(
                    and_(EventRow.day_before_at.is_not(None), EventRow.day_before_at <= now),
                    and_(EventRow.hour_before_at.is_not(None), EventRow.hour_before_at <= now),
                )
            )
            .order_by(EventRow.starts_at, EventRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
        return [_event(row) for row in rows]

    def upcoming(self, channel: Channel, *, now: datetime) -> Sequence[Event]:
        rows = self._session.scalars(
            select(EventRow)
            .where(
                in_workspace(EventRow, channel.workspace),
                EventRow.channel_id == channel.channel_id,
                EventRow.cancelled.is_(False),
                EventRow.ends_at > now,
            )
            .order_by(EventRow.starts_at, EventRow.number)
        )
        return [_event(row) for row in rows]

    def answers(self, event: Event) -> Sequence[Rsvp]:
        rows = self._session.scalars(
            select(RsvpRow)
            .where(in_workspace(RsvpRow, event.channel.workspace), RsvpRow.event_id == event.id)
            .order_by(RsvpRow.answered_at, RsvpRow.id)
        )
        return [_rsvp(row) for row in rows]

    def answer(self, rsvp: Rsvp) -> None:
        member = rsvp.member
        row = self._session.scalar(
            select(RsvpRow).where(
                in_workspace(RsvpRow, member.workspace),
                RsvpRow.event_id == rsvp.event_id,
                RsvpRow.member_id == member.user_id,
            )
        )
        if row is None:
            row = RsvpRow(
                event_id=rsvp.event_id,
                platform=member.platform.value,
                workspace_id=member.workspace_id,
                member_id=member.user_id,
            )
            self._session.add(row)
        row.answer, row.answered_at, row.suggest = rsvp.answer.value, rsvp.answered_at, rsvp.suggest
        self._session.flush()

    def created_by(self, member: Member) -> Sequence[Event]:
        rows = self._session.scalars(
            select(EventRow)
            .where(in_workspace(EventRow, member.workspace), EventRow.creator_id == member.user_id)
            .order_by(EventRow.number)
        )
        return [_event(row) for row in rows]

    def answers_of(self, member: Member) -> Sequence[tuple[Event, Rsvp]]:
        rows = self._session.execute(
            select(EventRow, RsvpRow)
            .join(RsvpRow, RsvpRow.event_id == EventRow.id)
            .where(in_workspace(RsvpRow, member.workspace), RsvpRow.member_id == member.user_id)
            .order_by(EventRow.starts_at, EventRow.number)
        )
        return [(_event(event), _rsvp(rsvp)) for event, rsvp in rows]


def in_workspace_of(row: EventRow) -> Workspace:
    return Workspace(Platform(row.platform), row.workspace_id)


def erase_member_events(session: Session, member: Member) -> None:
    """The member's answers, and the events they created (with everyone's answers to them)."""
    created = select(EventRow.id).where(
        in_workspace(EventRow, member.workspace), EventRow.creator_id == member.user_id
    )
    session.execute(delete(RsvpRow).where(RsvpRow.event_id.in_(created)))
    session.execute(
        delete(RsvpRow).where(
            in_workspace(RsvpRow, member.workspace), RsvpRow.member_id == member.user_id
        )
    )
    session.execute(
        delete(EventRow).where(
            in_workspace(EventRow, member.workspace), EventRow.creator_id == member.user_id
        )
    )


def erase_workspace_events(session: Session, workspace: Workspace) -> None:
    for model in (RsvpRow, EventRow, AnchoredPostRow):
        session.execute(delete(model).where(in_workspace(model, workspace)))


def posted(session: Session, channel: Channel, anchor: str) -> str | None:
    return session.scalar(
        select(AnchoredPostRow.ref).where(
            in_workspace(AnchoredPostRow, channel.workspace),
            AnchoredPostRow.channel_id == channel.channel_id,
            AnchoredPostRow.anchor == anchor,
        )
    )


def record_post(session: Session, channel: Channel, anchor: str, ref: str) -> None:
    session.execute(
        delete(AnchoredPostRow).where(
            in_workspace(AnchoredPostRow, channel.workspace), AnchoredPostRow.anchor == anchor
        )
    )
    session.add(
        AnchoredPostRow(
            platform=channel.platform.value,
            workspace_id=channel.workspace_id,
            channel_id=channel.channel_id,
            anchor=anchor,
            ref=ref,
        )
    )
