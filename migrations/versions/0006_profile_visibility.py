"""Profile visibility and withheld intros.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

`profiles.profile_visible`: whether a member's offer / looking-for may be shown to others as a
give idea (`settings profile visible|hidden`); visible, as before, unless they hide it.
`intros.withheld`: an intro the bot will never make (a block, a pause, intros off, a recent
repeat), kept so the introducer sees it end like an unanswered one; nobody was asked.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "profiles",
        sa.Column("profile_visible", sa.Boolean(), server_default=sa.text("true"), nullable=False),
    )
    op.add_column(
        "intros",
        sa.Column("withheld", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("intros") as batch:
        batch.drop_column("withheld")
    with op.batch_alter_table("profiles") as batch:
        batch.drop_column("profile_visible")
