"""What the bot remembers, as immutable records; every private record is owned by one member."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum

from bot.core.identity import Channel, Member


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
    digest_on: bool = True  # False: no weekly digest at all (`settings digest off`)
    paused_until: datetime | None = None
    open_to_intros: bool = True
    offer: str = ""
    looking_for: str = ""
    profile_visible: bool = True  # False: offer / looking-for never shown as a give idea
    # Whether the platform says they are an organiser, as it last said (see web_links.organiser):
    # a dashboard link opens only while this holds.
    organiser: bool = False


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


# What other members' records say instead, once a member is forgotten.
FORMER_MEMBER = "a former member"
FORMER_INTRODUCER = "introduced by a former member"


@dataclass(frozen=True)
class Meeting:
    id: int
    owner: Member
    contact_id: int
    met_at: datetime
    context: str
    follow_up_at: datetime | None  # when to nudge; None once nudged, dismissed or followed up
    # The member whose words the bot copied into `context` (an introducer's reason): erasing
    # them rewrites the context, and messages quoting it name them (UserText.by).
    quoted_user_id: str | None = None

    @property
    def quotes(self) -> Member | None:
        if self.quoted_user_id is None:
            return None
        return Member(self.owner.platform, self.owner.workspace_id, self.quoted_user_id)


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


class PromiseAction(StrEnum):
    """A change to a promise that `undo` can take back."""

    DONE = "done"
    DROP = "drop"
    SNOOZE = "snooze"
    EDIT = "edit"


@dataclass(frozen=True)
class Undoable:
    """How a promise was before the member's last change to it, to put it back."""

    action: PromiseAction
    at: datetime
    what: str
    due_at: datetime | None
    remind_at: datetime | None
    heads_up_at: datetime | None
    give_id: int | None = None  # the give a `done` logged


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
    undo: Undoable | None = None  # the last change, while `undo` may take it back


@dataclass(frozen=True)
class PromiseNumbering:
    """How many promises a member has open, and the number a new one would get."""

    open_count: int
    next_number: int


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


@dataclass(frozen=True)
class ChannelPrompt:
    """An organiser turned give-first prompts on in a channel: one thread starter a week."""

    id: int
    channel: Channel
    weekday: int  # Monday=0
    timezone: str  # the organiser's, so the post lands at a sensible local hour
    next_post_at: datetime


# --- introductions and blocks -----------------------------------------------------------------


class IntroStatus(StrEnum):
    PENDING = "pending"  # open: answers may still come, or change, until the week is out
    MADE = "made"  # both accepted: the group conversation was opened
    # Will not be made: a side blocked the other since the ask, or the week ended with a no
    # (nobody but the store ever knows which side).
    DECLINED = "declined"
    EXPIRED = "expired"  # the week ended without two yeses and without a no


class IntroAnswer(StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"


@dataclass(frozen=True)
class Intro:
    """A double opt-in introduction of `a` and `b` by `introducer`, all of one workspace."""

    id: int
    introducer: Member
    a: Member
    b: Member
    reason: str
    channel: Channel | None  # where it was asked, for a thread-based group conversation
    status: IntroStatus
    a_answer: IntroAnswer | None
    b_answer: IntroAnswer | None
    created_at: datetime
    expires_at: datetime
    # When the introducer hears "it didn't happen this time"; None once told, or once made.
    notice_at: datetime | None
    closed_at: datetime | None = None
    # Nobody was asked: the bot would never make it (a block, a pause, intros off, or these two
    # were asked about lately). Only the introducer knows of it, and they see an unanswered one.
    withheld: bool = False


@dataclass(frozen=True)
class MemberBlock:
    """`owner` never wants to be introduced to or paired with `blocked`; only the owner knows."""

    id: int
    owner: Member
    blocked_user_id: str
    created_at: datetime

    @property
    def blocked(self) -> Member:
        return Member(self.owner.platform, self.owner.workspace_id, self.blocked_user_id)


# --- pairing rounds ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PairingChannel:
    """A channel's pairing rounds: every so many weeks, on a weekday at a local time."""

    id: int
    channel: Channel
    active: bool
    every_weeks: int
    group_size: int
    weekday: int  # Monday=0
    at: time
    timezone: str
    repeat_window: int  # rounds within which nobody meets the same person again
    organiser: Member | None  # who turned it on: they get the round summaries
    next_round_at: datetime | None  # None while pairing is off
    heads_up_at: datetime | None  # the day-before heads-up; None once sent
    created_at: datetime
    # As the platform named the channel when pairing was last turned on there ("" if unknown):
    # what a member reads of it where no platform renders it, as in a met's context.
    channel_name: str = ""


class MembershipState(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"  # until `paused_until`, or until they `join` again when that is None
    LEFT = "left"


@dataclass(frozen=True)
class PairingMembership:
    id: int
    channel: Channel
    member: Member
    state: MembershipState
    paused_until: datetime | None
    skip_round_at: datetime | None  # the scheduled round they chose to sit out
    silent_rounds: int  # rounds in a row without an answer to the check-in
    joined_at: datetime

    def takes_part(self, round_at: datetime) -> bool:
        """In the round scheduled at `round_at`: joined, not paused then, not skipping it."""
        if self.state is MembershipState.LEFT or self.skip_round_at == round_at:
            return False
        if self.state is MembershipState.PAUSED:
            return self.paused_until is not None and self.paused_until <= round_at
        return True


class CheckIn(StrEnum):
    YES = "yes"
    NOT_YET = "not_yet"
    SKIP = "skip"


@dataclass(frozen=True)
class PairingRound:
    id: int
    channel: Channel
    number: int  # 1, 2, 3… per channel
    started_at: datetime
    checkin_at: datetime | None  # the mid-round "did you meet?"; None once sent
    group_count: int


@dataclass(frozen=True)
class PairingSeat:
    member: Member
    answer: CheckIn | None  # None: no answer to the check-in (yet)


@dataclass(frozen=True)
class PairingGroup:
    id: int
    round_id: int
    channel: Channel
    seats: tuple[PairingSeat, ...]
    met_at: datetime | None  # when someone first confirmed they met

    @property
    def members(self) -> tuple[Member, ...]:
        return tuple(seat.member for seat in self.seats)
