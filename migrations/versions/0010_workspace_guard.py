"""The Slack teams the bot serves: under which organisation and (single token) which token.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

When Slack says a token or an org-wide installation is gone, these rows say whose data to erase.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slack_teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=100), nullable=False),
        sa.Column("enterprise_id", sa.String(length=100), nullable=True),
        sa.Column("token_digest", sa.String(length=64), nullable=True),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slack_teams")),
        sa.UniqueConstraint("team_id", name=op.f("uq_slack_teams_team_id")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_slack_teams_enterprise_id", "slack_teams", ["enterprise_id"])
    op.create_index("ix_slack_teams_token_digest", "slack_teams", ["token_digest"])


def downgrade() -> None:
    op.drop_table("slack_teams")
