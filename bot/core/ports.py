"""The ports the core needs from the outside: storage (a unit of work) and outbound messaging."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import TracebackType
from typing import Protocol

from bot.core.effects import Effect
from bot.core.identity import Channel, Member, Workspace
from bot.core.message import Message
from bot.core.records import (
    Cadence,
    Contact,
    LedgerEntry,
    LedgerKind,
    Meeting,
    Note,
    Profile,
    Promise,
)


class ProfileRepository(Protocol):
    def get(self, member: Member) -> Profile | None: ...
    def save(self, profile: Profile, *, now: datetime) -> None:
        """Insert or update; also marks the member as someone who has used the bot."""
        ...


class ContactRepository(Protocol):
    def get(self, owner: Member, contact_id: int) -> Contact | None: ...
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
    ) -> Meeting: ...
    def list(self, owner: Member) -> Sequence[Meeting]:
        """Newest first."""
        ...

    def clear_follow_ups(self, owner: Member, contact_id: int) -> None:
        """The member followed up with this contact: no nudge is owed any more."""
        ...


class NoteRepository(Protocol):
    def add(self, *, owner: Member, contact_id: int, text: str, now: datetime) -> Note: ...
    def list(self, owner: Member) -> Sequence[Note]:
        """Oldest first."""
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
    def list_open(self, owner: Member) -> Sequence[Promise]:
        """Soonest due first, undated ones last."""
        ...

    def list_all(self, owner: Member) -> Sequence[Promise]: ...


class CadenceRepository(Protocol):
    def get(self, owner: Member, contact_id: int) -> Cadence | None: ...
    def add(
        self, *, owner: Member, contact_id: int, every_days: int, due_at: datetime
    ) -> Cadence: ...
    def save(self, cadence: Cadence) -> None: ...
    def delete(self, owner: Member, contact_id: int) -> None: ...
    def list(self, owner: Member) -> Sequence[Cadence]: ...


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
    def list(self, owner: Member) -> Sequence[LedgerEntry]:
        """Oldest first."""
        ...

    def count(self, owner: Member, kind: LedgerKind, *, since: datetime | None = None) -> int: ...


class Outbox(Protocol):
    def add(self, effect: Effect, *, key: str, now: datetime, not_before: datetime) -> bool:
        """Queue an effect once per idempotency key; False when the key was already queued."""
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
    outbox: Outbox

    def erase_member(self, member: Member) -> None:
        """Delete the member's own records and unlink them from other members' contacts."""
        ...

    def erase_workspace(self, workspace: Workspace) -> None: ...
    def commit(self) -> None: ...
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


@dataclass(frozen=True)
class OutboxEntry:
    """A row of the outbox as operators see it (`buddy outbox`)."""

    id: int
    key: str
    kind: str
    platform: str
    workspace_id: str
    recipient: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None


class OutboxQueue(Protocol):
    """The delivery side of the outbox: claim due messages, then settle each one."""

    def claim_due(
        self, *, platforms: Sequence[str], now: datetime, limit: int, lease: timedelta
    ) -> Sequence[OutboxItem]:
        """Pending messages for these platforms due by `now`, oldest first.

        At most the first pending message per recipient, so messages to one recipient go out
        in order; claimed for `lease`, so no other worker takes them, and free again by
        themselves if this worker dies.
        """
        ...

    def mark_sent(self, item_id: int, *, now: datetime) -> None: ...
    def retry_at(self, item_id: int, *, at: datetime, error: str, failed: bool) -> None:
        """Release the message until `at`; `failed` counts the attempt (a rate limit does not)."""
        ...

    def mark_dead(self, item_id: int, *, now: datetime, error: str) -> None:
        """Give up: recorded and visible, never retried."""
        ...

    def entries(self, *, statuses: Sequence[str], limit: int) -> Sequence[OutboxEntry]: ...


class Messenger(Protocol):
    """The outbound port each platform implements; errors are `DeliveryError`s."""

    async def send_dm(self, member: Member, message: Message) -> None: ...
    async def post(self, channel: Channel, message: Message) -> None: ...
    async def open_group(
        self, members: Sequence[Member], *, near: Channel | None
    ) -> Channel | None:
        """A private group conversation (or a private thread `near` a channel), or None where
        the platform can make neither: the message then goes to each member by DM."""
        ...
