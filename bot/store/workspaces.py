"""Which workspaces the database holds anything for, so ones the bot has left can be erased."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.identity import Platform
from bot.store.schema import full_metadata


def stored_workspace_ids(session: Session, platform: Platform) -> set[str]:
    """Every workspace id of `platform` that any table keyed by platform and workspace holds."""
    ids: set[str] = set()
    for table in full_metadata().sorted_tables:
        if "platform" in table.c and "workspace_id" in table.c:
            ids.update(
                session.scalars(
                    select(table.c.workspace_id)
                    .where(table.c.platform == platform.value)
                    .distinct()
                )
            )
    return ids
