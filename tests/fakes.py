"""In-memory stand-ins for the ports: a unit of work with real commit/rollback, and a clock.

The state is plain dicts of frozen records. A unit of work copies them on enter and swaps its
copies in on `commit()`; leaving the `with` block without committing drops the copies, so a
command that fails half-way leaves nothing behind — the same promise the SQL store makes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, TypeVar

from bot.core.effects import DirectMessage, Effect, GroupIntro, effect_members, effect_workspace
from bot.core.event_followups import Attendance, Suggestion
from bot.core.events import Event, Rsvp
from bot.core.identity import Channel, Member, Workspace
from bot.core.ports import (
    BlockRepository,
    CadenceRepository,
    ChannelPromptRepository,
    ContactRepository,
    DueCadence,
    DueCheck,
    DueDigest,
    DueKind,
    DueMeeting,
    DuePromise,
    EventFollowUpRepository,
    EventRepository,
    IntroRepository,
    LedgerRepository,
    MeetingRepository,
    NoteRepository,
    Outbox,
    OutboxMessage,
    PairingRepository,
    ProfileRepository,
    PromiseRepository,
    PromiseTally,
    QueuedMessage,
    RequestLog,
    UnitOfWorkFactory,
    UsageRepository,
    queued_about,
)
from bot.core.promises import next_free_number, same_promise
from bot.core.records import (
    FORMER_INTRODUCER,
    FORMER_MEMBER,
    Cadence,
    ChannelPrompt,
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
    PromiseStatus,
)
from tests import fakes_event_followups, fakes_events, fakes_intros

R = TypeVar("R")


# --- the clock ------------------------------------------------------------------------------


class ManualClock:
    """A clock that only moves when a test moves it."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = when.astimezone(UTC)


# --- the state --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxRow:
    """One queued effect, as the delivery loop would find it."""

    key: str
    effect: Effect
    queued_at: datetime
    not_before: datetime


@dataclass(frozen=True)
class UsageMark:
    """A rate-limited act, as the `usage_marks` table keeps it."""

    id: int
    owner: Member
    kind: str
    scope: str
    at: datetime


class _Table(dict[Any, Any]):
    """Rows kept the way the SQL store keeps them: times in UTC, a time without a zone refused
    (so a test that passes a naive or local time fails here as it would on the real store)."""

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, _as_stored(value))

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]


def _as_stored(value: Any) -> Any:
    if isinstance(value, datetime):
        return _utc(value)
    if is_dataclass(value) and not isinstance(value, type):
        times = {f.name: getattr(value, f.name) for f in fields(value)}
        changes = {
            name: _utc(at)
            for name, at in times.items()
            if isinstance(at, datetime) and at.tzinfo is not UTC
        }
        return replace(value, **changes) if changes else value
    return value


def _utc(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime {at.isoformat()} refused: pass an aware UTC time")
    return at.astimezone(UTC)


@dataclass
class StoreState:
    """Everything the fake store holds; each field is a table of immutable values."""

    profiles: dict[Member, Profile] = field(default_factory=_Table)
    first_used: dict[Member, datetime] = field(default_factory=_Table)
    profile_updated: dict[Member, datetime] = field(default_factory=_Table)
    digest_due: dict[Member, datetime | None] = field(default_factory=_Table)
    contacts: dict[int, Contact] = field(default_factory=_Table)
    meetings: dict[int, Meeting] = field(default_factory=_Table)
    notes: dict[int, Note] = field(default_factory=_Table)
    promises: dict[int, Promise] = field(default_factory=_Table)
    cadences: dict[int, Cadence] = field(default_factory=_Table)
    ledger: dict[int, LedgerEntry] = field(default_factory=_Table)
    channel_prompts: dict[int, ChannelPrompt] = field(default_factory=_Table)
    outbox: dict[str, OutboxRow] = field(default_factory=_Table)
    # DMs that failed for good, per recipient, not yet told in a reply (no delivery here: tests
    # set it).
    undelivered: dict[Member, int] = field(default_factory=_Table)
    intros: dict[int, Intro] = field(default_factory=_Table)
    member_blocks: dict[int, MemberBlock] = field(default_factory=_Table)
    pairing_channels: dict[int, PairingChannel] = field(default_factory=_Table)
    pairing_members: dict[int, PairingMembership] = field(default_factory=_Table)
    pairing_rounds: dict[int, PairingRound] = field(default_factory=_Table)
    pairing_groups: dict[int, PairingGroup] = field(default_factory=_Table)
    usage_marks: dict[int, UsageMark] = field(default_factory=_Table)
    events: dict[int, Event] = field(default_factory=_Table)
    rsvps: dict[int, Rsvp] = field(default_factory=_Table)
    attendance: dict[int, Attendance] = field(default_factory=_Table)
    suggestions: dict[int, Suggestion] = field(default_factory=_Table)
    signed_requests: dict[str, int] = field(default_factory=_Table)  # digest: signed at
    counters: dict[str, int] = field(default_factory=_Table)

    def copy(self) -> StoreState:
        """Shallow copies suffice: the values are frozen records."""
        return StoreState(**{f.name: _Table(getattr(self, f.name)) for f in fields(self)})

    def next_id(self, table: str) -> int:
        self.counters[table] = self.counters.get(table, 0) + 1
        return self.counters[table]


def _owned(table: dict[int, R], owner: Member) -> list[R]:
    return [row for row in table.values() if row.owner == owner]  # type: ignore[attr-defined]


def _about(rows: list[R], contact_id: int | None) -> list[R]:
    """Those with contact `contact_id`, or all when it is None."""
    if contact_id is None:
        return rows
    return [row for row in rows if row.contact_id == contact_id]  # type: ignore[attr-defined]


# --- repositories -----------------------------------------------------------------------------


class _Repo:
    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    @property
    def _state(self) -> StoreState:
        return self._uow.state


class InMemoryProfiles(_Repo):
    def get(self, member: Member) -> Profile | None:
        return self._state.profiles.get(member)

    def get_many(self, members: Iterable[Member]) -> Mapping[Member, Profile]:
        profiles = self._state.profiles
        return {member: profiles[member] for member in members if member in profiles}

    def save(self, profile: Profile, *, now: datetime, since: Profile | None = None) -> None:
        state = self._state
        old = state.profiles.get(profile.member)
        if old is not None and since is not None:  # only the fields this unit of work changed
            changed = {
                f.name: getattr(profile, f.name)
                for f in fields(Profile)
                if getattr(profile, f.name) != getattr(since, f.name)
            }
            profile = replace(old, **changed)
        if old is None or _schedule(old) != _schedule(profile):
            state.digest_due[profile.member] = None  # for the digest job to schedule
        state.profiles[profile.member] = profile
        state.first_used.setdefault(profile.member, now)
        state.profile_updated[profile.member] = now

    def since(self, member: Member) -> datetime | None:
        state = self._state
        return state.first_used.get(member) if member in state.profiles else None

    def due_digests(self, *, now: datetime, limit: int) -> Sequence[DueDigest]:
        state = self._state
        order = {member: index for index, member in enumerate(state.profiles)}
        due = [
            (at, member)
            for member, at in state.digest_due.items()
            if member in state.profiles and (at is None or at <= now)
        ]
        # NULLs first, then soonest due; ties in insertion (id) order, as the SQL store.
        due.sort(key=lambda item: (item[0] is not None, item[0] or now, order[item[1]]))
        return [DueDigest(state.profiles[member], at) for at, member in due[:limit]]

    def schedule_digest(self, member: Member, *, at: datetime) -> None:
        if member in self._state.profiles:
            self._state.digest_due[member] = at

    def seeking(self, workspace: Workspace, *, exclude: Member, limit: int) -> Sequence[Profile]:
        state = self._state
        order = {member: index for index, member in enumerate(state.profiles)}
        found = [
            p
            for p in state.profiles.values()
            if p.member.workspace == workspace
            and p.member != exclude
            and p.looking_for != ""
            and p.profile_visible
        ]
        found.sort(key=lambda p: (state.profile_updated[p.member], order[p.member]), reverse=True)
        return found[:limit]


def _schedule(profile: Profile) -> tuple[object, ...]:
    return (profile.timezone, profile.digest_weekday, profile.digest_time)


def _due_promises(
    state: StoreState, due: list[tuple[datetime, Promise]], limit: int
) -> list[DuePromise]:
    due.sort(key=lambda item: (item[0], item[1].id))
    return [
        DuePromise(p, state.contacts[p.contact_id], state.profiles.get(p.owner))
        for _, p in due[:limit]
    ]


class InMemoryContacts(_Repo):
    def get(self, owner: Member, contact_id: int) -> Contact | None:
        contact = self._state.contacts.get(contact_id)
        return contact if contact is not None and contact.owner == owner else None

    def get_many(self, owner: Member, contact_ids: Iterable[int]) -> Mapping[int, Contact]:
        found = (self.get(owner, contact_id) for contact_id in set(contact_ids))
        return {contact.id: contact for contact in found if contact is not None}

    def find_member(self, owner: Member, user_id: str) -> Contact | None:
        for contact in _owned(self._state.contacts, owner):
            if contact.member_user_id == user_id:
                return contact
        return None

    def find_name(self, owner: Member, name: str) -> Contact | None:
        wanted = name.casefold()
        for contact in _owned(self._state.contacts, owner):
            if contact.member_user_id is None and contact.name.casefold() == wanted:
                return contact
        return None

    def add(
        self, *, owner: Member, name: str, member_user_id: str | None, now: datetime
    ) -> Contact:
        contact = Contact(
            id=self._state.next_id("contacts"),
            owner=owner,
            name=name,
            member_user_id=member_user_id,
            created_at=now,
            last_touch_at=now,
        )
        self._state.contacts[contact.id] = contact
        return contact

    def save(self, contact: Contact) -> None:
        stored = self._state.contacts.get(contact.id)
        if stored is None or stored.owner != contact.owner:
            raise KeyError(f"no contact {contact.id} for {contact.owner}")
        self._state.contacts[contact.id] = contact

    def list(self, owner: Member, *, search: str = "") -> Sequence[Contact]:
        wanted = search.casefold() if search.strip() else ""  # a blank search lists everyone
        found = [c for c in _owned(self._state.contacts, owner) if wanted in c.name.casefold()]
        return sorted(found, key=lambda c: (c.last_touch_at, c.id), reverse=True)


class InMemoryMeetings(_Repo):
    def add(
        self,
        *,
        owner: Member,
        contact_id: int,
        met_at: datetime,
        context: str,
        follow_up_at: datetime | None,
        quotes: Member | None = None,
    ) -> Meeting:
        meeting = Meeting(
            id=self._state.next_id("meetings"),
            owner=owner,
            contact_id=contact_id,
            met_at=met_at,
            context=context,
            follow_up_at=follow_up_at,
            quoted_user_id=quotes.user_id if quotes else None,
        )
        self._state.meetings[meeting.id] = meeting
        return meeting

    def list(self, owner: Member, *, about: int | None = None) -> Sequence[Meeting]:
        return sorted(
            _about(_owned(self._state.meetings, owner), about),
            key=lambda m: (m.met_at, m.id),
            reverse=True,
        )

    def clear_follow_ups(self, owner: Member, contact_id: int) -> None:
        for meeting in _owned(self._state.meetings, owner):
            if meeting.contact_id == contact_id and meeting.follow_up_at is not None:
                self._state.meetings[meeting.id] = replace(meeting, follow_up_at=None)

    def due_follow_ups(self, *, now: datetime, limit: int) -> Sequence[DueMeeting]:
        state = self._state
        due = [
            (m.follow_up_at, m.id, m)
            for m in state.meetings.values()
            if m.follow_up_at is not None and m.follow_up_at <= now
        ]
        due.sort(key=lambda item: item[:2])
        return [
            DueMeeting(m, state.contacts[m.contact_id], state.profiles.get(m.owner))
            for _, _, m in due[:limit]
        ]


class InMemoryNotes(_Repo):
    def add(self, *, owner: Member, contact_id: int, text: str, now: datetime) -> Note:
        note = Note(
            id=self._state.next_id("notes"),
            owner=owner,
            contact_id=contact_id,
            text=text,
            created_at=now,
        )
        self._state.notes[note.id] = note
        return note

    def list(self, owner: Member, *, about: int | None = None) -> Sequence[Note]:
        notes = _about(_owned(self._state.notes, owner), about)
        return sorted(notes, key=lambda n: (n.created_at, n.id))


class InMemoryPromises(_Repo):
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
    ) -> Promise:
        if self.get_open(owner, number) is not None:
            raise ValueError(f"{owner} already has an open promise #{number}")
        promise = Promise(
            id=self._state.next_id("promises"),
            owner=owner,
            contact_id=contact_id,
            what=what,
            number=number,
            status=PromiseStatus.OPEN,
            created_at=now,
            due_at=due_at,
            remind_at=remind_at,
            heads_up_at=heads_up_at,
        )
        self._state.promises[promise.id] = promise
        return promise

    def save(self, promise: Promise) -> None:
        stored = self._state.promises.get(promise.id)
        if stored is None or stored.owner != promise.owner:
            raise KeyError(f"no promise {promise.id} for {promise.owner}")
        self._state.promises[promise.id] = promise

    def get_open(self, owner: Member, number: int) -> Promise | None:
        for promise in _owned(self._state.promises, owner):
            if promise.status is PromiseStatus.OPEN and promise.number == number:
                return promise
        return None

    def get(self, owner: Member, promise_id: int) -> Promise | None:
        promise = self._state.promises.get(promise_id)
        return promise if promise is not None and promise.owner == owner else None

    def list_open(
        self, owner: Member, *, limit: int | None = None, about: int | None = None
    ) -> Sequence[Promise]:
        open_ = sorted(
            _about(self._open(owner), about),
            key=lambda p: (
                p.remind_at is None and p.due_at is None,
                p.remind_at or p.due_at or p.created_at,
                p.created_at,
                p.id,
            ),
        )
        return open_ if limit is None else open_[:limit]

    def _open(self, owner: Member) -> list[Promise]:
        return [p for p in _owned(self._state.promises, owner) if p.status is PromiseStatus.OPEN]

    def count_open(self, owner: Member) -> int:
        return len(self._open(owner))

    def numbers_taken(self, owner: Member, *, closed_since: datetime) -> Sequence[int]:
        return [
            p.number
            for p in _owned(self._state.promises, owner)
            if p.status is PromiseStatus.OPEN
            or (p.closed_at is not None and p.closed_at > closed_since)
        ]

    def last_closed(self, owner: Member, number: int, *, since: datetime) -> Promise | None:
        closed = [
            p
            for p in _owned(self._state.promises, owner)
            if p.status is not PromiseStatus.OPEN
            and p.number == number
            and p.closed_at is not None
            and p.closed_at > since
        ]
        return max(closed, key=lambda p: (p.closed_at, p.id), default=None)

    def last_changed(self, owner: Member, *, since: datetime) -> Promise | None:
        changed = [
            (p.undo.at, p.id, p)
            for p in _owned(self._state.promises, owner)
            if p.undo is not None and p.undo.at > since
        ]
        return max(changed, key=lambda c: (c[0], c[1]))[2] if changed else None

    def numbering(self, owner: Member, *, closed_since: datetime) -> PromiseNumbering:
        free = next_free_number(self.numbers_taken(owner, closed_since=closed_since))
        return PromiseNumbering(open_count=self.count_open(owner), next_number=free)

    def open_same(self, owner: Member, contact_id: int, what: str) -> Promise | None:
        same = (
            p
            for p in self._open(owner)
            if p.contact_id == contact_id and same_promise(p.what, what)
        )
        return min(same, key=lambda p: p.id, default=None)

    def open_per_contact(self, owner: Member, contact_ids: Sequence[int]) -> Mapping[int, int]:
        counts: dict[int, int] = {}
        for promise in self._open(owner):
            if promise.contact_id in contact_ids:
                counts[promise.contact_id] = counts.get(promise.contact_id, 0) + 1
        return counts

    def tally(self, owner: Member) -> PromiseTally:
        promises = _owned(self._state.promises, owner)
        kept = [p for p in promises if p.status is PromiseStatus.DONE]
        on_time = [
            p
            for p in kept
            if p.due_at is None or (p.closed_at is not None and p.closed_at <= p.due_at)
        ]
        return PromiseTally(open=len(self._open(owner)), kept=len(kept), kept_on_time=len(on_time))

    def list_all(
        self, owner: Member, *, since: datetime | None = None, about: int | None = None
    ) -> Sequence[Promise]:
        made = _about(_owned(self._state.promises, owner), about)
        if since is not None:
            made = [p for p in made if p.created_at >= since]
        return sorted(made, key=lambda p: p.id)

    def due_reminders(self, *, now: datetime, limit: int) -> Sequence[DuePromise]:
        due = [
            (p.remind_at, p)
            for p in self._state.promises.values()
            if p.status is PromiseStatus.OPEN and p.remind_at is not None and p.remind_at <= now
        ]
        return _due_promises(self._state, due, limit)

    def clear_reminders(self, promise_ids: Sequence[int]) -> None:
        for promise_id in promise_ids:
            promise = self._state.promises[promise_id]
            self._state.promises[promise_id] = replace(promise, remind_at=None)

    def clear_heads_ups(self, promise_ids: Sequence[int]) -> None:
        for promise_id in promise_ids:
            promise = self._state.promises[promise_id]
            self._state.promises[promise_id] = replace(promise, heads_up_at=None)

    def due_heads_ups(self, *, now: datetime, limit: int) -> Sequence[DuePromise]:
        due = [
            (p.heads_up_at, p)
            for p in self._state.promises.values()
            if p.status is PromiseStatus.OPEN and p.heads_up_at is not None and p.heads_up_at <= now
        ]
        return _due_promises(self._state, due, limit)


class InMemoryUsage(_Repo):
    def recent(
        self, member: Member, *, kind: str, scope: str = "", since: datetime
    ) -> Sequence[datetime]:
        return sorted(
            mark.at
            for mark in _owned(self._state.usage_marks, member)
            if mark.kind == kind and mark.scope == scope and mark.at > since
        )

    def mark(
        self, member: Member, *, kind: str, scope: str = "", now: datetime, keep: timedelta
    ) -> None:
        marks = self._state.usage_marks
        for mark in _owned(marks, member):
            if mark.kind == kind and mark.at <= now - keep:
                del marks[mark.id]
        mark_id = self._state.next_id("usage_marks")
        marks[mark_id] = UsageMark(mark_id, member, kind, scope, now)


class InMemoryRequests(_Repo):
    MEMORY_SECONDS = 10 * 60  # as the SQL store keeps them

    def first_seen(self, digest: str, *, signed_at: int) -> bool:
        seen = self._state.signed_requests
        first = digest not in seen
        seen[digest] = seen.get(digest, signed_at)
        for old in [d for d, at in seen.items() if at < signed_at - self.MEMORY_SECONDS]:
            del seen[old]
        return first


class InMemoryCadences(_Repo):
    def get(self, owner: Member, contact_id: int) -> Cadence | None:
        for cadence in _owned(self._state.cadences, owner):
            if cadence.contact_id == contact_id:
                return cadence
        return None

    def add(self, *, owner: Member, contact_id: int, every_days: int, due_at: datetime) -> Cadence:
        if self.get(owner, contact_id) is not None:
            raise ValueError(f"{owner} already keeps in touch with contact {contact_id}")
        cadence = Cadence(
            id=self._state.next_id("cadences"),
            owner=owner,
            contact_id=contact_id,
            every_days=every_days,
            due_at=due_at,
        )
        self._state.cadences[cadence.id] = cadence
        return cadence

    def save(self, cadence: Cadence) -> None:
        stored = self._state.cadences.get(cadence.id)
        if stored is None or stored.owner != cadence.owner:
            raise KeyError(f"no cadence {cadence.id} for {cadence.owner}")
        self._state.cadences[cadence.id] = cadence

    def delete(self, owner: Member, contact_id: int) -> None:
        cadence = self.get(owner, contact_id)
        if cadence is not None:
            del self._state.cadences[cadence.id]

    def list(self, owner: Member) -> Sequence[Cadence]:
        return sorted(_owned(self._state.cadences, owner), key=lambda c: (c.due_at, c.id))

    def due(self, *, now: datetime, limit: int) -> Sequence[DueCadence]:
        state = self._state
        due = sorted(
            (c for c in state.cadences.values() if c.due_at <= now),
            key=lambda c: (c.due_at, c.id),
        )
        return [
            DueCadence(c, state.contacts[c.contact_id], state.profiles.get(c.owner))
            for c in due[:limit]
        ]


class InMemoryLedger(_Repo):
    def add(
        self,
        *,
        owner: Member,
        kind: LedgerKind,
        what: str,
        contact_id: int | None,
        now: datetime,
    ) -> LedgerEntry:
        entry = LedgerEntry(
            id=self._state.next_id("ledger"),
            owner=owner,
            kind=kind,
            what=what,
            contact_id=contact_id,
            at=now,
        )
        self._state.ledger[entry.id] = entry
        return entry

    def list(self, owner: Member, *, about: int | None = None) -> Sequence[LedgerEntry]:
        entries = _about(_owned(self._state.ledger, owner), about)
        return sorted(entries, key=lambda e: (e.at, e.id))

    def count(self, owner: Member, kind: LedgerKind, *, since: datetime | None = None) -> int:
        return sum(
            1
            for e in _owned(self._state.ledger, owner)
            if e.kind is kind and (since is None or e.at >= since)
        )

    def delete(self, owner: Member, entry_id: int) -> None:
        entry = self._state.ledger.get(entry_id)
        if entry is not None and entry.owner == owner:
            del self._state.ledger[entry_id]

    def get(self, owner: Member, entry_id: int) -> LedgerEntry | None:
        entry = self._state.ledger.get(entry_id)
        return entry if entry is not None and entry.owner == owner else None


class InMemoryChannelPrompts(_Repo):
    def get(self, channel: Channel) -> ChannelPrompt | None:
        for prompt in self._state.channel_prompts.values():
            if prompt.channel == channel:
                return prompt
        return None

    def put(
        self,
        channel: Channel,
        *,
        weekday: int,
        timezone: str,
        next_post_at: datetime,
        now: datetime,
    ) -> ChannelPrompt:
        existing = self.get(channel)
        prompt_id = existing.id if existing else self._state.next_id("channel_prompts")
        prompt = ChannelPrompt(prompt_id, channel, weekday, timezone, next_post_at)
        self._state.channel_prompts[prompt_id] = prompt
        return prompt

    def save(self, prompt: ChannelPrompt) -> None:
        if prompt.id in self._state.channel_prompts:
            self._state.channel_prompts[prompt.id] = prompt

    def delete(self, channel: Channel) -> None:
        existing = self.get(channel)
        if existing is not None:
            del self._state.channel_prompts[existing.id]

    def due(self, *, now: datetime, limit: int) -> Sequence[ChannelPrompt]:
        due = [p for p in self._state.channel_prompts.values() if p.next_post_at <= now]
        return sorted(due, key=lambda p: (p.next_post_at, p.id))[:limit]


class InMemoryOutbox(_Repo):
    def add(self, effect: Effect, *, key: str, now: datetime, not_before: datetime) -> bool:
        if key in self._state.outbox:
            return False
        self._state.outbox[key] = OutboxRow(key, effect, now, not_before)
        return True

    def add_many(self, messages: Sequence[OutboxMessage], *, now: datetime) -> int:
        return sum(
            self.add(m.effect, key=m.key, now=now, not_before=m.not_before) for m in messages
        )

    def purge_settled(self, *, before: datetime, limit: int) -> int:
        return 0  # nothing is ever delivered here, so nothing settles

    def queued_for(self, member: Member, *, limit: int) -> Sequence[QueuedMessage]:
        queued = [
            QueuedMessage(kind=kind, about=queued_about(row.key), due_at=row.not_before)
            for row in self._state.outbox.values()
            for kind, to in [_reaches(row.effect)]
            if member in to
        ]
        return sorted(queued, key=lambda q: q.due_at)[:limit]

    def take_undelivered(self, member: Member) -> int:
        return self._state.undelivered.pop(member, 0)


def _reaches(effect: Effect) -> tuple[str, tuple[Member, ...]]:
    match effect:
        case DirectMessage(to, _):
            return "dm", (to,)
        case GroupIntro(members, _, _):
            return "group", members
        case _:
            return "post", ()


# --- the unit of work -------------------------------------------------------------------------


class InMemoryUnitOfWork:
    """One transaction over the factory's shared state."""

    def __init__(self, store: InMemoryStore) -> None:
        self._store = store
        self._state: StoreState | None = None
        # Typed as the ports, so that mypy checks this class really is a `UnitOfWork`.
        self.profiles: ProfileRepository = InMemoryProfiles(self)
        self.contacts: ContactRepository = InMemoryContacts(self)
        self.meetings: MeetingRepository = InMemoryMeetings(self)
        self.notes: NoteRepository = InMemoryNotes(self)
        self.promises: PromiseRepository = InMemoryPromises(self)
        self.cadences: CadenceRepository = InMemoryCadences(self)
        self.ledger: LedgerRepository = InMemoryLedger(self)
        self.channel_prompts: ChannelPromptRepository = InMemoryChannelPrompts(self)
        self.intros: IntroRepository = fakes_intros.InMemoryIntros(self)
        self.blocks: BlockRepository = fakes_intros.InMemoryBlocks(self)
        self.pairing: PairingRepository = fakes_intros.InMemoryPairing(self)
        self.usage: UsageRepository = InMemoryUsage(self)
        self.outbox: Outbox = InMemoryOutbox(self)
        self.events: EventRepository = fakes_events.InMemoryEvents(self)
        self.event_followups: EventFollowUpRepository = (
            fakes_event_followups.InMemoryEventFollowUps(self)
        )
        self.requests: RequestLog = InMemoryRequests(self)

    @property
    def state(self) -> StoreState:
        if self._state is None:
            raise RuntimeError("use the unit of work inside `with uow:`")
        return self._state

    def __enter__(self) -> InMemoryUnitOfWork:
        if self._state is not None:
            raise RuntimeError("unit of work entered twice")
        self._state = self._store.state.copy()
        for name, error in self._store.broken.items():
            owner, _, method = name.rpartition(".")
            setattr(getattr(self, owner) if owner else self, method, _raiser(error))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._state = None  # uncommitted changes are dropped with the copy

    def commit(self) -> None:
        state = self.state
        self._store.state = state
        self._store.commits += 1
        self._state = state.copy()  # later changes in the same block need another commit

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        saved = self.state.copy()
        try:
            yield
        except BaseException:
            self._state = saved
            raise

    def due_kinds(self, checks: Sequence[DueCheck]) -> frozenset[DueKind]:
        # Every kind asked, which the port allows: the jobs' own queries find what is due.
        return frozenset(check.kind for check in checks)

    def erase_member(self, member: Member) -> None:
        state = self.state
        per_member: tuple[dict[Member, Any], ...] = (
            state.profiles,
            state.first_used,
            state.profile_updated,
            state.digest_due,
            state.undelivered,
        )
        for by_member in per_member:
            by_member.pop(member, None)
        for table in (
            state.contacts,
            state.meetings,
            state.notes,
            state.promises,
            state.cadences,
            state.ledger,
            state.usage_marks,
        ):
            for row_id in [row_id for row_id, row in table.items() if row.owner == member]:
                del table[row_id]
        for contact in list(state.contacts.values()):
            if contact.member == member:
                state.contacts[contact.id] = replace(
                    contact, member_user_id=None, name=FORMER_MEMBER
                )
        for meeting in list(state.meetings.values()):
            if meeting.quotes == member:
                state.meetings[meeting.id] = replace(
                    meeting, context=FORMER_INTRODUCER, quoted_user_id=None
                )
        for key in [k for k, row in state.outbox.items() if member in effect_members(row.effect)]:
            del state.outbox[key]
        fakes_intros.erase_member(state, member)
        fakes_event_followups.erase_member(state, member)
        fakes_events.erase_member(state, member)

    def erase_workspace(self, workspace: Workspace) -> None:
        state = self.state
        per_member: tuple[dict[Member, Any], ...] = (
            state.profiles,
            state.first_used,
            state.profile_updated,
            state.digest_due,
            state.undelivered,
        )
        for by_member in per_member:
            for member in [m for m in by_member if m.workspace == workspace]:
                del by_member[member]
        for prompt_id in [
            i for i, p in state.channel_prompts.items() if p.channel.workspace == workspace
        ]:
            del state.channel_prompts[prompt_id]
        fakes_intros.erase_workspace(state, workspace)
        fakes_event_followups.erase_workspace(state, workspace)
        fakes_events.erase_workspace(state, workspace)
        for table in (
            state.contacts,
            state.meetings,
            state.notes,
            state.promises,
            state.cadences,
            state.ledger,
            state.usage_marks,
        ):
            for row_id in [i for i, row in table.items() if row.owner.workspace == workspace]:
                del table[row_id]
        for key in [
            k for k, row in state.outbox.items() if effect_workspace(row.effect) == workspace
        ]:
            del state.outbox[key]


def _raiser(error: Callable[[], Exception]) -> Callable[..., Any]:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise error()

    return fail


class InMemoryStore:
    """The unit-of-work factory: holds the committed state every unit of work starts from."""

    def __init__(self) -> None:
        self.state = StoreState()
        self.commits = 0
        self.broken: dict[str, Callable[[], Exception]] = {}

    def __call__(self) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self)

    def break_on(self, method: str, error: Callable[[], Exception] = RuntimeError) -> None:
        """Make a store method raise until `repair()`: "ledger.add", "commit", "erase_member"."""
        owner, _, name = method.rpartition(".")
        uow = InMemoryUnitOfWork(self)
        if not callable(getattr(getattr(uow, owner) if owner else uow, name, None)):
            raise AttributeError(f"no store method {method!r}")
        self.broken[method] = error

    def repair(self) -> None:
        self.broken.clear()

    # -- inspection --------------------------------------------------------------------------

    def snapshot(self) -> StoreState:
        """A copy of the committed state, to compare before and after a command."""
        return self.state.copy()

    @property
    def outbox(self) -> list[OutboxRow]:
        """Everything queued, in the order it was queued."""
        return sorted(self.state.outbox.values(), key=lambda row: row.queued_at)

    def dms_to(self, member: Member) -> list[OutboxRow]:
        return [
            row
            for row in self.outbox
            if isinstance(row.effect, DirectMessage) and row.effect.to == member
        ]

    def profile(self, member: Member) -> Profile | None:
        return self.state.profiles.get(member)

    def rows(self, table: str, owner: Member | None = None) -> list[Any]:
        """The committed records of one table, optionally one owner's, in id order."""
        records: dict[int, Any] = getattr(self.state, table)
        return [r for _, r in sorted(records.items()) if owner is None or r.owner == owner]

    def records_of(self, member: Member) -> Iterator[Any]:
        """Every committed record that belongs to a member, whatever the table."""
        if member in self.state.profiles:
            yield self.state.profiles[member]
        tables = ("contacts", "meetings", "notes", "promises", "cadences", "ledger", "usage_marks")
        for table in tables:
            yield from self.rows(table, member)
        yield from fakes_intros.records_of(self.state, member)
        yield from fakes_events.records_of(self.state, member)
        yield from fakes_event_followups.records_of(self.state, member)


def _is_a_unit_of_work_factory(store: InMemoryStore) -> UnitOfWorkFactory:
    return store  # mypy checks the fake against the ports here
