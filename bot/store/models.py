"""Declarative tables, one per core record; each private row is owned by one member."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.core.ports import OutboxStatus
from bot.store.types import TimeOfDay, UTCDateTime

# Deterministic constraint names, so migrations can refer to them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = String(100)  # platform ids (Slack "U123", Discord snowflakes, console names)
SHORT = String(20)  # enum-like values: platform, status, kind

OPEN = text("status = 'open'")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _table_args(*items: Any) -> tuple[Any, ...]:
    # AUTOINCREMENT: SQLite must never reuse a deleted row's id (PostgreSQL sequences never do),
    # or an old button carrying that id could act on a newer row.
    return (*items, {"sqlite_autoincrement": True})


def _owner_index(table: str, *more: str) -> Index:
    """Every private query starts with the owner: (platform, workspace_id, owner_id, ...)."""
    return Index(f"ix_{table}_owner", "platform", "workspace_id", "owner_id", *more)


def partial_index(name: str, *columns: str, where: Any, unique: bool = False) -> Index:
    """An index over only the rows matching `where`, on SQLite and PostgreSQL alike.

    Only SQLite's argument is named here: naming `postgresql_where` makes SQLAlchemy load its
    PostgreSQL dialect (to check the argument) in every process, SQLite ones too. The first
    PostgreSQL engine gives every partial index the same predicate (`add_postgresql_predicates`).
    """
    index = Index(name, *columns, unique=unique, sqlite_where=where)
    _PARTIAL_INDEXES.append(index)
    if _on_postgresql:
        _add_postgresql_predicate(index)
    return index


_PARTIAL_INDEXES: list[Index] = []
_on_postgresql = False


def add_postgresql_predicates() -> None:
    """Each partial index's predicate on PostgreSQL too, those of models defined later too."""
    global _on_postgresql  # set once per process, by make_engine
    if not _on_postgresql:
        _on_postgresql = True
        for index in _PARTIAL_INDEXES:
            _add_postgresql_predicate(index)


def _add_postgresql_predicate(index: Index) -> None:
    index.dialect_options["postgresql"]["where"] = index.dialect_options["sqlite"]["where"]


def _due_index(table: str, column: str, where: Any) -> Index:
    """A partial index over only the rows still due, so a tick costs O(due), not O(table)."""
    return partial_index(f"ix_{table}_{column}_due", column, where=where)


class OwnedRow(Base):
    """A private row: the id, then the three columns that say whose it is."""

    __abstract__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-4)
    platform: Mapped[str] = mapped_column(SHORT, sort_order=-3)
    workspace_id: Mapped[str] = mapped_column(ID, sort_order=-2)
    owner_id: Mapped[str] = mapped_column(ID, sort_order=-1)


def _contact_fk(*, nullable: bool = False) -> Mapped[Any]:
    return mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), nullable=nullable)


class WorkspaceRow(Base):
    __tablename__ = "workspaces"
    __table_args__ = _table_args(UniqueConstraint("platform", "workspace_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(SHORT)
    workspace_id: Mapped[str] = mapped_column(ID)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProfileRow(OwnedRow):
    __tablename__ = "profiles"
    __table_args__ = _table_args(
        UniqueConstraint("platform", "workspace_id", "owner_id"),
        Index("ix_profiles_digest_due_at", "digest_due_at"),
    )

    display_name: Mapped[str] = mapped_column(Text)
    timezone: Mapped[str] = mapped_column(String(64))
    timezone_chosen: Mapped[bool] = mapped_column(Boolean)
    quiet_start: Mapped[time | None] = mapped_column(TimeOfDay)
    quiet_end: Mapped[time | None] = mapped_column(TimeOfDay)
    digest_weekday: Mapped[int] = mapped_column(Integer)
    digest_time: Mapped[time] = mapped_column(TimeOfDay)
    # False: the digest job sends this member nothing (`settings digest off`).
    digest_on: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    open_to_intros: Mapped[bool] = mapped_column(Boolean)
    offer: Mapped[str] = mapped_column(Text)
    looking_for: Mapped[str] = mapped_column(Text)
    # False: offer / looking-for are never shown to others as a give idea.
    profile_visible: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=text("true")
    )
    # As the platform last said (bot/core/web_links.organiser): a dashboard link opens only then.
    organiser: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The next weekly digest; NULL until the digest job schedules it (see ProfileRepository.save).
    digest_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ContactRow(OwnedRow):
    __tablename__ = "contacts"
    __table_args__ = _table_args(
        _owner_index("contacts", "last_touch_at"),
        # erase_member unlinks a member from everyone else's contacts in the workspace.
        Index("ix_contacts_member", "platform", "workspace_id", "member_user_id"),
    )

    name: Mapped[str] = mapped_column(Text)
    # name.casefold(), for case-insensitive matching that is Unicode-correct on both databases
    # (SQLite's lower() and LIKE fold ASCII only).
    name_key: Mapped[str] = mapped_column(Text)
    member_user_id: Mapped[str | None] = mapped_column(ID)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_touch_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MeetingRow(OwnedRow):
    __tablename__ = "meetings"
    __table_args__ = _table_args(
        _owner_index("meetings", "contact_id"),
        _due_index("meetings", "follow_up_at", text("follow_up_at IS NOT NULL")),
        # erase_member finds the contexts that quote the erased member.
        partial_index(
            "ix_meetings_quoted",
            "platform",
            "workspace_id",
            "quoted_user_id",
            where=text("quoted_user_id IS NOT NULL"),
        ),
    )

    contact_id: Mapped[int] = _contact_fk()
    met_at: Mapped[datetime] = mapped_column(UTCDateTime)
    context: Mapped[str] = mapped_column(Text)
    follow_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Whose words the bot copied into `context` (an introducer's reason), if anyone's.
    quoted_user_id: Mapped[str | None] = mapped_column(ID)


class NoteRow(OwnedRow):
    __tablename__ = "notes"
    __table_args__ = _table_args(_owner_index("notes", "contact_id"))

    contact_id: Mapped[int] = _contact_fk()
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PromiseRow(OwnedRow):
    __tablename__ = "promises"
    __table_args__ = _table_args(
        CheckConstraint("status IN ('open', 'done', 'dropped')", name="status"),
        _owner_index("promises", "status"),
        # A promise's short number is unique among the member's open promises only.
        partial_index(
            "uq_promises_open_number",
            "platform",
            "workspace_id",
            "owner_id",
            "number",
            unique=True,
            where=OPEN,
        ),
        partial_index(
            "ix_promises_open_words",
            "platform",
            "workspace_id",
            "owner_id",
            "contact_id",
            "words_key",
            where=OPEN,
        ),
        _due_index("promises", "remind_at", text("status = 'open' AND remind_at IS NOT NULL")),
        _due_index("promises", "heads_up_at", text("status = 'open' AND heads_up_at IS NOT NULL")),
    )

    contact_id: Mapped[int] = _contact_fk()
    what: Mapped[str] = mapped_column(Text)
    # bot/core/promises.words_key(what): finds an open repeat without reading the others.
    words_key: Mapped[str] = mapped_column(String(16), server_default=text("''"))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(SHORT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heads_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    snoozes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last change `undo` may take back, and the promise as it was before it.
    undo_action: Mapped[str | None] = mapped_column(SHORT)
    undo_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undo_what: Mapped[str | None] = mapped_column(Text)
    undo_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undo_remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undo_heads_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undo_give_id: Mapped[int | None] = mapped_column(Integer)


class CadenceRow(OwnedRow):
    __tablename__ = "cadences"
    __table_args__ = _table_args(
        # One cadence per contact: the port looks it up by contact.
        UniqueConstraint("platform", "workspace_id", "owner_id", "contact_id"),
        Index("ix_cadences_due_at", "due_at"),
    )

    contact_id: Mapped[int] = _contact_fk()
    every_days: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LedgerEntryRow(OwnedRow):
    __tablename__ = "ledger_entries"
    __table_args__ = _table_args(
        CheckConstraint("kind IN ('give', 'ask')", name="kind"),
        _owner_index("ledger_entries", "kind", "at"),
    )

    kind: Mapped[str] = mapped_column(SHORT)
    what: Mapped[str] = mapped_column(Text)
    contact_id: Mapped[int | None] = _contact_fk(nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class ChannelPromptRow(Base):
    """A channel where an organiser turned give-first prompts on."""

    __tablename__ = "channel_prompts"
    __table_args__ = _table_args(
        UniqueConstraint("platform", "workspace_id", "channel_id"),
        Index("ix_channel_prompts_next_post_at", "next_post_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(SHORT)
    workspace_id: Mapped[str] = mapped_column(ID)
    channel_id: Mapped[str] = mapped_column(ID)
    weekday: Mapped[int] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64))
    next_post_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OutboxRow(Base):
    """A message to send, written in the same transaction as the change that caused it."""

    __tablename__ = "outbox"
    __table_args__ = _table_args(
        CheckConstraint("kind IN ('dm', 'post', 'group')", name="kind"),
        CheckConstraint("status IN ('pending', 'sent', 'dead')", name="status"),
        # The claim walks the pending rows of one platform in due order: O(claimed), however
        # many sent rows pile up behind them.
        Index("ix_outbox_due", "status", "platform", "next_attempt_at", "id"),
        # Per-recipient ordering (an earlier pending row holds later ones back), a member's
        # undelivered notices, and the erasures' deletes by workspace and recipient.
        Index("ix_outbox_recipient", "platform", "workspace_id", "recipient", "status", "id"),
        # The retention purge walks only the settled rows that still hold a payload.
        partial_index("ix_outbox_retained", "settled_at", where=text("payload IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    platform: Mapped[str] = mapped_column(SHORT)
    workspace_id: Mapped[str] = mapped_column(ID)
    kind: Mapped[str] = mapped_column(SHORT)
    recipient: Mapped[str] = mapped_column(String)
    # NULL once purged (sent or dead, after the retention period; an export once delivered).
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    status: Mapped[str] = mapped_column(
        SHORT, default=OutboxStatus.PENDING.value, server_default=OutboxStatus.PENDING.value
    )
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A DM that failed for good, not yet told to its recipient in a command reply.
    notice_pending_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the row became sent or dead: the retention period counts from here.
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A group's conversation (a group DM, a private thread), recorded when an attempt opened
    # it: a retry posts there instead of opening another.
    group_channel_id: Mapped[str | None] = mapped_column(ID)


class OutboxMemberRow(Base):
    """A member an outbox row reaches, mentions or quotes, recorded as it is queued, so that
    erasing the member finds every message about them, pending or kept."""

    __tablename__ = "outbox_members"
    __table_args__ = (Index("ix_outbox_members_member", "platform", "workspace_id", "user_id"),)

    outbox_id: Mapped[int] = mapped_column(
        ForeignKey("outbox.id", ondelete="CASCADE"), primary_key=True
    )
    platform: Mapped[str] = mapped_column(SHORT, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ID, primary_key=True)
    user_id: Mapped[str] = mapped_column(ID, primary_key=True)


class UsageMarkRow(OwnedRow):
    """One rate-limited act (an ask posted in a channel, an export); pruned as it ages out."""

    __tablename__ = "usage_marks"
    __table_args__ = _table_args(_owner_index("usage_marks", "kind", "scope", "at"))

    kind: Mapped[str] = mapped_column(SHORT)
    scope: Mapped[str] = mapped_column(ID)  # the channel for asks; "" when the limit is global
    at: Mapped[datetime] = mapped_column(UTCDateTime)


PRIVATE_TABLES: tuple[type[OwnedRow], ...] = (
    # Children before contacts, so deleting never depends on the cascade alone.
    MeetingRow,
    NoteRow,
    PromiseRow,
    CadenceRow,
    LedgerEntryRow,
    UsageMarkRow,
    ContactRow,
    ProfileRow,
)
