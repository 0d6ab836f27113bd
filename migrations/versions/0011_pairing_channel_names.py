"""The name a pairing channel had when pairing was turned on, for places no platform renders.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

A confirmed pairing meeting is logged in members' contacts as "paired in #name": the name, not
the platform's channel id, which no member can read.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pairing_channels") as batch:
        batch.add_column(
            sa.Column(
                "channel_name", sa.String(length=100), server_default=sa.text("''"), nullable=False
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("pairing_channels") as batch:
        batch.drop_column("channel_name")
