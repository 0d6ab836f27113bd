"""Tables for introductions, blocks and pairing rounds."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import ID, SHORT, Base, OwnedRow, _table_args, partial_index
from bot.store.types import TimeOfDay, UTCDateTime


class IntroRow(Base):
    """One double opt-in intro; which side declined is known here and nowhere else."""

    __tablename__ = "intros"
    __table_args__ = _table_args(
        CheckConstraint("status IN ('pending', 'made', 'declined', 'expired')", name="status"),
        CheckConstraint("a_answer IN ('accepted', 'declined')", name="a_answer"),
        CheckConstraint("b_answer IN ('accepted', 'declined')", name="b_answer"),
        Index("ix_intros_introducer", "platform", "workspace_id", "introducer_id"),
        # A pair is looked up both ways round; each side's index also serves erase_member.
        Index("ix_intros_a", "platform", "workspace_id", "a_id", "b_id"),
        Index("ix_intros_b", "platform", "workspace_id", "b_id"),
        partial_index("ix_intros_notice_at_due", "notice_at", where=text("notice_at IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(SHORT)
    workspace_id: Mapped[str] = mapped_column(ID)
    introducer_id: Mapped[str] = mapped_column(ID)
    a_id: Mapped[str] = mapped_column(ID)
    b_id: Mapped[str] = mapped_column(ID)
    reason: Mapped[str] = mapped_column(Text)
    channel_id: Mapped[str | None] = mapped_column(ID)
    status: Mapped[str] = mapped_column(SHORT)
    a_answer: Mapped[str | None] = mapped_column(SHORT)
    b_answer: Mapped[str | None] = mapped_column(SHORT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Nobody was asked: only the introducer may ever see this row.
    withheld: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))


class MemberBlockRow(OwnedRow):
    """Owned by the member who blocked: nobody else ever reads it."""

    __tablename__ = "member_blocks"
    __table_args__ = _table_args(
        Index(
            "uq_member_blocks_owner_blocked",
            "platform",
            "workspace_id",
            "owner_id",
            "blocked_id",
            unique=True,
        ),
        Index("ix_member_blocks_blocked", "platform", "workspace_id", "blocked_id"),
    )

    blocked_id: Mapped[str] = mapped_column(ID)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PairingChannelRow(Base):
    __tablename__ = "pairing_channels"
    __table_args__ = _table_args(
        Index("uq_pairing_channels_channel", "platform", "workspace_id", "channel_id", unique=True),
        Index("ix_pairing_channels_next_round_at", "next_round_at"),
        Index("ix_pairing_channels_heads_up_at", "heads_up_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(SHORT)
    workspace_id: Mapped[str] = mapped_column(ID)
    channel_id: Mapped[str] = mapped_column(ID)
    active: Mapped[bool] = mapped_column(Boolean)
    every_weeks: Mapped[int] = mapped_column(Integer)
    group_size: Mapped[int] = mapped_column(Integer)
    weekday: Mapped[int] = mapped_column(Integer)
    at: Mapped[time] = mapped_column(TimeOfDay)
    timezone: Mapped[str] = mapped_column(String(64))
    repeat_window: Mapped[int] = mapped_column(Integer)
    organiser_id: Mapped[str | None] = mapped_column(ID)
    next_round_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heads_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    channel_name: Mapped[str] = mapped_column(String(100), default="", server_default=text("''"))


class PairingMemberRow(Base):
    __tablename__ = "pairing_members"
    __table_args__ = _table_args(
        CheckConstraint("state IN ('active', 'paused', 'left')", name="state"),
        Index(
            "uq_pairing_members_channel_user",
            "platform",
            "workspace_id",
            "channel_id",
            "user_id",
            unique=True,
        ),
        Index("ix_pairing_members_user", "platform", "workspace_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(SHORT)
    workspace_id: Mapped[str] = mapped_column(ID)
    channel_id: Mapped[str] = mapped_column(ID)
    user_id: Mapped[str] = mapped_column(ID)
    state: Mapped[str] = mapped_column(SHORT)
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    skip_round_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    silent_rounds: Mapped[int] = mapped_column(Integer)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PairingRoundRow(Base):
    __tablename__ = "pairing_rounds"
    __table_args__ = _table_args(
        Index(
            "uq_pairing_rounds_number",
            "platform",
            "workspace_id",
            "channel_id",
            "number",
            unique=True,
        ),
        Index("ix_pairing_rounds_checkin_at", "checkin_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(SHORT)
    workspace_id: Mapped[str] = mapped_column(ID)
    channel_id: Mapped[str] = mapped_column(ID)
    number: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    checkin_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    group_count: Mapped[int] = mapped_column(Integer)


class PairingGroupRow(Base):
    __tablename__ = "pairing_groups"
    __table_args__ = _table_args(Index("ix_pairing_groups_round_id", "round_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("pairing_rounds.id", ondelete="CASCADE"))
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PairingSeatRow(Base):
    """A member's place in a group, and their check-in answer."""

    __tablename__ = "pairing_seats"
    __table_args__ = _table_args(
        CheckConstraint("answer IN ('yes', 'not_yet', 'skip')", name="answer"),
        Index("ix_pairing_seats_group_id", "group_id"),
        Index("ix_pairing_seats_round_id", "round_id"),
        Index("ix_pairing_seats_user", "platform", "workspace_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("pairing_groups.id", ondelete="CASCADE"))
    # Copied from the group's round, so a round's seats are read without joins.
    round_id: Mapped[int] = mapped_column(Integer)
    platform: Mapped[str] = mapped_column(SHORT)
    workspace_id: Mapped[str] = mapped_column(ID)
    user_id: Mapped[str] = mapped_column(ID)
    answer: Mapped[str | None] = mapped_column(SHORT)
