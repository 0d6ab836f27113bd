"""The dashboard's aggregates, counted by the database (bot/core/dashboard.DashboardStats)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    distinct,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased, sessionmaker

from bot.core.dashboard import EventCounts, PairingChannelName, Period, RoundCounts, WeekCounts
from bot.core.events import Answer
from bot.core.identity import Channel, Workspace
from bot.store.event_followup_models import AttendanceRow
from bot.store.event_models import EventRow, RsvpRow
from bot.store.models import ContactRow, LedgerEntryRow, MeetingRow, PromiseRow
from bot.store.pairing_models import (
    IntroRow,
    PairingChannelRow,
    PairingGroupRow,
    PairingRoundRow,
    PairingSeatRow,
)
from bot.store.repositories import in_workspace


def _week_of(column: Any, period: Period) -> ColumnElement[Any]:
    """The index of the period's week a time falls in (NULL outside the period): a CASE the
    database evaluates, so rows are bucketed and counted without leaving it."""
    starts = period.week_starts()
    ends = [*starts[1:], period.end]
    return case(
        *(
            (and_(column >= start, column < end), number)
            for number, (start, end) in enumerate(zip(starts, ends, strict=True))
        ),
        else_=None,
    )


class SqlDashboardStats:
    """Read-only: each call opens its own session."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def pairing_channels(self, workspace: Workspace) -> Sequence[PairingChannelName]:
        query = (
            select(PairingChannelRow.channel_id, PairingChannelRow.channel_name)
            .where(in_workspace(PairingChannelRow, workspace))
            .order_by(PairingChannelRow.id)
        )
        with self._sessions() as session:
            return [
                PairingChannelName(
                    Channel(workspace.platform, workspace.workspace_id, channel_id), name
                )
                for channel_id, name in session.execute(query)
            ]

    def rounds(self, channel: Channel, *, period: Period) -> Sequence[RoundCounts]:
        met = case((PairingGroupRow.met_at.is_not(None), 1), else_=0)
        query = (
            select(
                PairingRoundRow.number,
                PairingRoundRow.started_at,
                func.count(PairingSeatRow.id),
                func.coalesce(func.sum(met), 0),
            )
            .join(PairingSeatRow, PairingSeatRow.round_id == PairingRoundRow.id)
            .join(PairingGroupRow, PairingGroupRow.id == PairingSeatRow.group_id)
            .where(
                in_workspace(PairingRoundRow, channel.workspace),
                PairingRoundRow.channel_id == channel.channel_id,
                PairingRoundRow.started_at >= period.start,
                PairingRoundRow.started_at < period.end,
            )
            .group_by(PairingRoundRow.id, PairingRoundRow.number, PairingRoundRow.started_at)
            .order_by(PairingRoundRow.number)
        )
        with self._sessions() as session:
            return [
                RoundCounts(number=number, started_at=at, paired=paired, met=int(met_count))
                for number, at, paired, met_count in session.execute(query)
            ]

    def event_channels(self, workspace: Workspace) -> Sequence[PairingChannelName]:
        channels = (
            select(EventRow.channel_id, func.min(EventRow.id).label("first"))
            .where(in_workspace(EventRow, workspace))
            .group_by(EventRow.channel_id)
            .subquery()
        )
        named = aliased(EventRow)
        latest_name = (
            select(named.channel_name)
            .where(
                in_workspace(named, workspace),
                named.channel_id == channels.c.channel_id,
                named.channel_name != "",
            )
            .order_by(named.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        query = select(channels.c.channel_id, func.coalesce(latest_name, "")).order_by(
            channels.c.first
        )
        with self._sessions() as session:
            return [
                PairingChannelName(
                    Channel(workspace.platform, workspace.workspace_id, channel_id), name
                )
                for channel_id, name in session.execute(query)
            ]

    def events(
        self, channel: Channel, *, period: Period, before: datetime
    ) -> Sequence[EventCounts]:
        # Counted per event by correlated subqueries: one statement, no answer leaves the database.
        going = (
            select(func.count(RsvpRow.id))
            .where(RsvpRow.event_id == EventRow.id, RsvpRow.answer == Answer.GOING.value)
            .scalar_subquery()
        )
        attended = (
            select(func.count(AttendanceRow.id))
            .where(AttendanceRow.event_id == EventRow.id, AttendanceRow.answered_at.is_not(None))
            .scalar_subquery()
        )
        met = (
            select(func.coalesce(func.sum(_words(AttendanceRow.met) + AttendanceRow.outside), 0))
            .where(AttendanceRow.event_id == EventRow.id)
            .scalar_subquery()
        )
        query = (
            select(EventRow.number, EventRow.title, EventRow.starts_at, going, attended, met)
            .where(
                in_workspace(EventRow, channel.workspace),
                EventRow.channel_id == channel.channel_id,
                EventRow.cancelled.is_(False),
                EventRow.starts_at >= period.start,
                EventRow.starts_at < period.end,
                EventRow.starts_at < before,
            )
            .order_by(EventRow.starts_at, EventRow.number)
        )
        with self._sessions() as session:
            return [
                EventCounts(
                    number=number,
                    title=title,
                    starts_at=starts_at,
                    going=int(going_count),
                    attended=int(attended_count),
                    meetings=int(met_count),
                )
                for number, title, starts_at, going_count, attended_count, met_count in (
                    session.execute(query)
                )
            ]

    def weeks(self, workspace: Workspace, *, period: Period) -> Sequence[WeekCounts]:
        counts: dict[str, dict[int, int]] = defaultdict(dict)
        with self._sessions() as session:
            for name, query in self._weekly_queries(workspace, period).items():
                for week, count in session.execute(query):
                    if week is not None:
                        counts[name][int(week)] = int(count)
        return [
            WeekCounts(
                week=start.date(),
                **{name: counts[name].get(number, 0) for name in _WEEKLY},
            )
            for number, start in enumerate(period.week_starts())
        ]

    def _weekly_queries(self, workspace: Workspace, period: Period) -> dict[str, Select[Any]]:
        def per_week(model: Any, column: Any, *where: Any) -> Select[Any]:
            week = _week_of(column, period)
            return (
                select(week, func.count())
                .where(in_workspace(model, workspace), column >= period.start, *where)
                .where(column < period.end)
                .group_by(week)
            )

        kept = and_(
            PromiseRow.status == "done",
            PromiseRow.closed_at.is_not(None),
            PromiseRow.closed_at <= PromiseRow.due_at,
        )
        return {
            # Every intro asked for counts, whatever became of it: a withheld one too, so the
            # figure never tells a block from a decline.
            "intros_asked": per_week(IntroRow, IntroRow.created_at),
            "intros_made": per_week(IntroRow, IntroRow.closed_at, IntroRow.status == "made"),
            "gives": per_week(LedgerEntryRow, LedgerEntryRow.at, LedgerEntryRow.kind == "give"),
            "asks": per_week(LedgerEntryRow, LedgerEntryRow.at, LedgerEntryRow.kind == "ask"),
            "promises_due": per_week(PromiseRow, PromiseRow.due_at),
            "promises_kept_on_time": per_week(PromiseRow, PromiseRow.due_at, kept),
            "members_active": self._active(workspace, period),
        }

    def _active(self, workspace: Workspace, period: Period) -> Select[Any]:
        """Distinct members per week who recorded a meeting, a contact, a promise, a give or
        an ask."""
        acts = union_all(
            *(
                select(model.owner_id.label("member"), _week_of(column, period).label("week"))
                .where(in_workspace(model, workspace))
                .where(column >= period.start, column < period.end)
                for model, column in (
                    (MeetingRow, MeetingRow.met_at),
                    (ContactRow, ContactRow.created_at),
                    (PromiseRow, PromiseRow.created_at),
                    (LedgerEntryRow, LedgerEntryRow.at),
                )
            )
        ).subquery()
        return select(acts.c.week, func.count(distinct(acts.c.member))).group_by(acts.c.week)


def _words(column: Any) -> ColumnElement[Any]:
    """How many user ids a space-separated list holds (0 for an empty one), in SQL."""
    spaces = func.length(column) - func.length(func.replace(column, " ", ""))
    return case((column == "", literal(0)), else_=spaces + 1)


_WEEKLY = (
    "intros_asked",
    "intros_made",
    "gives",
    "asks",
    "promises_due",
    "promises_kept_on_time",
    "members_active",
)
