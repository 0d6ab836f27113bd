"""What the bot remembers, as immutable records; every private record is owned by one member."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum

from bot.core.identity import Member


@dataclass(frozen=True)
class Profile:
    """A member's preferences and public profile (offer / looking-for)."""

    member: Member
    display_name: str
    timezone: str = "UTC"
    timezone_chosen: bool = False  # False: follow the platform's zone when it tells us one
    quiet_start: time | None = None
    quiet_end: time | None = None
    digest_weekday: int = 0  # Monday
    digest_time: time = time(9, 0)
    paused_until: datetime | None = None
    open_to_intros: bool = True
    offer: str = ""
    looking_for: str = ""


@dataclass(frozen=True)
class Contact:
    """Someone a member met: another member of the workspace, or an outside person by name."""

    id: int
    owner: Member
    name: str
    member_user_id: str | None
    created_at: datetime
    last_touch_at: datetime

    @property
    def member(self) -> Member | None:
        if self.member_user_id is None:
            return None
        return Member(self.owner.platform, self.owner.workspace_id, self.member_user_id)


@dataclass(frozen=True)
class Meeting:
    id: int
    owner: Member
    contact_id: int
    met_at: datetime
    context: str
    follow_up_at: datetime | None  # when to nudge; None once nudged, dismissed or followed up


@dataclass(frozen=True)
class Note:
    id: int
    owner: Member
    contact_id: int
    text: str
    created_at: datetime


class PromiseStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


@dataclass(frozen=True)
class Promise:
    id: int
    owner: Member
    contact_id: int
    what: str
    number: int  # short, per member, stable while open
    status: PromiseStatus
    created_at: datetime
    due_at: datetime | None
    remind_at: datetime | None  # next reminder; None once sent (or with no due time)
    heads_up_at: datetime | None  # the day-before heads-up; None once sent or not wanted
    snoozes: int = 0
    closed_at: datetime | None = None


@dataclass(frozen=True)
class Cadence:
    """Keep in touch with a contact every so many days."""

    id: int
    owner: Member
    contact_id: int
    every_days: int
    due_at: datetime


class LedgerKind(StrEnum):
    GIVE = "give"
    ASK = "ask"


@dataclass(frozen=True)
class LedgerEntry:
    id: int
    owner: Member
    kind: LedgerKind
    what: str
    contact_id: int | None
    at: datetime
