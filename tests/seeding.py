"""Rows written straight through the repositories, for tests that need many of them."""

from __future__ import annotations

from datetime import datetime

from bot.core.identity import Member
from bot.core.ports import UnitOfWork
from bot.core.records import Promise


def add_undated_promise(
    uow: UnitOfWork, *, owner: Member, contact_id: int, number: int, what: str, now: datetime
) -> Promise:
    """An open promise with no due time (so no reminder), as `promise` would make it."""
    return uow.promises.add(
        owner=owner,
        contact_id=contact_id,
        what=what,
        number=number,
        now=now,
        due_at=None,
        remind_at=None,
        heads_up_at=None,
    )
