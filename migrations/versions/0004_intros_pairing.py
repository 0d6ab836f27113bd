"""Introductions, blocks, and pairing rounds (channels, members, rounds, groups, seats).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(length=100)
SHORT = sa.String(length=20)


def _where(condition: str) -> dict[str, sa.TextClause]:
    return {"sqlite_where": sa.text(condition), "postgresql_where": sa.text(condition)}


def upgrade() -> None:
    op.create_table(
        "intros",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", SHORT, nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("introducer_id", ID, nullable=False),
        sa.Column("a_id", ID, nullable=False),
        sa.Column("b_id", ID, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("channel_id", ID, nullable=True),
        sa.Column("status", SHORT, nullable=False),
        sa.Column("a_answer", SHORT, nullable=True),
        sa.Column("b_answer", SHORT, nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("notice_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("a_answer IN ('accepted', 'declined')", name=op.f("ck_intros_a_answer")),
        sa.CheckConstraint("b_answer IN ('accepted', 'declined')", name=op.f("ck_intros_b_answer")),
        sa.CheckConstraint(
            "status IN ('pending', 'made', 'declined', 'expired')", name=op.f("ck_intros_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intros")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_intros_a", "intros", ["platform", "workspace_id", "a_id", "b_id"])
    op.create_index("ix_intros_b", "intros", ["platform", "workspace_id", "b_id"])
    op.create_index("ix_intros_introducer", "intros", ["platform", "workspace_id", "introducer_id"])
    op.create_index(
        "ix_intros_notice_at_due", "intros", ["notice_at"], **_where("notice_at IS NOT NULL")
    )

    op.create_table(
        "member_blocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", SHORT, nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("owner_id", ID, nullable=False),
        sa.Column("blocked_id", ID, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_blocks")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_member_blocks_blocked", "member_blocks", ["platform", "workspace_id", "blocked_id"]
    )
    op.create_index(
        "uq_member_blocks_owner_blocked",
        "member_blocks",
        ["platform", "workspace_id", "owner_id", "blocked_id"],
        unique=True,
    )

    op.create_table(
        "pairing_channels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", SHORT, nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("channel_id", ID, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("every_weeks", sa.Integer(), nullable=False),
        sa.Column("group_size", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(length=5), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("repeat_window", sa.Integer(), nullable=False),
        sa.Column("organiser_id", ID, nullable=True),
        sa.Column("next_round_at", sa.DateTime(), nullable=True),
        sa.Column("heads_up_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairing_channels")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_pairing_channels_heads_up_at", "pairing_channels", ["heads_up_at"])
    op.create_index("ix_pairing_channels_next_round_at", "pairing_channels", ["next_round_at"])
    op.create_index(
        "uq_pairing_channels_channel",
        "pairing_channels",
        ["platform", "workspace_id", "channel_id"],
        unique=True,
    )

    op.create_table(
        "pairing_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", SHORT, nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("channel_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("state", SHORT, nullable=False),
        sa.Column("paused_until", sa.DateTime(), nullable=True),
        sa.Column("skip_round_at", sa.DateTime(), nullable=True),
        sa.Column("silent_rounds", sa.Integer(), nullable=False),
        sa.Column("joined_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "state IN ('active', 'paused', 'left')", name=op.f("ck_pairing_members_state")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairing_members")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_pairing_members_user", "pairing_members", ["platform", "workspace_id", "user_id"]
    )
    op.create_index(
        "uq_pairing_members_channel_user",
        "pairing_members",
        ["platform", "workspace_id", "channel_id", "user_id"],
        unique=True,
    )

    op.create_table(
        "pairing_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", SHORT, nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("channel_id", ID, nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("checkin_at", sa.DateTime(), nullable=True),
        sa.Column("group_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairing_rounds")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_pairing_rounds_checkin_at", "pairing_rounds", ["checkin_at"])
    op.create_index(
        "uq_pairing_rounds_number",
        "pairing_rounds",
        ["platform", "workspace_id", "channel_id", "number"],
        unique=True,
    )

    op.create_table(
        "pairing_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("met_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["pairing_rounds.id"],
            name=op.f("fk_pairing_groups_round_id_pairing_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairing_groups")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_pairing_groups_round_id", "pairing_groups", ["round_id"])

    op.create_table(
        "pairing_seats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("platform", SHORT, nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("answer", SHORT, nullable=True),
        sa.CheckConstraint(
            "answer IN ('yes', 'not_yet', 'skip')", name=op.f("ck_pairing_seats_answer")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["pairing_groups.id"],
            name=op.f("fk_pairing_seats_group_id_pairing_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairing_seats")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_pairing_seats_group_id", "pairing_seats", ["group_id"])
    op.create_index("ix_pairing_seats_round_id", "pairing_seats", ["round_id"])
    op.create_index(
        "ix_pairing_seats_user", "pairing_seats", ["platform", "workspace_id", "user_id"]
    )


def downgrade() -> None:
    for table in (
        "pairing_seats",
        "pairing_groups",
        "pairing_rounds",
        "pairing_members",
        "pairing_channels",
        "member_blocks",
        "intros",
    ):
        op.drop_table(table)
