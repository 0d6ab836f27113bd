"""The SQL repository of who attendees met at events and suggested pairs, and their erasure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, exists, or_, select
from sqlalchemy.orm import Session

from bot.core.event_followups import Attendance, Suggestion, pair_key
from bot.core.events import Answer, Event
from bot.core.identity import Channel, Member, Platform, Workspace
from bot.store.event_followup_models import AttendanceRow, SuggestionRow
from bot.store.event_models import EventRow, RsvpRow
from bot.store.events import _event
from bot.store.repositories import in_workspace

# Someone going to the event not yet asked who they met there (the ticker's probe asks it too).
UNASKED = exists().where(
    RsvpRow.event_id == EventRow.id,
    RsvpRow.answer == Answer.GOING.value,
    ~exists().where(
        AttendanceRow.event_id == RsvpRow.event_id,
        AttendanceRow.member_id == RsvpRow.member_id,
    ),
)
# Someone going to the event who asked for people to meet there.
OPTED_IN = exists().where(
    RsvpRow.event_id == EventRow.id,
    RsvpRow.answer == Answer.GOING.value,
    RsvpRow.suggest.is_(True),
)


def _attendance(row: AttendanceRow) -> Attendance:
    member = Member(Platform(row.platform), row.workspace_id, row.member_id)
    return Attendance(
        row.event_id, member, row.asked_at, row.answered_at, tuple(row.met.split()), row.outside
    )


def _suggestion(row: SuggestionRow) -> Suggestion:
    platform = Platform(row.platform)
    a = Member(platform, row.workspace_id, row.a_id)
    return Suggestion(row.event_id, a, Member(platform, row.workspace_id, row.b_id), row.made_at)


class SqlEventFollowUpRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def ended_unasked(self, *, now: datetime, since: datetime, limit: int) -> Sequence[Event]:
        rows = self._session.scalars(
            select(EventRow)
            .where(
                EventRow.cancelled.is_(False),
                EventRow.ends_at <= now,
                EventRow.ends_at > since,
                UNASKED,
            )
            .order_by(EventRow.ends_at, EventRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_event(row) for row in rows]

    def ask(self, event: Event, member: Member, *, now: datetime) -> Attendance:
        row = AttendanceRow(
            event_id=event.id,
            platform=member.platform.value,
            workspace_id=member.workspace_id,
            member_id=member.user_id,
            asked_at=now,
            answered_at=None,
            met="",
            outside=0,
        )
        self._session.add(row)
        self._session.flush()
        return _attendance(row)

    def attendance(self, event: Event) -> Sequence[Attendance]:
        rows = self._session.scalars(
            select(AttendanceRow)
            .where(
                in_workspace(AttendanceRow, event.channel.workspace),
                AttendanceRow.event_id == event.id,
            )
            .order_by(AttendanceRow.id)
        )
        return [_attendance(row) for row in rows]

    def save(self, attendance: Attendance) -> None:
        member = attendance.member
        row = self._session.scalar(
            select(AttendanceRow).where(
                in_workspace(AttendanceRow, member.workspace),
                AttendanceRow.event_id == attendance.event_id,
                AttendanceRow.member_id == member.user_id,
            )
        )
        if row is None:
            raise LookupError("that member was not asked about that event")
        row.answered_at, row.met = attendance.answered_at, " ".join(attendance.met)
        row.outside = attendance.outside
        self._session.flush()

    def starting(self, *, now: datetime, within: timedelta) -> Sequence[Event]:
        rows = self._session.scalars(
            select(EventRow)
            .where(
                EventRow.cancelled.is_(False),
                EventRow.starts_at > now,
                EventRow.starts_at <= now + within,
            )
            .order_by(EventRow.starts_at, EventRow.id)
        )
        return [_event(row) for row in rows]

    def since(self, channel: Channel, *, since: datetime) -> Sequence[Event]:
        rows = self._session.scalars(
            select(EventRow)
            .where(
                in_workspace(EventRow, channel.workspace),
                EventRow.channel_id == channel.channel_id,
                EventRow.cancelled.is_(False),
                EventRow.starts_at >= since,
            )
            .order_by(EventRow.starts_at, EventRow.number)
        )
        return [_event(row) for row in rows]

    def suggestions(self, event: Event) -> Sequence[Suggestion]:
        rows = self._session.scalars(
            select(SuggestionRow)
            .where(
                in_workspace(SuggestionRow, event.channel.workspace),
                SuggestionRow.event_id == event.id,
            )
            .order_by(SuggestionRow.id)
        )
        return [_suggestion(row) for row in rows]

    def suggest(self, event: Event, a: Member, b: Member, *, now: datetime) -> Suggestion:
        first, second = pair_key(a, b)
        row = SuggestionRow(
            event_id=event.id,
            platform=first.platform.value,
            workspace_id=first.workspace_id,
            a_id=first.user_id,
            b_id=second.user_id,
            made_at=now,
        )
        self._session.add(row)
        self._session.flush()
        return _suggestion(row)

    def attendance_of(self, member: Member) -> Sequence[tuple[Event, Attendance]]:
        rows = self._session.execute(
            select(EventRow, AttendanceRow)
            .join(AttendanceRow, AttendanceRow.event_id == EventRow.id)
            .where(
                in_workspace(AttendanceRow, member.workspace),
                AttendanceRow.member_id == member.user_id,
            )
            .order_by(EventRow.starts_at, EventRow.number)
        )
        return [(_event(event), _attendance(row)) for event, row in rows]

    def suggestions_of(self, member: Member) -> Sequence[tuple[Event, Suggestion]]:
        rows = self._session.execute(
            select(EventRow, SuggestionRow)
            .join(SuggestionRow, SuggestionRow.event_id == EventRow.id)
            .where(
                in_workspace(SuggestionRow, member.workspace),
                or_(SuggestionRow.a_id == member.user_id, SuggestionRow.b_id == member.user_id),
            )
            .order_by(EventRow.starts_at, EventRow.number, SuggestionRow.id)
        )
        return [(_event(event), _suggestion(row)) for event, row in rows]


def erase_member_followups(session: Session, member: Member) -> None:
    """The member's answers and pairs, those about events they created (which go too), and
    their id in the attendees others said they met."""
    created = select(EventRow.id).where(
        in_workspace(EventRow, member.workspace), EventRow.creator_id == member.user_id
    )
    mine = in_workspace(AttendanceRow, member.workspace)
    session.execute(
        delete(AttendanceRow).where(
            or_(
                AttendanceRow.event_id.in_(created),
                and_(mine, AttendanceRow.member_id == member.user_id),
            )
        )
    )
    session.execute(
        delete(SuggestionRow).where(
            or_(
                SuggestionRow.event_id.in_(created),
                and_(
                    in_workspace(SuggestionRow, member.workspace),
                    or_(SuggestionRow.a_id == member.user_id, SuggestionRow.b_id == member.user_id),
                ),
            )
        )
    )
    for row in session.scalars(
        select(AttendanceRow).where(mine, AttendanceRow.met.contains(member.user_id))
    ):
        row.met = " ".join(met for met in row.met.split() if met != member.user_id)


def erase_workspace_followups(session: Session, workspace: Workspace) -> None:
    for model in (AttendanceRow, SuggestionRow):
        session.execute(delete(model).where(in_workspace(model, workspace)))
