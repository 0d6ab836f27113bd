"""Tables for after and around an event: who each attendee met there, and suggested pairs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import ID, SHORT, Base, _table_args
from bot.store.types import UTCDateTime


class AttendanceRow(Base):
    """A member going to an event, asked afterwards who they met there (private to them)."""

    __tablename__ = "event_attendance"
    __table_args__ = _table_args(
        UniqueConstraint("event_id", "member_id"),
        Index("ix_event_attendance_member", "platform", "workspace_id", "member_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(SHORT)
    workspace_id: Mapped[str] = mapped_column(ID)
    member_id: Mapped[str] = mapped_column(ID)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    met: Mapped[str] = mapped_column(Text)  # user ids, space-separated
    # How many people from outside they said they met there: a count, never their names.
    outside: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))


class SuggestionRow(Base):
    """Two members who both asked, suggested to each other for an event (a sorts before b)."""

    __tablename__ = "event_suggestions"
    __table_args__ = _table_args(
        UniqueConstraint("event_id", "a_id", "b_id"),
        Index("ix_event_suggestions_a", "platform", "workspace_id", "a_id"),
        Index("ix_event_suggestions_b", "platform", "workspace_id", "b_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(SHORT)
    workspace_id: Mapped[str] = mapped_column(ID)
    a_id: Mapped[str] = mapped_column(ID)
    b_id: Mapped[str] = mapped_column(ID)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime)
