"""A member may turn the weekly digest off.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02

`profiles.digest_on`: false after `settings digest off`, when the digest job sends the member
nothing; on, as before, unless they turn it off. Their digest day and time are kept for when
they turn it back on.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "profiles",
        sa.Column("digest_on", sa.Boolean(), server_default=sa.text("true"), nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("profiles") as batch:
        batch.drop_column("digest_on")
