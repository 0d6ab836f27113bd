"""Slack event ids already applied, so Slack's retries of an event are dropped.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

slack-sdk's own OAuth tables are created by slack-sdk (`create_tables()`), not here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slack_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=100), nullable=False),
        sa.Column("workspace_id", sa.String(length=100), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slack_events")),
        sa.UniqueConstraint("event_id", name=op.f("uq_slack_events_event_id")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_slack_events_received_at", "slack_events", ["received_at"], unique=False)


def downgrade() -> None:
    op.drop_table("slack_events")
