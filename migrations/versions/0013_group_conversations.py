"""The conversation an outbox group message opened, so a retry posts there again.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02

A retry after a restart used to open a second Discord thread for the same introduction; the
first attempt now records its thread (or Slack group DM) on the outbox row before posting.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("group_channel_id", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("group_channel_id")
