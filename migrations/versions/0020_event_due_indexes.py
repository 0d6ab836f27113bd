"""Indexes on events' start and end, for the ticker's probes of events starting or ended.

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_events_starts_at", "events", ["starts_at"])
    op.create_index("ix_events_ends_at", "events", ["ends_at"])


def downgrade() -> None:
    op.drop_index("ix_events_ends_at", table_name="events")
    op.drop_index("ix_events_starts_at", table_name="events")
