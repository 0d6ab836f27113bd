"""Rules about promises: short numbers, when to remind, and how one closes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta

from bot.core.policy import Policy
from bot.core.records import Promise, PromiseStatus


def next_free_number(taken: Iterable[int]) -> int:
    """The smallest positive number not used by the member's open promises."""
    used = set(taken)
    number = 1
    while number in used:
        number += 1
    return number


def heads_up_time(*, made_at: datetime, due_at: datetime, policy: Policy) -> datetime | None:
    """A day-before heads-up, only for promises due well after they were made."""
    if due_at - made_at <= policy.heads_up_threshold:
        return None
    return due_at - timedelta(days=1)


def closed(promise: Promise, *, status: PromiseStatus, now: datetime) -> Promise:
    """A promise kept (DONE) or dropped (DROPPED) at `now`: nothing left to remind about."""
    return replace(promise, status=status, closed_at=now, remind_at=None, heads_up_at=None)
