"""Tables for events: the events, members' answers, and the channel posts edited in place."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import ID, SHORT, Base, _due_index, _table_args
from bot.store.types import UTCDateTime


class EventRow(Base):
    """An event announced in a channel; `number` is what members type, stable per workspace."""

    __tablename__ = "events"
    __table_args__ = _table_args(
        UniqueConstraint("platform", "workspace_id", "number"),
        Index("ix_events_channel", "platform", "workspace_id", "channel_id", "starts_at"),
        Index("ix_events_creator", "platform", "workspace_id", "creator_id"),
        _due_index("events", "day_before_at", text("day_before_at IS NOT NULL")),
        _due_index("events", "hour_before_at", text("hour_before_at IS NOT NULL")),
        # The ticker's probes of events starting soon and ended lately (bot/store/due.py).
        Index("ix_events_starts_at", "starts_at"),
        Index("ix_events_ends_at", "ends_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(SHORT)
    workspace_id: Mapped[str] = mapped_column(ID)
    number: Mapped[int] = mapped_column(Integer)
    channel_id: Mapped[str] = mapped_column(ID)
    creator_id: Mapped[str] = mapped_column(ID)
    title: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(Text)
    seats: Mapped[int | None] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64))
    sequence: Mapped[int] = mapped_column(Integer)
    cancelled: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    day_before_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hour_before_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # As the platform named the channel when the event was announced or last edited there.
    channel_name: Mapped[str] = mapped_column(String(100), default="", server_default=text("''"))


class RsvpRow(Base):
    """One member's answer to one event: private to them (and the counts everyone sees)."""

    __tablename__ = "event_rsvps"
    __table_args__ = _table_args(
        CheckConstraint("answer IN ('going', 'maybe', 'no', 'waiting')", name="answer"),
        UniqueConstraint("event_id", "member_id"),
        Index("ix_event_rsvps_member", "platform", "workspace_id", "member_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(SHORT)
    workspace_id: Mapped[str] = mapped_column(ID)
    member_id: Mapped[str] = mapped_column(ID)
    answer: Mapped[str] = mapped_column(SHORT)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    suggest: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))


class AnchoredPostRow(Base):
    """The platform's reference of a post made under an anchor, so later posts edit it."""

    __tablename__ = "anchored_posts"
    __table_args__ = _table_args(UniqueConstraint("platform", "workspace_id", "anchor"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(SHORT)
    workspace_id: Mapped[str] = mapped_column(ID)
    channel_id: Mapped[str] = mapped_column(ID)
    anchor: Mapped[str] = mapped_column(String(200))
    ref: Mapped[str] = mapped_column(String(200))
