"""Due work the ticker finds: each profile's next digest, and channels' give-first prompts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # NULL = not scheduled yet: the digest job schedules it on its next tick.
    op.add_column("profiles", sa.Column("digest_due_at", sa.DateTime(), nullable=True))
    op.create_index("ix_profiles_digest_due_at", "profiles", ["digest_due_at"], unique=False)

    op.create_table(
        "channel_prompts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("workspace_id", sa.String(length=100), nullable=False),
        sa.Column("channel_id", sa.String(length=100), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("next_post_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_prompts")),
        sa.UniqueConstraint(
            "platform",
            "workspace_id",
            "channel_id",
            name=op.f("uq_channel_prompts_platform_workspace_id_channel_id"),
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_channel_prompts_next_post_at", "channel_prompts", ["next_post_at"], unique=False
    )


def downgrade() -> None:
    op.drop_table("channel_prompts")
    with op.batch_alter_table("profiles") as batch:
        batch.drop_index("ix_profiles_digest_due_at")
        batch.drop_column("digest_due_at")
