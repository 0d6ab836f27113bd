"""Open promises written straight into the tables, for the benchmarks that need many stored."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from bot.app import build
from bot.config import Settings
from bot.core.promises import words_key
from bot.store.models import ContactRow, PromiseRow

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def seed_promises(
    database_url: str,
    *,
    platform: str,
    workspace_id: str,
    owners: Sequence[str],
    per_member: int,
) -> None:
    """`per_member` open promises for each of `owners`, each to a contact of their own."""
    buddy = build(Settings(database_url=database_url))
    common = {"platform": platform, "workspace_id": workspace_id}
    contacts = [
        common
        | {
            "id": m + 1,
            "owner_id": owner,
            "name": f"friend of {m}",
            "name_key": f"friend of {m}",
            "member_user_id": None,
            "created_at": NOW,
            "last_touch_at": NOW,
        }
        for m, owner in enumerate(owners)
    ]
    promises = [
        common
        | {
            "owner_id": owner,
            "contact_id": m + 1,
            "what": f"thing {n} for {m}",
            "words_key": words_key(f"thing {n} for {m}"),
            "number": n,
            "status": "open",
            "created_at": NOW,
            "due_at": NOW + timedelta(days=n),
            "remind_at": NOW + timedelta(days=n),
            "heads_up_at": None,
            "snoozes": 0,
        }
        for m, owner in enumerate(owners)
        for n in range(1, per_member + 1)
    ]
    with buddy.engine.begin() as connection:
        connection.execute(insert(ContactRow), contacts)
        connection.execute(insert(PromiseRow), promises)
    buddy.engine.dispose()
