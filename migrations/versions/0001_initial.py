"""The initial schema: workspaces, the private records of each member, and the outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-26

Times are naive UTC `DateTime`s and times of day "HH:MM" strings: see bot/store/types.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("workspace_id", sa.String(length=100), nullable=False),
        sa.Column("owner_id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_key", sa.Text(), nullable=False),
        sa.Column("member_user_id", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_touch_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_contacts_member",
        "contacts",
        ["platform", "workspace_id", "member_user_id"],
        unique=False,
    )
    op.create_index(
        "ix_contacts_owner",
        "contacts",
        ["platform", "workspace_id", "owner_id", "last_touch_at"],
        unique=False,
    )

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("workspace_id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("recipient", sa.String(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("not_before", sa.DateTime(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("status", sa.String(length=20), server_default="pending", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("kind IN ('dm', 'post', 'group')", name=op.f("ck_outbox_kind")),
        sa.CheckConstraint("status IN ('pending', 'sent', 'dead')", name=op.f("ck_outbox_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbox_idempotency_key")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_outbox_due", "outbox", ["status", "next_attempt_at"], unique=False)
    op.create_index(
        "ix_outbox_recipient",
        "outbox",
        ["platform", "workspace_id", "recipient", "id"],
        unique=False,
    )

    op.create_table(
        "profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("workspace_id", sa.String(length=100), nullable=False),
        sa.Column("owner_id", sa.String(length=100), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("timezone_chosen", sa.Boolean(), nullable=False),
        sa.Column("quiet_start", sa.String(length=5), nullable=True),
        sa.Column("quiet_end", sa.String(length=5), nullable=True),
        sa.Column("digest_weekday", sa.Integer(), nullable=False),
        sa.Column("digest_time", sa.String(length=5), nullable=False),
        sa.Column("paused_until", sa.DateTime(), nullable=True),
        sa.Column("open_to_intros", sa.Boolean(), nullable=False),
        sa.Column("offer", sa.Text(), nullable=False),
        sa.Column("looking_for", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profiles")),
        sa.UniqueConstraint(
            "platform",
            "workspace_id",
            "owner_id",
            name=op.f("uq_profiles_platform_workspace_id_owner_id"),
        ),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "workspaces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("workspace_id", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workspaces")),
        sa.UniqueConstraint(
            "platform", "workspace_id", name=op.f("uq_workspaces_platform_workspace_id")
        ),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "cadences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("workspace_id", sa.String(length=100), nullable=False),
        sa.Column("owner_id", sa.String(length=100), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("every_days", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_cadences_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cadences")),
        sa.UniqueConstraint(
            "platform",
            "workspace_id",
            "owner_id",
            "contact_id",
            name=op.f("uq_cadences_platform_workspace_id_owner_id_contact_id"),
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_cadences_due_at", "cadences", ["due_at"], unique=False)

    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("workspace_id", sa.String(length=100), nullable=False),
        sa.Column("owner_id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('give', 'ask')", name=op.f("ck_ledger_entries_kind")),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_ledger_entries_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_ledger_entries_owner",
        "ledger_entries",
        ["platform", "workspace_id", "owner_id", "kind", "at"],
        unique=False,
    )

    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("workspace_id", sa.String(length=100), nullable=False),
        sa.Column("owner_id", sa.String(length=100), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("met_at", sa.DateTime(), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("follow_up_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_meetings_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_meetings_follow_up_at_due",
        "meetings",
        ["follow_up_at"],
        unique=False,
        sqlite_where=sa.text("follow_up_at IS NOT NULL"),
        postgresql_where=sa.text("follow_up_at IS NOT NULL"),
    )
    op.create_index(
        "ix_meetings_owner",
        "meetings",
        ["platform", "workspace_id", "owner_id", "contact_id"],
        unique=False,
    )

    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("workspace_id", sa.String(length=100), nullable=False),
        sa.Column("owner_id", sa.String(length=100), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_notes_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_notes_owner",
        "notes",
        ["platform", "workspace_id", "owner_id", "contact_id"],
        unique=False,
    )

    op.create_table(
        "promises",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("workspace_id", sa.String(length=100), nullable=False),
        sa.Column("owner_id", sa.String(length=100), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=True),
        sa.Column("remind_at", sa.DateTime(), nullable=True),
        sa.Column("heads_up_at", sa.DateTime(), nullable=True),
        sa.Column("snoozes", sa.Integer(), server_default="0", nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'done', 'dropped')", name=op.f("ck_promises_status")
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_promises_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promises")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_promises_heads_up_at_due",
        "promises",
        ["heads_up_at"],
        unique=False,
        sqlite_where=sa.text("status = 'open' AND heads_up_at IS NOT NULL"),
        postgresql_where=sa.text("status = 'open' AND heads_up_at IS NOT NULL"),
    )
    op.create_index(
        "ix_promises_owner",
        "promises",
        ["platform", "workspace_id", "owner_id", "status"],
        unique=False,
    )
    op.create_index(
        "ix_promises_remind_at_due",
        "promises",
        ["remind_at"],
        unique=False,
        sqlite_where=sa.text("status = 'open' AND remind_at IS NOT NULL"),
        postgresql_where=sa.text("status = 'open' AND remind_at IS NOT NULL"),
    )
    op.create_index(
        "uq_promises_open_number",
        "promises",
        ["platform", "workspace_id", "owner_id", "number"],
        unique=True,
        sqlite_where=sa.text("status = 'open'"),
        postgresql_where=sa.text("status = 'open'"),
    )


def downgrade() -> None:
    # Dropping a table drops its indexes; children before the contacts they point at.
    for table in (
        "promises",
        "notes",
        "meetings",
        "ledger_entries",
        "cadences",
        "workspaces",
        "profiles",
        "outbox",
        "contacts",
    ):
        op.drop_table(table)
