"""Whether the platform says a member is an organiser, as it last said with a command or press.

Revision ID: 0022
Revises: 0020
Create Date: 2026-12-03

A dashboard link is checked against it when opened, not only when it was issued: a link of
someone no longer an organiser gets a 403 page saying so.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("profiles") as batch:
        batch.add_column(
            sa.Column("organiser", sa.Boolean(), server_default=sa.text("false"), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("profiles") as batch:
        batch.drop_column("organiser")
