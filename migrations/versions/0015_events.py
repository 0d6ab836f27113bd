"""Events members choose to attend.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03

`events`: announced in a channel, numbered per workspace. `event_rsvps`: one answer per member
and event (going, maybe, no, waiting). `anchored_posts`: the platform's reference of a channel
post that later posts edit in place (an event's live counts).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(length=100)
SHORT = sa.String(length=20)


def _where(condition: str) -> dict[str, sa.TextClause]:
    return {"sqlite_where": sa.text(condition), "postgresql_where": sa.text(condition)}


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", SHORT, nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("channel_id", ID, nullable=False),
        sa.Column("creator_id", ID, nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("day_before_at", sa.DateTime(), nullable=True),
        sa.Column("hour_before_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint(
            "platform",
            "workspace_id",
            "number",
            name=op.f("uq_events_platform_workspace_id_number"),
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_events_channel", "events", ["platform", "workspace_id", "channel_id", "starts_at"]
    )
    op.create_index("ix_events_creator", "events", ["platform", "workspace_id", "creator_id"])
    for column in ("day_before_at", "hour_before_at"):
        op.create_index(
            f"ix_events_{column}_due", "events", [column], **_where(f"{column} IS NOT NULL")
        )
    op.create_table(
        "event_rsvps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("platform", SHORT, nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("answer", SHORT, nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=False),
        sa.Column("suggest", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.CheckConstraint(
            "answer IN ('going', 'maybe', 'no', 'waiting')", name=op.f("ck_event_rsvps_answer")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_rsvps_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_rsvps")),
        sa.UniqueConstraint(
            "event_id", "member_id", name=op.f("uq_event_rsvps_event_id_member_id")
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_event_rsvps_member", "event_rsvps", ["platform", "workspace_id", "member_id"]
    )
    op.create_table(
        "anchored_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", SHORT, nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("channel_id", ID, nullable=False),
        sa.Column("anchor", sa.String(length=200), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_anchored_posts")),
        sa.UniqueConstraint(
            "platform",
            "workspace_id",
            "anchor",
            name=op.f("uq_anchored_posts_platform_workspace_id_anchor"),
        ),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("anchored_posts")
    op.drop_index("ix_event_rsvps_member", table_name="event_rsvps")
    op.drop_table("event_rsvps")
    op.drop_index("ix_events_hour_before_at_due", table_name="events")
    op.drop_index("ix_events_day_before_at_due", table_name="events")
    op.drop_index("ix_events_creator", table_name="events")
    op.drop_index("ix_events_channel", table_name="events")
    op.drop_table("events")
