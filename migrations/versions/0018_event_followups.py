"""After and around an event: who each attendee met there, and people suggested to meet.

Revision ID: 0018
Revises: 0015
Create Date: 2026-12-03

`event_attendance`: a member going to an event, asked afterwards who they met (asked once; the
answer and the attendees they met). `event_suggestions`: two members who both asked for
suggestions, suggested to each other for an event.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(length=100)
SHORT = sa.String(length=20)


def _event_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["event_id"], ["events.id"], name=op.f(f"fk_{table}_event_id_events"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "event_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("platform", SHORT, nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("asked_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("met", sa.Text(), nullable=False),
        _event_fk("event_attendance"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_attendance")),
        sa.UniqueConstraint(
            "event_id", "member_id", name=op.f("uq_event_attendance_event_id_member_id")
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_event_attendance_member", "event_attendance", ["platform", "workspace_id", "member_id"]
    )
    op.create_table(
        "event_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("platform", SHORT, nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("a_id", ID, nullable=False),
        sa.Column("b_id", ID, nullable=False),
        sa.Column("made_at", sa.DateTime(), nullable=False),
        _event_fk("event_suggestions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_suggestions")),
        sa.UniqueConstraint(
            "event_id", "a_id", "b_id", name=op.f("uq_event_suggestions_event_id_a_id_b_id")
        ),
        sqlite_autoincrement=True,
    )
    for side in ("a", "b"):
        op.create_index(
            f"ix_event_suggestions_{side}",
            "event_suggestions",
            ["platform", "workspace_id", f"{side}_id"],
        )


def downgrade() -> None:
    op.drop_index("ix_event_suggestions_b", table_name="event_suggestions")
    op.drop_index("ix_event_suggestions_a", table_name="event_suggestions")
    op.drop_table("event_suggestions")
    op.drop_index("ix_event_attendance_member", table_name="event_attendance")
    op.drop_table("event_attendance")
