"""The last change to a promise, kept so that `undo` can take it back.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

`undo` takes back a member's last done, drop, snooze or edit within ten minutes: the promise
remembers what it was before that change (its text and times, and the give a `done` logged).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    ("undo_action", sa.String(length=20)),
    ("undo_at", sa.DateTime()),
    ("undo_what", sa.Text()),
    ("undo_due_at", sa.DateTime()),
    ("undo_remind_at", sa.DateTime()),
    ("undo_heads_up_at", sa.DateTime()),
    ("undo_give_id", sa.Integer()),
)


def upgrade() -> None:
    with op.batch_alter_table("promises") as batch:
        for name, type_ in _COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("promises") as batch:
        for name, _ in reversed(_COLUMNS):
            batch.drop_column(name)
