"""The organisers' dashboard: the period it covers, the counts the store aggregates, its port."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

from bot.core.identity import Channel, Workspace

MAX_WEEKS = 52
DEFAULT_WEEKS = 8


@dataclass(frozen=True)
class Period:
    """Whole weeks, Monday to Sunday in UTC, from the week holding `first`."""

    first: date
    weeks: int = DEFAULT_WEEKS

    def __post_init__(self) -> None:
        if not 1 <= self.weeks <= MAX_WEEKS:
            raise ValueError(f"a period is 1 to {MAX_WEEKS} weeks")
        monday = self.first - timedelta(days=self.first.weekday())
        object.__setattr__(self, "first", monday)

    @classmethod
    def ending(cls, day: date, *, weeks: int = DEFAULT_WEEKS) -> Period:
        """The `weeks` weeks up to and including the week of `day`."""
        return cls(day - timedelta(weeks=weeks - 1), weeks)

    def week_starts(self) -> list[datetime]:
        start = datetime.combine(self.first, time(), tzinfo=UTC)
        return [start + timedelta(weeks=n) for n in range(self.weeks)]

    @property
    def start(self) -> datetime:
        return self.week_starts()[0]

    @property
    def end(self) -> datetime:
        return self.start + timedelta(weeks=self.weeks)


@dataclass(frozen=True)
class PairingChannelName:
    """A channel with pairing or events, by name (the one pairing was set up with, or the one
    its latest event was announced or edited with)."""

    channel: Channel
    name: str  # as the platform named it then ("" if it never said)


@dataclass(frozen=True)
class RoundCounts:
    """One pairing round: members placed in groups, and those whose group met."""

    number: int
    started_at: datetime
    paired: int
    met: int


@dataclass(frozen=True)
class WeekCounts:
    """One week of the workspace, all members together."""

    week: date  # its Monday
    intros_asked: int
    intros_made: int
    gives: int
    asks: int
    promises_due: int  # promises whose due date fell in the week
    promises_kept_on_time: int  # of those, done by the due date
    members_active: int  # members who recorded anything (a meeting, promise, give, ask…)


@dataclass(frozen=True)
class EventCounts:
    """One event held in a channel: its channel-public title and time, and counts of members."""

    number: int
    title: str
    starts_at: datetime
    going: int  # answered Going (the waiting list and Maybe not counted)
    attended: int  # answered "who did you meet there?" afterwards (a pick or "nobody")
    meetings: int  # meetings logged there: attendees picked and people from outside named


class DashboardStats(Protocol):
    """Aggregates over one workspace, computed by the database: no row about a member leaves."""

    def pairing_channels(self, workspace: Workspace) -> Sequence[PairingChannelName]: ...
    def event_channels(self, workspace: Workspace) -> Sequence[PairingChannelName]:
        """Channels where an event was announced, in the order of their first one, each with
        the name its latest named event gave it ("" if none did)."""
        ...

    def events(
        self, channel: Channel, *, period: Period, before: datetime
    ) -> Sequence[EventCounts]:
        """The channel's events held (not cancelled, started before `before`) in the period,
        oldest first."""
        ...

    def rounds(self, channel: Channel, *, period: Period) -> Sequence[RoundCounts]:
        """The channel's rounds started in the period, oldest first."""
        ...

    def weeks(self, workspace: Workspace, *, period: Period) -> Sequence[WeekCounts]:
        """One entry per week of the period, in order (weeks with nothing count zeros)."""
        ...
