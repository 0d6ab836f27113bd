"""Outbox: claim-shaped indexes, and undelivered-DM notices for the member's next reply.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28

The old indexes led the claim to walk every sent row (600 ms per claim at 10^6 sent rows on
PostgreSQL); these keep it to the pending rows of one platform, and the per-recipient check to
that recipient's pending rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("notice_pending_since", sa.DateTime(), nullable=True))
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.drop_index("ix_outbox_recipient", table_name="outbox")
    op.create_index(
        "ix_outbox_due", "outbox", ["status", "platform", "next_attempt_at", "id"], unique=False
    )
    op.create_index(
        "ix_outbox_recipient",
        "outbox",
        ["platform", "workspace_id", "recipient", "status", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_recipient", table_name="outbox")
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.create_index("ix_outbox_due", "outbox", ["status", "next_attempt_at"], unique=False)
    op.create_index(
        "ix_outbox_recipient",
        "outbox",
        ["platform", "workspace_id", "recipient", "id"],
        unique=False,
    )
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("notice_pending_since")
