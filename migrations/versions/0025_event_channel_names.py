"""The name of an event's channel, and how many people from outside an attendee met there.

Revision ID: 0025
Revises: 0022
Create Date: 2026-12-03

The organisers' dashboard names a channel that has events but no pairing by the name the
platform gave it when an event was announced or edited there, never by its id. And "meetings
logged there" counts people from outside named after an event: a count per attendee, so no
typed name is stored anywhere new.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(
            sa.Column(
                "channel_name", sa.String(length=100), server_default=sa.text("''"), nullable=False
            )
        )
    with op.batch_alter_table("event_attendance") as batch:
        batch.add_column(
            sa.Column("outside", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("event_attendance") as batch:
        batch.drop_column("outside")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("channel_name")
