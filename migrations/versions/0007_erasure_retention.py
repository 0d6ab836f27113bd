"""Erasure and retention: who each outbox row is about, when it settled; quoted meeting contexts.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

`outbox_members` records every member a queued message reaches, mentions or quotes, so
`forget-me` finds the messages about a member; existing rows are filled in from their payloads.
`outbox.settled_at` starts the retention period after which a payload is purged (NULL).
`meetings.quoted_user_id` marks contexts the bot wrote from an introducer's reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(length=100)
SHORT = sa.String(length=20)
_BATCH = 1000


def _where(condition: str) -> dict[str, sa.TextClause]:
    return {"sqlite_where": sa.text(condition), "postgresql_where": sa.text(condition)}


def _members(data: Any) -> Iterator[tuple[str, str, str]]:
    """Every member a stored effect names: any {"platform", "workspace", "user"} object."""
    if isinstance(data, dict):
        if {"platform", "workspace", "user"} <= data.keys():
            yield str(data["platform"]), str(data["workspace"]), str(data["user"])
        for value in data.values():
            yield from _members(value)
    elif isinstance(data, list):
        for value in data:
            yield from _members(value)


def upgrade() -> None:
    # Rebuilt on SQLite: keep AUTOINCREMENT, so a deleted row's id is never reused.
    with op.batch_alter_table("outbox", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.alter_column("payload", existing_type=sa.JSON(), nullable=True)
        batch.add_column(sa.Column("settled_at", sa.DateTime(), nullable=True))
    op.create_index("ix_outbox_retained", "outbox", ["settled_at"], **_where("payload IS NOT NULL"))
    op.create_table(
        "outbox_members",
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("platform", SHORT, nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["outbox.id"],
            name=op.f("fk_outbox_members_outbox_id_outbox"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "outbox_id", "platform", "workspace_id", "user_id", name=op.f("pk_outbox_members")
        ),
    )
    op.create_index(
        "ix_outbox_members_member", "outbox_members", ["platform", "workspace_id", "user_id"]
    )
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("quoted_user_id", ID, nullable=True))
    op.create_index(
        "ix_meetings_quoted",
        "meetings",
        ["platform", "workspace_id", "quoted_user_id"],
        **_where("quoted_user_id IS NOT NULL"),
    )

    connection = op.get_bind()
    connection.execute(
        sa.text(
            "UPDATE outbox SET settled_at = COALESCE(sent_at, next_attempt_at)"
            " WHERE status <> 'pending'"
        )
    )
    _fill_outbox_members(connection)


def _fill_outbox_members(connection: sa.Connection) -> None:
    """Existing rows' members, read from their payloads batch by batch."""
    after = 0
    while True:
        rows = connection.execute(
            sa.text(
                "SELECT id, payload FROM outbox WHERE id > :after AND payload IS NOT NULL"
                " ORDER BY id LIMIT :n"
            ),
            {"after": after, "n": _BATCH},
        ).all()
        if not rows:
            return
        values = []
        for row_id, payload in rows:
            data = json.loads(payload) if isinstance(payload, str) else payload
            values += [
                {"outbox_id": row_id, "platform": p, "workspace_id": w, "user_id": u}
                for p, w, u in sorted(set(_members(data)))
            ]
        if values:
            connection.execute(
                sa.text(
                    "INSERT INTO outbox_members (outbox_id, platform, workspace_id, user_id)"
                    " VALUES (:outbox_id, :platform, :workspace_id, :user_id)"
                ),
                values,
            )
        after = rows[-1][0]


def downgrade() -> None:
    op.drop_index("ix_meetings_quoted", table_name="meetings")
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("quoted_user_id")
    op.drop_index("ix_outbox_members_member", table_name="outbox_members")
    op.drop_table("outbox_members")
    op.drop_index("ix_outbox_retained", table_name="outbox")
    # Purged payloads cannot come back: the rows that lost theirs go with the column's NULLs.
    op.execute("DELETE FROM outbox WHERE payload IS NULL")
    with op.batch_alter_table("outbox", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("settled_at")
        batch.alter_column("payload", existing_type=sa.JSON(), nullable=False)
