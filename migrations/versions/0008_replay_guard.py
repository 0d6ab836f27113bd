"""Signed Slack requests already run (hashed), so a replayed command or press runs once.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slack_requests",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("signed_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_slack_requests")),
    )
    op.create_index("ix_slack_requests_signed_at", "slack_requests", ["signed_at"], unique=False)


def downgrade() -> None:
    op.drop_table("slack_requests")
