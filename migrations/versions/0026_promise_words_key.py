"""A fingerprint of each promise's words, so an open repeat is found from an index.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03

`promise` warns when the member already has an open promise to that person in the same words.
It read every open promise to that person to find one; now it looks up the fingerprint
(`bot.core.promises.words_key`) in a partial index of open promises. Existing rows are given
theirs here, batch by batch.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000
OPEN = "status = 'open'"


def upgrade() -> None:
    with op.batch_alter_table("promises") as batch:
        batch.add_column(
            sa.Column(
                "words_key", sa.String(length=16), server_default=sa.text("''"), nullable=False
            )
        )
    _fill_words_keys(op.get_bind())
    op.create_index(
        "ix_promises_open_words",
        "promises",
        ["platform", "workspace_id", "owner_id", "contact_id", "words_key"],
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )


def _fill_words_keys(connection: sa.Connection) -> None:
    """Every existing promise's fingerprint, by id order, a batch at a time."""
    after = 0
    while rows := connection.execute(
        sa.text("SELECT id, what FROM promises WHERE id > :after ORDER BY id LIMIT :batch"),
        {"after": after, "batch": BATCH},
    ).all():
        connection.execute(
            sa.text("UPDATE promises SET words_key = :key WHERE id = :id"),
            [{"id": row_id, "key": _words_key(what)} for row_id, what in rows],
        )
        after = rows[-1][0]


def _words_key(what: str) -> str:
    """`bot.core.promises.words_key` as it was at this revision (a migration never changes)."""
    words = " ".join(what.casefold().split())
    return hashlib.blake2b(words.encode(), digest_size=8).hexdigest()


def downgrade() -> None:
    op.drop_index("ix_promises_open_words", table_name="promises")
    with op.batch_alter_table("promises") as batch:
        batch.drop_column("words_key")
