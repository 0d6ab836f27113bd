"""Per-member limits: marks of rate-limited acts (asks posted per channel, exports).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "usage_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("workspace_id", sa.String(length=100), nullable=False),
        sa.Column("owner_id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("scope", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_marks")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_usage_marks_owner",
        "usage_marks",
        ["platform", "workspace_id", "owner_id", "kind", "scope", "at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_usage_marks_owner", table_name="usage_marks")
    op.drop_table("usage_marks")
