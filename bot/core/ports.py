"""The ports the core needs from the outside: storage (a unit of work) and outbound messaging."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from types import TracebackType
from typing import Protocol, runtime_checkable

from bot.core.effects import Effect, EffectKind
from bot.core.event_followups import Attendance, Suggestion
from bot.core.events import Event, Rsvp
from bot.core.identity import Channel, Member, Platform, Workspace
from bot.core.message import Message
from bot.core.records import (
    Cadence,
    ChannelPrompt,
    CheckIn,
    Contact,
    Intro,
    LedgerEntry,
    LedgerKind,
    Meeting,
    MemberBlock,
    Note,
    PairingChannel,
    PairingGroup,
    PairingMembership,
    PairingRound,
    Profile,
    Promise,
    PromiseNumbering,
)

# --- due work: what the ticker's jobs claim, with what they need to word the message ----------


@dataclass(frozen=True)
class DuePromise:
    promise: Promise
    contact: Contact
    profile: Profile | None  # None: the owner has no profile, so gets nothing unprompted


@dataclass(frozen=True)
class DueMeeting:
    meeting: Meeting
    contact: Contact
    profile: Profile | None


@dataclass(frozen=True)
class DueCadence:
    cadence: Cadence
    contact: Contact
    profile: Profile | None


@dataclass(frozen=True)
class DueDigest:
    profile: Profile
    due_at: datetime | None  # None: not scheduled yet (a new member, or changed settings)


@dataclass(frozen=True)
class PromiseTally:
    """Counts for `stats`, without loading every promise ever made."""

    open: int
    kept: int
    kept_on_time: int  # kept with no date, or by the date


class ProfileRepository(Protocol):
    def get(self, member: Member) -> Profile | None: ...
    def get_many(self, members: Iterable[Member]) -> Mapping[Member, Profile]:
        """The profiles of those among `members` who have one, one read per workspace."""
        ...

    def save(self, profile: Profile, *, now: datetime, since: Profile | None = None) -> None:
        """Insert or update; also marks the member as someone who has used the bot.

        With `since` (the profile as this unit of work read it), an update writes only the
        fields that differ from it, so two commands at once changing different settings both
        persist. A new profile, or a changed time zone or digest day/time, leaves the next
        digest unscheduled: `due_digests` hands it to the digest job to schedule.
        """
        ...

    def since(self, member: Member) -> datetime | None:
        """When the member's profile was first saved; None while the bot holds none (never
        used, or erased by forget-me). A link issued before it was issued to someone erased."""
        ...

    def due_digests(self, *, now: datetime, limit: int) -> Sequence[DueDigest]:
        """Profiles whose digest is due by `now` or not yet scheduled, claimed; oldest first."""
        ...

    def schedule_digest(self, member: Member, *, at: datetime) -> None: ...
    def seeking(self, workspace: Workspace, *, exclude: Member, limit: int) -> Sequence[Profile]:
        """Other members of the workspace who said what they are looking for and keep their
        profile visible, newest first."""
        ...


class ContactRepository(Protocol):
    def get(self, owner: Member, contact_id: int) -> Contact | None: ...
    def get_many(self, owner: Member, contact_ids: Iterable[int]) -> Mapping[int, Contact]:
        """The owner's contacts among these ids, by id, in one look-up (others' are absent)."""
        ...

    def find_member(self, owner: Member, user_id: str) -> Contact | None: ...
    def find_name(self, owner: Member, name: str) -> Contact | None:
        """An outside person (no member id) by name, case-insensitively."""
        ...

    def add(
        self, *, owner: Member, name: str, member_user_id: str | None, now: datetime
    ) -> Contact: ...
    def save(self, contact: Contact) -> None: ...
    def list(self, owner: Member, *, search: str = "") -> Sequence[Contact]:
        """Most recently touched first; `search` matches the name case-insensitively."""
        ...


class MeetingRepository(Protocol):
    def add(
        self,
        *,
        owner: Member,
        contact_id: int,
        met_at: datetime,
        context: str,
        follow_up_at: datetime | None,
        quotes: Member | None = None,
    ) -> Meeting: ...
    def list(self, owner: Member, *, about: int | None = None) -> Sequence[Meeting]:
        """Newest first; only those with contact `about` when given."""
        ...

    def clear_follow_ups(self, owner: Member, contact_id: int) -> None:
        """The member followed up with this contact: no nudge is owed any more."""
        ...

    def due_follow_ups(self, *, now: datetime, limit: int) -> Sequence[DueMeeting]:
        """Meetings whose follow-up nudge is due by `now`, any owner, claimed; oldest first."""
        ...


class NoteRepository(Protocol):
    def add(self, *, owner: Member, contact_id: int, text: str, now: datetime) -> Note: ...
    def list(self, owner: Member, *, about: int | None = None) -> Sequence[Note]:
        """Oldest first; only those on contact `about` when given."""
        ...


class PromiseRepository(Protocol):
    def add(
        self,
        *,
        owner: Member,
        contact_id: int,
        what: str,
        number: int,
        now: datetime,
        due_at: datetime | None,
        remind_at: datetime | None,
        heads_up_at: datetime | None,
    ) -> Promise: ...
    def save(self, promise: Promise) -> None: ...
    def get_open(self, owner: Member, number: int) -> Promise | None: ...
    def get(self, owner: Member, promise_id: int) -> Promise | None: ...
    def list_open(
        self, owner: Member, *, limit: int | None = None, about: int | None = None
    ) -> Sequence[Promise]:
        """Soonest next reminder (or due time, once reminded) first, those with neither last;
        the first `limit` of them when given; only those to contact `about` when given."""
        ...

    def count_open(self, owner: Member) -> int: ...
    def numbers_taken(self, owner: Member, *, closed_since: datetime) -> Sequence[int]:
        """The numbers of the owner's open promises and of those closed after
        `closed_since`, in no particular order (a number may appear twice)."""
        ...

    def last_closed(self, owner: Member, number: int, *, since: datetime) -> Promise | None:
        """The owner's promise #`number` closed most recently, after `since`."""
        ...

    def numbering(self, owner: Member, *, closed_since: datetime) -> PromiseNumbering:
        """`count_open`, and `next_free_number` of `numbers_taken` without reading every number
        when the open promises are numbered 1..n (the usual case); the open ones counted once."""
        ...

    def open_same(self, owner: Member, contact_id: int, what: str) -> Promise | None:
        """The owner's oldest open promise to this contact in the same words (`same_promise`),
        if any; read without loading every open promise."""
        ...

    def last_changed(self, owner: Member, *, since: datetime) -> Promise | None:
        """The owner's promise with the latest change `undo` can take back, made after `since`."""
        ...

    def open_per_contact(self, owner: Member, contact_ids: Sequence[int]) -> Mapping[int, int]:
        """How many open promises the owner has to each of these contacts (absent: none)."""
        ...

    def tally(self, owner: Member) -> PromiseTally: ...
    def list_all(
        self, owner: Member, *, since: datetime | None = None, about: int | None = None
    ) -> Sequence[Promise]:
        """In the order they were made; only those made at or after `since`, and to contact
        `about`, when given."""
        ...

    def due_reminders(self, *, now: datetime, limit: int) -> Sequence[DuePromise]:
        """Open promises whose reminder is due by `now`, any owner, claimed; oldest first."""
        ...

    def due_heads_ups(self, *, now: datetime, limit: int) -> Sequence[DuePromise]:
        """Open promises whose day-before heads-up is due by `now`, claimed; oldest first."""
        ...

    def clear_reminders(self, promise_ids: Sequence[int]) -> None:
        """Reminders handled (sent or skipped): not due again until snoozed."""
        ...

    def clear_heads_ups(self, promise_ids: Sequence[int]) -> None: ...


class CadenceRepository(Protocol):
    def get(self, owner: Member, contact_id: int) -> Cadence | None: ...
    def add(
        self, *, owner: Member, contact_id: int, every_days: int, due_at: datetime
    ) -> Cadence: ...
    def save(self, cadence: Cadence) -> None: ...
    def delete(self, owner: Member, contact_id: int) -> None: ...
    def list(self, owner: Member) -> Sequence[Cadence]: ...
    def due(self, *, now: datetime, limit: int) -> Sequence[DueCadence]:
        """Cadences run out by `now`, any owner, claimed; oldest first."""
        ...


class LedgerRepository(Protocol):
    def add(
        self,
        *,
        owner: Member,
        kind: LedgerKind,
        what: str,
        contact_id: int | None,
        now: datetime,
    ) -> LedgerEntry: ...
    def list(self, owner: Member, *, about: int | None = None) -> Sequence[LedgerEntry]:
        """Oldest first; only those with contact `about` when given."""
        ...

    def count(self, owner: Member, kind: LedgerKind, *, since: datetime | None = None) -> int: ...
    def get(self, owner: Member, entry_id: int) -> LedgerEntry | None: ...
    def delete(self, owner: Member, entry_id: int) -> None: ...


class ChannelPromptRepository(Protocol):
    def get(self, channel: Channel) -> ChannelPrompt | None: ...
    def put(
        self,
        channel: Channel,
        *,
        weekday: int,
        timezone: str,
        next_post_at: datetime,
        now: datetime,
    ) -> ChannelPrompt:
        """Turn prompts on in the channel, or change their day."""
        ...

    def save(self, prompt: ChannelPrompt) -> None: ...
    def delete(self, channel: Channel) -> None: ...
    def due(self, *, now: datetime, limit: int) -> Sequence[ChannelPrompt]:
        """Channels whose prompt is due by `now`, claimed; oldest first."""
        ...


class IntroRepository(Protocol):
    def add(
        self,
        *,
        introducer: Member,
        a: Member,
        b: Member,
        reason: str,
        channel: Channel | None,
        now: datetime,
        expires_at: datetime,
        withheld: bool = False,
    ) -> Intro:
        """A new pending intro (`withheld`: nobody asked); the introducer hears how it ended
        by `expires_at`."""
        ...

    def get(self, workspace: Workspace, intro_id: int) -> Intro | None: ...
    def save(self, intro: Intro) -> None: ...
    def waiting(self, introducer: Member) -> int:
        """The introducer's intros not settled yet: pending, or over but not yet told."""
        ...

    def between_since(self, a: Member, b: Member, *, since: datetime) -> Sequence[Intro]:
        """Intros of these two (either way round, withheld or not) asked for since then."""
        ...

    def open_between(self, a: Member, b: Member) -> Sequence[Intro]:
        """Intros with these two as its sides (either way round), not yet told to the introducer."""
        ...

    def due_notices(self, *, now: datetime, limit: int) -> Sequence[Intro]:
        """Intros whose introducer is due to hear they did not happen, claimed; oldest first."""
        ...

    def involving(self, member: Member) -> Sequence[Intro]:
        """Every intro the member made or was asked about, oldest first: a withheld one only
        for its introducer (its sides were never asked)."""
        ...


class BlockRepository(Protocol):
    def add(self, owner: Member, blocked_user_id: str, *, now: datetime) -> bool:
        """False when the owner had already blocked them."""
        ...

    def remove(self, owner: Member, blocked_user_id: str) -> bool:
        """False when there was no such block."""
        ...

    def between(self, a: Member, b: Member) -> bool:
        """Whether either of the two blocked the other."""
        ...

    def either_way(self, member: Member) -> frozenset[str]:
        """The user ids of members this one blocked, or who blocked them."""
        ...

    def list(self, owner: Member) -> Sequence[MemberBlock]: ...
    def in_workspace(self, workspace: Workspace) -> Sequence[MemberBlock]: ...


class PairingRepository(Protocol):
    """Pairing channels, who takes part in them, and their rounds and groups."""

    def channel(self, channel: Channel) -> PairingChannel | None: ...
    def put_channel(
        self,
        channel: Channel,
        *,
        every_weeks: int,
        group_size: int,
        weekday: int,
        at: time,
        timezone: str,
        repeat_window: int,
        organiser: Member,
        next_round_at: datetime,
        heads_up_at: datetime | None,
        channel_name: str,
        now: datetime,
    ) -> PairingChannel:
        """Turn pairing on in the channel, or change its settings (`channel_name` "" keeps the
        name known)."""
        ...

    def save_channel(self, channel: PairingChannel) -> None: ...
    def due_rounds(self, *, now: datetime, limit: int) -> Sequence[PairingChannel]:
        """Active channels whose next round is due by `now`, claimed; oldest first."""
        ...

    def due_heads_ups(self, *, now: datetime, limit: int) -> Sequence[PairingChannel]:
        """Active channels whose day-before heads-up is due by `now`, claimed; oldest first."""
        ...

    def membership(self, channel: Channel, member: Member) -> PairingMembership | None: ...
    def join(self, channel: Channel, member: Member, *, now: datetime) -> PairingMembership:
        """Take part from now on: a new membership, or an old one made active again."""
        ...

    def save_membership(self, membership: PairingMembership) -> None: ...
    def memberships(self, channel: Channel) -> Sequence[tuple[PairingMembership, Profile | None]]:
        """Everyone who ever joined, with their profile (None once they asked to be forgotten)."""
        ...

    def memberships_of(self, member: Member) -> Sequence[PairingMembership]: ...
    def add_round(
        self,
        channel: Channel,
        *,
        started_at: datetime,
        checkin_at: datetime | None,
        groups: Sequence[Sequence[Member]],
    ) -> PairingRound:
        """The channel's next round, numbered on from the last, with its groups."""
        ...

    def rounds(self, channel: Channel, *, limit: int) -> Sequence[PairingRound]:
        """The channel's latest rounds, newest first."""
        ...

    def save_round(self, pairing_round: PairingRound) -> None: ...
    def due_checkins(self, *, now: datetime, limit: int) -> Sequence[PairingRound]:
        """Rounds whose mid-round check-in is due by `now`, claimed; oldest first."""
        ...

    def groups(self, round_id: int) -> Sequence[PairingGroup]: ...
    def group(self, workspace: Workspace, group_id: int) -> PairingGroup | None: ...
    def answer(
        self, group: PairingGroup, member: Member, answer: CheckIn, *, met_at: datetime | None
    ) -> PairingGroup:
        """Record a member's check-in answer; `met_at` marks the group as having met."""
        ...

    def met_count(self, round_id: int) -> int:
        """How many of the round's groups confirmed they met."""
        ...

    def recent_partners(self, channel: Channel, *, rounds: int) -> dict[str, set[str]]:
        """Each member's partners in the channel's last `rounds` rounds, by user id, both ways."""
        ...


class EventRepository(Protocol):
    """Events announced in channels and members' answers to them, all of one workspace."""

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
        """A new event, numbered on from the workspace's last one."""
        ...

    def get(self, workspace: Workspace, number: int) -> Event | None: ...
    def get_by_id(self, workspace: Workspace, event_id: int) -> Event | None: ...
    def save(self, event: Event) -> None: ...
    def due_reminders(self, *, now: datetime, limit: int) -> Sequence[Event]:
        """Events with a reminder due by `now`, any workspace, claimed; soonest first."""
        ...

    def upcoming(self, channel: Channel, *, now: datetime) -> Sequence[Event]:
        """The channel's events not cancelled and not over by `now`, soonest first."""
        ...

    def answers(self, event: Event) -> Sequence[Rsvp]:
        """Every answer to the event: for the rules and counts, never shown as a whole."""
        ...

    def answer(self, rsvp: Rsvp) -> None:
        """Record the member's answer to the event (and opt-in), replacing their earlier one."""
        ...

    def created_by(self, member: Member) -> Sequence[Event]: ...
    def answers_of(self, member: Member) -> Sequence[tuple[Event, Rsvp]]:
        """The member's own answers, with their events, soonest event first."""
        ...


class EventFollowUpRepository(Protocol):
    """Who each attendee met at an event (asked once, afterwards), and suggested pairs."""

    def ended_unasked(self, *, now: datetime, since: datetime, limit: int) -> Sequence[Event]:
        """Events not cancelled that ended in (`since`, `now`] with someone going not yet
        asked who they met; any workspace, claimed; the earliest ended first."""
        ...

    def ask(self, event: Event, member: Member, *, now: datetime) -> Attendance: ...
    def attendance(self, event: Event) -> Sequence[Attendance]:
        """Everyone asked about this event, in the order they were asked."""
        ...

    def save(self, attendance: Attendance) -> None:
        """Record an answer (who they met), on the row `ask` made."""
        ...

    def starting(self, *, now: datetime, within: timedelta) -> Sequence[Event]:
        """Events not cancelled starting in (`now`, `now + within`], any workspace."""
        ...

    def since(self, channel: Channel, *, since: datetime) -> Sequence[Event]:
        """The channel's events not cancelled that start from `since` on, soonest first."""
        ...

    def suggestions(self, event: Event) -> Sequence[Suggestion]: ...
    def suggest(self, event: Event, a: Member, b: Member, *, now: datetime) -> Suggestion: ...
    def attendance_of(self, member: Member) -> Sequence[tuple[Event, Attendance]]:
        """The member's own answers, with their events, soonest event first."""
        ...

    def suggestions_of(self, member: Member) -> Sequence[tuple[Event, Suggestion]]:
        """The pairs the member is in, with their events, soonest event first."""
        ...


@dataclass(frozen=True)
class OutboxMessage:
    effect: Effect
    key: str  # idempotency key: a message is queued once per key, ever
    not_before: datetime


@dataclass(frozen=True)
class QueuedMessage:
    """A message waiting for a member, as their export lists it: what and when, no text."""

    kind: EffectKind  # a DM or a group
    about: str  # reminder, digest, follow up, intro…
    due_at: datetime


def queued_about(key: str) -> str:
    """What a queued message is, read from its idempotency key's prefix ("reminder:12:…")."""
    prefix = key.partition(":")[0].partition(">")[0]
    return {"cmd": "message", "fanout": "introduction"}.get(prefix, prefix.replace("_", " "))


class Outbox(Protocol):
    def add(self, effect: Effect, *, key: str, now: datetime, not_before: datetime) -> bool:
        """Queue an effect once per idempotency key; False when the key was already queued."""
        ...

    def add_many(self, messages: Sequence[OutboxMessage], *, now: datetime) -> int:
        """Queue several in one statement (the ticker's batches); how many keys were new."""
        ...

    def purge_settled(self, *, before: datetime, limit: int) -> int:
        """Drop the payloads of up to `limit` sent or dead messages settled before `before`,
        oldest first; the rows, their keys (deduplication) and delivery records stay."""
        ...

    def queued_for(self, member: Member, *, limit: int) -> Sequence[QueuedMessage]:
        """Messages still waiting to reach `member` (their DMs and groups), soonest first."""
        ...

    def take_undelivered(self, member: Member) -> int:
        """How many DMs to `member` failed for good since they were last told, marked told now.

        The command service tells the member in its reply; if the transaction rolls back, they
        are told next time instead.
        """
        ...


class UsageRepository(Protocol):
    """When a member last did something that is rate-limited (`kind`: posted an ask in the
    channel `scope`, asked for an export), kept only as long as a limit looks back."""

    def recent(
        self, member: Member, *, kind: str, scope: str = "", since: datetime
    ) -> Sequence[datetime]:
        """Times after `since`, oldest first."""
        ...

    def mark(
        self, member: Member, *, kind: str, scope: str = "", now: datetime, keep: timedelta
    ) -> None:
        """Record one at `now`; the member's marks of this kind older than `keep` go."""
        ...


@dataclass(frozen=True)
class SignedRequest:
    """A platform's signed request, by a digest of its signature (no text or id of anyone)."""

    digest: str
    signed_at: int  # the platform's own timestamp of it, in seconds


class RequestLog(Protocol):
    """Signed requests already run, recorded in the transaction of the work they ran: a replay
    of one runs nothing, and one whose work was rolled back was never run."""

    def first_seen(self, digest: str, *, signed_at: int) -> bool:
        """Record it: True the first time, False when it was recorded before. Forgets those
        signed so long before `signed_at` that the platform would refuse a replay anyway."""
        ...


class UnitOfWork(Protocol):
    """One transaction: everything a command or tick changes, and the messages it causes."""

    profiles: ProfileRepository
    contacts: ContactRepository
    meetings: MeetingRepository
    notes: NoteRepository
    promises: PromiseRepository
    cadences: CadenceRepository
    ledger: LedgerRepository
    channel_prompts: ChannelPromptRepository
    intros: IntroRepository
    blocks: BlockRepository
    pairing: PairingRepository
    usage: UsageRepository
    outbox: Outbox
    events: EventRepository
    event_followups: EventFollowUpRepository
    requests: RequestLog

    def erase_member(self, member: Member) -> None:
        """Delete the member's own records and every queued or kept message about them; other
        members' records keep no trace of them (contacts unlinked and renamed, contexts that
        quoted them rewritten). Blocks others placed on them stay: those protect the others."""
        ...

    def erase_workspace(self, workspace: Workspace) -> None: ...
    def commit(self) -> None: ...

    def savepoint(self) -> AbstractContextManager[None]:
        """What is done inside is undone if it raises, and the transaction goes on: the ticker
        runs each job of a tick in one, so a failing job loses only its own batch."""
        ...

    def due_kinds(self, checks: Sequence[DueCheck]) -> frozenset[DueKind]:
        """The kinds among `checks` that have anything due by their time, in one cheap query:
        an idle tick asks this and nothing more. May name a kind with nothing due (a job then
        finds nothing); never leaves out one with something due."""
        ...

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed."""
        ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


@dataclass(frozen=True)
class OutboxItem:
    """A queued message claimed for delivery."""

    id: int
    key: str
    effect: Effect
    attempts: int
    created_at: datetime
    # The claim's end; settling checks it, so a worker whose lease ran out cannot settle a
    # message another worker has taken over since.
    claimed_until: datetime
    # A group's conversation, opened and recorded by an earlier attempt: a retry posts there.
    group: Channel | None = None


class OutboxStatus(StrEnum):
    """Where an outbox row stands; stored as these values."""

    PENDING = "pending"  # waiting, or being sent
    SENT = "sent"
    DEAD = "dead"  # given up on: listed by `buddy outbox`, never retried


@dataclass(frozen=True)
class OutboxEntry:
    """A row of the outbox as operators see it (`buddy outbox`)."""

    id: int
    key: str
    kind: EffectKind
    platform: Platform
    workspace_id: str
    recipient: str
    status: OutboxStatus
    attempts: int
    next_attempt_at: datetime
    last_error: str | None


class OutboxQueue(Protocol):
    """The delivery side of the outbox: claim due messages, then settle each one."""

    def claim_due(
        self, *, platform: Platform, now: datetime, limit: int, lease: timedelta
    ) -> Sequence[OutboxItem]:
        """Pending messages for the platform due by `now`, earliest due first.

        A message waits while an earlier one to the same recipient is pending (unless that one
        is held back until later, by quiet hours say), so messages to one recipient go out in
        the order queued. Claimed for `lease`: no other worker takes them meanwhile, and they
        are free again by themselves if this worker dies.

        The settling methods below return False, changing nothing, when the claim ran out and
        another worker has taken the message since.
        """
        ...

    def mark_sent(self, item: OutboxItem, *, now: datetime) -> bool: ...
    def retry_at(self, item: OutboxItem, *, at: datetime, error: str | None, failed: bool) -> bool:
        """Release the message until `at`; `failed` counts the attempt (a rate limit does not);
        `error` None keeps the last one (a message released unsent at shutdown)."""
        ...

    def mark_dead(self, item: OutboxItem, *, now: datetime, error: str, notify: bool) -> bool:
        """Give up: recorded, listed by `buddy outbox`, never retried. `notify`: the recipient
        of this DM is told in their next command reply (`Outbox.take_undelivered`)."""
        ...

    def record_group(self, item: OutboxItem, group: Channel) -> bool:
        """Remember the conversation opened for the item's group, before anything is posted
        in it: every later attempt gets it as `OutboxItem.group`, across restarts."""
        ...

    def posted(self, channel: Channel, anchor: str) -> str | None:
        """The reference of the post made under `anchor` in the channel, once recorded."""
        ...

    def record_post(self, item: OutboxItem, ref: str) -> bool:
        """Remember the post the item (a `ChannelPost` with an anchor) made, while its claim
        holds, so later posts under the same anchor edit it."""
        ...

    def fan_out(self, item: OutboxItem, effects: Mapping[str, Effect], *, now: datetime) -> bool:
        """Settle the message by queuing `effects` (by idempotency key) in its place, due now:
        each then succeeds or fails on its own, so a retry never repeats the ones that went."""
        ...

    def entries(self, *, statuses: Sequence[OutboxStatus], limit: int) -> Sequence[OutboxEntry]: ...
    def counts(self, *, statuses: Sequence[OutboxStatus]) -> Mapping[OutboxStatus, int]: ...


class Messenger(Protocol):
    """The outbound port each platform implements; errors are `DeliveryError`s."""

    async def send_dm(self, member: Member, message: Message) -> None: ...
    async def post(self, channel: Channel, message: Message) -> str | None:
        """Post in the channel; the post's reference where the platform can edit it later."""
        ...

    async def edit_post(self, channel: Channel, ref: str, message: Message) -> str | None:
        """Replace the post `ref` (as `post` returned it) with `message`; doing it twice is
        harmless. A new reference when the post gained something since (Discord: a scheduled
        event made once the bot may), else None."""
        ...

    async def send_group(
        self,
        members: Sequence[Member],
        message: Message,
        *,
        near: Channel | None,
        title: str,
        opened: Channel | None,
        record: Callable[[Channel], Awaitable[None]],
    ) -> Channel | None:
        """Post `message` in a private group conversation of `members` (or a private thread
        named `title` `near` a channel); the conversation it went to.

        `opened`: the one an earlier attempt opened, reused. A new one is passed to `record`
        before anything is posted in it, so a retry (after a restart too) posts there rather
        than open another. None, having sent nothing, where the platform can open neither:
        the message then goes to each member by DM.
        """
        ...


class DueKind(StrEnum):
    """What a job finds due, each one indexed due time in the store."""

    REMINDERS = "reminders"  # open promises' remind_at
    HEADS_UPS = "heads_ups"  # open promises' heads_up_at
    FOLLOW_UPS = "follow_ups"  # meetings' follow_up_at
    CADENCES = "cadences"  # keep-in-touch due_at
    DIGESTS = "digests"  # profiles' digest_due_at, or none scheduled yet
    CHANNEL_PROMPTS = "channel_prompts"  # next_post_at
    INTRO_NOTICES = "intro_notices"  # intros' notice_at
    PAIRING_HEADS_UPS = "pairing_heads_ups"  # active pairing channels' heads_up_at
    PAIRING_ROUNDS = "pairing_rounds"  # active pairing channels' next_round_at
    PAIRING_CHECKINS = "pairing_checkins"  # rounds' checkin_at
    SETTLED_OUTBOX = "settled_outbox"  # sent or dead messages still holding their text
    EVENT_REMINDERS = "event_reminders"  # events' day_before_at and hour_before_at
    # Due only inside a window (DueCheck.after): events ended lately with someone going not yet
    # asked who they met; events starting soon with someone going who asked for suggestions.
    EVENT_QUESTIONS = "event_questions"  # ends_at
    EVENT_SUGGESTIONS = "event_suggestions"  # starts_at


@dataclass(frozen=True)
class DueCheck:
    """Is anything of `kind` due at or before `by` (and, for a kind due only inside a window,
    after `after`)?"""

    kind: DueKind
    by: datetime
    after: datetime | None = None


class DueJob(Protocol):
    """One kind of due work (reminders, digests, rounds…); the ticker runs it batch by batch."""

    name: str

    def run(self, uow: UnitOfWork, *, now: datetime, limit: int) -> int:
        """Queue in `uow`'s outbox what is due by `now`, at most `limit` items, and mark them
        handled; the ticker commits, and calls again while a batch comes back full.

        Due rows are claimed so concurrent workers never take the same one (`FOR UPDATE SKIP
        LOCKED` on PostgreSQL); idempotency keys make a repeat harmless all the same.
        """
        ...


@runtime_checkable
class WatchedJob(DueJob, Protocol):
    """A job that says what it would find due, so an idle tick skips it after one query for
    all of them; a job without `due_check` runs every tick."""

    def due_check(self, now: datetime) -> DueCheck: ...


class Metrics(Protocol):
    """Counters an operator watches (Prometheus on the web process); never private text."""

    def command(self, *, platform: str, outcome: str, seconds: float) -> None:
        """A command or button press finished: `outcome` is ok, refused or error."""
        ...

    def delivery(self, *, platform: str, outcome: str) -> None:
        """An outbox message was settled: sent, retried, dead or released."""
        ...

    def tick(self, *, seconds: float) -> None: ...


class NoMetrics:
    """The default: nothing is counted."""

    def command(self, *, platform: str, outcome: str, seconds: float) -> None:
        pass

    def delivery(self, *, platform: str, outcome: str) -> None:
        pass

    def tick(self, *, seconds: float) -> None:
        pass
